package dev.remediate.core.event;

import dev.remediate.core.Remediation;
import java.util.Objects;
import java.util.Optional;

/**
 * A remediation a record or finding called for, with what triggered it (for audit) and the rule that
 * chose it.
 *
 * <pre>{@code
 * for (RoutedRemediation routed : EventRouter.load().route(event)) {
 *   Plan plan = remediator.plan(routed.remediation()); // remediator scoped to routed.region()
 *   if (!routed.needsApproval()) {
 *     remediator.apply(plan);
 *   }
 * }
 * }</pre>
 *
 * @param remediation the remediation to plan
 * @param trigger the record or finding that called for it
 * @param ruleId the id of the {@link EventRule} that produced it
 * @param needsApproval true when its plans need a person's approval before apply
 */
public record RoutedRemediation(Remediation remediation, SecurityEvent trigger, String ruleId,
    boolean needsApproval) {
  /**
   * Creates a routed remediation.
   *
   * @param remediation the remediation
   * @param trigger the record or finding
   * @param ruleId the rule id
   * @param needsApproval whether apply needs approval
   */
  public RoutedRemediation {
    Objects.requireNonNull(remediation, "remediation");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(ruleId, "ruleId");
  }

  /** @return the region to act in: the record's {@code awsRegion}, the finding's region */
  public String region() {
    return trigger.region();
  }

  /** @return the account to act in: the record's recipient account (else the caller's), the finding's */
  public Optional<String> account() {
    return trigger.account();
  }

  @Override
  public String toString() {
    return remediation + " <- " + trigger.describe() + " in "
        + region() + account().map(a -> "/" + a).orElse("") + " (rule " + ruleId
        + (needsApproval ? ", needs approval)" : ")");
  }
}
