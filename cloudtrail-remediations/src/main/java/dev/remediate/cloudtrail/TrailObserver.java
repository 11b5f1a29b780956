package dev.remediate.cloudtrail;

import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedEventSelector;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedFieldSelector;
import software.amazon.awssdk.services.cloudtrail.model.EventSelector;
import software.amazon.awssdk.services.cloudtrail.model.GetEventSelectorsResponse;
import software.amazon.awssdk.services.cloudtrail.model.ReadWriteType;
import software.amazon.awssdk.services.cloudtrail.model.Trail;

/**
 * Every read {@link EnsureTrail} makes, into a {@link TrailObservation}: one
 * {@code DescribeTrails} (shadow trails included); the given key ({@code DescribeKey}); status and
 * selectors of the other trails that could already satisfy the wanted properties, stopping at the
 * first that does; then the bucket, the key, the log group and role, and the managed trail's status.
 */
final class TrailObserver {
  private TrailObserver() {}

  static TrailObservation observe(EnsureTrail wanted, RemediationContext context) {
    String region = context.region();
    String account = context.account();
    List<Trail> trails = new ArrayList<>(cloudTrail(context, region)
        .describeTrails(r -> r.includeShadowTrails(true)).trailList());
    trails.sort(Comparator.comparing(t -> String.valueOf(t.trailARN())));
    Trail managed = managed(wanted, trails, region, account);
    String givenArn = TrailKey.resolveGiven(wanted, context);
    if (wanted.namedTrail() == null) {
      for (Trail t : trails) {
        if (t != managed && TrailDecision.satisfiesStatically(wanted, t, givenArn, region, account)
            && status(context, t).satisfied()) {
          return TrailObservation.compliant(region, account, t.trailARN());
        }
      }
    }
    LogBucket.State bucket = LogBucket.observe(LogBucket.s3(context), wanted.bucket());
    String bucketRegion = null;
    if (wanted.kmsKey() != null && bucket.exists()) {
      bucketRegion = LogBucket.region(LogBucket.s3(context), wanted.bucket());
      TrailDecision.requireBucketInRegion(wanted.bucket(), bucketRegion, region);
    }
    TrailKey.Observed key = TrailKey.observe(wanted, givenArn, managed, context);
    TrailLogs.Observed logs = TrailLogs.observe(wanted, context);
    TrailObservation.Status status = managed == null ? null : status(context, managed);
    return new TrailObservation(region, account, null, managed, status, bucket, bucketRegion, key,
        logs);
  }

  /** The trail of the wanted name whose home is this Region; a named trail homed elsewhere fails. */
  private static @Nullable Trail managed(EnsureTrail wanted, List<Trail> trails, String region,
      String account) {
    Trail managed = null;
    for (Trail t : trails) {
      if (wanted.trailName().equals(t.name()) && account.equals(accountOf(t))) {
        if (region.equals(t.homeRegion())) {
          managed = t;
        } else if (wanted.namedTrail() != null) {
          throw new RemediationException("Trail '" + t.name() + "' has its home Region in "
              + t.homeRegion() + ": plan and apply it there, not in " + region + " ("
              + HomeRegion.SETTING.advice(t.homeRegion(), "homeRegion(\"" + t.homeRegion()
              + "\")") + ")");
        }
      }
    }
    return managed;
  }

  private static @Nullable String accountOf(Trail t) {
    String arn = t.trailARN();
    String[] parts = arn == null ? new String[0] : arn.split(":");
    return parts.length > 4 ? parts[4] : null;
  }

  /** Logging status and event selectors of one trail, read in its home Region. */
  private static TrailObservation.Status status(RemediationContext context, Trail t) {
    CloudTrailClient client = cloudTrail(context, t.homeRegion());
    boolean logging = Boolean.TRUE.equals(
        client.getTrailStatus(r -> r.name(t.trailARN())).isLogging());
    GetEventSelectorsResponse selectors = client.getEventSelectors(r -> r.trailName(t.trailARN()));
    boolean advanced = !selectors.advancedEventSelectors().isEmpty();
    int count = advanced ? selectors.advancedEventSelectors().size()
        : selectors.eventSelectors().size();
    return new TrailObservation.Status(logging, allManagementEvents(selectors), advanced, count);
  }

  /**
   * True when the selectors log every management event, read and write. A trail never given
   * selectors logs all management events (CloudTrail's default).
   */
  static boolean allManagementEvents(GetEventSelectorsResponse selectors) {
    if (selectors.eventSelectors().isEmpty() && selectors.advancedEventSelectors().isEmpty()) {
      return true;
    }
    for (EventSelector s : selectors.eventSelectors()) {
      if (!Boolean.FALSE.equals(s.includeManagementEvents())
          && (s.readWriteType() == null || s.readWriteType() == ReadWriteType.ALL)
          && s.excludeManagementEventSources().isEmpty()) {
        return true;
      }
    }
    return selectors.advancedEventSelectors().stream().anyMatch(TrailObserver::allManagement);
  }

  private static boolean allManagement(AdvancedEventSelector s) {
    boolean management = false;
    for (AdvancedFieldSelector f : s.fieldSelectors()) {
      if ("eventCategory".equals(f.field()) && f.equalsValue().equals(List.of("Management"))) {
        management = true;
      } else {
        return false;
      }
    }
    return management;
  }

  static CloudTrailClient cloudTrail(RemediationContext context, @Nullable String region) {
    return context.scope().inRegion(Region.of(region == null ? context.region() : region))
        .client(CloudTrailClient.class, CloudTrailClient::builder);
  }
}
