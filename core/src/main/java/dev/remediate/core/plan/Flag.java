package dev.remediate.core.plan;

/**
 * What a step may do besides fixing configuration. Applying a step with a flag needs the caller's
 * explicit consent ({@link dev.remediate.core.Guardrails.Builder#consentTo(Flag...)}).
 */
public enum Flag {
  /** The step makes a workload unavailable for a while, e.g. stops an instance. */
  DOWNTIME,
  /** The step deletes or replaces something that exists, e.g. deletes a flow log it replaces. */
  DESTRUCTIVE,
  /** The step cuts traffic or access that is in use, e.g. isolates an instance or empties a group. */
  DISRUPTIVE
}
