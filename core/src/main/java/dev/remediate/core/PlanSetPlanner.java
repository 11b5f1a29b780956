package dev.remediate.core;

import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;

/**
 * Plans remediations into a plan set: the rules {@link Remediator#planSet} documents. Remediations
 * are planned level by level of their {@link Remediation#after()} declarations, each level in
 * parallel; what a level's plans {@link Plan#provides() provide} is promised to the next.
 */
final class PlanSetPlanner {
  private final Remediator remediator;
  private final BiConsumer<Remediation, RemediationException> onFailure;

  PlanSetPlanner(Remediator remediator, BiConsumer<Remediation, RemediationException> onFailure) {
    this.remediator = remediator;
    this.onFailure = onFailure;
  }

  PlanSet plan(List<Remediation> remediations) {
    List<List<Plan>> planned = new ArrayList<>();
    remediations.forEach(r -> planned.add(null)); // null: failed
    int[] levels = levels(remediations);
    Map<String, String> promises = new HashMap<>();
    int deepest = 0;
    for (int level : levels) {
      deepest = Math.max(deepest, level);
    }
    for (int level = 0; level <= deepest; level++) {
      List<Integer> members = new ArrayList<>();
      for (int i = 0; i < levels.length; i++) {
        if (levels[i] == level) {
          members.add(i);
        }
      }
      Map<String, String> known = Map.copyOf(promises);
      List<Callable<List<Plan>>> tasks = new ArrayList<>();
      members.forEach(i -> tasks.add(() -> remediator.planEach(remediations.get(i), known)));
      List<Object> outcomes = invoke(remediator.executor(), tasks);
      for (int m = 0; m < members.size(); m++) {
        int index = members.get(m);
        Object outcome = outcomes.get(m);
        if (outcome instanceof RemediationException failure) {
          onFailure.accept(remediations.get(index), failure);
          continue;
        }
        @SuppressWarnings("unchecked")
        List<Plan> plans = (List<Plan>) outcome;
        planned.set(index, plans);
        plans.forEach(p -> p.provides().forEach(resource -> promises.put(resource, p.key())));
      }
    }
    List<Plan> all = new ArrayList<>();
    List<PlanSet.Scanned> scanned = new ArrayList<>();
    for (int i = 0; i < remediations.size(); i++) {
      if (planned.get(i) != null) {
        all.addAll(planned.get(i));
        scanned.add(new PlanSet.Scanned(remediator.scope().account(),
            remediator.scope().region().id(), remediations.get(i).spec()));
      }
    }
    return PlanSet.of(all).withScanned(scanned);
  }

  /** The level of each remediation: 0, or one more than the deepest it must come after. */
  private static int[] levels(List<Remediation> remediations) {
    int[] levels = new int[remediations.size()];
    boolean changed = true;
    for (int pass = 0; changed && pass <= remediations.size(); pass++) {
      changed = false;
      for (int i = 0; i < remediations.size(); i++) {
        for (int j = 0; j < remediations.size(); j++) {
          if (remediations.get(i).after().contains(remediations.get(j).id())
              && levels[i] <= levels[j]) {
            levels[i] = levels[j] + 1;
            changed = true;
          }
        }
      }
    }
    if (changed) {
      throw new InvalidRemediationException("Remediations must come after each other in a "
          + "cycle: " + remediations.stream().map(Remediation::id).toList());
    }
    return levels;
  }

  /** Runs tasks, each result either its value or its {@link RemediationException}. */
  private static <T> List<Object> invoke(ExecutorService pool, List<Callable<T>> tasks) {
    List<Object> outcomes = new ArrayList<>();
    try {
      for (Future<T> future : pool.invokeAll(tasks)) {
        try {
          outcomes.add(future.get());
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RemediationException failure) {
            outcomes.add(failure);
          } else if (cause instanceof Error error) {
            throw error;
          } else if (cause instanceof RuntimeException r) {
            throw r;
          } else {
            throw new RemediationException("Planning failed unexpectedly: " + cause, cause);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RemediationException("Planning interrupted", e);
    }
    return outcomes;
  }

  /**
   * Runs tasks on the pool and waits for all; the first failure is thrown.
   *
   * @param pool the executor
   * @param tasks the tasks
   */
  static void runAll(ExecutorService pool, List<Callable<Void>> tasks) {
    for (Object outcome : invoke(pool, tasks)) {
      if (outcome instanceof RemediationException failure) {
        throw failure;
      }
    }
  }
}
