package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyResult;
import dev.remediate.core.ApplyResult.Status;
import dev.remediate.core.Guardrails;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Remediator;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Step;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * {@link ResizeInstance} on the emulator: a running t2.micro resized to t3.large through a saved
 * plan set; incompatible types refused before any stop; a fault on the type change compensated.
 */
@ExtendWith(AwsEmulatorExtension.class)
class ResizeInstanceTest {
  private AwsEmulator aws;
  private Ec2Client ec2;
  private String instanceId;

  @BeforeEach
  void instance(AwsEmulator aws) {
    this.aws = aws;
    ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    // an HVM x86_64 image, as t2 needs (the emulator's ami-12345678 is paravirtual)
    String image = ec2.describeImages(r -> r.filters(
            f -> f.name("virtualization-type").values("hvm"),
            f -> f.name("architecture").values("x86_64"))).images().get(0).imageId();
    instanceId = ec2.runInstances(r -> r.imageId(image).minCount(1).maxCount(1)
        .instanceType("t2.micro")).instances().get(0).instanceId();
  }

  private Remediator remediator() {
    return Remediator.builder().scope(aws.scope())
        .guardrails(Guardrails.custom().consentTo(Flag.DOWNTIME).build()).build();
  }

  private PlanSet planSaved(String type) {
    PlanSet plans = remediator().planSet(List.of(ResizeInstance.of(instanceId).toType(type)
        .build()));
    return PlanSet.fromJson(plans.toJson());
  }

  private Instance described() {
    return ec2.describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0)
        .instances().get(0);
  }

  private ApplyResult only(PlanSetResult result) {
    assertEquals(1, result.results().size(), result.toString());
    return result.results().get(0);
  }

  @Test
  void apply_changesTheType_withOneStopAndOneStart_andTheNextPlanIsEmpty() {
    PlanSet plans = planSaved("t2.large");
    Plan plan = plans.withChanges().get(0);
    assertEquals(List.of("CreateTags", "StopInstances", "ModifyInstanceAttribute",
        "StartInstances", "DeleteTags"), plan.steps().stream().map(Step::kind).toList());
    assertTrue(ResizeInstance.IAM_ACTIONS.containsAll(plan.iamActions()), plan.iamActions()
        .toString());
    assertEquals(RemediationCatalog.load().fromSpec(plan.remediation()),
        ResizeInstance.of(instanceId).toType("t2.large").build());

    aws.recorder().reset();
    ApplyResult result = only(remediator().apply(plans));

    assertEquals(Status.APPLIED, result.status(), result.detail());
    assertEquals(1, aws.recorder().count("StopInstances"), aws.recorder().toString());
    assertEquals(1, aws.recorder().count("StartInstances"), aws.recorder().toString());
    assertEquals(1, aws.recorder().count("ModifyInstanceAttribute"));
    assertEquals("t2.large", described().instanceTypeAsString());
    assertEquals("running", described().state().nameAsString());
    assertEquals(Map.of(), resizeTags());
    assertTrue(remediator().planSet(List.of(ResizeInstance.of(instanceId).toType("t2.large")
        .build())).withChanges().isEmpty());
  }

  @Test
  void typeFromTheOwnersTag_resizesToWhatItNames_andWithoutTheTagPlansNothing() {
    ResizeInstance fromTag = ResizeInstance.of(instanceId).toType(ResizeInstance.FROM_TAG).build();
    aws.recorder().reset();
    Plan untagged = remediator().plan(fromTag);
    assertEquals(List.of(), untagged.steps());
    assertTrue(untagged.skipped().get(0).reason().contains(ResizeInstance.RESIZE_TO_TAG),
        untagged.toText());
    assertEquals(1, aws.recorder().count("DescribeInstances"), aws.recorder().toString());
    assertEquals(0, aws.recorder().count("DescribeInstanceTypes"), "nothing to size");

    ec2.createTags(r -> r.resources(instanceId).tags(t -> t.key(ResizeInstance.RESIZE_TO_TAG)
        .value("t2.small")));
    aws.recorder().reset();
    PlanSet plans = PlanSet.fromJson(remediator().planSet(List.of(fromTag)).toJson());
    assertEquals(1, aws.recorder().count("DescribeInstances"), "the instance is read once");
    Plan plan = plans.withChanges().get(0);
    assertEquals("t2.small", plan.remediation().parameters().get("instanceType"),
        "the plan names the type the tag gave, so apply observes against it");
    assertEquals(Status.APPLIED, only(remediator().apply(plans)).status());
    assertEquals("t2.small", described().instanceTypeAsString());
    assertEquals("t2.small", NetworkSupport.tags(described().tags())
        .get(ResizeInstance.RESIZE_TO_TAG), "the owner's tag is left as it is");
    assertTrue(remediator().plan(fromTag).steps().isEmpty(), "already the tagged type");
  }

  @Test
  void autoScalingMember_theGroupsLaunchTemplateGetsTheType_theInstanceIsNotStopped() {
    var autoScaling = aws.client(software.amazon.awssdk.services.autoscaling.AutoScalingClient.class,
        software.amazon.awssdk.services.autoscaling.AutoScalingClient::builder);
    String template = ec2.createLaunchTemplate(r -> r.launchTemplateName("web")
        .launchTemplateData(d -> d.imageId(described().imageId()).instanceType("t2.micro")))
        .launchTemplate().launchTemplateId();
    autoScaling.createAutoScalingGroup(r -> r.autoScalingGroupName("web").minSize(1).maxSize(1)
        .availabilityZones("us-east-1a").launchTemplate(t -> t.launchTemplateId(template)
            .version("1")));
    String member = autoScaling.describeAutoScalingGroups(r -> r.autoScalingGroupNames("web"))
        .autoScalingGroups().get(0).instances().get(0).instanceId();
    ResizeInstance resize = ResizeInstance.of(member).toType("t2.small").build();

    PlanSet plans = PlanSet.fromJson(remediator().planSet(List.of(resize)).toJson());
    Plan plan = plans.withChanges().get(0);
    assertEquals(List.of("CreateLaunchTemplateVersion", "UpdateAutoScalingGroup"),
        plan.steps().stream().map(Step::kind).toList(), plan.toText());
    assertTrue(plan.warnings().get(0).contains("Auto Scaling group web"), plan.toText());
    assertTrue(ResizeInstance.IAM_ACTIONS.containsAll(plan.iamActions()), plan.iamActions()
        .toString());
    aws.recorder().reset();

    assertEquals(Status.APPLIED, only(remediator().apply(plans)).status());

    assertEquals(0, aws.recorder().count("StopInstances"), "a member is never stopped");
    var group = autoScaling.describeAutoScalingGroups(r -> r.autoScalingGroupNames("web"))
        .autoScalingGroups().get(0).launchTemplate();
    assertEquals("2", group.version());
    assertEquals("t2.small", ec2.describeLaunchTemplateVersions(r -> r.launchTemplateId(template)
        .versions("2")).launchTemplateVersions().get(0).launchTemplateData()
        .instanceTypeAsString());
    assertTrue(remediator().planSet(List.of(resize)).withChanges().isEmpty(),
        "the group's template has the type: nothing more");
    assertThrows(dev.remediate.core.InvalidRemediationException.class, () -> remediator()
        .plan(ResizeInstance.of(member).toType(ResizeInstance.NEXT).build()));
  }

  private Map<String, String> resizeTags() {
    Map<String, String> tags = new java.util.TreeMap<>(NetworkSupport.tags(described().tags()));
    tags.keySet().removeIf(k -> !k.startsWith("remediate:resize-"));
    return tags;
  }

  private List<String> kinds(PlanSet plans) {
    return plans.withChanges().get(0).steps().stream().map(Step::kind).toList();
  }

  @Test
  void next_resizesToTheNextSizeOfTheFamily() {
    aws.recorder().reset();
    PlanSet plans = planSaved(ResizeInstance.NEXT);
    assertEquals(1, aws.recorder().count("DescribeInstanceTypeOfferings"),
        aws.recorder().toString());
    Step modify = plans.withChanges().get(0).steps().get(2);
    assertEquals("t2.small", modify.parameter("instanceType"), plans.toText());
    assertEquals("t2.small", plans.withChanges().get(0).remediation().parameters()
        .get("instanceType"), "the saved plan names the size it resolved, not next");

    assertEquals(Status.APPLIED, only(remediator().apply(plans)).status());
    assertEquals("t2.small", described().instanceTypeAsString());
    assertEquals("running", described().state().nameAsString());
  }

  @Test
  void crashAfterTheStop_aLaterPlanFinishesTheResize_withoutAnotherStop() {
    ec2.createTags(r -> r.resources(instanceId).tags(
        t -> t.key("remediate:resize-from").value("t2.micro"),
        t -> t.key("remediate:resize-target").value("t2.large")));
    ec2.stopInstances(r -> r.instanceIds(instanceId)); // then the process died

    PlanSet plans = planSaved("t2.large");
    assertEquals(List.of("ModifyInstanceAttribute", "StartInstances", "DeleteTags"),
        kinds(plans));
    aws.recorder().reset();
    assertEquals(Status.APPLIED, only(remediator().apply(plans)).status());

    assertEquals(0, aws.recorder().count("StopInstances"), aws.recorder().toString());
    assertEquals("t2.large", described().instanceTypeAsString());
    assertEquals("running", described().state().nameAsString());
    assertEquals(Map.of(), resizeTags());
  }

  @Test
  void startFailsAndSoDoesTheCompensation_aReplanFinishesFromTheTags() {
    PlanSet plans = planSaved("t2.large");
    aws.faults().failAll("StartInstances", Fault.of("InsufficientInstanceCapacity"));
    ApplyResult failed = only(remediator().apply(plans));
    aws.faults().reset();

    assertEquals(Status.FAILED, failed.status(), failed.detail());
    assertEquals("stopped", described().state().nameAsString(), failed.compensation().toString());
    assertEquals(Map.of("remediate:resize-from", "t2.micro",
        "remediate:resize-target", "t2.large"), resizeTags());

    PlanSet again = planSaved("t2.large");
    assertEquals(List.of("ModifyInstanceAttribute", "StartInstances", "DeleteTags"),
        kinds(again), "the compensation restored t2.micro before its start failed");
    assertEquals(Status.APPLIED, only(remediator().apply(again)).status());
    assertEquals("t2.large", described().instanceTypeAsString());
    assertEquals("running", described().state().nameAsString());
    assertEquals(Map.of(), resizeTags());
    assertTrue(planSaved("t2.large").withChanges().isEmpty());
  }

  @Test
  void otherArchitecture_isRefusedBeforeAnyStop() {
    aws.recorder().reset();
    RemediationException e = assertThrows(RemediationException.class,
        () -> remediator().planSet(List.of(ResizeInstance.of(instanceId).toType("t4g.large")
            .build())));
    assertTrue(e.getMessage().contains("architecture"), e.getMessage());
    assertEquals(0, aws.recorder().count("StopInstances"));
    assertEquals("t2.micro", described().instanceTypeAsString());
  }

  @Test
  void unknownType_isRefusedBeforeAnyStop() {
    aws.recorder().reset();
    RemediationException e = assertThrows(RemediationException.class,
        () -> remediator().planSet(List.of(ResizeInstance.of(instanceId).toType("t3.huge9")
            .build())));
    assertTrue(e.getMessage().contains("refused"), e.getMessage());
    assertEquals(0, aws.recorder().count("StopInstances"));
  }

  @Test
  void faultOnTheTypeChange_failsAndCompensates_thenAReApplyConverges() {
    PlanSet plans = planSaved("t2.large");
    aws.faults().failNth("ModifyInstanceAttribute", 1, Fault.of("InsufficientInstanceCapacity"));
    ApplyResult failed = only(remediator().apply(plans));
    aws.faults().reset();

    assertEquals(Status.FAILED, failed.status(), failed.detail());
    assertEquals("t2.micro", described().instanceTypeAsString());
    assertEquals("running", described().state().nameAsString(), failed.detail());
    assertEquals(List.of(instanceId + " started again"), failed.compensation());

    ApplyResult again = only(remediator().apply(plans)); // the same reviewed plan, again
    assertEquals(Status.APPLIED, again.status(), again.detail());
    assertEquals("t2.large", described().instanceTypeAsString());
    assertEquals("running", described().state().nameAsString());
  }

  @Test
  void faultOnTheStop_failsWithTheInstanceRunningAsBefore() {
    PlanSet plans = planSaved("t2.large");
    aws.faults().failNth("StopInstances", 1, Fault.of("UnauthorizedOperation"));
    aws.recorder().reset();
    ApplyResult failed = only(remediator().apply(plans));
    aws.faults().reset();

    assertEquals(Status.FAILED, failed.status(), failed.detail());
    assertEquals(0, aws.recorder().count("ModifyInstanceAttribute"), aws.recorder().toString());
    assertEquals(0, aws.recorder().count("StartInstances"), aws.recorder().toString());
    assertEquals("t2.micro", described().instanceTypeAsString());
    assertEquals("running", described().state().nameAsString());
  }

  @Test
  void withoutDowntimeConsent_nothingIsStopped() {
    PlanSet plans = planSaved("t2.large");
    aws.recorder().reset();
    PlanSetResult result = Remediator.builder().scope(aws.scope()).build().apply(plans);

    assertTrue(only(result).status() != Status.APPLIED, result.toString());
    assertEquals(0, aws.recorder().count("StopInstances"));
    assertEquals("t2.micro", described().instanceTypeAsString());
  }

  @Test
  void faultOnTheStartAfterTheChange_restoresTheOldType_andStartsAgain() {
    PlanSet plans = planSaved("t2.large");
    aws.faults().failNth("StartInstances", 1, Fault.of("InsufficientInstanceCapacity"));
    ApplyResult failed = only(remediator().apply(plans));
    aws.faults().reset();

    assertEquals(Status.FAILED, failed.status(), failed.detail());
    assertEquals("t2.micro", described().instanceTypeAsString(), failed.detail());
    assertEquals("running", described().state().nameAsString(), failed.detail());    assertEquals(List.of("instance type of " + instanceId + " restored to t2.micro",
        instanceId + " started again"), failed.compensation());
  }

  @Test
  void type_forTarget_needsTheSetting_andRoundTrips() {
    ResizeInstance.Type type = new ResizeInstance.Type();
    assertThrows(RemediationException.class, () -> type.forTarget(instanceId, Map.of()));
    var one = type.forTarget(instanceId, Map.of("resize.instanceType", "t2.large"))
        .orElseThrow();
    assertEquals(one, type.fromSpec(RemediationSpec.of(ResizeInstance.ID,
        one.spec().parameters())));
    assertTrue(type.forRegion(Map.of("resize.instanceType", "t2.large")).isEmpty());
    assertThrows(RemediationException.class, () -> ResizeInstance.of(instanceId)
        .toType("T3 Large").build());
  }
}
