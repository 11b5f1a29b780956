package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyListener;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.Guardrails;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.Remediation;
import dev.remediate.core.Remediator;
import dev.remediate.core.StepOutcome;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.plan.Step;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.kms.KmsClient;

/** The region-wide form of {@code ec2.encrypt-volumes} (issue 10 item 3) on the emulator. */
@ExtendWith(AwsEmulatorExtension.class)
class EncryptVolumeRegionTest {
  private static final Guardrails DOWNTIME_OK = Guardrails.custom().consentTo(Flag.DOWNTIME)
      .build();

  /** Two running instances (unencrypted roots), one loose unencrypted volume, one encrypted. */
  private record Region(Ec2Client ec2, String keyArn, String web, String db, String loose,
      String encrypted) {}

  private static Region region(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    KmsClient kms = aws.client(KmsClient.class, KmsClient::builder);
    String keyArn = kms.createKey(r -> r.description("ebs")).keyMetadata().arn();
    String web = run(ec2, "web");
    String db = run(ec2, "db");
    String loose = ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(4)
        .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.VOLUME)
            .tags(EbsFixture.tag("team", "db")).build())).volumeId();
    String encrypted = ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(4)
        .encrypted(true).kmsKeyId(keyArn)).volumeId();
    return new Region(ec2, keyArn, web, db, loose, encrypted);
  }

  private static String run(Ec2Client ec2, String team) {
    return ec2.runInstances(r -> r.imageId(EbsFixture.AMI).minCount(1).maxCount(1)
        .instanceType("t3.micro").tagSpecifications(TagSpecification.builder()
            .resourceType(ResourceType.INSTANCE).tags(EbsFixture.tag("team", team)).build()))
        .instances().get(0).instanceId();
  }

  private static Remediation everyVolume(Region r, Map<String, String> more) {
    Map<String, String> settings = new TreeMap<>(more);
    settings.put("encryption.kmsKey", r.keyArn);
    return new EncryptVolume.Type().forRegion(settings).orElseThrow();
  }

  private static Map<String, Plan> byTarget(PlanSet set) {
    Map<String, Plan> map = new TreeMap<>();
    set.plans().forEach(p -> map.put(p.target().id(), p));
    return map;
  }

  @Test
  void planSet_region_onePlanPerInstanceWithDowntimeAndOnePerLooseVolumeWithout(AwsEmulator aws) {
    Region r = region(aws);
    Remediator remediator = Remediator.builder().scope(aws.scope()).guardrails(DOWNTIME_OK)
        .build();
    aws.recorder().reset();
    PlanSet set = remediator.planSet(List.of(everyVolume(r, Map.of())));
    Map<String, Integer> budget = Map.of("Ec2.DescribeVolumes", 3, "Ec2.DescribeInstances", 1,
        "Ec2.DescribeSnapshots", 1, "Kms.DescribeKey", 1, "Ec2.DescribeInstanceTypes", 1,
        "Ec2.DescribeInstanceAttribute", 2);
    assertEquals(budget, aws.recorder().counts(), "a few region-wide reads, key and instance "
        + "type read once, stop protection per instance that needs a stop");

    Map<String, Plan> plans = byTarget(set);
    assertEquals(Set.of(r.web, r.db, r.loose), plans.keySet(), "the encrypted volume has none");
    for (String instance : List.of(r.web, r.db)) {
      Plan plan = plans.get(instance);
      assertEquals("AWS::EC2::Instance", plan.target().type());
      assertEquals(Set.of(Flag.DOWNTIME), plan.flags());
      assertEquals(1, count(plan, "StopInstances"));
      assertEquals(1, count(plan, "StartInstances"));
      assertEquals(Map.of("instance", instance, "kmsKey", r.keyArn),
          plan.remediation().parameters(), "the spec of that instance alone");
    }
    Plan loose = plans.get(r.loose);
    assertEquals("AWS::EC2::Volume", loose.target().type());
    assertTrue(loose.flags().isEmpty(), "no downtime for an unattached volume");
    assertEquals(List.of("CreateSnapshot", "CreateVolume", "CreateTags", "DeleteSnapshot"),
        loose.steps().stream().map(Step::kind).toList());

    // the plan of one target equals the plan its single-target form makes now, step by step
    Plan alone = remediator.plan(EncryptVolume.forInstance(r.web).kmsKey(r.keyArn).build());
    assertEquals(identities(plans.get(r.web)), identities(alone));
  }

  @Test
  void planSet_tagSelection_keepsOnlyTaggedInstancesAndVolumes(AwsEmulator aws) {
    Region r = region(aws);
    Remediator remediator = Remediator.builder().scope(aws.scope()).build();
    PlanSet set = remediator.planSet(List.of(everyVolume(r, Map.of("encryption.tag", "team=db"))));
    assertEquals(Set.of(r.db, r.loose), byTarget(set).keySet());
  }

  @Test
  void apply_savedRegionPlanSet_encryptsEachInstanceWithOneStopAndOneStart(AwsEmulator aws) {
    Region r = region(aws);
    List<String> steps = Collections.synchronizedList(new ArrayList<>());
    ApplyListener listener = new ApplyListener() {
      @Override
      public void onStepStarted(Step step, int index, int total) {
        steps.add(step.kind() + " " + step.resource());
      }
    };
    Remediator remediator = Remediator.builder().scope(aws.scope()).guardrails(DOWNTIME_OK)
        .listener(listener).build();
    PlanSet saved = PlanSet.fromJson(remediator.planSet(List.of(everyVolume(r, Map.of())))
        .toJson());
    aws.recorder().reset();
    PlanSetResult result = remediator.apply(saved);
    assertEquals(Map.of(ApplyResult.Status.APPLIED, 3L), result.counts(), result.toText());
    for (ApplyResult target : result.results()) {
      assertTrue(target.outcomes().stream().allMatch(o -> o.status()
          == StepOutcome.Status.SUCCEEDED), "saved, then applied unchanged: every reviewed step "
          + "compares equal and runs: " + target.toText());
    }
    assertEquals(2, aws.recorder().count("StopInstances"));
    assertEquals(2, aws.recorder().count("StartInstances"));
    for (String instance : List.of(r.web, r.db)) {
      assertEquals(1, steps.stream().filter(s -> s.equals("StopInstances " + instance)).count());
      assertEquals(1, steps.stream().filter(s -> s.equals("StartInstances " + instance)).count());
      assertEquals("running", r.ec2.describeInstances(q -> q.instanceIds(instance))
          .reservations().get(0).instances().get(0).state().nameAsString());
      for (Volume v : r.ec2.describeVolumes(q -> q.filters(f -> f.name("attachment.instance-id")
          .values(instance))).volumes()) {
        assertTrue(v.encrypted(), v.volumeId());
      }
    }
    String twin = EbsFixture.tags(r.ec2.describeVolumes(q -> q.volumeIds(r.loose)).volumes()
        .get(0)).get(EncryptVolume.TAG_REPLACED_BY);
    assertTrue(r.ec2.describeVolumes(q -> q.volumeIds(twin)).volumes().get(0).encrypted());

    PlanSet again = remediator.planSet(List.of(everyVolume(r, Map.of())));
    assertTrue(again.withChanges().isEmpty(), again.toText());
  }

  /**
   * Resume after a failure half way: the swap failed, compensation put the original back and
   * started the instance again (its intermediates are not adopted: it ran since). Applying the same
   * saved plan set again: every reviewed step still compares equal and runs (one more stop and
   * start), so the instance ends encrypted; but the first apply's leftover snapshot is a cleanup
   * nobody reviewed, so verification reports the target FAILED, naming it. A fresh plan deletes it,
   * and the next plan is empty. (Known limitation, see the report of this change.)
   */
  @Test
  void apply_sameSavedPlanSetAfterFailedSwap_encryptsButLeavesUnreviewedCleanupForAFreshPlan(
      AwsEmulator aws) {
    Region r = region(aws);
    Remediator remediator = Remediator.builder().scope(aws.scope()).guardrails(DOWNTIME_OK)
        .build();
    Remediation web = everyVolume(r, Map.of("encryption.tag", "team=web"));
    PlanSet saved = PlanSet.fromJson(remediator.planSet(List.of(web)).toJson());
    assertEquals(Set.of(r.web), byTarget(saved).keySet());
    aws.faults().failNth("AttachVolume", 1, Fault.of("InjectedFailure"));
    PlanSetResult first = remediator.apply(saved);
    aws.faults().reset();
    assertEquals(ApplyResult.Status.FAILED, first.results().get(0).status(), first.toText());
    assertEquals("running", r.ec2.describeInstances(q -> q.instanceIds(r.web)).reservations()
        .get(0).instances().get(0).state().nameAsString(), "compensation restarted it");

    ApplyResult again = remediator.apply(saved).results().get(0);
    assertTrue(again.outcomes().stream().allMatch(o -> o.status()
        == StepOutcome.Status.SUCCEEDED), again.toText());
    assertEquals(2, aws.recorder().count("StopInstances"));
    assertEquals(2, aws.recorder().count("StartInstances"));
    for (Volume v : r.ec2.describeVolumes(q -> q.filters(f -> f.name("attachment.instance-id")
        .values(r.web))).volumes()) {
      assertTrue(v.encrypted(), v.volumeId());
    }
    assertEquals(ApplyResult.Status.FAILED, again.status());
    assertTrue(again.detail().contains("verification still plans 1 change")
        && again.detail().contains("DeleteSnapshot snap-"), again.detail());

    PlanSet fresh = remediator.planSet(List.of(web));
    assertEquals(List.of("DeleteSnapshot"), fresh.plans().get(0).steps().stream()
        .map(Step::kind).toList(), "no downtime: only the leftover cleanup");
    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(fresh).results().get(0).status());
    assertTrue(remediator.planSet(List.of(web)).withChanges().isEmpty());
  }

  @Test
  void apply_byDefault_neverStopsTwoInstancesAtOnce(AwsEmulator aws) {
    assertEquals(1, maxDown(aws, Guardrails.custom().consentTo(Flag.DOWNTIME).build()));
  }

  @Test
  void apply_maxConcurrentDowntimeTwo_mayStopBothAtOnce(AwsEmulator aws) {
    assertEquals(2, maxDown(aws, Guardrails.custom().consentTo(Flag.DOWNTIME)
        .maxConcurrentDowntime(2).build()));
  }

  /**
   * Applies the region's plans and returns how many instances were down at once (from the start
   * of a StopInstances step to the end of the StartInstances step). The first stop waits (up to
   * 3 s) for a second one to begin, so that an overlap the guardrail allows does happen.
   */
  private static int maxDown(AwsEmulator aws, Guardrails guardrails) {
    Region r = region(aws);
    Set<String> down = ConcurrentHashMap.newKeySet();
    AtomicInteger max = new AtomicInteger();
    CountDownLatch bothStopping = new CountDownLatch(2);
    ApplyListener listener = new ApplyListener() {
      @Override
      public void onStepStarted(Step step, int index, int total) {
        if (step.kind().equals("StopInstances")) {
          down.add(step.resource());
          max.accumulateAndGet(down.size(), Math::max);
          bothStopping.countDown();
          try {
            bothStopping.await(3, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }

      @Override
      public void onStepFinished(StepOutcome outcome) {
        if (outcome.step().kind().equals("StartInstances")) {
          down.remove(outcome.step().resource());
        }
      }
    };
    Remediator remediator = Remediator.builder().scope(aws.scope()).guardrails(guardrails)
        .listener(listener).parallelism(4).build();
    PlanSetResult result = remediator.apply(remediator.planSet(List.of(
        everyVolume(r, Map.of()))));
    assertFalse(result.hasProblems(), result.toText());
    assertEquals(2, aws.recorder().count("StopInstances"));
    return max.get();
  }

  private static long count(Plan plan, String kind) {
    return plan.steps().stream().filter(s -> s.kind().equals(kind)).count();
  }

  private static List<String> identities(Plan plan) {
    return plan.steps().stream().map(Step::identity).toList();
  }
}
