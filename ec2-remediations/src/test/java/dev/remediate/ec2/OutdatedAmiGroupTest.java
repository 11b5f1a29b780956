package dev.remediate.ec2;

import static dev.remediate.ec2.OutdatedAmiTest.NEW;
import static dev.remediate.ec2.OutdatedAmiTest.OLD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyResult;
import dev.remediate.core.ApplyResult.Status;
import dev.remediate.core.Remediator;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.plan.Step;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.core.aws.AwsScope;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.mockito.MockMakers;
import software.amazon.awssdk.services.autoscaling.model.DescribeInstanceRefreshesRequest;
import software.amazon.awssdk.services.autoscaling.model.DescribeInstanceRefreshesResponse;
import software.amazon.awssdk.services.autoscaling.model.InstanceRefresh;
import software.amazon.awssdk.services.autoscaling.model.StartInstanceRefreshRequest;
import software.amazon.awssdk.services.autoscaling.model.StartInstanceRefreshResponse;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * {@link OutdatedAmi} on the emulator, Auto Scaling members: one plan per group (never per
 * instance), a launch template version with the newer image, the group pointed at it, an instance
 * refresh. moto 5.2.1 answers {@code StartInstanceRefresh} and {@code DescribeInstanceRefreshes}
 * with HTTP 500 (not implemented): those two calls go to a stub that behaves as AWS documents
 * (a started refresh is {@code InProgress}); every other call goes to the emulator.
 */
@ExtendWith(AwsEmulatorExtension.class)
class OutdatedAmiGroupTest {
  private final List<String> refreshes = new java.util.ArrayList<>();

  /** The emulator's scope with an Auto Scaling client whose refresh calls are stubbed. */
  private AwsScope scope(AwsEmulator aws) {
    AutoScalingClient real = aws.client(AutoScalingClient.class, AutoScalingClient::builder);
    AutoScalingClient stub = Mockito.mock(AutoScalingClient.class, Mockito.withSettings()
        .mockMaker(MockMakers.SUBCLASS).defaultAnswer(invocation -> {
          if (invocation.getArguments().length == 1
              && invocation.getArguments()[0] instanceof java.util.function.Consumer) {
            return invocation.callRealMethod();
          }
          try {
            return invocation.getMethod().invoke(real, invocation.getArguments());
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        }));
    Mockito.doAnswer(i -> {
      StartInstanceRefreshRequest r = i.getArgument(0);
      assertTrue(r.preferences().skipMatching(), "SkipMatching");
      refreshes.add(r.autoScalingGroupName());
      return StartInstanceRefreshResponse.builder().instanceRefreshId("r-1").build();
    }).when(stub).startInstanceRefresh(Mockito.any(StartInstanceRefreshRequest.class));
    Mockito.doAnswer(i -> DescribeInstanceRefreshesResponse.builder().instanceRefreshes(
            refreshes.contains(((DescribeInstanceRefreshesRequest) i.getArgument(0))
                .autoScalingGroupName()) ? List.of(InstanceRefresh.builder()
                .status("InProgress").build()) : List.of()).build())
        .when(stub).describeInstanceRefreshes(Mockito.any(DescribeInstanceRefreshesRequest.class));
    return aws.scopeBuilder(AwsEmulator.REGION).client(AutoScalingClient.class, stub).build();
  }

  private static String group(AwsEmulator aws, String version) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.2.0.0/16")).vpc().vpcId();
    String subnet = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.2.1.0/24")
        .availabilityZone("us-east-1a")).subnet().subnetId();
    String template = ec2.createLaunchTemplate(r -> r.launchTemplateName("web")
        .launchTemplateData(d -> d.imageId(OLD).instanceType("t3.micro"))).launchTemplate()
        .launchTemplateId();
    aws.client(AutoScalingClient.class, AutoScalingClient::builder).createAutoScalingGroup(r -> r
        .autoScalingGroupName("web").launchTemplate(t -> t.launchTemplateId(template)
            .version(version)).minSize(2).maxSize(2).desiredCapacity(2)
        .vpcZoneIdentifier(subnet));
    return template;
  }

  @Test
  void membersOfAGroup_oneGroupPlan_newTemplateVersion_groupUpdated_refreshStarted(
      AwsEmulator aws) {
    String template = group(aws, "1");
    AwsScope scope = scope(aws);
    PlanSet plans = PlanSet.fromJson(Remediator.builder().scope(scope).build()
        .planSet(List.of(OutdatedAmi.forEveryInstance().build())).toJson());

    assertEquals(1, plans.withChanges().size(), plans.toText());
    Plan plan = plans.withChanges().get(0);
    assertEquals(AmiDecision.GROUP, plan.target().type());
    assertEquals("web", plan.target().id());
    assertEquals(List.of("CreateLaunchTemplateVersion", "UpdateAutoScalingGroup",
        "StartInstanceRefresh"), plan.steps().stream().map(Step::kind).toList());
    assertEquals("1", plan.steps().get(0).parameter("sourceVersion"));
    assertTrue(OutdatedAmi.IAM_ACTIONS.containsAll(plan.iamActions()), plan.iamActions()
        .toString());

    aws.recorder().reset();
    ApplyResult result = Remediator.builder().scope(scope).build().apply(plans)
        .results().get(0);
    assertEquals(Status.APPLIED, result.status(), result.detail());
    assertEquals(0, aws.recorder().count("RunInstances"), aws.recorder().toString());
    assertEquals(0, aws.recorder().count("StopInstances"), aws.recorder().toString());
    assertEquals(List.of("web"), refreshes);

    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    var latest = ec2.describeLaunchTemplateVersions(r -> r.launchTemplateId(template)
        .versions("$Latest")).launchTemplateVersions().get(0);
    assertEquals(2L, latest.versionNumber());
    assertEquals(NEW, latest.launchTemplateData().imageId());
    assertEquals("2", aws.client(AutoScalingClient.class, AutoScalingClient::builder)
        .describeAutoScalingGroups(r -> r.autoScalingGroupNames("web")).autoScalingGroups()
        .get(0).launchTemplate().version());

    PlanSet next = Remediator.builder().scope(scope).build()
        .planSet(List.of(OutdatedAmi.forEveryInstance().build()));
    assertTrue(next.withChanges().isEmpty(), next.toText());
    assertTrue(next.plans().get(0).warnings().get(0).contains("under way"),
        next.plans().get(0).warnings().toString());

    refreshes.clear(); // a refresh that ended with members still outdated: started again
    Plan again = Remediator.builder().scope(scope).build()
        .planSet(List.of(OutdatedAmi.forEveryInstance().build())).withChanges().get(0);
    assertEquals(List.of("StartInstanceRefresh"), again.steps().stream().map(Step::kind)
        .toList());
  }

  @Test
  void groupOnLatest_needsNoGroupUpdate(AwsEmulator aws) {
    group(aws, "$Latest");
    Plan plan = Remediator.builder().scope(scope(aws)).build()
        .planSet(List.of(OutdatedAmi.forEveryInstance().build())).withChanges().get(0);
    assertEquals(List.of("CreateLaunchTemplateVersion", "StartInstanceRefresh"),
        plan.steps().stream().map(Step::kind).toList());
  }
}
