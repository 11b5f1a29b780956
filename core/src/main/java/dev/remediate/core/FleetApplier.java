package dev.remediate.core;

import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.aws.Fleet;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import software.amazon.awssdk.regions.Region;

/**
 * Applies a plan set whose plans are in several accounts and regions: each plan in its own
 * account (the member role assumed for accounts other than the caller's, see {@link Fleet}) and
 * region, places in parallel. The plans of an account whose role cannot be assumed are
 * {@link ApplyResult.Status#SKIPPED} with the reason; the other accounts go on.
 *
 * <pre>{@code
 * PlanSet plans = PlanSet.fromJson(Files.readString(Path.of("plans.json")));
 * PlanSetResult result = FleetApplier.apply(
 *     Fleet.builder(caller).role(AccountRole.builder().externalId("org-secret").build()),
 *     plans, scope -> Remediator.create(scope), true);
 * }</pre>
 */
public final class FleetApplier {
  private FleetApplier() {}

  /**
   * Applies every plan in its account and region.
   *
   * @param fleet the fleet's settings (caller, role, concurrency); its accounts and regions are
   *     set here from the plans
   * @param plans the plans, of any accounts and regions
   * @param remediators the remediator of one place's scope (guardrails, listener, catalog)
   * @param observeAgain true for saved plans (each target observed again), false only for plans
   *     this process has just made ({@link Remediator#applyFresh})
   * @return one result per plan, in the set's order, and the changes nobody reviewed
   */
  public static PlanSetResult apply(Fleet.Builder fleet, PlanSet plans,
      Function<AwsScope, Remediator> remediators, boolean observeAgain) {
    Map<String, List<Plan>> byPlace = new LinkedHashMap<>();
    List<String> accounts = new ArrayList<>();
    List<Region> regions = new ArrayList<>();
    for (Plan plan : plans.plans()) {
      String account = plan.target().account();
      Region region = Region.of(plan.target().region());
      byPlace.computeIfAbsent(place(account, region), p -> new ArrayList<>()).add(plan);
      if (!accounts.contains(account)) {
        accounts.add(account);
      }
      if (!regions.contains(region)) {
        regions.add(region);
      }
    }
    if (byPlace.isEmpty()) {
      return new PlanSetResult(List.of(), List.of());
    }
    List<Fleet.Outcome<PlanSetResult>> outcomes = fleet.accounts(accounts).regions(regions)
        .build().run(scope -> {
          List<Plan> here = byPlace.get(place(scope.account(), scope.region()));
          if (here == null) {
            return new PlanSetResult(List.of(), List.of());
          }
          Remediator remediator = remediators.apply(scope);
          PlanSet set = PlanSet.of(here).withScanned(plans.scanned());
          return observeAgain ? remediator.apply(set) : remediator.applyFresh(set);
        });
    return collect(plans, byPlace, outcomes);
  }

  private static PlanSetResult collect(PlanSet plans, Map<String, List<Plan>> byPlace,
      List<Fleet.Outcome<PlanSetResult>> outcomes) {
    Map<String, ApplyResult> results = new LinkedHashMap<>();
    List<String> notReviewed = new ArrayList<>();
    for (Fleet.Outcome<PlanSetResult> outcome : outcomes) {
      if (outcome.result() != null) {
        outcome.result().results().forEach(r -> results.put(r.plan().key(), r));
        notReviewed.addAll(outcome.result().notReviewed());
        continue;
      }
      String error = "account " + outcome.account() + ": " + outcome.error();
      byPlace.forEach((place, placePlans) -> placePlans.stream()
          .filter(p -> p.target().account().equals(outcome.account())
              && (outcome.region() == null || p.target().region().equals(outcome.region().id())))
          .forEach(p -> results.put(p.key(), new ApplyResult(p, outcome.region() == null
              ? ApplyResult.Status.SKIPPED : ApplyResult.Status.FAILED, List.of(), List.of(),
              error))));
    }
    return new PlanSetResult(plans.plans().stream()
        .map(p -> Objects.requireNonNull(results.get(p.key()), p.key())).toList(), notReviewed);
  }

  private static String place(String account, Region region) {
    return account + "/" + region.id();
  }
}
