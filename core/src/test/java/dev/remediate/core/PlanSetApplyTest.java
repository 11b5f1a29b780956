package dev.remediate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyResult.Status;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The plan-set rules of {@link Remediator#apply(PlanSet)}, on an in-memory world. */
class PlanSetApplyTest {
  private final AwsScope scope = AwsScope.builder().region("eu-west-1").account("111122223333")
      .build();
  private final FleetRemediation.World world = new FleetRemediation.World();

  @AfterEach
  void close() {
    scope.close();
  }

  private Remediator remediator(Guardrails guardrails, int parallelism) {
    return Remediator.builder().scope(scope).guardrails(guardrails).parallelism(parallelism)
        .catalog(FleetRemediation.catalog(world)).build();
  }

  private Remediator remediator() {
    return remediator(Guardrails.ofDefaults(), 8);
  }

  private FleetRemediation everything() {
    return new FleetRemediation(world, "*");
  }

  private static String thing(int i) {
    return String.format("thing-%02d", i);
  }

  private List<Status> statuses(PlanSetResult result) {
    return result.results().stream().map(ApplyResult::status).toList();
  }

  @Test
  void planSet_regionWideRemediation_givesOnePlanPerTargetWithItsOwnSpec() {
    world.put("a", "bad").put("b", "ok");
    PlanSet plans = remediator().planSet(List.of(everything()));
    assertEquals(2, plans.plans().size());
    assertEquals("a", plans.plans().get(0).remediation().require("thing"));
    assertEquals(1, plans.withChanges().size());
  }

  @Test
  void apply_savedPlanSetThroughJson_appliesEachTargetAndVerifiesWithTwoObservations() {
    IntStream.range(0, 5).forEach(i -> world.put(thing(i), "bad"));
    Remediator remediator = remediator();
    PlanSet plans = PlanSet.fromJson(remediator.planSet(List.of(everything())).toJson());
    world.observations.set(0);
    PlanSetResult result = remediator.apply(plans);
    assertEquals(List.of(Status.APPLIED, Status.APPLIED, Status.APPLIED, Status.APPLIED,
        Status.APPLIED), statuses(result));
    assertFalse(result.hasProblems());
    assertEquals(2, world.observations.get(), "one observation before, one to verify, for all "
        + "five targets together");
    assertTrue(remediator.planSet(List.of(everything())).isEmpty());
  }

  @Test
  void apply_unrelatedChangesBetweenScanAndApply_neverMakeAPlanStale() {
    world.put("a", "bad").put("b", "ok");
    Remediator remediator = remediator();
    PlanSet plans = remediator.planSet(List.of(everything()));
    world.put("b", "other-but-ok-for-a").put("new", "bad");
    PlanSetResult result = remediator.apply(plans);
    assertEquals(Status.APPLIED, result.results().get(0).status());
    assertEquals("bad", world.things.get("new"), "a thing nobody reviewed is not touched");
  }

  @Test
  void apply_oneReviewedTargetChanged_refusesOnlyThatTarget() {
    world.put("a", "bad").put("b", "bad").put("c", "bad");
    Remediator remediator = remediator();
    PlanSet plans = remediator.planSet(List.of(everything()));
    world.put("b", "worse");
    PlanSetResult result = remediator.apply(plans);
    assertEquals(List.of(Status.APPLIED, Status.STALE, Status.APPLIED), statuses(result));
    assertTrue(result.results().get(1).detail().contains("Fix b"),
        result.results().get(1).detail());
    assertEquals("worse", world.things.get("b"));
    assertTrue(result.hasProblems());
  }

  @Test
  void apply_reviewedTargetFixedMeanwhile_isAlreadyDone() {
    world.put("a", "bad").put("b", "bad");
    Remediator remediator = remediator();
    PlanSet plans = remediator.planSet(List.of(everything()));
    world.put("a", "ok");
    PlanSetResult result = remediator.apply(plans);
    assertEquals(List.of(Status.ALREADY_DONE, Status.APPLIED), statuses(result));
    assertFalse(world.calls.contains("Fix a"), world.calls.toString());
    assertFalse(result.hasProblems());
  }

  @Test
  void apply_targetGone_isStale() {
    world.put("a", "bad");
    Remediator remediator = remediator();
    PlanSet plans = remediator.planSet(List.of(everything()));
    world.things.remove("a");
    assertEquals(List.of(Status.STALE), statuses(remediator.apply(plans)));
  }

  @Test
  void apply_faultOnOneTargetOfFifty_appliesTheOtherFortyNineAndAgainFinishesIt() {
    IntStream.range(0, 50).forEach(i -> world.put(thing(i), "bad"));
    world.failOn.add(thing(17));
    Remediator remediator = remediator();
    PlanSet plans = remediator.planSet(List.of(everything()));
    PlanSetResult result = remediator.apply(plans);
    assertEquals(49, result.withStatus(Status.APPLIED).size());
    List<ApplyResult> failed = result.withStatus(Status.FAILED);
    assertEquals(1, failed.size());
    assertEquals(thing(17), failed.get(0).plan().target().id());
    assertTrue(failed.get(0).detail().contains("boom on " + thing(17)), failed.get(0).detail());
    world.failOn.clear();
    PlanSetResult again = remediator.apply(plans);
    assertEquals(49, again.withStatus(Status.ALREADY_DONE).size());
    assertEquals(1, again.withStatus(Status.APPLIED).size());
  }

  @Test
  void apply_parallel_overlapsTargetsAndReportsLikeASequentialRun() {
    IntStream.range(0, 12).forEach(i -> world.put(thing(i), "bad"));
    world.stepMillis = 50;
    world.failOn.add(thing(3));
    PlanSet plans = remediator().planSet(List.of(everything()));
    PlanSetResult parallel = remediator(Guardrails.ofDefaults(), 4).apply(plans);
    assertTrue(world.maxRunning.get() > 1, "targets ran one at a time");
    assertTrue(world.maxRunning.get() <= 4, "more than the limit ran at once: "
        + world.maxRunning.get());

    IntStream.range(0, 12).forEach(i -> world.put(thing(i), "bad"));
    world.maxRunning.set(0);
    PlanSetResult sequential = remediator(Guardrails.ofDefaults(), 1).apply(plans);
    assertEquals(1, world.maxRunning.get());
    assertEquals(statuses(sequential), statuses(parallel));
    assertEquals(sequential.toText(), parallel.toText());
  }

  @Test
  void apply_stepsOfOneTarget_runInOrder() {
    world.twoSteps = true;
    IntStream.range(0, 6).forEach(i -> world.put(thing(i), "bad"));
    PlanSetResult result = remediator().apply(remediator().planSet(List.of(everything())));
    assertEquals(6, result.withStatus(Status.APPLIED).size());
    for (int i = 0; i < 6; i++) {
      assertTrue(world.calls.indexOf("Prepare " + thing(i)) < world.calls.indexOf("Fix " + thing(i)));
    }
  }

  @Test
  void apply_batchableSteps_runAsOneCallAndFailuresStayPerTarget() {
    world.batching = true;
    IntStream.range(0, 5).forEach(i -> world.put(thing(i), "bad"));
    world.failOn.add(thing(2));
    PlanSetResult result = remediator().apply(remediator().planSet(List.of(everything())));
    assertEquals(List.of("batch [thing-00, thing-01, thing-02, thing-03, thing-04]"), world.calls);
    assertEquals(List.of(Status.APPLIED, Status.APPLIED, Status.FAILED, Status.APPLIED,
        Status.APPLIED), statuses(result));
  }

  @Test
  void planSet_dependentPlansAgainstWhatItsPrerequisiteWillCreate_andApplyRunsItAfter() {
    world.put("base", "bad");
    Remediator remediator = remediator();
    PlanSet plans = remediator.planSet(List.of(new FleetRemediation.Dependent(world),
        everything()));
    Plan dependent = plans.plans().get(0);
    assertEquals(FleetRemediation.DEPENDENT, dependent.remediation().id());
    assertEquals(List.of(plans.plans().get(1).key()), dependent.requires());
    assertTrue(dependent.toText().contains("after test.fleet"), dependent.toText());

    PlanSetResult result = remediator.apply(PlanSet.fromJson(plans.toJson()));
    assertEquals(List.of(Status.APPLIED, Status.APPLIED), statuses(result));
    assertEquals(List.of("Fix base", "Follow dependent"), world.calls);
  }

  @Test
  void apply_prerequisiteFails_skipsDependentSayingWhy() {
    world.put("base", "bad");
    world.failOn.add("base");
    Remediator remediator = remediator();
    PlanSet plans = remediator.planSet(List.of(everything(),
        new FleetRemediation.Dependent(world)));
    PlanSetResult result = remediator.apply(plans);
    assertEquals(List.of(Status.FAILED, Status.SKIPPED), statuses(result));
    assertTrue(result.results().get(1).detail().contains("prerequisite test.fleet"),
        result.results().get(1).detail());
    assertFalse(world.calls.contains("Follow dependent"));
  }

  @Test
  void apply_flaggedTargetWithoutConsent_isSkippedAndOthersGoOn() {
    world.put("a", "bad");
    world.flags = java.util.EnumSet.of(Flag.DOWNTIME);
    PlanSet flagged = remediator().planSet(List.of(everything()));
    world.flags = java.util.EnumSet.noneOf(Flag.class);
    world.put("b", "bad");
    PlanSet plain = remediator().planSet(List.of(new FleetRemediation(world, "b")));
    PlanSetResult result = remediator().apply(flagged.select(p -> p.target().id().equals("a"))
        .and(plain));
    assertEquals(List.of(Status.SKIPPED, Status.APPLIED), statuses(result));
    assertTrue(result.results().get(0).detail().contains("DOWNTIME"));
  }

  @Test
  void apply_downtimeTargets_runOneAtATimeByDefault() {
    world.flags = java.util.EnumSet.of(Flag.DOWNTIME);
    world.stepMillis = 30;
    IntStream.range(0, 4).forEach(i -> world.put(thing(i), "bad"));
    Guardrails consent = Guardrails.custom().consentTo(Flag.DOWNTIME).build();
    PlanSet plans = remediator().planSet(List.of(everything()));
    assertEquals(4, remediator(consent, 8).apply(plans).withStatus(Status.APPLIED).size());
    assertEquals(1, world.maxRunning.get());

    IntStream.range(0, 4).forEach(i -> world.put(thing(i), "bad"));
    world.maxRunning.set(0);
    Guardrails two = Guardrails.from(consent).maxConcurrentDowntime(2).build();
    remediator(two, 8).apply(plans);
    assertEquals(2, world.maxRunning.get());
  }

  @Test
  void apply_moreChangesThanTheLimit_refusesTheWholeSetBeforeAnyChange() {
    IntStream.range(0, 3).forEach(i -> world.put(thing(i), "bad"));
    PlanSet plans = remediator().planSet(List.of(everything()));
    GuardrailException e = assertThrows(GuardrailException.class,
        () -> remediator(Guardrails.custom().maxChanges(2).build(), 8).apply(plans));
    assertTrue(e.getMessage().contains("limit of 2"), e.getMessage());
    assertTrue(world.calls.isEmpty());
  }

  @Test
  void apply_dryRun_changesNothingAndSaysWhatWouldRun() {
    world.put("a", "bad");
    PlanSet plans = remediator().planSet(List.of(everything()));
    PlanSetResult result = remediator(Guardrails.custom().dryRun(true).build(), 8).apply(plans);
    assertEquals(List.of(Status.DRY_RUN), statuses(result));
    assertTrue(world.calls.isEmpty());
    assertTrue(result.summary().contains("would apply"), result.summary());
  }

  @Test
  void apply_dryRunWithAPrerequisite_reportsTheDependentAsReviewedWithoutObservingIt() {
    world.put("base", "bad");
    PlanSet plans = remediator().planSet(List.of(everything(),
        new FleetRemediation.Dependent(world)));
    PlanSetResult result = remediator(Guardrails.custom().dryRun(true).build(), 8).apply(plans);
    assertEquals(List.of(Status.DRY_RUN, Status.DRY_RUN), statuses(result));
    assertTrue(world.calls.isEmpty());
  }

  @Test
  void onlyPlan_formOfSeveralTargets_isRefusedBeforeReadingAnything() {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> Remediation.onlyPlan(everything(), false, "things", () -> {
          throw new AssertionError("nothing may be read");
        }));
    assertTrue(e.getMessage().contains("covers several things"), e.getMessage());
    assertTrue(e.getMessage().contains("Remediator.planSet"), e.getMessage());
  }

  @Test
  void planAndApply_appliesWithoutObservingAgain() {
    IntStream.range(0, 3).forEach(i -> world.put(thing(i), "bad"));
    List<PlanSet> shown = new ArrayList<>();
    PlanSetResult result = remediator().planAndApply(List.of(everything()), shown::add);
    assertEquals(1, shown.size());
    assertEquals(3, result.withStatus(Status.APPLIED).size());
    assertEquals(2, world.observations.get(), "plan once, verify once");
  }

  @Test
  void planSet_failureOfOneRemediation_isReportedAndTheOthersArePlanned() {
    world.put("a", "bad");
    List<String> failures = new ArrayList<>();
    PlanSet plans = remediator().planSet(List.of(new FleetRemediation.Dependent(world),
        everything()), (remediation, e) -> failures.add(remediation.id() + ": " + e.getMessage()));
    assertEquals(1, plans.plans().size());
    assertEquals(List.of("test.dependent: thing base is not ok and no plan makes it so"),
        failures);
  }
}
