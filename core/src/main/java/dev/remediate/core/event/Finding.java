package dev.remediate.core.event;

/**
 * A finding: something a detector concluded, as opposed to a CloudTrail record of one call.
 * {@link GuardDutyFinding} and {@link SecurityHubFinding} are read from their documented JSON by
 * {@link SecurityEventReader}; a {@link Signal} is counted from CloudTrail records by
 * {@link SignalDetector}. The {@link FindingRouter} maps findings to catalog remediations.
 *
 * <pre>{@code
 * if (event instanceof Finding finding) {
 *   System.out.println(finding.type() + " " + finding.id());
 * }
 * }</pre>
 */
public interface Finding extends SecurityEvent {
  /** @return the finding's id as its source gives it (GuardDuty id, ASFF {@code Id}, signal key) */
  String id();

  /**
   * What kind of finding it is: the GuardDuty type ({@code UnauthorizedAccess:EC2/SSHBruteForce}),
   * the Security Hub control id ({@code EC2.19}) or first ASFF type, or the signal's name.
   *
   * @return the type
   */
  String type();

  @Override
  default String describe() {
    return type() + " " + id();
  }
}
