package dev.remediate.ec2;

import static dev.remediate.ec2.EbsFixture.DATA_DEVICE;
import static dev.remediate.ec2.EbsFixture.ROOT_DEVICE;
import static dev.remediate.ec2.EncryptVolumeTest.kinds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;

import dev.remediate.core.ApplyFailedException;
import dev.remediate.core.ApplyListener;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.Guardrails;
import dev.remediate.core.Remediator;
import dev.remediate.core.StepOutcome;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Step;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateVolumeRequest;
import software.amazon.awssdk.services.ec2.model.DeleteTagsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.DetachVolumeRequest;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.StartInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Volume;

/**
 * The second review of EncryptVolume: a stop tag that no longer describes the current stop, a
 * launch between two detaches, stale {@code stopped} reads after StartInstances, a resumed plan
 * failing before its swap, a volume moved to another instance. Situations the emulator cannot
 * produce (moto never changes {@code LaunchTime}, its reads are never stale) use a Mockito-stubbed
 * {@link Ec2Client} forwarding everything else to it.
 */
@ExtendWith(AwsEmulatorExtension.class)
class EncryptVolumeHardeningTest {
  private static final Guardrails DOWNTIME_OK = Guardrails.custom().consentTo(Flag.DOWNTIME).build();

  /**
   * Applies until the n-th step of a kind starts, then the process dies: an {@link Error}, so no
   * compensation runs. The instance is left stopped by this remediation.
   */
  private static void applyAndCrashAt(AwsEmulator aws, EbsFixture f, EncryptVolume remediation,
      String kind, int n) {
    AtomicInteger seen = new AtomicInteger();
    ApplyListener crash = new ApplyListener() {
      @Override
      public void onStepStarted(Step step, int index, int total) {
        if (step.kind().equals(kind) && seen.incrementAndGet() == n) {
          throw new OutOfMemoryError("simulated crash");
        }
      }
    };
    Remediator crashing = Remediator.builder().scope(aws.scope()).guardrails(DOWNTIME_OK)
        .listener(crash).build();
    Plan plan = crashing.plan(remediation);
    EbsFixture.assertCrashed(() -> crashing.apply(remediation, plan));
    assertEquals("stopped", f.instance().state().nameAsString());
  }

  /** DescribeInstances answers {@code launchTime} once it is set, as AWS does after a start. */
  private static void launchTimeFrom(Ec2Client stub, EbsFixture f,
      AtomicReference<Instant> launchTime) {
    doAnswer(inv -> {
      DescribeInstancesResponse real = f.ec2.describeInstances(
          (DescribeInstancesRequest) inv.getArgument(0));
      Instant t = launchTime.get();
      if (t == null) {
        return real;
      }
      Instance i = real.reservations().get(0).instances().get(0).toBuilder().launchTime(t)
          .build();
      return real.toBuilder().reservations(real.reservations().get(0).toBuilder().instances(i)
          .build()).build();
    }).when(stub).describeInstances(any(DescribeInstancesRequest.class));
  }

  private static Ec2Exception awsError(String code) {
    return (Ec2Exception) Ec2Exception.builder().statusCode(400).message(code + " (stubbed)")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("stubbed")
            .serviceName("Ec2").build()).build();
  }

  @Test
  void plan_afterCrashThenOwnerStartedWroteAndStopped_adoptsNothingAndNeverStarts(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    EncryptVolume remediation = EncryptVolume.forInstance(f.instanceId).kmsKey(f.keyArn).build();
    // the process dies after the stop, the snapshots and the new volumes, before any detach
    applyAndCrashAt(aws, f, remediation, "DetachVolume", 1);
    assertTrue(NetworkSupport.tags(f.instance().tags()).containsKey(EncryptVolume.TAG_STOPPED_BY));
    List<String> stale = f.replacements().stream().map(Volume::volumeId).toList();
    assertEquals(2, stale.size());

    // its owner starts it, writes, and stops it again: AWS gives it a new launch time (moto keeps
    // the old one, so DescribeInstances is stubbed to answer the new one)
    f.ec2.startInstances(r -> r.instanceIds(f.instanceId));
    f.ec2.stopInstances(r -> r.instanceIds(f.instanceId));
    Ec2Client stub = EbsFixture.stubbable(f.ec2);
    AtomicReference<Instant> launchTime = new AtomicReference<>(
        Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1));
    launchTimeFrom(stub, f, launchTime);
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).client(Ec2Client.class, stub)
        .build()) {
      Plan next = Remediator.builder().scope(scope).guardrails(DOWNTIME_OK).build()
          .plan(remediation);
      List<String> kinds = kinds(next);
      assertEquals(2, kinds.stream().filter(k -> k.equals("CreateSnapshot")).count(),
          "the old snapshots miss the owner's writes: fresh ones are taken " + kinds);
      assertEquals(2, kinds.stream().filter(k -> k.equals("CreateVolume")).count(), kinds.toString());
      assertFalse(kinds.contains("StartInstances"), "its owner stopped it: " + kinds);
      assertFalse(kinds.contains("StopInstances"), kinds.toString());
      for (String id : stale) {
        assertTrue(next.warnings().stream().anyMatch(w -> w.contains(id)), next.warnings()
            .toString());
        assertTrue(next.steps().stream().noneMatch(s -> id.equals(s.parameters()
            .get("replacement"))), "stale volume " + id + " adopted");
      }
    }
  }

  @Test
  void apply_instanceLaunchedAgainBetweenTwoDetaches_failsBeforeTheSecondDetach(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    Ec2Client stub = EbsFixture.stubbable(f.ec2);
    AtomicReference<Instant> launchTime = new AtomicReference<>();
    launchTimeFrom(stub, f, launchTime);
    AtomicInteger detaches = new AtomicInteger();
    ApplyListener ownerRestarts = new ApplyListener() {
      @Override
      public void onStepStarted(Step step, int index, int total) {
        if (step.kind().equals("DetachVolume") && detaches.incrementAndGet() == 2) {
          // between the two detaches its owner started it, wrote, and stopped it again
          launchTime.set(Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1));
        }
      }
    };
    EncryptVolume remediation = EncryptVolume.forInstance(f.instanceId).kmsKey(f.keyArn).build();
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).client(Ec2Client.class, stub)
        .build()) {
      Remediator remediator = Remediator.builder().scope(scope).guardrails(DOWNTIME_OK)
          .listener(ownerRestarts).build();
      Plan plan = remediator.plan(remediation);
      ApplyFailedException e = assertThrows(ApplyFailedException.class,
          () -> remediator.apply(remediation, plan));
      assertTrue(e.getMessage().contains("may have run and written since"), e.getMessage());
      assertEquals(2, detaches.get());
    }
    // compensation put the first original back; the second was never pulled
    assertEquals(Map.of(ROOT_DEVICE, f.rootVolume, DATA_DEVICE, f.dataVolume), f.devices());
  }

  @Test
  void apply_staleStoppedReadRightAfterStart_keepsWaitingAndCompletes(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    Ec2Client stub = EbsFixture.stubbable(f.ec2);
    AtomicBoolean staleNext = new AtomicBoolean();
    doAnswer(inv -> {
      Object answer = f.ec2.startInstances((StartInstancesRequest) inv.getArgument(0));
      staleNext.set(true);
      return answer;
    }).when(stub).startInstances(any(StartInstancesRequest.class));
    staleStoppedRead(stub, f, staleNext);
    EncryptVolume remediation = EncryptVolume.forInstance(f.instanceId).kmsKey(f.keyArn).build();
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).client(Ec2Client.class, stub)
        .build()) {
      Remediator remediator = Remediator.builder().scope(scope).guardrails(DOWNTIME_OK).build();
      assertEquals(ApplyResult.Status.APPLIED,
          remediator.apply(remediation, remediator.plan(remediation)).status());
    }
    assertFalse(staleNext.get(), "the stale read was served");
    assertEquals("running", f.instance().state().nameAsString());
    for (String id : f.devices().values()) {
      assertTrue(f.volume(id).encrypted());
    }
  }

  @Test
  void compensate_staleStoppedReadOfARunningInstance_detachesNothing(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    Ec2Client stub = EbsFixture.stubbable(f.ec2);
    AtomicBoolean staleNext = new AtomicBoolean();
    AtomicBoolean failed = new AtomicBoolean();
    // the start succeeds; removing the stop tag afterwards fails once
    doAnswer(inv -> {
      if (!failed.getAndSet(true)) {
        staleNext.set(true);
        throw awsError("InternalError");
      }
      return f.ec2.deleteTags((DeleteTagsRequest) inv.getArgument(0));
    }).when(stub).deleteTags(any(DeleteTagsRequest.class));
    staleStoppedRead(stub, f, staleNext);
    EncryptVolume remediation = EncryptVolume.forInstance(f.instanceId).kmsKey(f.keyArn).build();
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).client(Ec2Client.class, stub)
        .build()) {
      Remediator remediator = Remediator.builder().scope(scope).guardrails(DOWNTIME_OK).build();
      Plan plan = remediator.plan(remediation);
      ApplyFailedException e = assertThrows(ApplyFailedException.class,
          () -> remediator.apply(remediation, plan));
      assertFalse(staleNext.get(), "the stale read was served to compensation");
      assertTrue(e.result().compensation().stream().anyMatch(l -> l.contains("is running")),
          e.result().compensation().toString());
    }
    // it runs on its encrypted volumes: nothing was pulled from the running OS
    assertEquals("running", f.instance().state().nameAsString());
    for (String id : f.devices().values()) {
      assertTrue(f.volume(id).encrypted(), id);
    }
  }

  /** The next DescribeInstances after {@code staleNext} is set answers {@code stopped}. */
  private static void staleStoppedRead(Ec2Client stub, EbsFixture f, AtomicBoolean staleNext) {
    doAnswer(inv -> {
      DescribeInstancesResponse real = f.ec2.describeInstances(
          (DescribeInstancesRequest) inv.getArgument(0));
      if (!staleNext.getAndSet(false)) {
        return real;
      }
      Instance stopped = real.reservations().get(0).instances().get(0).toBuilder()
          .state(s -> s.name(InstanceStateName.STOPPED).code(80))
          .stateReason(r -> r.code("Client.UserInitiatedShutdown")
              .message("Client.UserInitiatedShutdown: User initiated shutdown"))
          .build();
      return real.toBuilder().reservations(real.reservations().get(0).toBuilder()
          .instances(stopped).build()).build();
    }).when(stub).describeInstances(any(DescribeInstancesRequest.class));
  }

  @Test
  void apply_resumedPlanFailingBeforeItsSwap_startsTheInstanceAgain(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    EncryptVolume remediation = EncryptVolume.forInstance(f.instanceId).kmsKey(f.keyArn).build();
    // the process dies after the stop and both snapshots, before the second new volume
    applyAndCrashAt(aws, f, remediation, "CreateVolume", 2);

    Ec2Client stub = EbsFixture.stubbable(f.ec2);
    doAnswer(inv -> {
      throw awsError("InsufficientVolumeCapacity");
    }).when(stub).createVolume(any(CreateVolumeRequest.class));
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).client(Ec2Client.class, stub)
        .build()) {
      Remediator remediator = Remediator.builder().scope(scope).guardrails(DOWNTIME_OK).build();
      Plan resumed = remediator.plan(remediation);
      List<String> kinds = kinds(resumed);
      assertFalse(kinds.contains("StopInstances"), kinds.toString());
      assertTrue(kinds.contains("StartInstances"), kinds.toString());
      assertEquals("CreateVolume", kinds.get(0), kinds.toString());
      ApplyFailedException e = assertThrows(ApplyFailedException.class,
          () -> remediator.apply(remediation, resumed));
      assertTrue(e.result().compensation().stream().anyMatch(l -> l.startsWith("started")),
          e.result().compensation().toString());
    }
    assertEquals("running", f.instance().state().nameAsString(), "it was running before");
    assertEquals(Map.of(ROOT_DEVICE, f.rootVolume, DATA_DEVICE, f.dataVolume), f.devices());
    assertFalse(NetworkSupport.tags(f.instance().tags()).containsKey(EncryptVolume.TAG_STOPPED_BY));
  }

  @Test
  void apply_volumeMovedToAnotherInstance_failsAtOnceInsteadOfCountingAsDetached(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    f.ec2.stopInstances(r -> r.instanceIds(f.instanceId));
    String other = f.ec2.runInstances(r -> r.imageId(EbsFixture.AMI).minCount(1).maxCount(1)
        .instanceType("t3.micro").placement(p -> p.availabilityZone(
            f.volume(f.dataVolume).availabilityZone()))).instances().get(0).instanceId();
    Ec2Client stub = EbsFixture.stubbable(f.ec2);
    // AWS refuses to detach a volume from an instance it is not attached to
    doAnswer(inv -> {
      throw awsError("IncorrectState");
    }).when(stub).detachVolume(any(DetachVolumeRequest.class));
    ApplyListener someoneMovesIt = new ApplyListener() {
      @Override
      public void onStepStarted(Step step, int index, int total) {
        if (step.kind().equals("DetachVolume")) {
          f.ec2.detachVolume(r -> r.volumeId(f.dataVolume).instanceId(f.instanceId));
          f.ec2.attachVolume(r -> r.volumeId(f.dataVolume).instanceId(other).device("/dev/sdg"));
        }
      }
    };
    // a long wait for "detached" would show as a timeout well under a minute
    EncryptVolume remediation = EncryptVolume.forVolume(f.dataVolume).kmsKey(f.keyArn)
        .waiterLimits(new EncryptVolume.WaiterLimits(Duration.ofHours(1), Duration.ofHours(1),
            Duration.ofSeconds(3)))
        .build();
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).client(Ec2Client.class, stub)
        .build()) {
      Remediator remediator = Remediator.builder().scope(scope).listener(someoneMovesIt).build();
      Plan plan = remediator.plan(remediation);
      ApplyFailedException e = assertThrows(ApplyFailedException.class,
          () -> remediator.apply(remediation, plan));
      assertTrue(e.getMessage().contains("is attached to [" + other + "]"), e.getMessage());
      assertTrue(e.result().outcomes().stream().noneMatch(o -> o.step().kind()
          .equals("AttachVolume") && o.status() == StepOutcome.Status.SUCCEEDED),
          "nothing attached in its place");
    }
    assertEquals(other, f.volume(f.dataVolume).attachments().get(0).instanceId());
  }
}
