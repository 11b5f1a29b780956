package dev.remediate.cli;

import dev.remediate.core.ApplyListener;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.FleetApplier;
import dev.remediate.core.GuardrailException;
import dev.remediate.core.Guardrails;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.Remediator;
import dev.remediate.core.aws.AccountRole;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.aws.Fleet;
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
    return remediators.computeIfAbsent(region, r -> remediator(scope(r)));
  }

  /** A remediator acting in any scope (a member account's), with this run's settings. */
  Remediator remediator(AwsScope scope) {
    RemediationCatalog catalog = env.catalog();
    return Remediator.builder()
        .scope(scope)
        .catalog(catalog)
        .guardrails(guardrails)
        .listener(listener)
        .parallelism(parallelism)
        .build();
  }

  /** @return the caller's scope in the home region (the first --region, or the default) */
  AwsScope caller() {
    return scope(options.homeRegion(env.env()));
  }

  /**
   * A fleet reached from the caller's scope through the role, {@code --parallel} places at once.
   *
   * @param role the member role
   * @return the fleet's builder (accounts and regions to set)
   */
  Fleet.Builder fleet(AccountRole role) {
    return Fleet.builder(caller()).role(role).concurrency(parallelism);
  }

  /**
   * Applies a plan set whose plans may be in other accounts than the caller's: each in its own
   * account (through the role) and region. A set of the caller's account alone is applied as by
   * {@link #apply}.
   *
   * @param plans the plans
   * @param observeAgain false only for plans this process has just made
   * @param role the member role
   * @return the results of every plan, in the set's order
   * @throws CliException when the set holds more changes than {@code --max-changes}
   */
  PlanSetResult applyInAccounts(PlanSet plans, boolean observeAgain, AccountRole role) {
    String caller = caller().account();
    if (plans.plans().stream().allMatch(p -> p.target().account().equals(caller))) {
      return apply(plans, observeAgain);
    }
    checkMaxChanges(plans);
    try {
      return FleetApplier.apply(fleet(role), plans, this::remediator, observeAgain);
    } catch (GuardrailException e) {
      throw new CliException(Remediate.EXIT_FAILURE, "refused: " + e.getMessage());
    }
  }

  private void checkMaxChanges(PlanSet plans) {
    if (plans.changes() > guardrails.maxChanges()) {
      throw new CliException(Remediate.EXIT_FAILURE, "refused: the plans hold "
          + plans.changes() + " changes, more than --max-changes " + guardrails.maxChanges()
          + "; nothing was changed (raise --max-changes, or narrow with --only or --target)");
    }
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
    checkMaxChanges(plans);
    Map<String, List<Plan>> byRegion = new LinkedHashMap<>();
    plans.plans().forEach(p -> byRegion.computeIfAbsent(p.target().region(),
        r -> new ArrayList<>()).add(p));
    Map<String, ApplyResult> results = new LinkedHashMap<>();
    List<String> notReviewed = new ArrayList<>();
    for (Map.Entry<String, List<Plan>> region : byRegion.entrySet()) {
      PlanSet regionPlans = PlanSet.of(region.getValue()).withScanned(plans.scanned());
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
