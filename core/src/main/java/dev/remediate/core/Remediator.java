package dev.remediate.core;

import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.Plan;
import java.time.Clock;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.plan.RemediationSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans remediations and applies plans, safely.
 *
 * <p>{@link #plan(Remediation)} reads only. {@link #apply(Plan)}:
 * <ol>
 *   <li>checks the plan belongs to this scope's account and region;</li>
 *   <li>enforces the {@link Guardrails}: the change limit and consent for flagged steps;</li>
 *   <li>observes again and refuses the plan if the state changed ({@link StalePlanException});</li>
 *   <li>runs the steps in order, reporting to the {@link ApplyListener} (or, in dry run, none);</li>
 *   <li>on a failed step, lets the remediation compensate and throws {@link ApplyFailedException}
 *       with the journal;</li>
 *   <li>plans again: a non-empty plan means the target is still not compliant, a failure.</li>
 * </ol>
 *
 * <pre>{@code
 * Remediator remediator = Remediator.builder()
 *     .scope(scope)
 *     .guardrails(Guardrails.custom().maxChanges(10).build())
 *     .build();
 * Plan plan = remediator.plan(RestrictDefaultSecurityGroup.forVpc("vpc-0abc1234"));
 * System.out.print(plan.toText());
 * ApplyResult result = remediator.apply(plan);
 * }</pre>
 *
 * <p>Thread-safe: one remediator can plan and apply from several threads.
 */
public final class Remediator {
  private static final Logger LOG = LoggerFactory.getLogger(Remediator.class);

  private final AwsScope scope;
  private final Guardrails guardrails;
  private final ApplyListener listener;
  private final RemediationCatalog catalog;
  private final Clock clock;
  private final int parallelism;
  private final @Nullable ExecutorService executor;
  private @Nullable ExecutorService ownPool;

  private Remediator(Builder builder) {
    this.scope = Objects.requireNonNull(builder.scope, "scope");
    this.guardrails = builder.guardrails;
    this.listener = builder.listener;
    this.catalog = builder.catalog != null ? builder.catalog : RemediationCatalog.load();
    this.clock = builder.clock;
    this.parallelism = builder.parallelism;
    this.executor = builder.executor;
  }

  /**
   * A remediator with default guardrails and no listener.
   *
   * @param scope where to act
   * @return the remediator
   */
  public static Remediator create(AwsScope scope) {
    return builder().scope(scope).build();
  }

  /** @return a builder */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the scope this remediator acts in */
  public AwsScope scope() {
    return scope;
  }

  /** @return its guardrails */
  public Guardrails guardrails() {
    return guardrails;
  }

  /**
   * Observes the remediation's target and plans the changes. Reads only.
   *
   * @param remediation what to plan
   * @return the plan; empty when compliant
   * @throws RemediationException when observing fails (the AWS error is the cause)
   */
  public Plan plan(Remediation remediation) {
    RemediationContext context = RemediationContext.forPlanning(scope, guardrails, clock);
    try {
      Plan plan = remediation.plan(context);
      LOG.debug("Planned {}: {} steps", remediation.spec(), plan.steps().size());
      return plan;
    } catch (RemediationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new RemediationException("Planning " + remediation.spec() + " in " + scope.region()
          + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Plans several remediations into one plan set: one plan per target, in the order given, except
   * that a remediation is planned after those it declares in {@link Remediation#after()} (so the
   * CIS alarms can plan against the log group the trail's plan will create). Reads only.
   * Independent remediations are planned in parallel; the result does not depend on it.
   *
   * @param remediations what to plan
   * @return the plan set
   * @throws RemediationException when planning one of them fails (the first failure)
   */
  public PlanSet planSet(Collection<? extends Remediation> remediations) {
    return planSet(remediations, (remediation, failure) -> {
      throw failure;
    });
  }

  /**
   * Plans several remediations, reporting each one that cannot be planned to {@code onFailure} and
   * going on with the others (a command line reports them and exits 1 at the end).
   *
   * @param remediations what to plan
   * @param onFailure called once per remediation whose planning failed (from the calling thread)
   * @return the plan set of the others
   */
  public PlanSet planSet(Collection<? extends Remediation> remediations,
      BiConsumer<Remediation, RemediationException> onFailure) {
    return new PlanSetPlanner(this, onFailure).plan(List.copyOf(remediations));
  }

  /**
   * Applies a plan set, typically saved by one process and applied by another, target by target:
   * <ul>
   *   <li>the whole set is refused when it holds more changes than {@link Guardrails#maxChanges()}
   *       ({@link GuardrailException}, nothing changed);</li>
   *   <li>a target of another account or region, or with a flagged step the guardrails do not
   *       consent to, is skipped;</li>
   *   <li>prerequisites ({@link Plan#requires()}) run first; a target whose prerequisite failed is
   *       skipped, saying why;</li>
   *   <li>each target is observed again (combined per remediation type) and compared step by step
   *       with the reviewed plan: a step still planned alike runs; a step no longer planned was
   *       done meanwhile ("already done"); a step of the same kind on the same resource that is now
   *       different makes that target stale (nothing of it runs; every other target goes on);
   *       changes nobody reviewed are reported, never made. Changes elsewhere in the account never
   *       make a target stale;</li>
   *   <li>independent targets run in parallel (see {@link Builder#parallelism(int)}), the steps of
   *       one target in order, at most {@link Guardrails#maxConcurrentDowntime()} targets with
   *       downtime at once; steps that one call can carry out for several targets
   *       ({@link Remediation#batchKey}) run as one call;</li>
   *   <li>a failed step stops its target, which is compensated; the others go on;</li>
   *   <li>every applied target is observed once more: a change still planned is a failure.</li>
   * </ul>
   * Never throws for one target's problem: see each target's {@link ApplyResult}. Applying the same
   * plan set again finishes what is left.
   *
   * @param plans the plan set
   * @return one result per plan, in the set's order
   * @throws GuardrailException when the set exceeds the change limit
   * @throws InvalidRemediationException when a {@linkplain PlanSet#scanned() scanned} remediation
   *     of the set does not rebuild from the catalog (nothing is observed or changed)
   */
  public PlanSetResult apply(PlanSet plans) {
    checkScanned(plans);
    return applier(null).apply(plans, true);
  }

  /**
   * Plans and applies in one go, like {@code terraform apply}: plans the remediations
   * ({@link #planSet(Collection)}), lets {@code approve} review the plan set, and, when it
   * returns true, applies it without observing the targets again, since they were just observed.
   * When approval waits for a person, prefer {@link #planSet} then {@link #apply(PlanSet)}, which
   * observes again after the review.
   *
   * @param remediations what to plan
   * @param approve shown the plan set; true to apply it
   * @return the result; every target {@code NOTHING_TO_DO}/skipped when not approved
   */
  public PlanSetResult planAndApply(Collection<? extends Remediation> remediations,
      java.util.function.Predicate<PlanSet> approve) {
    PlanSet plans = planSet(remediations);
    if (!approve.test(plans)) {
      return new PlanSetResult(plans.plans().stream().map(p -> new ApplyResult(p,
          p.isEmpty() ? ApplyResult.Status.NOTHING_TO_DO : ApplyResult.Status.SKIPPED, List.of(),
          List.of(), p.isEmpty() ? "" : "not approved")).toList(), List.of());
    }
    return applyFresh(plans);
  }

  /**
   * Applies plans this process has just made, without observing the targets again: what
   * {@link #planAndApply} does after approval. Everything else is as {@link #apply(PlanSet)}
   * (prerequisites, consent, parallelism, partial failure, verification). Use it only when nothing
   * stands between planning and applying; a saved plan set, or one reviewed by a person, goes
   * through {@link #apply(PlanSet)}, which refuses targets that changed meanwhile.
   *
   * @param plans plans just made by {@link #planSet}
   * @return one result per plan, in the set's order
   * @throws GuardrailException when the set exceeds the change limit
   */
  public PlanSetResult applyFresh(PlanSet plans) {
    return applier(null).apply(plans, false);
  }

  /**
   * Applies one plan, rebuilding its remediation from the catalog, by the rules of
   * {@link #apply(PlanSet)}, with one target's problems thrown.
   *
   * @param plan a plan made by {@link #plan(Remediation)}, possibly in another process
   * @return the journal
   * @throws StalePlanException when a reviewed step would now differ
   * @throws GuardrailException when a guardrail refuses
   * @throws ApplyFailedException when a step or the verification failed
   */
  public ApplyResult apply(Plan plan) {
    return apply(catalog.fromSpec(plan.remediation()), plan);
  }

  /**
   * Applies a plan made by the given remediation (which need not be in the catalog).
   *
   * @param remediation the remediation that made the plan
   * @param plan the plan
   * @return the journal
   * @throws StalePlanException when a reviewed step would now differ
   * @throws GuardrailException when a guardrail refuses
   * @throws ApplyFailedException when a step or the verification failed
   */
  public ApplyResult apply(Remediation remediation, Plan plan) {
    if (!remediation.spec().equals(plan.remediation())) {
      throw new InvalidRemediationException("Plan was made by " + plan.remediation()
          + ", not by " + remediation.spec());
    }
    if (!plan.isEmpty()) {
      checkScope(plan);
    }
    PlanSetApplier applier = applier(remediation);
    ApplyResult result = applier.apply(PlanSet.of(plan), true).results().get(0);
    return switch (result.status()) {
      case STALE -> throw new StalePlanException(plan, result.detail());
      case SKIPPED -> throw new GuardrailException("Plan for " + plan.target() + " "
          + result.detail() + ". Nothing was changed. To apply it, consent ("
          + Guardrails.consentAdvice(plan.flags().stream().filter(f -> !guardrails.consentsTo(f))
              .toList()) + ").");
      case FAILED -> throw new ApplyFailedException("Applying " + plan.remediation().id() + " to "
          + plan.target() + " failed: " + result.detail(), result, applier.failure(plan.key()));
      default -> result;
    };
  }

  private PlanSetApplier applier(Remediation given) {
    ExecutorService pool = executor();
    Function<RemediationSpec, Remediation> rebuild = spec -> given != null
        && given.spec().equals(spec) ? given : catalog.fromSpec(spec);
    return new PlanSetApplier(this, pool, rebuild,
        (plans, scanned) -> observe(plans, scanned, given, pool));
  }

  /**
   * Observes targets again; plans by key. Each remediation type says how
   * ({@link RemediationType#observeAgain}): its reviewed targets combined, or, for types whose
   * region-wide forms select targets, the forms the plan set was scanned with in this account and
   * Region ({@link PlanSet#scanned()}), so targets found since are seen; a reviewed target those
   * no longer find is then observed as the type says ({@link RemediationType#observeMissing}).
   * When two observers plan the same target (two tag selections that now both match), the plan
   * made with the reviewed plan's own spec is kept.
   *
   * @param scanned the plan set's scanned forms; empty to observe the reviewed targets alone (as
   *     verification does)
   */
  Map<String, Plan> observe(List<Plan> plans, List<PlanSet.Scanned> scanned, Remediation given,
      ExecutorService pool) {
    Map<String, List<RemediationSpec>> byType = byType(plans);
    List<RemediationSpec> here = scanned.stream().filter(s -> plans.stream().anyMatch(s::covers))
        .map(PlanSet.Scanned::remediation).toList();
    List<Remediation> observers = new ArrayList<>();
    java.util.Set<String> withForms = new java.util.HashSet<>();
    byType.forEach((id, specs) -> {
      List<RemediationSpec> forms = distinct(here.stream().filter(f -> f.id().equals(id))
          .toList());
      if (given != null && specs.size() == 1 && given.spec().equals(specs.get(0))) {
        observers.add(given);
      } else {
        observers.addAll(catalog.require(id).observeAgain(distinct(specs), forms));
        if (!forms.isEmpty()) {
          withForms.add(id);
        }
      }
    });
    Map<String, Plan> current = observeWith(observers, plans, pool);
    List<Plan> notFound = plans.stream().filter(p -> withForms.contains(p.remediation().id())
        && !current.containsKey(p.key())).toList();
    if (!notFound.isEmpty()) { // the type says which may still exist and how to read them
      List<Remediation> missing = new ArrayList<>();
      byType(notFound).forEach((id, specs) -> missing.addAll(
          catalog.require(id).observeMissing(distinct(specs))));
      current.putAll(observeWith(missing, plans, pool));
    }
    return current;
  }

  /**
   * Checks that every scanned form of a plan set rebuilds from the catalog, before anything is
   * observed or changed.
   */
  private void checkScanned(PlanSet plans) {
    for (PlanSet.Scanned scan : plans.scanned()) {
      try {
        catalog.fromSpec(scan.remediation());
      } catch (InvalidRemediationException e) {
        throw new InvalidRemediationException("The plan set's scanned " + scan.remediation()
            + " (" + scan.account() + " " + scan.region() + ") is not valid: " + e.getMessage(), e);
      }
    }
  }

  private static List<RemediationSpec> distinct(List<RemediationSpec> specs) {
    return List.copyOf(new java.util.LinkedHashSet<>(specs));
  }

  private static Map<String, List<RemediationSpec>> byType(List<Plan> plans) {
    Map<String, List<RemediationSpec>> byType = new java.util.LinkedHashMap<>();
    for (Plan plan : plans) {
      byType.computeIfAbsent(plan.remediation().id(), id -> new ArrayList<>())
          .add(plan.remediation());
    }
    return byType;
  }

  private Map<String, Plan> observeWith(List<Remediation> observers, List<Plan> reviewed,
      ExecutorService pool) {
    Map<String, List<Plan>> found = new java.util.concurrent.ConcurrentHashMap<>();
    List<java.util.concurrent.Callable<Void>> tasks = new ArrayList<>();
    for (Remediation observer : observers) {
      tasks.add(() -> {
        planEach(observer, Map.of()).forEach(p -> found.computeIfAbsent(p.key(),
            k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(p));
        return null;
      });
    }
    PlanSetPlanner.runAll(pool, tasks);
    Map<String, RemediationSpec> reviewedSpecs = new java.util.HashMap<>();
    reviewed.forEach(p -> reviewedSpecs.put(p.key(), p.remediation()));
    Map<String, Plan> current = new java.util.HashMap<>();
    found.forEach((key, candidates) -> current.put(key, candidates.stream()
        .filter(p -> p.remediation().equals(reviewedSpecs.get(key))).findFirst()
        .orElseGet(() -> candidates.stream().min(java.util.Comparator.comparing(
            (Plan p) -> p.remediation().toString())).orElseThrow())));
    return current;
  }

  /** Plans every target of one remediation, wrapping unexpected failures. */
  List<Plan> planEach(Remediation remediation, Map<String, String> promises) {
    RemediationContext context =
        RemediationContext.forPlanning(scope, guardrails, clock, promises);
    try {
      return remediation.planEach(context);
    } catch (RemediationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new RemediationException("Planning " + remediation.spec() + " in " + scope.region()
          + " failed: " + e.getMessage(), e);
    }
  }

  ExecutorService executor() {
    return executor != null ? executor : sharedPool();
  }

  private synchronized ExecutorService sharedPool() {
    if (ownPool == null) {
      java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
      ownPool = java.util.concurrent.Executors.newFixedThreadPool(parallelism, r -> {
        Thread thread = new Thread(r, "remediate-apply-" + n.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      });
    }
    return ownPool;
  }

  ApplyListener listener() {
    return listener;
  }

  Clock clock() {
    return clock;
  }

  private void checkScope(Plan plan) {
    String region = scope.region().id();
    if (!plan.target().region().equals(region)) {
      throw new InvalidRemediationException("Plan is for region " + plan.target().region()
          + " but this remediator acts in " + region);
    }
    String account = scope.account();
    if (!plan.target().account().equals(account)) {
      throw new InvalidRemediationException("Plan is for account " + plan.target().account()
          + " but these credentials belong to account " + account);
    }
  }

  /** Builds a {@link Remediator}. */
  public static final class Builder {
    /** Targets applied at once unless {@link #parallelism(int)} says otherwise. */
    public static final int DEFAULT_PARALLELISM = 8;

    private AwsScope scope;
    private Guardrails guardrails = Guardrails.ofDefaults();
    private ApplyListener listener = ApplyListener.NONE;
    private RemediationCatalog catalog;
    private Clock clock = Clock.systemUTC();
    private int parallelism = DEFAULT_PARALLELISM;
    private @Nullable ExecutorService executor;

    private Builder() {}

    /**
     * Sets where to act (required).
     *
     * @param scope the AWS scope
     * @return this builder
     */
    public Builder scope(AwsScope scope) {
      this.scope = Objects.requireNonNull(scope, "scope");
      return this;
    }

    /**
     * Sets the guardrails (default {@link Guardrails#ofDefaults()}).
     *
     * @param guardrails the guardrails
     * @return this builder
     */
    public Builder guardrails(Guardrails guardrails) {
      this.guardrails = Objects.requireNonNull(guardrails, "guardrails");
      return this;
    }

    /**
     * Sets the progress listener.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(ApplyListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sets the catalog used to rebuild remediations from plans (default: {@link
     * RemediationCatalog#load()}).
     *
     * @param catalog the catalog
     * @return this builder
     */
    public Builder catalog(RemediationCatalog catalog) {
      this.catalog = Objects.requireNonNull(catalog, "catalog");
      return this;
    }

    /**
     * Sets how many targets apply runs at once, and how many remediations a plan set observes at
     * once (default {@value #DEFAULT_PARALLELISM}). The steps of one target always run in order;
     * results come in the plan set's order whatever the value. The remediator keeps one pool of
     * daemon threads of this size.
     *
     * @param parallelism at least 1
     * @return this builder
     */
    public Builder parallelism(int parallelism) {
      if (parallelism < 1) {
        throw new InvalidRemediationException("parallelism must be at least 1, was "
            + parallelism);
      }
      this.parallelism = parallelism;
      return this;
    }

    /**
     * Runs targets on the caller's executor instead of the remediator's own pool (it is never
     * shut down by the remediator). Its size bounds the parallelism.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(ExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets the clock used for observation times (tests).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** @return the remediator */
    public Remediator build() {
      if (scope == null) {
        throw new InvalidRemediationException("Remediator needs a scope: call scope(AwsScope)");
      }
      return new Remediator(this);
    }
  }
}
