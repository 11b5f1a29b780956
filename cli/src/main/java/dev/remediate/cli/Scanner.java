package dev.remediate.cli;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationType;
import dev.remediate.core.Remediator;
import dev.remediate.core.aws.Fleet;
import dev.remediate.core.plan.PlanSet;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Region;

/**
 * Plans the selected remediations in every region asked for, into one plan set: what
 * {@code scan} prints and {@code apply} without a plan file applies. Each region's remediations
 * are planned together ({@code Remediator.planSet}), so one may build on what another will create.
 */
final class Scanner {
  private final CliEnvironment env;
  private final GlobalOptions global;
  private final PlanningOptions options;
  private final AccountOptions accounts;
  private final PrintWriter err;

  /**
   * What a scan found: the plans, the failures (one line each), the places it covered (regions,
   * or "account region" with accounts).
   */
  record Outcome(PlanSet plans, List<String> failures, List<String> regions, int remediations) {}

  Scanner(CliEnvironment env, GlobalOptions global, PlanningOptions options,
      AccountOptions accounts, PrintWriter err) {
    this.env = env;
    this.global = global;
    this.options = options;
    this.accounts = accounts;
    this.err = err;
  }

  /** The remediations to plan, and the selected types that have none (settings missing). */
  record Selected(List<Remediation> remediations, List<String> notConfigured) {
    /**
     * Refuses remediations named with {@code --only} that cannot be planned: a CI job must not
     * pass because the check it asked for never ran.
     */
    void requireConfigured(Selection selection, Map<String, String> settings) {
      if (selection.explicit() && !notConfigured.isEmpty()) {
        throw CliException.badInput(String.join("; ", notConfigured.stream()
            .map(id -> ScanSettings.missing(id, settings)).toList()));
      }
    }

    /** Prints the types that are not configured, if any. */
    void report(PrintWriter err) {
      if (!notConfigured.isEmpty()) {
        err.println("remediate: not configured (settings missing, or no region-wide form: "
            + "choose a resource with --target): " + String.join(", ", notConfigured));
      }
    }
  }

  /**
   * Builds the remediations to plan: each type's region-wide form, or, for {@code --target}
   * resources, its form for that resource where it has one.
   */
  Selected remediations(List<RemediationType> types, Map<String, String> settings,
      java.util.Set<String> onlyNamed) {
    List<Remediation> remediations = new ArrayList<>();
    List<String> notConfigured = new ArrayList<>();
    for (RemediationType type : types) {
      List<Remediation> forType = new ArrayList<>();
      try {
        Optional<Remediation> regionWide = type.forRegion(settings);
        // A type of chosen resources only (quarantine, block an address) acts on a --target only
        // when --only names it: `scan --target i-...` alone must not plan a quarantine.
        boolean chosen = regionWide.isPresent() || onlyNamed.contains(type.id());
        for (String target : chosen ? options.targets : List.<String>of()) {
          type.forTarget(target, settings).ifPresent(forType::add);
        }
        if (forType.isEmpty()) {
          regionWide.ifPresent(forType::add);
        }
      } catch (InvalidRemediationException e) {
        throw CliException.badInput("settings for " + type.id() + ": " + e.getMessage());
      }
      if (forType.isEmpty()) {
        notConfigured.add(type.id());
      }
      remediations.addAll(forType);
    }
    return new Selected(remediations, notConfigured);
  }

  /**
   * Plans the remediations in every region (of every account chosen with {@code --accounts} or
   * {@code --organization}), places in parallel; output in account then region order.
   */
  Outcome plan(Scopes scopes, List<Remediation> remediations) {
    return accounts.given() ? planFleet(scopes, remediations) : planRegions(scopes, remediations);
  }

  /**
   * Plans in every (account, region) place through the member role; an account whose role cannot
   * be assumed is one failure line and the others go on.
   */
  private Outcome planFleet(Scopes scopes, List<Remediation> remediations) {
    List<String> regions = regions(scopes);
    List<String> chosen = accounts.resolve(scopes.caller());
    if (chosen.isEmpty()) {
      throw CliException.badInput("no account to scan: every account is skipped");
    }
    Progress progress = new Progress(err, env.terminal().isInteractive(), "scan",
        chosen.size() * regions.size());
    List<Fleet.Outcome<RegionPlans>> outcomes = scopes.fleet(accounts.role()).accounts(chosen)
        .regions(regions.stream().map(software.amazon.awssdk.regions.Region::of).toList())
        .build().run(scope -> {
          String place = scope.account() + " " + scope.region().id();
          synchronized (progress) {
            progress.advance(place);
          }
          List<String> failures = new ArrayList<>();
          PlanSet plans = scopes.remediator(scope).planSet(remediations, (remediation, e) ->
              failures.add(remediation.id() + " in " + place + " failed: " + e.getMessage()));
          return new RegionPlans(plans, failures);
        });
    PlanSet all = PlanSet.of();
    List<String> failures = new ArrayList<>();
    for (Fleet.Outcome<RegionPlans> outcome : outcomes) {
      if (outcome.failed()) {
        failures.add("account " + outcome.account()
            + (outcome.region() != null ? " in " + outcome.region().id() : "") + ": "
            + outcome.error());
      } else {
        all = all.and(outcome.result().plans());
        failures.addAll(outcome.result().failures());
      }
    }
    return finish(progress, all, failures, chosen.stream()
        .flatMap(a -> regions.stream().map(r -> a + " " + r)).toList(), remediations.size());
  }

  private Outcome finish(Progress progress, PlanSet all, List<String> failures,
      List<String> places, int remediations) {
    failures.forEach(f -> progress.println("remediate: " + f));
    progress.done();
    List<String> targets = options.targetsOrNull();
    return new Outcome(targets == null ? all : all.forTargets(targets), failures, places,
        remediations);
  }

  /** Plans the remediations in every region, regions in parallel; output in region order. */
  private Outcome planRegions(Scopes scopes, List<Remediation> remediations) {
    List<String> regions = regions(scopes);
    Progress progress = new Progress(err, env.terminal().isInteractive(), "scan", regions.size());
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(options.parallel,
        Math.max(1, regions.size())));
    try {
      List<Future<RegionPlans>> futures = new ArrayList<>();
      for (String region : regions) {
        futures.add(pool.submit(() -> {
          Remediator remediator = scopes.remediator(region); // bad credentials fail here, quietly
          synchronized (progress) {
            progress.advance(region);
          }
          List<String> failures = new ArrayList<>();
          PlanSet plans = remediator.planSet(remediations, (remediation, e) ->
              failures.add(remediation.id() + " in " + region + " failed: " + e.getMessage()));
          return new RegionPlans(plans, failures);
        }));
      }
      PlanSet all = PlanSet.of();
      List<String> failures = new ArrayList<>();
      for (Future<RegionPlans> future : futures) {
        RegionPlans result = future.get();
        all = all.and(result.plans());
        failures.addAll(result.failures());
      }
      return finish(progress, all, failures, regions, remediations.size());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(Remediate.EXIT_FAILURE, "scan interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    } finally {
      pool.shutdownNow();
    }
  }

  private record RegionPlans(PlanSet plans, List<String> failures) {}

  private List<String> regions(Scopes scopes) {
    if (!options.allRegions) {
      List<String> regions = global.regions();
      return regions.isEmpty() ? List.of(global.homeRegion(env.env())) : regions;
    }
    String home = global.homeRegion(env.env());
    Ec2Client ec2 = scopes.scope(home).client(Ec2Client.class, Ec2Client::builder);
    TreeSet<String> regions = new TreeSet<>();
    for (Region region : ec2.describeRegions().regions()) {
      if (!"not-opted-in".equals(region.optInStatus())) {
        regions.add(region.regionName());
      }
    }
    return List.copyOf(regions);
  }
}
