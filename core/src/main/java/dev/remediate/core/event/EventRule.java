package dev.remediate.core.event;

import dev.remediate.core.Remediation;
import java.util.List;
import java.util.Set;

/**
 * Maps CloudTrail records to the remediations they call for, e.g. "a {@code CreateVpc} record calls
 * for locking down the new VPC's default security group". Remediation modules contribute rules
 * through an {@link EventRuleProvider}; the {@link EventRouter} calls a rule only for records whose
 * ({@code eventSource}, {@code eventName}) is one of its {@link #triggers()}, and only for records
 * that succeeded, changed something and were not caused by Remediate itself (unless the router is
 * configured otherwise).
 *
 * <p>Implementations are stateless and thread-safe.
 *
 * <pre>{@code
 * EventKey disabled = EventKey.of("ec2.amazonaws.com", "DisableEbsEncryptionByDefault");
 * EventRule rule = new EventRule() {
 *   public String id() { return "example.ebs-encryption-by-default.on-disable"; }
 *   public Set<EventKey> triggers() { return Set.of(disabled); }
 *   public List<Remediation> remediationsFor(CloudTrailEvent event) {
 *     return List.of(EnableEbsEncryptionByDefault.create());
 *   }
 * };
 * }</pre>
 */
public interface EventRule {
  /** @return a stable id, unique among all rules, e.g. {@code ec2.create-vpc.default-security-group} */
  String id();

  /** @return the (eventSource, eventName) pairs this rule looks at; not empty */
  Set<EventKey> triggers();

  /**
   * Returns the remediations a record calls for. This is also the rule's predicate on the record:
   * return an empty list when the record needs nothing (e.g. a security group rule that opens no
   * sensitive port). Read the ids of new resources from {@link CloudTrailEvent#responseElements()}.
   *
   * @param event a record matching one of {@link #triggers()}
   * @return the remediations, possibly none
   */
  List<Remediation> remediationsFor(CloudTrailEvent event);

  /**
   * Whether the remediations of this rule make plans that need consent to apply (e.g. an
   * encryption swap stops instances). Automated callers must not apply them without approval.
   *
   * @return true when a person must approve before apply; false by default
   */
  default boolean needsApproval() {
    return false;
  }
}
