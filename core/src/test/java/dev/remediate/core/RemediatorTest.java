package dev.remediate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RemediatorTest {
  private final AwsScope scope = AwsScope.builder().region("eu-west-1").account("111122223333")
      .build();

  @AfterEach
  void close() {
    scope.close();
  }

  private static Map<String, String> world(String... pairs) {
    Map<String, String> world = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      world.put(pairs[i], pairs[i + 1]);
    }
    return world;
  }

  private Remediator remediator(FakeRemediation fake, Guardrails guardrails,
      ApplyListener listener) {
    return Remediator.builder().scope(scope).guardrails(guardrails).listener(listener)
        .catalog(RemediationCatalog.of(new FakeRemediation.Type(fake))).build();
  }

  private Remediator remediator(FakeRemediation fake, Guardrails guardrails) {
    return remediator(fake, guardrails, ApplyListener.NONE);
  }

  @Test
  void plan_compliantWorld_isEmpty() {
    FakeRemediation fake = FakeRemediation.of(world("a", "ok"));
    Plan plan = remediator(fake, Guardrails.ofDefaults()).plan(fake);
    assertTrue(plan.isEmpty());
    assertEquals("eu-west-1", plan.target().region());
    assertEquals("111122223333", plan.target().account());
  }

  @Test
  void apply_twoWrongKeys_runsStepsInOrderAndVerifies() {
    FakeRemediation fake = FakeRemediation.of(world("a", "bad", "b", "bad", "c", "ok"));
    Remediator remediator = remediator(fake, Guardrails.ofDefaults());
    ApplyResult result = remediator.apply(remediator.plan(fake));
    assertEquals(ApplyResult.Status.APPLIED, result.status());
    assertEquals(List.of("a", "b"), fake.executed);
    assertEquals(2, result.succeeded());
    assertTrue(remediator.plan(fake).isEmpty());
  }

  @Test
  void apply_emptyPlan_isNothingToDo() {
    FakeRemediation fake = FakeRemediation.of(world("a", "ok"));
    Remediator remediator = remediator(fake, Guardrails.ofDefaults());
    assertEquals(ApplyResult.Status.NOTHING_TO_DO,
        remediator.apply(remediator.plan(fake)).status());
  }

  @Test
  void apply_reviewedStepNowDifferent_refusesStalePlan() {
    FakeRemediation fake = FakeRemediation.of(world("a", "bad", "b", "bad"));
    Remediator remediator = remediator(fake, Guardrails.ofDefaults());
    Plan plan = remediator.plan(fake);
    fake.world.put("a", "worse");
    StalePlanException e = assertThrows(StalePlanException.class, () -> remediator.apply(plan));
    assertTrue(fake.executed.isEmpty(), "nothing of a stale target runs: " + fake.executed);
    assertTrue(e.reason().contains("Fix a"), e.reason());
    assertTrue(e.getMessage().contains("stale"), e.getMessage());
  }

  @Test
  void apply_newFindingSincePlanning_leavesItAloneAndAppliesTheReviewedSteps() {
    FakeRemediation fake = FakeRemediation.of(world("a", "bad"));
    Remediator remediator = remediator(fake, Guardrails.ofDefaults());
    Plan plan = remediator.plan(fake);
    fake.world.put("b", "bad");
    ApplyResult result = remediator.apply(plan);
    assertEquals(ApplyResult.Status.APPLIED, result.status());
    assertEquals(List.of("a"), fake.executed);
    assertEquals("bad", fake.world.get("b"), "b was never reviewed, so it is not touched");
  }

  @Test
  void apply_reviewedStepDoneMeanwhile_isAlreadyDone() {
    FakeRemediation fake = FakeRemediation.of(world("a", "bad", "b", "bad"));
    Remediator remediator = remediator(fake, Guardrails.ofDefaults());
    Plan plan = remediator.plan(fake);
    fake.world.put("a", "ok");
    ApplyResult result = remediator.apply(plan);
    assertEquals(ApplyResult.Status.APPLIED, result.status());
    assertEquals(List.of("b"), fake.executed);
    assertEquals(StepOutcome.Status.ALREADY_DONE, result.outcomes().get(0).status());
    fake.world.put("b", "ok");
    assertEquals(ApplyResult.Status.ALREADY_DONE, remediator.apply(plan).status());
  }

  @Test
  void apply_dryRun_runsNothing() {
    FakeRemediation fake = FakeRemediation.of(world("a", "bad"));
    Remediator remediator = remediator(fake, Guardrails.custom().dryRun(true).build());
    ApplyResult result = remediator.apply(remediator.plan(fake));
    assertEquals(ApplyResult.Status.DRY_RUN, result.status());
    assertEquals(StepOutcome.Status.DRY_RUN, result.outcomes().get(0).status());
    assertTrue(fake.executed.isEmpty());
    assertEquals("bad", fake.world.get("a"));
  }

  @Test
  void apply_moreStepsThanMaxChanges_refusesBeforeAnyChange() {
    FakeRemediation fake = FakeRemediation.of(world("a", "bad", "b", "bad", "c", "bad"));
    Remediator remediator = remediator(fake, Guardrails.custom().maxChanges(2).build());
    GuardrailException e = assertThrows(GuardrailException.class,
        () -> remediator.apply(remediator.plan(fake)));
    assertTrue(e.getMessage().contains("3 changes"), e.getMessage());
    assertTrue(fake.executed.isEmpty());
  }

  @Test
  void apply_downtimeStepWithoutConsent_refusesNamingFlag() {
    FakeRemediation fake = FakeRemediation.of(world("a", "bad"), Flag.DOWNTIME);
    Remediator remediator = remediator(fake, Guardrails.ofDefaults());
    Plan plan = remediator.plan(fake);
    GuardrailException e = assertThrows(GuardrailException.class, () -> remediator.apply(plan));
    assertTrue(e.getMessage().contains("DOWNTIME"), e.getMessage());
    assertTrue(e.getMessage().contains("(Java: Guardrails.custom().consentTo(Flag.DOWNTIME); "
        + "command line: --allow-downtime)"), e.getMessage());
    assertFalse(e.getMessage().contains("Consent with Guardrails"), e.getMessage());
    assertTrue(fake.executed.isEmpty());

    Remediator consenting = remediator(fake,
        Guardrails.custom().consentTo(Flag.DOWNTIME).build());
    assertEquals(ApplyResult.Status.APPLIED, consenting.apply(plan).status());
  }

  @Test
  void apply_consentToOtherFlag_stillRefuses() {
    FakeRemediation fake = FakeRemediation.of(world("a", "bad"), Flag.DESTRUCTIVE);
    Remediator remediator = remediator(fake,
        Guardrails.custom().consentTo(Flag.DOWNTIME, Flag.DISRUPTIVE).build());
    assertThrows(GuardrailException.class, () -> remediator.apply(remediator.plan(fake)));
  }

  @Test
  void plan_optedOutResource_isSkippedWithReason() {
    FakeRemediation fake = new FakeRemediation(world("a", "bad", "b", "bad"), Set.of("b"),
        Set.of());
    Plan plan = remediator(fake, Guardrails.custom().optOutTagKey("keep").build()).plan(fake);
    assertEquals(1, plan.steps().size());
    assertEquals("b", plan.skipped().get(0).resource());
    assertEquals("opt-out tag keep", plan.skipped().get(0).reason());
  }

  @Test
  void apply_stepFails_compensatesAndReportsJournal() {
    FakeRemediation fake = FakeRemediation.of(world("a", "bad", "b", "bad", "c", "bad"));
    fake.failOn = "b";
    Remediator remediator = remediator(fake, Guardrails.ofDefaults());
    ApplyFailedException e = assertThrows(ApplyFailedException.class,
        () -> remediator.apply(remediator.plan(fake)));
    assertEquals(List.of(StepOutcome.Status.SUCCEEDED, StepOutcome.Status.FAILED,
        StepOutcome.Status.NOT_RUN), e.result().outcomes().stream().map(StepOutcome::status)
        .toList());
    assertEquals(List.of("undid 1 step(s)"), e.result().compensation());
    assertEquals(1, fake.compensations.size());
    assertEquals("a", fake.compensations.get(0).get(0).resource());
    assertTrue(e.getMessage().contains("step 2 of 3"), e.getMessage());
    assertTrue(e.getCause().getMessage().contains("boom on b"));
  }

  @Test
  void apply_firstStepFails_stillLetsTheRemediationCompensate() {
    FakeRemediation fake = FakeRemediation.of(world("a", "bad", "b", "bad"));
    fake.failOn = "a";
    Remediator remediator = remediator(fake, Guardrails.ofDefaults());
    ApplyFailedException e = assertThrows(ApplyFailedException.class,
        () -> remediator.apply(remediator.plan(fake)));
    assertEquals(List.of(List.of()), fake.compensations);
    assertEquals(List.of("undid 0 step(s)"), e.result().compensation());
  }

  @Test
  void apply_stepsRunButTargetStillWrong_failsVerification() {
    FakeRemediation fake = FakeRemediation.of(world("a", "bad"));
    fake.ignoreWrites = true;
    Remediator remediator = remediator(fake, Guardrails.ofDefaults());
    ApplyFailedException e = assertThrows(ApplyFailedException.class,
        () -> remediator.apply(remediator.plan(fake)));
    assertTrue(e.getMessage().contains("verification"), e.getMessage());
    assertEquals(ApplyResult.Status.FAILED, e.result().status());
  }

  @Test
  void apply_listener_receivesEventsInOrder() {
    FakeRemediation fake = FakeRemediation.of(world("a", "bad", "b", "bad"));
    List<String> events = new ArrayList<>();
    ApplyListener listener = new ApplyListener() {
      @Override
      public void onApplyStarted(Plan plan) {
        events.add("started");
      }

      @Override
      public void onStepStarted(Step step, int index, int total) {
        events.add("step " + index + "/" + total + " " + step.resource());
      }

      @Override
      public void onProgress(Step step, String message, int percent) {
        events.add("progress " + message + " " + percent);
      }

      @Override
      public void onStepFinished(StepOutcome outcome) {
        events.add("finished " + outcome.status());
      }

      @Override
      public void onApplyFinished(ApplyResult result) {
        events.add("done " + result.status());
      }
    };
    Remediator remediator = remediator(fake, Guardrails.ofDefaults(), listener);
    remediator.apply(remediator.plan(fake));
    assertEquals(List.of("started", "step 0/2 a", "progress fixing a 50", "finished SUCCEEDED",
        "step 1/2 b", "progress fixing b 50", "finished SUCCEEDED", "done APPLIED"), events);
  }

  @Test
  void apply_planOfAnotherRegion_isRefused() {
    FakeRemediation fake = FakeRemediation.of(world("a", "bad"));
    Plan plan = remediator(fake, Guardrails.ofDefaults()).plan(fake);
    try (AwsScope other = AwsScope.builder().region("us-west-2").account("111122223333").build()) {
      Remediator elsewhere = Remediator.builder().scope(other)
          .catalog(RemediationCatalog.of(new FakeRemediation.Type(fake))).build();
      InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
          () -> elsewhere.apply(plan));
      assertTrue(e.getMessage().contains("eu-west-1"), e.getMessage());
    }
  }

  @Test
  void apply_planFromJson_rebuildsRemediationFromCatalog() {
    FakeRemediation fake = FakeRemediation.of(world("a", "bad"));
    Remediator remediator = remediator(fake, Guardrails.ofDefaults());
    Plan plan = Plan.fromJson(remediator.plan(fake).toJson());
    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(plan).status());
  }

  @Test
  void apply_unknownRemediationId_failsNamingIt() {
    FakeRemediation fake = FakeRemediation.of(world("a", "bad"));
    Plan plan = remediator(fake, Guardrails.ofDefaults()).plan(fake);
    Remediator empty = Remediator.builder().scope(scope).catalog(RemediationCatalog.of()).build();
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> empty.apply(plan));
    assertTrue(e.getMessage().contains("test.fake"), e.getMessage());
  }
}
