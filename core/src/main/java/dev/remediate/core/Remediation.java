package dev.remediate.core;

import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Step;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A desired state for one target, e.g. "the default security group of VPC vpc-1 has no rules".
 * Implementations are immutable values, validated when built, equal by content.
 *
 * <p>Implementations read top to bottom in three parts: <b>observe</b> (read the target),
 * <b>decide</b> (compare with the desired state, build the {@link Plan}), <b>steps</b> (carry out one
 * planned step). Users don't call {@link #plan} and {@link #execute} directly: a {@link Remediator}
 * does, adding staleness checks, guardrails and verification.
 *
 * <pre>{@code
 * Remediation remediation = RestrictDefaultSecurityGroup.forVpc("vpc-0abc1234");
 * RemediationSpec spec = remediation.spec(); // ec2.default-security-group{vpcId=vpc-0abc1234}
 * Plan plan = remediator.plan(remediation);  // the remediator calls plan(context)
 * remediator.apply(remediation, plan);       // ... and execute(step, context) for each step
 * }</pre>
 */
public interface Remediation {
  /** @return the stable catalog id, e.g. {@code ec2.default-security-group} */
  String id();

  /** @return the parameters that rebuild this remediation through {@link RemediationCatalog} */
  RemediationSpec spec();

  /**
   * Observes the target and plans the changes. Reads only. An empty plan means compliant.
   *
   * @param context the AWS scope and guardrails
   * @return the plan
   */
  Plan plan(RemediationContext context);

  /**
   * Observes and plans every target this remediation covers, one plan per target (e.g. one per VPC
   * for flow logs on every VPC of a region). Reads only. The default plans the one target of
   * {@link #plan(RemediationContext)}. Each plan's {@link Plan#remediation()} rebuilds a
   * remediation of that plan's target alone, so each target is reviewed, applied and refused on its
   * own.
   *
   * @param context the AWS scope and guardrails
   * @return the plans, in a stable order (compliant targets included, as empty plans)
   */
  default List<Plan> planEach(RemediationContext context) {
    return List.of(plan(context));
  }

  /**
   * The one plan of a remediation form that names one target, for {@link #plan} of a remediation
   * whose {@link #planEach} also serves forms covering many targets: a form covering many is
   * refused before anything is read, pointing to {@link Remediator#planSet}.
   *
   * <pre>{@code
   * public Plan plan(RemediationContext context) {
   *   return Remediation.onlyPlan(this, groupIds != null && groupIds.size() == 1,
   *       "security groups", () -> planEach(context));
   * }
   * }</pre>
   *
   * @param remediation the remediation, named in the message
   * @param oneTarget whether this form names exactly one target
   * @param targets what the targets are, plural, for the message (e.g. {@code "instances"})
   * @param planEach plans the one target
   * @return the plan
   * @throws InvalidRemediationException when the form covers several targets
   */
  static Plan onlyPlan(Remediation remediation, boolean oneTarget, String targets,
      java.util.function.Supplier<List<Plan>> planEach) {
    if (!oneTarget) {
      throw new InvalidRemediationException(remediation + " covers several " + targets
          + ", one plan each: plan it with Remediator.planSet");
    }
    return planEach.get().get(0);
  }

  /**
   * The catalog ids of remediations whose plans this one may build on (e.g. the CIS alarms need the
   * log group the trail's plan creates). {@link Remediator#planSet} plans those first, so that this
   * one can plan against what they will create ({@link RemediationContext#promised(String)}).
   *
   * @return catalog ids; empty by default
   */
  default Set<String> after() {
    return Set.of();
  }

  /**
   * Says which steps of several targets one AWS call can carry out together (e.g. one
   * {@code CreateFlowLogs} for many VPCs with the same destination). Steps with equal keys, from
   * plans of this remediation's type in one account and region, are given to
   * {@link #executeBatch} together.
   *
   * @param step a step this remediation planned
   * @return the batch key, or empty when the step runs alone (the default)
   */
  default Optional<String> batchKey(Step step) {
    return Optional.empty();
  }

  /**
   * Carries out steps of several targets that share a {@link #batchKey(Step)}. The default runs
   * {@link #execute} for each. The context has no single plan: use
   * {@link RemediationContext#batchToken(List)} for idempotency tokens.
   *
   * @param steps the steps, from different targets
   * @param context the AWS scope, guardrails and listener
   * @return the steps that failed, with their failure; empty when all succeeded
   */
  default Map<Step, RuntimeException> executeBatch(List<Step> steps, RemediationContext context) {
    Map<Step, RuntimeException> failures = new java.util.LinkedHashMap<>();
    for (Step step : steps) {
      try {
        execute(step, context);
      } catch (RuntimeException e) {
        failures.put(step, e);
      }
    }
    return failures;
  }

  /**
   * Carries out one step of a plan this remediation made. Must tolerate the step having been done
   * already (treat "already exists" / "already gone" as success).
   *
   * @param step the step
   * @param context the AWS scope, guardrails, progress listener and the outputs of earlier steps
   */
  void execute(Step step, RemediationContext context);

  /**
   * Puts the target back into a safe state after a step failed, e.g. re-attaches original volumes
   * and restarts an instance that was running. Called once, before the failure is reported, with
   * the steps that completed (possibly none: the failed step itself may have changed something, e.g.
   * a stop whose wait failed). Must never delete user data. The default does nothing.
   *
   * @param completed the steps that completed, in order
   * @param failure the failure of the next step
   * @param context the same context the steps ran with
   * @return lines describing what compensation did, for the journal
   */
  default List<String> compensate(List<Step> completed, RuntimeException failure,
      RemediationContext context) {
    return List.of();
  }
}
