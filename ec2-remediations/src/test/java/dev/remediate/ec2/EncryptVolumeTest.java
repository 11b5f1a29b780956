package dev.remediate.ec2;

import static dev.remediate.ec2.EbsFixture.DATA_DEVICE;
import static dev.remediate.ec2.EbsFixture.ROOT_DEVICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;

import dev.remediate.core.ApplyFailedException;
import dev.remediate.core.ApplyListener;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.GuardrailException;
import dev.remediate.core.Guardrails;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Remediator;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Step;
import dev.remediate.testing.ApiCall;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstanceTypesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.DescribeInstanceTypesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeSnapshotsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeSnapshotsResponse;
import software.amazon.awssdk.services.ec2.model.EbsEncryptionSupport;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.SnapshotState;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeType;

@ExtendWith(AwsEmulatorExtension.class)
class EncryptVolumeTest {
  private static final Guardrails DOWNTIME_OK = Guardrails.custom().consentTo(Flag.DOWNTIME).build();

  private static Remediator remediator(AwsEmulator aws, Guardrails guardrails) {
    return Remediator.builder().scope(aws.scope()).guardrails(guardrails).build();
  }

  @Test
  void apply_runningInstanceWithRootAndGp3Data_encryptsBothPreservingEverything(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    Map<String, Boolean> dotBefore = f.deleteOnTermination();
    EncryptVolume remediation = EncryptVolume.forInstance(f.instanceId).kmsKey(f.alias)
        .build();
    List<Integer> snapshotPercents = new ArrayList<>();
    List<String> stepsStarted = new ArrayList<>();
    ApplyListener listener = new ApplyListener() {
      @Override
      public void onStepStarted(Step step, int index, int total) {
        stepsStarted.add(step.kind());
      }

      @Override
      public void onProgress(Step step, String message, int percent) {
        if (step.kind().equals("CreateSnapshot")) {
          snapshotPercents.add(percent);
        }
      }
    };
    Remediator remediator = Remediator.builder().scope(aws.scope()).guardrails(DOWNTIME_OK)
        .listener(listener).build();

    aws.recorder().reset();
    Plan plan = remediator.plan(remediation);
    assertEquals(Map.of("Ec2.DescribeInstances", 1, "Ec2.DescribeVolumes", 2,
        "Ec2.DescribeSnapshots", 1, "Ec2.DescribeInstanceTypes", 1,
        "Ec2.DescribeInstanceAttribute", 1, "Kms.DescribeKey", 1),
        aws.recorder().counts(), "plan call budget");
    assertEquals(List.of("StopInstances", "CreateSnapshot", "CreateVolume", "CreateTags",
        "CreateSnapshot", "CreateVolume", "CreateTags", "DetachVolume", "AttachVolume",
        "DetachVolume", "AttachVolume", "ModifyInstanceAttribute", "StartInstances",
        "DeleteSnapshot", "DeleteSnapshot"), kinds(plan));
    assertEquals(Set.of(Flag.DOWNTIME), plan.flags());
    assertTrue(plan.steps().stream().filter(s -> s.has(Flag.DOWNTIME))
        .allMatch(s -> s.kind().equals("StopInstances")));
    assertEquals(List.of("FSBP EC2.3"), plan.controls());
    assertTrue(plan.iamActions().contains("ec2:CreateVolume"));

    aws.recorder().reset();
    ApplyResult result = remediator.apply(remediation, plan);
    assertEquals(ApplyResult.Status.APPLIED, result.status());

    // call order: one stop, one start, the stop before every snapshot and every detach
    List<String> ops = aws.recorder().operations();
    assertEquals(1, aws.recorder().count("StopInstances"));
    assertEquals(1, aws.recorder().count("StartInstances"));
    int stop = ops.indexOf("StopInstances");
    int start = ops.indexOf("StartInstances");
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i).equals("DetachVolume") || ops.get(i).equals("AttachVolume")
          || ops.get(i).equals("CreateSnapshot") || ops.get(i).equals("CreateVolume")) {
        assertTrue(stop < i && i < start, "swap call " + i + " outside stop..start: " + ops);
      }
      if (ops.get(i).equals("DeleteSnapshot")) {
        assertTrue(i > start, "snapshot deleted before the instance was back: " + ops);
      }
    }
    // call budget of the apply: the re-plan, the steps with their waits, the verification plan
    Map<String, Integer> budget = new TreeMap<>(Map.ofEntries(
        Map.entry("Ec2.DescribeInstances", 1 + 1 + 2 + 1 + 1),
        Map.entry("Ec2.DescribeVolumes", 2 + 2 + 2 + 2 + 2 + 2),
        Map.entry("Ec2.DescribeSnapshots", 1 + 2 + 1),
        Map.entry("Ec2.DescribeInstanceTypes", 1),
        Map.entry("Ec2.DescribeInstanceAttribute", 1),
        Map.entry("Kms.DescribeKey", 2),
        Map.entry("Ec2.CreateSnapshot", 2), Map.entry("Ec2.CreateVolume", 2),
        Map.entry("Ec2.CreateTags", 3), Map.entry("Ec2.StopInstances", 1),
        Map.entry("Ec2.DetachVolume", 2), Map.entry("Ec2.AttachVolume", 2),
        Map.entry("Ec2.ModifyInstanceAttribute", 1), Map.entry("Ec2.StartInstances", 1),
        Map.entry("Ec2.DeleteTags", 1), Map.entry("Ec2.DeleteSnapshot", 2)));
    assertEquals(budget, aws.recorder().counts(), "apply call budget");

    // the instance: running, same devices, DeleteOnTermination as before, new volumes
    assertEquals("running", f.instance().state().nameAsString());
    assertFalse(NetworkSupport.tags(f.instance().tags()).containsKey(EncryptVolume.TAG_STOPPED_BY));
    Map<String, String> devices = f.devices();
    assertEquals(Set.of(ROOT_DEVICE, DATA_DEVICE), devices.keySet());
    assertEquals(dotBefore, f.deleteOnTermination());
    assertEquals(Map.of(ROOT_DEVICE, true, DATA_DEVICE, false), dotBefore);
    Volume root = f.volume(devices.get(ROOT_DEVICE));
    Volume data = f.volume(devices.get(DATA_DEVICE));
    assertNotEquals(f.rootVolume, root.volumeId());
    assertNotEquals(f.dataVolume, data.volumeId());
    for (Volume v : List.of(root, data)) {
      assertTrue(v.encrypted(), v.volumeId());
      assertEquals(f.keyArn, v.kmsKeyId());
      assertEquals("attached", v.attachments().get(0).stateAsString());
    }
    Volume originalRoot = f.volume(f.rootVolume);
    Volume originalData = f.volume(f.dataVolume);
    assertEquals(VolumeType.GP2, root.volumeType());
    assertEquals(originalRoot.size(), root.size());
    assertEquals(originalRoot.availabilityZone(), root.availabilityZone());
    assertEquals(VolumeType.GP3, data.volumeType());
    assertEquals(20, data.size());
    assertEquals(4000, data.iops());
    assertEquals(250, data.throughput());
    assertEquals("web-1-root", EbsFixture.tags(root).get("Name"));
    Map<String, String> dataTags = EbsFixture.tags(data);
    assertEquals("web-1-data", dataTags.get("Name"));
    assertEquals("db", dataTags.get("team"));
    assertEquals("a b/ü+%", dataTags.get("cost=center&x"), "tags with = & + % survive the plan");
    assertTrue(dataTags.keySet().stream().noneMatch(k -> k.startsWith("aws:")),
        "aws: tags are never copied: " + dataTags);
    assertEquals(f.dataVolume, dataTags.get(EncryptVolume.TAG_ORIGIN_VOLUME));
    // originals kept, detached, tagged with their replacement
    assertEquals("available", originalRoot.stateAsString());
    assertEquals("available", originalData.stateAsString());
    assertEquals(root.volumeId(), EbsFixture.tags(originalRoot).get(EncryptVolume.TAG_REPLACED_BY));
    assertEquals(data.volumeId(), EbsFixture.tags(originalData).get(EncryptVolume.TAG_REPLACED_BY));
    assertEquals(4, f.allVolumes().size());
    assertEquals(List.of(), f.snapshots(), "transient snapshots deleted after verification");
    // progress: snapshot percent reported, every step announced
    assertEquals(List.of(100, 100), snapshotPercents);
    assertEquals(kinds(plan), stepsStarted);

    // compliant now: the next plan is empty, and costs five reads
    aws.recorder().reset();
    assertTrue(remediator.plan(remediation).isEmpty());
    assertEquals(5, aws.recorder().total());
  }

  @Test
  void apply_withoutDowntimeConsent_isRefusedAndChangesNothing(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    EncryptVolume remediation = EncryptVolume.forInstance(f.instanceId).kmsKey(f.keyArn).build();
    Remediator remediator = remediator(aws, Guardrails.ofDefaults());
    Plan plan = remediator.plan(remediation);
    aws.recorder().reset();
    GuardrailException e = assertThrows(GuardrailException.class,
        () -> remediator.apply(remediation, plan));
    assertTrue(e.getMessage().contains("DOWNTIME"), e.getMessage());
    assertTrue(e.getMessage().contains("StopInstances " + f.instanceId), e.getMessage());
    assertEquals(0, aws.recorder().total(), "refused before any call");
    assertEquals("running", f.instance().state().nameAsString());
    assertEquals(2, f.allVolumes().size());
  }

  @Test
  void apply_planFromJson_appliesThroughCatalog(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    EncryptVolume remediation = EncryptVolume.forInstance(f.instanceId).kmsKey(f.keyArn)
        .waiterLimits(new EncryptVolume.WaiterLimits(Duration.ofHours(30), Duration.ofHours(3),
            Duration.ofMinutes(45)))
        .build();
    Remediator remediator = remediator(aws, DOWNTIME_OK);
    Plan plan = remediator.plan(remediation);
    Plan read = Plan.fromJson(plan.toJson());
    assertEquals(plan, read);
    assertEquals(remediation, RemediationCatalog.load().fromSpec(read.remediation()));
    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(read).status());
    assertTrue(remediator.plan(remediation).isEmpty());
  }

  @Test
  void apply_stalePlan_isRefused(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    EncryptVolume remediation = EncryptVolume.forInstance(f.instanceId).kmsKey(f.keyArn).build();
    Remediator remediator = remediator(aws, DOWNTIME_OK);
    Plan plan = remediator.plan(remediation);
    f.ec2.createTags(r -> r.resources(f.dataVolume).tags(EbsFixture.tag("owner", "new")));
    assertThrows(dev.remediate.core.StalePlanException.class,
        () -> remediator.apply(remediation, plan));
    assertEquals(2, f.allVolumes().size());
  }

  @Test
  void plan_volumeAlreadyEncryptedWithWantedKey_isEmpty(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    String encrypted = f.ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(5)
        .encrypted(true).kmsKeyId(f.keyArn)).volumeId();
    Remediator remediator = remediator(aws, DOWNTIME_OK);
    assertTrue(remediator.plan(EncryptVolume.forVolume(encrypted).kmsKey(f.alias)
        .build()).isEmpty());
    // encrypted but with another key than the one asked for: re-encrypted
    String other = f.kms.createKey(r -> r.description("other")).keyMetadata().arn();
    Plan plan = remediator.plan(EncryptVolume.forVolume(encrypted).kmsKey(other).build());
    assertEquals(List.of("CreateSnapshot", "CreateVolume", "CreateTags", "DeleteSnapshot"),
        kinds(plan));
    // no key asked for: any encryption satisfies EC2.3
    aws.recorder().reset();
    assertTrue(remediator.plan(EncryptVolume.forVolume(encrypted).build()).isEmpty());
    assertEquals(0, aws.recorder().count("DescribeKey"), "no key lookup when nothing to do");
  }

  @Test
  void apply_unattachedVolume_createsEncryptedTwinWithoutDowntime(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    String loose = f.ec2.createVolume(r -> r.availabilityZone("us-east-1b").size(30)
        .volumeType(VolumeType.IO2).iops(3000).tagSpecifications(t -> t
            .resourceType("volume").tags(EbsFixture.tag("Name", "archive")))).volumeId();
    EncryptVolume remediation = EncryptVolume.forVolume(loose).kmsKey(f.keyArn).build();
    Remediator remediator = remediator(aws, Guardrails.ofDefaults());
    Plan plan = remediator.plan(remediation);
    assertEquals(List.of("CreateSnapshot", "CreateVolume", "CreateTags", "DeleteSnapshot"),
        kinds(plan));
    assertTrue(plan.flags().isEmpty(), "no consent needed: nothing is stopped");
    aws.recorder().reset();
    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(remediation, plan).status());
    assertEquals(0, aws.recorder().count("DescribeInstances"));
    Volume original = f.volume(loose);
    String twinId = EbsFixture.tags(original).get(EncryptVolume.TAG_REPLACED_BY);
    Volume twin = f.volume(twinId);
    assertTrue(twin.encrypted());
    assertEquals(f.keyArn, twin.kmsKeyId());
    assertEquals(VolumeType.IO2, twin.volumeType());
    assertEquals(3000, twin.iops());
    assertEquals("us-east-1b", twin.availabilityZone());
    assertEquals("archive", EbsFixture.tags(twin).get("Name"));
    assertEquals("available", original.stateAsString());
    assertEquals("running", f.instance().state().nameAsString());
    assertTrue(remediator.plan(remediation).isEmpty());
  }

  @Test
  void apply_stoppedInstance_swapsWithoutDowntimeAndStaysStopped(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    f.ec2.stopInstances(r -> r.instanceIds(f.instanceId));
    EncryptVolume remediation = EncryptVolume.forVolume(f.rootVolume).kmsKey(f.keyArn).build();
    Remediator remediator = remediator(aws, Guardrails.ofDefaults());
    Plan plan = remediator.plan(remediation);
    assertEquals(List.of("CreateSnapshot", "CreateVolume", "CreateTags", "DetachVolume",
        "AttachVolume", "ModifyInstanceAttribute", "DeleteSnapshot"), kinds(plan));
    assertTrue(plan.flags().isEmpty());
    aws.recorder().reset();
    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(remediation, plan).status());
    assertEquals(0, aws.recorder().count("StopInstances"));
    assertEquals(0, aws.recorder().count("StartInstances"));
    assertEquals("stopped", f.instance().state().nameAsString());
    Volume root = f.volume(f.devices().get(ROOT_DEVICE));
    assertTrue(root.encrypted());
    assertEquals(f.dataVolume, f.devices().get(DATA_DEVICE), "the data volume was not asked for");
    assertEquals(Map.of(ROOT_DEVICE, true, DATA_DEVICE, false), f.deleteOnTermination());
    // the volume form is compliant once its replacement is attached in its place
    assertTrue(remediator.plan(remediation).isEmpty());
  }

  @Test
  void plan_autoScalingInstance_isRefusedUnlessAccepted(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    f.ec2.createTags(r -> r.resources(f.instanceId)
        .tags(EbsFixture.tag(EncryptVolume.ASG_TAG, "web-asg")));
    Remediator remediator = remediator(aws, DOWNTIME_OK);
    RemediationException e = assertThrows(RemediationException.class, () -> remediator.plan(
        EncryptVolume.forInstance(f.instanceId).kmsKey(f.keyArn).build()));
    assertTrue(e.getMessage().contains("web-asg"), e.getMessage());
    assertTrue(e.getMessage().contains("allowAutoScalingGroup(true)"), e.getMessage());
    assertFalse(remediator.plan(EncryptVolume.forInstance(f.instanceId).kmsKey(f.keyArn)
        .allowAutoScalingGroup(true).build()).isEmpty());
  }

  @Test
  void plan_disabledKey_isRefusedBeforeAnyChange(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    f.kms.disableKey(r -> r.keyId(f.keyArn.substring(f.keyArn.indexOf("key/") + 4)));
    aws.recorder().reset();
    RemediationException e = assertThrows(RemediationException.class, () ->
        remediator(aws, DOWNTIME_OK).plan(EncryptVolume.forInstance(f.instanceId)
            .kmsKey(f.alias).build()));
    assertTrue(e.getMessage().contains("Disabled"), e.getMessage());
    assertTrue(aws.recorder().calls().stream().map(ApiCall::operation)
        .allMatch(op -> op.startsWith("Describe")), aws.recorder().toString());
  }

  @Test
  void plan_unsupportedInstanceType_isRefused(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    RemediationException e = assertThrows(RemediationException.class, () -> planWithType(aws, f,
        InstanceTypeInfo.builder().instanceType("t3.micro")
            .ebsInfo(i -> i.encryptionSupport(EbsEncryptionSupport.UNSUPPORTED)).build()));
    assertTrue(e.getMessage().contains("does not support EBS encryption"), e.getMessage());
  }

  @Test
  void plan_instanceWithInstanceStore_warnsThatTheStopErasesIt(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    Plan plan = planWithType(aws, f, InstanceTypeInfo.builder().instanceType("t3.micro")
        .instanceStorageSupported(true)
        .ebsInfo(i -> i.encryptionSupport(EbsEncryptionSupport.SUPPORTED)).build());
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("erases their data")),
        plan.warnings().toString());
    assertTrue(plan.toText().contains("erases their data"));
  }

  /** Plans the fixture's instance with DescribeInstanceTypes answering {@code type}. */
  private static Plan planWithType(AwsEmulator aws, EbsFixture f, InstanceTypeInfo type) {
    Ec2Client stub = EbsFixture.stubbable(f.ec2);
    doReturn(DescribeInstanceTypesResponse.builder().instanceTypes(type).build())
        .when(stub).describeInstanceTypes(any(DescribeInstanceTypesRequest.class));
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).client(Ec2Client.class, stub)
        .build()) {
      return Remediator.builder().scope(scope).build()
          .plan(EncryptVolume.forInstance(f.instanceId).kmsKey(f.keyArn).build());
    }
  }

  @Test
  void plan_stopProtectedInstance_isRefusedBeforeAnyChange(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    f.ec2.modifyInstanceAttribute(r -> r.instanceId(f.instanceId)
        .disableApiStop(b -> b.value(true)));
    RemediationException e = assertThrows(RemediationException.class, () ->
        remediator(aws, DOWNTIME_OK).plan(EncryptVolume.forInstance(f.instanceId)
            .kmsKey(f.keyArn).build()));
    assertTrue(e.getMessage().contains("DisableApiStop"), e.getMessage());
  }

  @Test
  void plan_oneTimeSpotInstance_isRefusedBeforeAnyChange(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    Ec2Client stub = EbsFixture.stubbable(f.ec2);
    doAnswer(inv -> {
      DescribeInstancesResponse real = f.ec2.describeInstances(
          (DescribeInstancesRequest) inv.getArgument(0));
      Instance spot = real.reservations().get(0).instances().get(0).toBuilder()
          .instanceLifecycle("spot").spotInstanceRequestId("sir-0123abcd").build();
      return real.toBuilder().reservations(real.reservations().get(0).toBuilder()
          .instances(spot).build()).build();
    }).when(stub).describeInstances(any(DescribeInstancesRequest.class));
    doReturn(software.amazon.awssdk.services.ec2.model.DescribeSpotInstanceRequestsResponse
        .builder().spotInstanceRequests(r -> r.spotInstanceRequestId("sir-0123abcd")
            .type("one-time")).build())
        .when(stub).describeSpotInstanceRequests(any(
            software.amazon.awssdk.services.ec2.model.DescribeSpotInstanceRequestsRequest.class));
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).client(Ec2Client.class, stub)
        .build()) {
      RemediationException e = assertThrows(RemediationException.class, () ->
          Remediator.builder().scope(scope).build().plan(
              EncryptVolume.forInstance(f.instanceId).kmsKey(f.keyArn).build()));
      assertTrue(e.getMessage().contains("one-time request (sir-0123abcd)"), e.getMessage());
    }
  }

  @Test
  void plan_multiAttachVolume_isRefused(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    String shared = f.ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(10)
        .volumeType(VolumeType.IO2).iops(1000).multiAttachEnabled(true)).volumeId();
    RemediationException e = assertThrows(RemediationException.class, () ->
        remediator(aws, DOWNTIME_OK).plan(EncryptVolume.forVolume(shared).kmsKey(f.keyArn)
            .build()));
    assertTrue(e.getMessage().contains("multi-attach"), e.getMessage());
  }

  @Test
  void plan_optedOutInstance_isSkipped(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    f.ec2.createTags(r -> r.resources(f.instanceId)
        .tags(EbsFixture.tag(Guardrails.DEFAULT_OPT_OUT_TAG_KEY, "")));
    Plan plan = remediator(aws, DOWNTIME_OK).plan(EncryptVolume.forInstance(f.instanceId)
        .kmsKey(f.keyArn).build());
    assertTrue(plan.isEmpty());
    assertEquals(f.instanceId, plan.skipped().get(0).resource());
  }

  @Test
  void plan_noKeyGiven_usesAwsManagedKeyWhenDefaultUnreadable(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    // moto answers GetEbsDefaultKmsKeyId with HTTP 500
    Plan plan = remediator(aws, DOWNTIME_OK).plan(EncryptVolume.forVolume(f.dataVolume).build());
    String key = plan.steps().get(1).parameter("kmsKeyArn");
    assertTrue(key.startsWith("arn:aws:kms:us-east-1:"), key);
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("alias/aws/ebs")
        && w.contains("(GetEbsDefaultKmsKeyId: HTTP 500)")
        && w.contains("set encryption.kmsKey=KEY (Java: kmsKey(KEY))")),
        plan.warnings().toString());
  }

  @Test
  void plan_noKeyGiven_usesRegionDefaultKey(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    Ec2Client stub = EbsFixture.stubbable(f.ec2);
    doReturn(software.amazon.awssdk.services.ec2.model.GetEbsDefaultKmsKeyIdResponse.builder()
        .kmsKeyId(f.keyArn).build()).when(stub).getEbsDefaultKmsKeyId(
            any(software.amazon.awssdk.services.ec2.model.GetEbsDefaultKmsKeyIdRequest.class));
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).client(Ec2Client.class, stub)
        .build()) {
      Plan plan = Remediator.builder().scope(scope).build()
          .plan(EncryptVolume.forVolume(f.dataVolume).build());
      assertEquals(f.keyArn, plan.steps().get(1).parameter("kmsKeyArn"));
      assertTrue(plan.warnings().stream().noneMatch(w -> w.contains("alias/aws/ebs")));
    }
  }

  @Test
  void apply_keepOriginalFalse_needsDestructiveConsentThenDeletesOriginals(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    EncryptVolume remediation = EncryptVolume.forInstance(f.instanceId).kmsKey(f.keyArn)
        .keepOriginal(false).build();
    Plan plan = remediator(aws, DOWNTIME_OK).plan(remediation);
    assertEquals(Set.of(Flag.DOWNTIME, Flag.DESTRUCTIVE), plan.flags());
    assertEquals(List.of("DeleteVolume", "DeleteVolume"), kinds(plan).subList(15, 17));
    assertThrows(GuardrailException.class,
        () -> remediator(aws, DOWNTIME_OK).apply(remediation, plan));
    assertEquals(2, f.allVolumes().size());
    Remediator both = remediator(aws, Guardrails.custom()
        .consentTo(Flag.DOWNTIME, Flag.DESTRUCTIVE).build());
    assertEquals(ApplyResult.Status.APPLIED, both.apply(remediation, plan).status());
    List<String> left = f.allVolumes().stream().map(Volume::volumeId).toList();
    assertEquals(2, left.size());
    assertFalse(left.contains(f.rootVolume));
    assertFalse(left.contains(f.dataVolume));
    assertTrue(both.plan(remediation).isEmpty());
  }

  @Test
  void apply_snapshotInErrorState_restartsAndNextPlanTakesAFreshSnapshot(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    Ec2Client stub = EbsFixture.stubbable(f.ec2);
    AtomicInteger waits = new AtomicInteger();
    doAnswer(inv -> {
      DescribeSnapshotsRequest request = inv.getArgument(0);
      DescribeSnapshotsResponse real = f.ec2.describeSnapshots(request);
      if (!request.snapshotIds().isEmpty() && waits.incrementAndGet() == 1) {
        return real.toBuilder().snapshots(real.snapshots().get(0).toBuilder()
            .state(SnapshotState.ERROR).stateMessage("injected").build()).build();
      }
      return real;
    }).when(stub).describeSnapshots(any(DescribeSnapshotsRequest.class));
    EncryptVolume remediation = EncryptVolume.forVolume(f.dataVolume).kmsKey(f.keyArn).build();
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).client(Ec2Client.class, stub)
        .build()) {
      Remediator remediator = Remediator.builder().scope(scope).guardrails(DOWNTIME_OK).build();
      Plan plan = remediator.plan(remediation);
      ApplyFailedException e = assertThrows(ApplyFailedException.class,
          () -> remediator.apply(remediation, plan));
      assertTrue(e.getMessage().contains("injected"), e.getMessage());
      // the stop came first; compensation started the instance again
      assertEquals("running", f.instance().state().nameAsString());
      assertTrue(e.result().compensation().stream().anyMatch(l -> l.startsWith("started")),
          e.result().compensation().toString());
      assertEquals(f.dataVolume, f.devices().get(DATA_DEVICE));
      // the instance ran since that snapshot: it is stale, so a fresh one is taken after the stop
      Plan next = remediator.plan(remediation);
      assertEquals(List.of("StopInstances", "CreateSnapshot", "CreateVolume"),
          kinds(next).subList(0, 3));
      assertEquals(ApplyResult.Status.APPLIED, remediator.apply(remediation, next).status());
      assertEquals(2, aws.recorder().count("CreateSnapshot"));
      assertEquals(List.of(), f.snapshots(), "the stale snapshot is cleaned up too");
    }
  }

  @Test
  void apply_snapshotStillPending_reportsProgressTimesOutAndNextPlanAdoptsIt(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    Ec2Client stub = EbsFixture.stubbable(f.ec2);
    AtomicInteger polls = new AtomicInteger();
    doAnswer(inv -> {
      DescribeSnapshotsRequest request = inv.getArgument(0);
      DescribeSnapshotsResponse real = f.ec2.describeSnapshots(request);
      if (request.snapshotIds().isEmpty() || polls.get() < 0) {
        return real;
      }
      int poll = polls.incrementAndGet();
      Snapshot s = real.snapshots().get(0);
      return real.toBuilder().snapshots(s.toBuilder().state(SnapshotState.PENDING)
          .progress(Math.min(99, poll * 10) + "%").build()).build();
    }).when(stub).describeSnapshots(any(DescribeSnapshotsRequest.class));
    String loose = f.ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(50)
        .volumeType(VolumeType.GP3)).volumeId();
    EncryptVolume remediation = EncryptVolume.forVolume(loose).kmsKey(f.keyArn)
        .waiterLimits(new EncryptVolume.WaiterLimits(Duration.ofMillis(250), Duration.ofHours(1),
            Duration.ofHours(1)))
        .build();
    List<Integer> percents = new ArrayList<>();
    ApplyListener listener = new ApplyListener() {
      @Override
      public void onProgress(Step step, String message, int percent) {
        percents.add(percent);
      }
    };
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).client(Ec2Client.class, stub)
        .waiterPollInterval(Duration.ofMillis(50)).build()) {
      Remediator remediator = Remediator.builder().scope(scope).guardrails(DOWNTIME_OK)
          .listener(listener).build();
      Plan plan = remediator.plan(remediation);
      ApplyFailedException e = assertThrows(ApplyFailedException.class,
          () -> remediator.apply(remediation, plan));
      assertTrue(e.getMessage().contains("still pending"), e.getMessage());
      assertTrue(percents.size() >= 3, percents.toString());
      assertEquals(List.of(10, 20, 30), percents.subList(0, 3));
      // later: the snapshot completed; the unattached volume cannot have changed meanwhile, so
      // the new plan adopts the snapshot instead of taking another
      polls.set(Integer.MIN_VALUE);
      Plan next = remediator.plan(remediation);
      assertEquals("CreateVolume", next.steps().get(0).kind());
      assertEquals(ApplyResult.Status.APPLIED, remediator.apply(remediation, next).status());
      assertEquals(1, aws.recorder().count("CreateSnapshot"));
      assertEquals(List.of(), f.snapshots());
    }
  }

  @Test
  void plan_afterCrashBetweenDetachAndAttach_attachesAdoptedVolumeAndRestarts(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    EncryptVolume remediation = EncryptVolume.forInstance(f.instanceId).kmsKey(f.keyArn).build();
    // the process dies (an Error, so no compensation runs) just before the first attach
    ApplyListener crash = new ApplyListener() {
      @Override
      public void onStepStarted(Step step, int index, int total) {
        if (step.kind().equals("AttachVolume")) {
          throw new OutOfMemoryError("simulated crash");
        }
      }
    };
    Remediator crashing = Remediator.builder().scope(aws.scope()).guardrails(DOWNTIME_OK)
        .listener(crash).build();
    Plan plan = crashing.plan(remediation);
    String firstDetached = plan.steps().get(kinds(plan).indexOf("DetachVolume")).resource();
    EbsFixture.assertCrashed(() -> crashing.apply(remediation, plan));
    assertEquals("stopped", f.instance().state().nameAsString());
    assertEquals("available", f.volume(firstDetached).stateAsString());
    assertEquals(1, f.devices().size(), "one device is empty after the crash");

    Remediator remediator = remediator(aws, DOWNTIME_OK);
    aws.recorder().reset();
    Plan next = remediator.plan(remediation);
    List<String> kinds = kinds(next);
    assertEquals(0, kinds.stream().filter(k -> k.equals("CreateSnapshot")
        || k.equals("CreateVolume") || k.equals("StopInstances")).count(), kinds.toString());
    assertEquals(1, kinds.stream().filter(k -> k.equals("DetachVolume")).count(), kinds.toString());
    assertEquals(2, kinds.stream().filter(k -> k.equals("AttachVolume")).count(), kinds.toString());
    assertTrue(kinds.contains("StartInstances"), "it was running before the crash: " + kinds);
    assertTrue(next.flags().isEmpty(), "already stopped: no new downtime");
    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(remediation, next).status());
    assertEquals("running", f.instance().state().nameAsString());
    assertEquals(Map.of(ROOT_DEVICE, true, DATA_DEVICE, false), f.deleteOnTermination());
    for (String id : f.devices().values()) {
      assertTrue(f.volume(id).encrypted());
    }
    assertEquals(2, f.replacements().size());
    assertEquals(List.of(), f.snapshots());
    assertFalse(NetworkSupport.tags(f.instance().tags()).containsKey(EncryptVolume.TAG_STOPPED_BY));
    assertTrue(remediator.plan(remediation).isEmpty());
  }

  @Test
  void plan_afterCrashBeforeRestoringDeleteOnTermination_restoresItAndRestarts(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    EncryptVolume remediation = EncryptVolume.forInstance(f.instanceId).kmsKey(f.keyArn).build();
    ApplyListener crash = new ApplyListener() {
      @Override
      public void onStepStarted(Step step, int index, int total) {
        if (step.kind().equals("ModifyInstanceAttribute")) {
          throw new OutOfMemoryError("simulated crash");
        }
      }
    };
    Remediator crashing = Remediator.builder().scope(aws.scope()).guardrails(DOWNTIME_OK)
        .listener(crash).build();
    Plan plan = crashing.plan(remediation);
    EbsFixture.assertCrashed(() -> crashing.apply(remediation, plan));
    assertEquals(Map.of(ROOT_DEVICE, false, DATA_DEVICE, false), f.deleteOnTermination(),
        "attaching reset the root's DeleteOnTermination");

    Remediator remediator = remediator(aws, DOWNTIME_OK);
    Plan next = remediator.plan(remediation);
    assertEquals(List.of("ModifyInstanceAttribute", "StartInstances", "DeleteSnapshot",
        "DeleteSnapshot"), kinds(next));
    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(remediation, next).status());
    assertEquals(Map.of(ROOT_DEVICE, true, DATA_DEVICE, false), f.deleteOnTermination());
    assertEquals("running", f.instance().state().nameAsString());
    assertTrue(remediator.plan(remediation).isEmpty());
  }

  @Test
  void plan_pendingInstance_waitsUntilItSettles(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    Ec2Client stub = EbsFixture.stubbable(f.ec2);
    AtomicInteger describes = new AtomicInteger();
    doAnswer(inv -> {
      DescribeInstancesResponse real = f.ec2.describeInstances(
          (DescribeInstancesRequest) inv.getArgument(0));
      if (describes.incrementAndGet() > 1) {
        return real;
      }
      Instance pending = real.reservations().get(0).instances().get(0).toBuilder()
          .state(s -> s.name(InstanceStateName.PENDING).code(0)).build();
      return real.toBuilder().reservations(real.reservations().get(0).toBuilder()
          .instances(pending).build()).build();
    }).when(stub).describeInstances(any(DescribeInstancesRequest.class));
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).client(Ec2Client.class, stub)
        .build()) {
      Plan plan = Remediator.builder().scope(scope).build()
          .plan(EncryptVolume.forInstance(f.instanceId).kmsKey(f.keyArn).build());
      // pending, the waiter's poll (running), the fresh observation
      assertEquals(3, describes.get());
      assertTrue(kinds(plan).contains("StopInstances"), "seen running once settled");
    }
  }

  @Test
  void apply_startFailsAfterTheSwap_reattachesOriginalsAndStarts(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    Ec2Client stub = EbsFixture.stubbable(f.ec2);
    AtomicInteger starts = new AtomicInteger();
    // the first start is accepted but the instance falls back to stopped (e.g. no capacity)
    doAnswer(inv -> starts.incrementAndGet() == 1
        ? software.amazon.awssdk.services.ec2.model.StartInstancesResponse.builder().build()
        : f.ec2.startInstances((software.amazon.awssdk.services.ec2.model.StartInstancesRequest)
            inv.getArgument(0)))
        .when(stub).startInstances(
            any(software.amazon.awssdk.services.ec2.model.StartInstancesRequest.class));
    EncryptVolume remediation = EncryptVolume.forInstance(f.instanceId).kmsKey(f.keyArn).build();
    // no 'pending' is ever seen: 'stopped' counts as a failed start once the grace has passed
    EbsWaits.startGrace = Duration.ofMillis(300);
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).client(Ec2Client.class, stub)
        .build()) {
      Remediator remediator = Remediator.builder().scope(scope).guardrails(DOWNTIME_OK).build();
      Plan plan = remediator.plan(remediation);
      ApplyFailedException e = assertThrows(ApplyFailedException.class,
          () -> remediator.apply(remediation, plan));
      assertTrue(e.getMessage().contains("did not start"), e.getMessage());
    } finally {
      EbsWaits.startGrace = EbsWaits.DEFAULT_START_GRACE;
    }
    assertEquals(2, starts.get());
    assertEquals("running", f.instance().state().nameAsString());
    assertEquals(Map.of(ROOT_DEVICE, f.rootVolume, DATA_DEVICE, f.dataVolume), f.devices(),
        "back on the originals");
    assertEquals(Map.of(ROOT_DEVICE, true, DATA_DEVICE, false), f.deleteOnTermination());
    assertFalse(NetworkSupport.tags(f.instance().tags()).containsKey(EncryptVolume.TAG_STOPPED_BY));
  }

  @Test
  void apply_stoppedInstanceStartedDuringApply_refusesToDetach(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    f.ec2.stopInstances(r -> r.instanceIds(f.instanceId));
    EncryptVolume remediation = EncryptVolume.forVolume(f.dataVolume).kmsKey(f.keyArn).build();
    ApplyListener userStartsIt = new ApplyListener() {
      @Override
      public void onStepStarted(Step step, int index, int total) {
        if (step.kind().equals("DetachVolume")) {
          f.ec2.startInstances(r -> r.instanceIds(f.instanceId));
        }
      }
    };
    Remediator remediator = Remediator.builder().scope(aws.scope()).listener(userStartsIt)
        .build();
    Plan plan = remediator.plan(remediation);
    assertTrue(plan.flags().isEmpty(), "a stopped instance needs no stop");
    ApplyFailedException e = assertThrows(ApplyFailedException.class,
        () -> remediator.apply(remediation, plan));
    assertTrue(e.getMessage().contains("not stopped"), e.getMessage());
    assertEquals(f.dataVolume, f.devices().get(DATA_DEVICE), "nothing pulled from a running OS");
    assertEquals(0, aws.recorder().count("DetachVolume"));
  }

  @Test
  void plan_afterApply_neverDeletesBackupSnapshotsOfTheNewVolume(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    EncryptVolume remediation = EncryptVolume.forInstance(f.instanceId).kmsKey(f.keyArn).build();
    Remediator remediator = remediator(aws, DOWNTIME_OK);
    remediator.apply(remediation, remediator.plan(remediation));
    // a backup tool snapshots the new data volume and copies its tags, ours included
    Volume data = f.volume(f.devices().get(DATA_DEVICE));
    String backup = f.ec2.createSnapshot(r -> r.volumeId(data.volumeId())
        .description("AWS Backup").tagSpecifications(t -> t.resourceType("snapshot")
            .tags(data.tags()))).snapshotId();
    assertTrue(remediator.plan(remediation).isEmpty());
    assertTrue(remediator.plan(EncryptVolume.forVolume(f.dataVolume).kmsKey(f.keyArn).build())
        .isEmpty());
    assertEquals(backup, f.ec2.describeSnapshots(r -> r.snapshotIds(backup)).snapshots().get(0)
        .snapshotId());
  }

  @Test
  void plan_leftoverStoppedByTag_neverStartsAnInstanceItsOwnerStopped(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    EncryptVolume remediation = EncryptVolume.forInstance(f.instanceId).kmsKey(f.keyArn).build();
    Remediator remediator = remediator(aws, DOWNTIME_OK);
    remediator.apply(remediation, remediator.plan(remediation));
    f.ec2.createTags(r -> r.resources(f.instanceId)
        .tags(EbsFixture.tag(EncryptVolume.TAG_STOPPED_BY, "0123456789abcdef")));
    // running: the leftover tag is removed, nothing else
    Plan running = remediator.plan(remediation);
    assertEquals(List.of("DeleteTags"), kinds(running));
    // stopped by its owner: not started
    f.ec2.stopInstances(r -> r.instanceIds(f.instanceId));
    assertTrue(remediator.plan(remediation).isEmpty());
  }

  @Test
  void plan_unattachedVolumeWhoseTwinTheUserAttached_isEmpty(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    String loose = f.ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(5)).volumeId();
    EncryptVolume remediation = EncryptVolume.forVolume(loose).kmsKey(f.keyArn).build();
    Remediator remediator = remediator(aws, Guardrails.ofDefaults());
    remediator.apply(remediation, remediator.plan(remediation));
    String twin = EbsFixture.tags(f.volume(loose)).get(EncryptVolume.TAG_REPLACED_BY);
    f.ec2.attachVolume(r -> r.volumeId(twin).instanceId(f.instanceId).device("/dev/sdg"));
    assertTrue(remediator.plan(remediation).isEmpty());
  }

  @Test
  void build_badValues_failWithMessageNamingTheValue() {
    assertMessage("vol-nope", () -> EncryptVolume.forVolume("vol-nope").build());
    assertMessage("i-123", () -> EncryptVolume.forInstance("i-123").build());
    assertMessage("not-a-key", () -> EncryptVolume.forInstance("i-0123456789abcdef0")
        .kmsKey("not-a-key").build());
    assertMessage("arn:aws:s3:::bucket", () -> EncryptVolume.forInstance("i-0123456789abcdef0")
        .kmsKey("arn:aws:s3:::bucket").build());
    assertMessage("PT-1S", () -> new EncryptVolume.WaiterLimits(Duration.ofSeconds(-1),
        Duration.ofHours(1), Duration.ofHours(1)));
    EncryptVolume.Type type = new EncryptVolume.Type();
    assertMessage("exactly one", () -> type.fromSpec(
        dev.remediate.core.plan.RemediationSpec.of(EncryptVolume.ID, Map.of())));
    assertMessage("'soon'", () -> type.fromSpec(dev.remediate.core.plan.RemediationSpec.of(
        EncryptVolume.ID, Map.of("volume", "vol-0123456789abcdef0", "snapshotTimeout", "soon"))));
    assertMessage("'yes'", () -> type.fromSpec(dev.remediate.core.plan.RemediationSpec.of(
        EncryptVolume.ID, Map.of("volume", "vol-0123456789abcdef0", "keepOriginal", "yes"))));
  }

  @Test
  void spec_roundTripsThroughTheCatalog() {
    RemediationCatalog catalog = RemediationCatalog.load();
    for (EncryptVolume r : List.of(
        EncryptVolume.forVolume("vol-0123456789abcdef0").build(),
        EncryptVolume.forInstance("i-0123456789abcdef0").kmsKey("alias/ebs").keepOriginal(false)
            .deleteSnapshots(false).allowAutoScalingGroup(true)
            .waiterLimits(new EncryptVolume.WaiterLimits(Duration.ofHours(48),
                Duration.ofMinutes(90), Duration.ofMinutes(20))).build(),
        EncryptVolume.forInstance("i-01234567").kmsKey(
            "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
            .build())) {
      assertEquals(r, catalog.fromSpec(r.spec()));
      assertEquals(r.hashCode(), catalog.fromSpec(r.spec()).hashCode());
    }
    assertEquals(EncryptVolume.forVolume("vol-0123456789abcdef0").build(),
        EncryptVolume.forVolume("vol-0123456789abcdef0").build());
    EncryptVolume.Type type = new EncryptVolume.Type();
    assertTrue(type.forRegion(Map.of()).isEmpty(), "the region-wide form needs encryption.kmsKey");
    dev.remediate.core.Remediation region = type.forRegion(Map.of("encryption.kmsKey", "alias/x",
        "encryption.tag", "team=db")).orElseThrow();
    assertEquals(Map.of("scope", "region", "kmsKey", "alias/x", "tag", "team=db"),
        region.spec().parameters());
    assertEquals(region, catalog.fromSpec(region.spec()));
    assertMessage("'team'", () -> type.forRegion(Map.of("encryption.kmsKey", "alias/x",
        "encryption.tag", "team")));
    assertMessage("'alias x'", () -> type.forRegion(Map.of("encryption.kmsKey", "alias x")));
    assertMessage("set encryption.kmsKey=KEY (Java: kmsKey(KEY))", () -> type.forRegion(
        Map.of("encryption.kmsKey", "alias x")));
    assertEquals(EncryptVolume.forInstance("i-0123456789abcdef0").kmsKey("alias/x").build(),
        type.forTarget("i-0123456789abcdef0", Map.of("encryption.kmsKey", "alias/x"))
            .orElseThrow());
    assertEquals(EncryptVolume.forVolume("vol-0123456789abcdef0").build(),
        type.forTarget("vol-0123456789abcdef0", Map.of()).orElseThrow());
    assertTrue(type.forTarget("sg-0123456789abcdef0", Map.of()).isEmpty());
  }

  /**
   * Equality is the spec's, and the spec holds every value: two remediations are equal exactly when
   * every value is (as the hand-written equality compared them), waiter limits included.
   */
  @Test
  void equality_comparesEveryValue() {
    String volume = "vol-0123456789abcdef0";
    EncryptVolume.WaiterLimits d = EncryptVolume.WaiterLimits.ofDefaults();
    EncryptVolume plain = EncryptVolume.forVolume(volume).build();
    EncryptVolume explicit = EncryptVolume.forVolume(volume).keepOriginal(true)
        .deleteSnapshots(true).allowAutoScalingGroup(false).waiterLimits(
            new EncryptVolume.WaiterLimits(Duration.ofMinutes(24 * 60), Duration.ofMinutes(120),
                Duration.ofSeconds(3600))).build();
    assertEquals(plain, explicit);
    assertEquals(plain.hashCode(), explicit.hashCode());
    List<EncryptVolume> different = List.of(plain,
        EncryptVolume.forVolume("vol-0123456789abcdef1").build(),
        EncryptVolume.forInstance("i-0123456789abcdef0").build(),
        EncryptVolume.forVolume(volume).kmsKey("alias/a").build(),
        EncryptVolume.forVolume(volume).kmsKey("alias/b").build(),
        EncryptVolume.forVolume(volume).keepOriginal(false).build(),
        EncryptVolume.forVolume(volume).deleteSnapshots(false).build(),
        EncryptVolume.forVolume(volume).allowAutoScalingGroup(true).build(),
        EncryptVolume.forVolume(volume).waiterLimits(new EncryptVolume.WaiterLimits(
            d.snapshot().plusNanos(1), d.volume(), d.instance())).build(),
        EncryptVolume.forVolume(volume).waiterLimits(new EncryptVolume.WaiterLimits(
            d.snapshot(), d.volume().plusNanos(1), d.instance())).build(),
        EncryptVolume.forVolume(volume).waiterLimits(new EncryptVolume.WaiterLimits(
            d.snapshot(), d.volume(), d.instance().plusNanos(1))).build());
    for (int i = 0; i < different.size(); i++) {
      for (int j = 0; j < different.size(); j++) {
        assertEquals(i == j, different.get(i).equals(different.get(j)),
            different.get(i) + " vs " + different.get(j));
      }
    }
  }

  static void assertMessage(String expected, Runnable build) {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class, build::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  static List<String> kinds(Plan plan) {
    return plan.steps().stream().map(Step::kind).collect(Collectors.toList());
  }
}
