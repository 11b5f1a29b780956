package dev.remediate.core;

import dev.remediate.core.ApplyResult.Status;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a plan set: the rules {@link Remediator#apply(PlanSet)} documents. One instance per
 * apply; not thread-safe itself, it runs targets on the given executor.
 *
 * <p>Per level of the prerequisite graph: observe the level's targets again (combined per
 * remediation type), compare step by step with what was reviewed, run what is still needed and
 * unchanged (independent targets in parallel, steps of one target in order, batchable steps of
 * several targets in one call), then verify every applied target with one more observation.
 */
final class PlanSetApplier {
  private static final Logger LOG = LoggerFactory.getLogger(PlanSetApplier.class);

  private final Remediator remediator;
  private final ExecutorService executor;
  private final Function<RemediationSpec, Remediation> rebuild;
  private final java.util.function.BiFunction<List<Plan>, List<PlanSet.Scanned>,
      Map<String, Plan>> observer;
  private final Guardrails guardrails;
  private final Semaphore downtime;
  private final Map<String, ApplyResult> results = new ConcurrentHashMap<>();
  /** Steps on the same resource (a shared log bucket) never run at once, whichever target. */
  private final Map<String, Object> resourceLocks = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> unreviewed = new ConcurrentHashMap<>();
  private final Set<String> notReviewed = java.util.Collections.synchronizedSet(
      new java.util.LinkedHashSet<>());
  private Set<String> reviewedKeys = Set.of();
  private List<PlanSet.Scanned> scanned = List.of();

  PlanSetApplier(Remediator remediator, ExecutorService executor,
      Function<RemediationSpec, Remediation> rebuild,
      java.util.function.BiFunction<List<Plan>, List<PlanSet.Scanned>, Map<String, Plan>>
          observer) {
    this.remediator = remediator;
    this.executor = executor;
    this.rebuild = rebuild;
    this.observer = observer;
    this.guardrails = remediator.guardrails();
    this.downtime = new Semaphore(guardrails.maxConcurrentDowntime(), true);
  }

  PlanSetResult apply(PlanSet set, boolean observeAgain) {
    checkMaxChanges(set);
    reviewedKeys = set.plans().stream().map(Plan::key).collect(Collectors.toSet());
    scanned = set.scanned();
    List<Plan> pending = new ArrayList<>();
    for (Plan plan : set.plans()) {
      Optional<String> refusal = plan.isEmpty() ? Optional.empty() : refusal(plan);
      if (plan.isEmpty()) {
        record(new ApplyResult(plan, Status.NOTHING_TO_DO, List.of(), List.of()));
      } else if (refusal.isPresent()) {
        record(new ApplyResult(plan, Status.SKIPPED, List.of(), List.of(), refusal.get()));
      } else {
        pending.add(plan);
      }
    }
    List<Plan> applied = new ArrayList<>();
    for (List<Plan> level : levels(set, pending)) {
      List<Plan> ready = skipBlocked(set, level);
      if (ready.isEmpty()) {
        continue;
      }
      if (guardrails.dryRun()) {
        // A target after a prerequisite that a dry run did not apply cannot be observed as it
        // will be: it is reported as reviewed.
        List<Plan> after = ready.stream().filter(p -> p.requires().stream()
            .anyMatch(key -> set.get(key) != null)).toList();
        after.forEach(p -> dryRun(p, p.steps()));
        ready = ready.stream().filter(p -> !after.contains(p)).toList();
      }
      Map<Plan, List<Step>> toRun = observeAgain ? compare(ready) : asReviewed(ready);
      if (guardrails.dryRun()) {
        toRun.forEach(this::dryRun);
        continue;
      }
      run(toRun);
      toRun.keySet().stream().filter(p -> results.get(p.key()) == null).forEach(applied::add);
    }
    verify(applied);
    return new PlanSetResult(set.plans().stream().map(p -> results.get(p.key())).toList(),
        List.copyOf(notReviewed));
  }

  // ---------------------------------------------------------------- before anything runs

  private void checkMaxChanges(PlanSet set) {
    int changes = set.changes();
    if (changes > guardrails.maxChanges()) {
      throw new GuardrailException("The plans hold " + changes + " changes, more than the limit "
          + "of " + guardrails.maxChanges() + ". Nothing was changed. Raise maxChanges, or apply "
          + "fewer targets.");
    }
  }

  /** Why a plan cannot be applied here at all, before observing: scope or consent. */
  private Optional<String> refusal(Plan plan) {
    String region = remediator.scope().region().id();
    if (!plan.target().region().equals(region)) {
      return Optional.of("plan is for region " + plan.target().region() + ", this remediator acts "
          + "in " + region);
    }
    String account = remediator.scope().account();
    if (!plan.target().account().equals(account)) {
      return Optional.of("plan is for account " + plan.target().account()
          + ", these credentials belong to account " + account);
    }
    Set<Flag> missing = EnumSet.noneOf(Flag.class);
    plan.steps().forEach(step -> step.flags().stream().filter(f -> !guardrails.consentsTo(f))
        .forEach(missing::add));
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of("needs consent to " + missing + " (steps: " + plan.steps().stream()
        .filter(s -> s.flags().stream().anyMatch(missing::contains))
        .map(s -> s.kind() + " " + s.resource() + " " + s.flags())
        .collect(Collectors.joining("; ")) + ")");
  }

  /** Groups plans by depth in the prerequisite graph (prerequisites outside the set ignored). */
  private static List<List<Plan>> levels(PlanSet set, List<Plan> pending) {
    Map<String, Integer> depth = new HashMap<>();
    List<List<Plan>> levels = new ArrayList<>();
    for (Plan plan : pending) {
      int d = depth(set, plan, depth, new HashSet<>());
      while (levels.size() <= d) {
        levels.add(new ArrayList<>());
      }
      levels.get(d).add(plan);
    }
    return levels;
  }

  private static int depth(PlanSet set, Plan plan, Map<String, Integer> memo, Set<String> path) {
    Integer known = memo.get(plan.key());
    if (known != null) {
      return known;
    }
    if (!path.add(plan.key())) {
      throw new InvalidRemediationException("Plans require each other in a cycle: " + path);
    }
    int d = 0;
    for (String key : plan.requires()) {
      Plan prerequisite = set.get(key);
      if (prerequisite != null) {
        d = Math.max(d, depth(set, prerequisite, memo, path) + 1);
      }
    }
    path.remove(plan.key());
    memo.put(plan.key(), d);
    return d;
  }

  /** Records a skip for plans whose prerequisite did not end well; returns the others. */
  private List<Plan> skipBlocked(PlanSet set, List<Plan> level) {
    List<Plan> ready = new ArrayList<>();
    for (Plan plan : level) {
      Optional<String> blocked = plan.requires().stream()
          .filter(key -> set.get(key) != null)
          .filter(key -> !succeeded.containsKey(key) && !isDone(results.get(key)))
          .findFirst();
      if (blocked.isPresent()) {
        ApplyResult prerequisite = results.get(blocked.get());
        record(new ApplyResult(plan, Status.SKIPPED, List.of(), List.of(),
            "prerequisite " + blocked.get() + " was not applied ("
                + (prerequisite == null ? "not run" : prerequisite.status()) + ")"));
      } else {
        ready.add(plan);
      }
    }
    return ready;
  }

  private static boolean isDone(ApplyResult result) {
    return result != null && switch (result.status()) {
      case APPLIED, ALREADY_DONE, NOTHING_TO_DO, DRY_RUN -> true;
      default -> false;
    };
  }

  // ---------------------------------------------------------------- staleness, target by target

  /**
   * Observes the targets again and compares each reviewed step with the step planned now: the same
   * step runs; a step gone was done meanwhile; a step of the same kind on the same resource that
   * differs makes the whole target stale. Steps nobody reviewed are reported, never run.
   */
  private Map<Plan, List<Step>> compare(List<Plan> plans) {
    Map<String, Plan> current;
    try {
      current = observer.apply(plans, scanned);
    } catch (RuntimeException e) {
      plans.forEach(p -> record(new ApplyResult(p, Status.FAILED, List.of(), List.of(),
          "observing the target again failed: " + e.getMessage())));
      return Map.of();
    }
    current.values().stream()
        .filter(p -> !p.isEmpty() && !reviewedKeys.contains(p.key()))
        .sorted(java.util.Comparator.comparing(Plan::key))
        .forEach(p -> notReviewed.add(p.remediation().id() + " on " + p.target() + ": "
            + p.steps().size() + " change(s) on a target no reviewed plan holds"));
    Map<Plan, List<Step>> toRun = new LinkedHashMap<>();
    for (Plan reviewed : plans) {
      Plan now = current.get(reviewed.key());
      if (now == null) {
        record(new ApplyResult(reviewed, Status.STALE, List.of(), List.of(),
            "the target is no longer found"));
        continue;
      }
      compareOne(reviewed, now).ifPresent(steps -> toRun.put(reviewed, steps));
    }
    return toRun;
  }

  private Optional<List<Step>> compareOne(Plan reviewed, Plan now) {
    Map<String, Step> nowById = new LinkedHashMap<>();
    now.steps().forEach(s -> nowById.put(s.identity(), s));
    Set<String> reviewedIds = reviewed.steps().stream().map(Step::identity)
        .collect(Collectors.toSet());
    List<Step> run = new ArrayList<>();
    List<StepOutcome> done = new ArrayList<>();
    for (Step step : reviewed.steps()) {
      if (nowById.containsKey(step.identity())) {
        run.add(step);
        continue;
      }
      Optional<Step> changed = now.steps().stream()
          .filter(s -> s.kind().equals(step.kind()) && s.resource().equals(step.resource())
              && !reviewedIds.contains(s.identity()))
          .findFirst();
      if (changed.isPresent()) {
        record(new ApplyResult(reviewed, Status.STALE, List.of(), List.of(),
            "step " + step.kind() + " " + step.resource() + " would now be different ("
                + describe(step) + " was reviewed; now " + describe(changed.get()) + ")"));
        return Optional.empty();
      }
      done.add(new StepOutcome(step, StepOutcome.Status.ALREADY_DONE, "", Duration.ZERO));
    }
    Set<String> extra = new HashSet<>();
    for (Step step : now.steps()) {
      if (!reviewedIds.contains(step.identity())) {
        extra.add(step.identity());
        notReviewed.add(now.remediation().id() + " on " + now.target() + ": " + step.kind() + " "
            + step.resource() + ": " + step.summary());
      }
    }
    unreviewed.put(reviewed.key(), extra);
    if (run.isEmpty()) {
      record(new ApplyResult(reviewed, Status.ALREADY_DONE, done, List.of()));
      return Optional.empty();
    }
    return Optional.of(run);
  }

  private static String describe(Step step) {
    return step.before().orElse("") + " -> " + step.after().orElse("") + " " + step.parameters();
  }

  private Map<Plan, List<Step>> asReviewed(List<Plan> plans) {
    Map<Plan, List<Step>> toRun = new LinkedHashMap<>();
    plans.forEach(p -> toRun.put(p, p.steps()));
    return toRun;
  }

  private void dryRun(Plan plan, List<Step> steps) {
    List<StepOutcome> outcomes = new ArrayList<>();
    for (Step step : plan.steps()) {
      outcomes.add(new StepOutcome(step, steps.contains(step) ? StepOutcome.Status.DRY_RUN
          : StepOutcome.Status.ALREADY_DONE, "", Duration.ZERO));
    }
    record(new ApplyResult(plan, Status.DRY_RUN, outcomes, List.of()));
  }

  // ---------------------------------------------------------------- running

  /** Runs targets: batchable ones in rounds, the others each as one task; waits for all. */
  private void run(Map<Plan, List<Step>> toRun) {
    List<TargetRun> batched = new ArrayList<>();
    List<Future<?>> alone = new ArrayList<>();
    for (Map.Entry<Plan, List<Step>> entry : toRun.entrySet()) {
      TargetRun target = new TargetRun(entry.getKey(), entry.getValue(),
          rebuild.apply(entry.getKey().remediation()));
      if (target.steps.stream().anyMatch(s -> target.remediation.batchKey(s).isPresent())) {
        batched.add(target);
      } else {
        alone.add(executor.submit(() -> target.runAll()));
      }
    }
    runInRounds(batched);
    alone.forEach(PlanSetApplier::await);
  }

  /**
   * Runs batchable targets step by step: round i carries out the i-th step of every target still
   * going, steps with the same batch key in one call, the others in parallel.
   */
  private void runInRounds(List<TargetRun> targets) {
    List<TargetRun> going = new ArrayList<>(targets);
    going.forEach(TargetRun::start);
    for (int round = 0; !going.isEmpty(); round++) {
      final int index = round;
      Map<String, List<TargetRun>> groups = new LinkedHashMap<>();
      List<Callable<Void>> tasks = new ArrayList<>();
      for (TargetRun target : going) {
        Step step = target.steps.get(index);
        Optional<String> key = target.remediation.batchKey(step);
        if (key.isPresent()) {
          groups.computeIfAbsent(target.plan.remediation().id() + "|" + key.get(),
              k -> new ArrayList<>()).add(target);
        } else {
          tasks.add(() -> {
            target.runStep(index);
            return null;
          });
        }
      }
      groups.values().forEach(group -> tasks.add(() -> {
        runBatch(group, index);
        return null;
      }));
      try {
        executor.invokeAll(tasks).forEach(PlanSetApplier::await);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RemediationException("Apply interrupted", e);
      }
      going.removeIf(t -> t.finished || t.completed.size() == t.steps.size());
    }
    targets.stream().filter(t -> !t.finished).forEach(TargetRun::succeed);
  }

  private void runBatch(List<TargetRun> group, int index) {
    List<Step> steps = group.stream().map(t -> t.steps.get(index)).toList();
    RemediationContext context = RemediationContext.forApplying(remediator.scope(), guardrails,
        remediator.listener(), remediator.clock(), null);
    group.forEach(t -> remediator.listener().onStepStarted(t.steps.get(index), index,
        t.steps.size()));
    long start = System.nanoTime();
    Map<Step, RuntimeException> failures;
    try {
      failures = group.get(0).remediation.executeBatch(steps, context);
    } catch (RuntimeException e) {
      failures = new HashMap<>();
      for (Step step : steps) {
        failures.put(step, e);
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    for (TargetRun target : group) {
      Step step = target.steps.get(index);
      RuntimeException failure = failures.get(step);
      if (failure == null) {
        target.stepSucceeded(step, took);
      } else {
        target.fail(index, failure, took);
      }
    }
  }

  private static void await(Future<?> future) {
    try {
      future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RemediationException("Apply interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Error error) {
        throw error;
      }
      throw cause instanceof RuntimeException r ? r : new RemediationException(
          "Apply failed unexpectedly: " + cause, cause);
    }
  }

  private void record(ApplyResult result) {
    results.put(result.plan().key(), result);
    if (result.status() != Status.NOTHING_TO_DO) {
      remediator.listener().onApplyFinished(result);
    }
  }

  /** One target being applied: its reviewed steps still needed, in order. */
  private final class TargetRun {
    final Plan plan;
    final List<Step> steps;
    final Remediation remediation;
    final RemediationContext context;
    final List<StepOutcome> outcomes = new ArrayList<>();
    final List<Step> completed = new ArrayList<>();
    boolean finished;

    TargetRun(Plan plan, List<Step> steps, Remediation remediation) {
      this.plan = plan;
      this.steps = steps;
      this.remediation = remediation;
      this.context = RemediationContext.forApplying(remediator.scope(), guardrails,
          remediator.listener(), remediator.clock(), plan);
      plan.steps().stream().filter(s -> !steps.contains(s)).forEach(s -> outcomes.add(
          new StepOutcome(s, StepOutcome.Status.ALREADY_DONE, "", Duration.ZERO)));
    }

    void start() {
      remediator.listener().onApplyStarted(plan);
    }

    void runAll() {
      boolean down = plan.flags().contains(Flag.DOWNTIME);
      if (down) {
        downtime.acquireUninterruptibly();
      }
      try {
        start();
        for (int i = 0; i < steps.size() && !finished; i++) {
          runStep(i);
        }
        if (!finished) {
          succeed();
        }
      } finally {
        if (down) {
          downtime.release();
        }
      }
    }

    void runStep(int index) {
      Step step = steps.get(index);
      remediator.listener().onStepStarted(step, index, steps.size());
      context.currentStep(step);
      long start = System.nanoTime();
      try {
        synchronized (resourceLocks.computeIfAbsent(step.resource(), r -> new Object())) {
          remediation.execute(step, context);
        }
        stepSucceeded(step, Duration.ofNanos(System.nanoTime() - start));
      } catch (RuntimeException failure) {
        fail(index, failure, Duration.ofNanos(System.nanoTime() - start));
      } finally {
        context.currentStep(null);
      }
    }

    void stepSucceeded(Step step, Duration took) {
      StepOutcome ok = new StepOutcome(step, StepOutcome.Status.SUCCEEDED, "", took);
      outcomes.add(ok);
      completed.add(step);
      remediator.listener().onStepFinished(ok);
    }

    void fail(int index, RuntimeException failure, Duration took) {
      Step step = steps.get(index);
      StepOutcome failed = new StepOutcome(step, StepOutcome.Status.FAILED,
          String.valueOf(failure.getMessage()), took);
      outcomes.add(failed);
      remediator.listener().onStepFinished(failed);
      steps.subList(index + 1, steps.size()).forEach(rest -> outcomes.add(
          new StepOutcome(rest, StepOutcome.Status.NOT_RUN, "", Duration.ZERO)));
      // DEBUG, not WARN: the failure is the result's detail, which every caller reports (the
      // command-line tool prints it once); a WARN here printed it twice on its standard error.
      LOG.debug("Step {} on {} failed: {}", step.kind(), step.resource(), failure.toString());
      List<String> compensation = compensate(failure);
      finished = true;
      ApplyResult result = new ApplyResult(plan, Status.FAILED, outcomes, compensation,
          "step " + (plan.steps().indexOf(step) + 1) + " of " + plan.steps().size() + " ("
              + step.kind() + " " + step.resource() + ") failed: " + failure.getMessage());
      failures.put(plan.key(), failure);
      record(result);
    }

    private List<String> compensate(RuntimeException failure) {
      try {
        return remediation.compensate(List.copyOf(completed), failure, context);
      } catch (RuntimeException e) {
        LOG.warn("Compensation after failed {} did not complete: {}", remediation.id(),
            e.toString());
        failure.addSuppressed(e);
        return List.of("compensation failed: " + e.getMessage());
      }
    }

    void succeed() {
      finished = true;
      succeeded.put(plan.key(), this);
    }
  }

  private final Map<String, TargetRun> succeeded = new ConcurrentHashMap<>();
  private final Map<String, RuntimeException> failures = new ConcurrentHashMap<>();

  /** @return the failure of a target, for callers that rethrow it */
  RuntimeException failure(String key) {
    return failures.get(key);
  }

  // ---------------------------------------------------------------- verification

  /**
   * Observes every applied target once more: a step still planned that was not already known as
   * unreviewed means the target is not compliant, a failure.
   */
  private void verify(List<Plan> applied) {
    List<Plan> toVerify = applied.stream().filter(p -> succeeded.containsKey(p.key())).toList();
    if (toVerify.isEmpty()) {
      return;
    }
    Map<String, Plan> current;
    try {
      current = observer.apply(toVerify, List.of());
    } catch (RuntimeException e) {
      toVerify.forEach(p -> record(new ApplyResult(p, Status.FAILED,
          succeeded.get(p.key()).outcomes, List.of(), "every step ran, but verification could not "
              + "observe the target: " + e.getMessage())));
      return;
    }
    for (Plan plan : toVerify) {
      TargetRun run = succeeded.get(plan.key());
      Plan now = current.get(plan.key());
      if (now == null) {
        record(new ApplyResult(plan, Status.FAILED, run.outcomes, List.of(),
            "every step ran, but verification did not find the target"));
        continue;
      }
      Set<String> known = unreviewed.getOrDefault(plan.key(), Set.of());
      List<Step> left = now.steps().stream().filter(s -> !known.contains(s.identity())).toList();
      if (left.isEmpty()) {
        record(new ApplyResult(plan, Status.APPLIED, run.outcomes, List.of()));
      } else {
        record(new ApplyResult(plan, Status.FAILED, run.outcomes, List.of(),
            "every step ran, but verification still plans " + left.size() + " change(s):\n"
                + now.toText()));
      }
    }
  }
}
