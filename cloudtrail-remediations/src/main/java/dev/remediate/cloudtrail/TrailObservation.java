package dev.remediate.cloudtrail;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.cloudtrail.model.Trail;

/**
 * Everything {@link EnsureTrail} reads before deciding, as values: {@link TrailObserver} makes it,
 * {@link TrailDecision} turns it into the plan without another call.
 *
 * @param region the Region planned in (the managed trail's home Region)
 * @param account the account
 * @param compliantTrail the ARN of another trail that already satisfies everything asked; when set,
 *     nothing else was read
 * @param managed the trail of the wanted name whose home Region is this one, or null
 * @param managedStatus its logging status and selectors, or null when there is no such trail
 * @param bucket the bucket the trail writes to
 * @param bucketRegion the bucket's Region, read only when a KMS key is wanted and the bucket exists
 * @param key what was read of the KMS key
 * @param logs what was read of the log group and delivery role, or null without CloudWatch Logs
 */
record TrailObservation(String region, String account, @Nullable String compliantTrail,
    @Nullable Trail managed, @Nullable Status managedStatus, LogBucket.@Nullable State bucket,
    @Nullable String bucketRegion, TrailKey.Observed key, TrailLogs.@Nullable Observed logs) {

  /** An observation that stopped at another trail satisfying everything. */
  static TrailObservation compliant(String region, String account, String trailArn) {
    return new TrailObservation(region, account, trailArn, null, null, null, null,
        TrailKey.Observed.NONE, null);
  }

  /**
   * A trail's logging status and event selectors, read in its home Region.
   *
   * @param logging {@code GetTrailStatus.IsLogging}
   * @param allManagementEvents whether the selectors log every management event, read and write
   * @param advanced whether the trail uses advanced event selectors
   * @param selectorCount how many selectors it has
   */
  record Status(boolean logging, boolean allManagementEvents, boolean advanced, int selectorCount) {
    /** @return true when the trail logs, and logs every management event */
    boolean satisfied() {
      return logging && allManagementEvents;
    }
  }
}
