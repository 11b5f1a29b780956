package dev.remediate.core;

import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Step;
import java.util.List;

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
