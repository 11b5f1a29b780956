package dev.remediate.core;

import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Step;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
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

  private Remediator(Builder builder) {
    this.scope = Objects.requireNonNull(builder.scope, "scope");
    this.guardrails = builder.guardrails;
    this.listener = builder.listener;
    this.catalog = builder.catalog != null ? builder.catalog : RemediationCatalog.load();
    this.clock = builder.clock;
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
   * Applies a plan, rebuilding its remediation from the catalog.
   *
   * @param plan a plan made by {@link #plan(Remediation)}, possibly in another process
   * @return the journal
   * @throws StalePlanException when the state changed since planning
   * @throws GuardrailException when a guardrail refuses
   * @throws ApplyFailedException when a step or the verification failed
   */
  public ApplyResult apply(Plan plan) {
    return apply(catalog.fromSpec(plan.remediation()), plan);
  }

  /**
   * Applies a plan made by the given remediation.
   *
   * @param remediation the remediation that made the plan
   * @param plan the plan
   * @return the journal
   */
  public ApplyResult apply(Remediation remediation, Plan plan) {
    if (!remediation.spec().equals(plan.remediation())) {
      throw new InvalidRemediationException("Plan was made by " + plan.remediation()
          + ", not by " + remediation.spec());
    }
    if (plan.isEmpty()) {
      ApplyResult result = new ApplyResult(plan, ApplyResult.Status.NOTHING_TO_DO, List.of(),
          List.of());
      listener.onApplyFinished(result);
      return result;
    }
    checkScope(plan);
    checkGuardrails(plan);
    Plan current = plan(remediation);
    if (!current.fingerprint().equals(plan.fingerprint())) {
      LOG.warn("Refusing stale plan for {}: fingerprint {} is now {}", plan.target(),
          plan.fingerprint(), current.fingerprint());
      throw new StalePlanException(plan, current.fingerprint());
    }
    listener.onApplyStarted(plan);
    List<Step> steps = plan.steps();
    if (guardrails.dryRun()) {
      List<StepOutcome> outcomes = new ArrayList<>();
      for (Step step : steps) {
        StepOutcome outcome = new StepOutcome(step, StepOutcome.Status.DRY_RUN, "", Duration.ZERO);
        outcomes.add(outcome);
        listener.onStepFinished(outcome);
      }
      ApplyResult result = new ApplyResult(plan, ApplyResult.Status.DRY_RUN, outcomes, List.of());
      listener.onApplyFinished(result);
      return result;
    }
    RemediationContext context =
        RemediationContext.forApplying(scope, guardrails, listener, clock, plan);
    List<StepOutcome> outcomes = new ArrayList<>();
    List<Step> completed = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      listener.onStepStarted(step, i, steps.size());
      context.currentStep(step);
      long start = System.nanoTime();
      try {
        remediation.execute(step, context);
      } catch (RuntimeException failure) {
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        StepOutcome failed = new StepOutcome(step, StepOutcome.Status.FAILED,
            String.valueOf(failure.getMessage()), took);
        outcomes.add(failed);
        listener.onStepFinished(failed);
        for (Step rest : steps.subList(i + 1, steps.size())) {
          outcomes.add(new StepOutcome(rest, StepOutcome.Status.NOT_RUN, "", Duration.ZERO));
        }
        LOG.warn("Step {} on {} failed: {}", step.kind(), step.resource(), failure.toString());
        List<String> compensation = compensate(remediation, completed, failure, context);
        ApplyResult result =
            new ApplyResult(plan, ApplyResult.Status.FAILED, outcomes, compensation);
        listener.onApplyFinished(result);
        throw new ApplyFailedException("Applying " + plan.remediation().id() + " to "
            + plan.target() + " failed at step " + (i + 1) + " of " + steps.size() + " ("
            + step.kind() + " " + step.resource() + "): " + failure.getMessage(), result, failure);
      } finally {
        context.currentStep(null);
      }
      StepOutcome ok = new StepOutcome(step, StepOutcome.Status.SUCCEEDED, "",
          Duration.ofNanos(System.nanoTime() - start));
      outcomes.add(ok);
      completed.add(step);
      listener.onStepFinished(ok);
    }
    Plan remaining;
    try {
      remaining = plan(remediation);
    } catch (RemediationException e) {
      ApplyResult result = new ApplyResult(plan, ApplyResult.Status.FAILED, outcomes, List.of());
      listener.onApplyFinished(result);
      throw new ApplyFailedException("Every step of " + plan.remediation().id() + " on "
          + plan.target() + " ran, but verification could not observe the target: "
          + e.getMessage(), result, e);
    }
    if (!remaining.isEmpty()) {
      ApplyResult result = new ApplyResult(plan, ApplyResult.Status.FAILED, outcomes, List.of());
      listener.onApplyFinished(result);
      throw new ApplyFailedException("Every step of " + plan.remediation().id() + " on "
          + plan.target() + " ran, but verification still plans " + remaining.steps().size()
          + " change(s):\n" + remaining.toText(), result, null);
    }
    ApplyResult result = new ApplyResult(plan, ApplyResult.Status.APPLIED, outcomes, List.of());
    listener.onApplyFinished(result);
    return result;
  }

  private List<String> compensate(Remediation remediation, List<Step> completed,
      RuntimeException failure, RemediationContext context) {
    try {
      return remediation.compensate(List.copyOf(completed), failure, context);
    } catch (RuntimeException e) {
      LOG.warn("Compensation after failed {} did not complete: {}", remediation.id(), e.toString());
      failure.addSuppressed(e);
      return List.of("compensation failed: " + e.getMessage());
    }
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

  private void checkGuardrails(Plan plan) {
    if (plan.steps().size() > guardrails.maxChanges()) {
      throw new GuardrailException("Plan for " + plan.target() + " has " + plan.steps().size()
          + " changes, more than the limit of " + guardrails.maxChanges()
          + ". Raise maxChanges or narrow the remediation.");
    }
    Set<Flag> missing = EnumSet.noneOf(Flag.class);
    for (Step step : plan.steps()) {
      for (Flag flag : step.flags()) {
        if (!guardrails.consentsTo(flag)) {
          missing.add(flag);
        }
      }
    }
    if (!missing.isEmpty()) {
      String steps = plan.steps().stream()
          .filter(s -> s.flags().stream().anyMatch(missing::contains))
          .map(s -> s.kind() + " " + s.resource() + " " + s.flags())
          .collect(Collectors.joining("; "));
      throw new GuardrailException("Plan for " + plan.target() + " needs consent to "
          + missing + " (steps: " + steps + "). Nothing was changed. Consent with "
          + "Guardrails.custom().consentTo(" + missing.stream().map(f -> "Flag." + f)
              .collect(Collectors.joining(", ")) + ") to apply it.");
    }
  }

  /** Builds a {@link Remediator}. */
  public static final class Builder {
    private AwsScope scope;
    private Guardrails guardrails = Guardrails.ofDefaults();
    private ApplyListener listener = ApplyListener.NONE;
    private RemediationCatalog catalog;
    private Clock clock = Clock.systemUTC();

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
