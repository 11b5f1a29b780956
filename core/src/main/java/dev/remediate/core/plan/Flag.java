package dev.remediate.core.plan;

/**
 * What a step may do besides fixing configuration. Applying a step with a flag needs the caller's
 * explicit consent ({@link dev.remediate.core.Guardrails.Builder#consentTo(Flag...)}).
 *
 * <pre>{@code
 * if (plan.flags().contains(Flag.DOWNTIME)) {
 *   Guardrails consent = Guardrails.custom().consentTo(Flag.DOWNTIME).build();
 *   Remediator.builder().scope(scope).guardrails(consent).build().apply(plan);
 * }
 * }</pre>
 */
public enum Flag {
  /** The step makes a workload unavailable for a while, e.g. stops an instance. */
  DOWNTIME,
  /** The step deletes or replaces something that exists, e.g. deletes a flow log it replaces. */
  DESTRUCTIVE,
  /** The step cuts traffic or access that is in use, e.g. isolates an instance or empties a group. */
  DISRUPTIVE
}
