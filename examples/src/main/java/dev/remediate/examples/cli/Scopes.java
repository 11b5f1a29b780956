package dev.remediate.examples.cli;

import dev.remediate.core.ApplyListener;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.GuardrailException;
import dev.remediate.core.Guardrails;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.Remediator;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scopes and remediators one command run uses, one per region, opened on first use and
 * closed together.
 */
final class Scopes implements AutoCloseable {
  private final CliEnvironment env;
  private final GlobalOptions options;
  private final Guardrails guardrails;
  private final ApplyListener listener;
  private final int parallelism;
  private final Map<String, AwsScope> scopes = new ConcurrentHashMap<>();
  private final Map<String, Remediator> remediators = new ConcurrentHashMap<>();

  Scopes(CliEnvironment env, GlobalOptions options, Guardrails guardrails,
      ApplyListener listener) {
    this(env, options, guardrails, listener, PlanningOptions.DEFAULT_PARALLEL);
  }

  Scopes(CliEnvironment env, GlobalOptions options, Guardrails guardrails,
      ApplyListener listener, int parallelism) {
    this.env = env;
    this.options = options;
    this.guardrails = guardrails;
    this.listener = listener;
    this.parallelism = parallelism;
  }

  AwsScope scope(String region) {
    return scopes.computeIfAbsent(region, r -> env.scopes().open(r, options));
  }

  Remediator remediator(String region) {
    RemediationCatalog catalog = env.catalog();
    return remediators.computeIfAbsent(region, r -> Remediator.builder()
        .scope(scope(r))
        .catalog(catalog)
        .guardrails(guardrails)
        .listener(listener)
        .parallelism(parallelism)
        .build());
  }

  /**
   * Applies a plan set region by region (each region's targets in parallel), in the set's order.
   *
   * @param plans the plans
   * @param observeAgain false only for plans this process has just made
   * @return the results of every plan, in the set's order
   * @throws CliException when the set holds more changes than {@code --max-changes}
   */
  PlanSetResult apply(PlanSet plans, boolean observeAgain) {
    if (plans.changes() > guardrails.maxChanges()) {
      throw new CliException(Remediate.EXIT_FAILURE, "refused: the plans hold "
          + plans.changes() + " changes, more than --max-changes " + guardrails.maxChanges()
          + "; nothing was changed (raise --max-changes, or narrow with --only or --target)");
    }
    Map<String, List<Plan>> byRegion = new LinkedHashMap<>();
    plans.plans().forEach(p -> byRegion.computeIfAbsent(p.target().region(),
        r -> new ArrayList<>()).add(p));
    Map<String, ApplyResult> results = new LinkedHashMap<>();
    List<String> notReviewed = new ArrayList<>();
    for (Map.Entry<String, List<Plan>> region : byRegion.entrySet()) {
      PlanSet regionPlans = PlanSet.of(region.getValue());
      Remediator remediator = remediator(region.getKey());
      PlanSetResult result;
      try {
        result = observeAgain ? remediator.apply(regionPlans) : remediator.applyFresh(regionPlans);
      } catch (GuardrailException e) {
        throw new CliException(Remediate.EXIT_FAILURE, "refused: " + e.getMessage());
      }
      result.results().forEach(r -> results.put(r.plan().key(), r));
      notReviewed.addAll(result.notReviewed());
    }
    return new PlanSetResult(plans.plans().stream().map(p -> results.get(p.key())).toList(),
        notReviewed);
  }

  @Override
  public void close() {
    scopes.values().forEach(AwsScope::close);
    scopes.clear();
    remediators.clear();
  }
}
