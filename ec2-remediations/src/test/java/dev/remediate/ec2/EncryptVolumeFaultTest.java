package dev.remediate.ec2;

import static dev.remediate.ec2.EbsFixture.DATA_DEVICE;
import static dev.remediate.ec2.EbsFixture.ROOT_DEVICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyFailedException;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.Guardrails;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Remediator;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ec2.model.Volume;

/**
 * Failure at every call position of the running-instance apply, and a throttling storm. After any
 * failure the instance is as it was (running, a working volume at every device, DeleteOnTermination
 * unchanged), no user volume is deleted, and a new plan converges without duplicate intermediates.
 */
@ExtendWith(AwsEmulatorExtension.class)
class EncryptVolumeFaultTest {
  private static final Guardrails DOWNTIME_OK = Guardrails.custom().consentTo(Flag.DOWNTIME).build();

  @Test
  void apply_failureAtEveryCallPosition_restoresInstanceAndNextPlanConverges(AwsEmulator aws) {
    // a clean apply tells how many calls there are
    EbsFixture clean = EbsFixture.create(aws);
    Remediator remediator = Remediator.builder().scope(aws.scope()).guardrails(DOWNTIME_OK).build();
    EncryptVolume cleanRemediation = remediation(clean);
    Plan cleanPlan = remediator.plan(cleanRemediation);
    aws.faults().reset();
    remediator.apply(cleanRemediation, cleanPlan);
    int positions = aws.faults().callCount();
    assertTrue(positions > 30, "positions: " + positions);

    List<String> failedAt = new ArrayList<>();
    long started = System.nanoTime();
    for (int k = 1; k <= positions; k++) {
      // a fresh instance, volumes and key in the same emulator (a reset costs seconds)
      EbsFixture f = EbsFixture.create(aws);
      Map<String, Boolean> dotBefore = f.deleteOnTermination();
      EncryptVolume remediation = remediation(f);
      Plan plan = remediator.plan(remediation);
      aws.faults().reset();
      aws.recorder().reset();
      aws.faults().failCall(k, Fault.of("InjectedFailure"));
      RemediationException e = assertThrows(RemediationException.class,
          () -> remediator.apply(remediation, plan), "position " + k);
      assertEquals(1, aws.faults().injectedCount());
      String op = aws.recorder().calls().get(k - 1).operation();
      String where = "fault at call " + k + " (" + op + "): " + e.getMessage()
          + (e instanceof ApplyFailedException a ? "\n" + a.result().toText() : "");
      failedAt.add(op);

      // the instance is as it was: running, a working volume at every device
      assertEquals("running", f.instance().state().nameAsString(), where);
      assertFalse(NetworkSupport.tags(f.instance().tags()).containsKey(EncryptVolume.TAG_STOPPED_BY),
          where);
      Map<String, String> devices = f.devices();
      assertEquals(Set.of(ROOT_DEVICE, DATA_DEVICE), devices.keySet(), where);
      assertWorking(f, devices.get(ROOT_DEVICE), f.rootVolume, where);
      assertWorking(f, devices.get(DATA_DEVICE), f.dataVolume, where);
      assertEquals(dotBefore, f.deleteOnTermination(), where);
      // nothing of the user's deleted
      assertEquals(f.rootVolume, f.volume(f.rootVolume).volumeId(), where);
      assertEquals(f.dataVolume, f.volume(f.dataVolume).volumeId(), where);

      // plan again: nothing made before the restart is adopted (the instance ran since), so the
      // new apply makes exactly one snapshot and one volume per original, then converges
      long originalsInPlace = f.devices().values().stream()
          .filter(v -> v.equals(f.rootVolume) || v.equals(f.dataVolume)).count();
      aws.faults().reset();
      aws.recorder().reset();
      Plan next = remediator.plan(remediation);
      if (!next.isEmpty()) {
        assertEquals(ApplyResult.Status.APPLIED, remediator.apply(remediation, next).status(),
            where);
      }
      assertTrue(remediator.plan(remediation).isEmpty(), where);
      assertEquals(List.of(), f.snapshots(), where + "\ntransient snapshots left");
      assertEquals(originalsInPlace, succeeded(aws, "CreateSnapshot"), where + "\nfresh snapshots");
      assertEquals(originalsInPlace, succeeded(aws, "CreateVolume"),
          where + "\none new volume per original still in place");
      // copies made before the restart are stale: never attached, only reported in the plan
      for (Volume r : f.replacements()) {
        if (!f.devices().containsValue(r.volumeId())) {
          assertEquals("available", r.stateAsString(), where);
          assertTrue(next.warnings().stream().anyMatch(w -> w.contains(r.volumeId())), where);
        }
      }
      assertEquals("running", f.instance().state().nameAsString(), where);
      for (String device : List.of(ROOT_DEVICE, DATA_DEVICE)) {
        Volume v = f.volume(f.devices().get(device));
        assertTrue(v.encrypted(), where);
        assertEquals(f.keyArn, v.kmsKeyId(), where);
      }
      assertEquals(dotBefore, f.deleteOnTermination(), where);
    }
    System.out.printf("fault matrix: %d positions in %d ms%n", positions,
        (System.nanoTime() - started) / 1_000_000);
    // every kind of call was hit at least once
    assertTrue(failedAt.containsAll(List.of("CreateSnapshot", "CreateVolume", "StopInstances",
        "DetachVolume", "AttachVolume", "ModifyInstanceAttribute", "StartInstances",
        "DeleteSnapshot", "DescribeSnapshots", "DescribeVolumes", "DescribeInstances")),
        failedAt.toString());
  }

  @Test
  void apply_throttlingOnAThirdOfCalls_completes(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    BackoffStrategy fast = BackoffStrategy.exponentialDelay(Duration.ofMillis(2),
        Duration.ofMillis(20));
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION)
        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(12).backoffStrategy(fast).throttlingBackoffStrategy(fast)
            .circuitBreakerEnabled(false).build())
        .build()) {
      Remediator remediator = Remediator.builder().scope(scope).guardrails(DOWNTIME_OK).build();
      EncryptVolume remediation = remediation(f);
      aws.faults().failFraction(1.0 / 3, 20261127L, Fault.throttling());
      aws.recorder().reset();
      Plan plan = remediator.plan(remediation);
      assertEquals(ApplyResult.Status.APPLIED, remediator.apply(remediation, plan).status());
      assertTrue(remediator.plan(remediation).isEmpty());
      assertTrue(aws.faults().injectedCount() >= 15,
          "throttled " + aws.faults().injectedCount() + " times");
      assertEquals(1, aws.recorder().count("StopInstances"));
      assertEquals(1, aws.recorder().count("StartInstances"));
      assertEquals(2, aws.recorder().count("CreateVolume"));
    }
    assertEquals("running", f.instance().state().nameAsString());
    assertEquals(2, f.replacements().size());
    for (String device : List.of(ROOT_DEVICE, DATA_DEVICE)) {
      assertTrue(f.volume(f.devices().get(device)).encrypted());
    }
  }

  private static long succeeded(AwsEmulator aws, String operation) {
    return aws.recorder().calls().stream()
        .filter(c -> c.operation().equals(operation) && c.succeeded()).count();
  }

  private static EncryptVolume remediation(EbsFixture f) {
    return EncryptVolume.forInstance(f.instanceId).kmsKey(f.keyArn).build();
  }

  private static void assertWorking(EbsFixture f, String attached, String original,
      String where) {
    Volume v = f.volume(attached);
    assertEquals("attached", v.attachments().get(0).stateAsString(), where);
    if (!attached.equals(original)) {
      assertEquals(original, EbsFixture.tags(v).get(EncryptVolume.TAG_ORIGIN_VOLUME), where);
      assertTrue(v.encrypted(), where);
    }
  }
}
