package dev.remediate.cloudtrail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remediate.core.Remediation;
import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.EventKey;
import dev.remediate.core.event.EventRule;
import dev.remediate.core.event.EventRuleProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Event rules of the audit-logging remediations: records that undo a trail, the Config recorder or
 * the CIS alarms call for the remediation that puts them back. Every remediation here needs
 * settings (the trail's bucket, the Config bucket, the log group and topic of the alarms), so
 * {@link #rules()} is empty and {@link #rules(Map)} has a rule for each remediation whose settings
 * are there:
 *
 * <ul>
 *   <li>{@value #TRAIL_RULE}: {@code StopLogging}, {@code DeleteTrail}, and {@code UpdateTrail} or
 *       {@code PutEventSelectors} that break a wanted property (single-Region, no global service
 *       events, validation off, KMS or CloudWatch Logs delivery removed, management events no longer
 *       all logged, or, for the configured trail, moved to another bucket), on the configured
 *       trail ({@code trail.name}) or, without one, on any trail:
 *       {@link EnsureTrail}, whose plan is empty while another trail still satisfies it;</li>
 *   <li>{@value #BUCKET_RULE}: {@code PutBucketPolicy} and {@code DeleteBucketPolicy} on the trail's
 *       bucket ({@link EnsureTrail}) or the Config bucket ({@link EnableConfigRecorder});</li>
 *   <li>{@value #CONFIG_RULE}: {@code StopConfigurationRecorder},
 *       {@code DeleteConfigurationRecorder}, {@code DeleteDeliveryChannel} (service-linked recorders
 *       excepted): {@link EnableConfigRecorder};</li>
 *   <li>{@value #ALARMS_RULE}: {@code DeleteMetricFilter} on the alarms' log group and
 *       {@code DeleteAlarms} of a CIS alarm: {@link CisAlarms}.</li>
 * </ul>
 *
 * <pre>{@code
 * List<EventRule> rules = new AuditEventRules().rules(Map.of(
 *     "trail.s3Bucket", "example-cloudtrail-logs",
 *     "config.s3Bucket", "example-config-logs"));
 * EventRouter router = EventRouter.builder().rules(rules).build();
 * List<RoutedRemediation> todo = router.route(stopLoggingEvent); // EnsureTrail
 * }</pre>
 */
public final class AuditEventRules implements EventRuleProvider {
  /** Rule id: trail changes. */
  public static final String TRAIL_RULE = "cloudtrail.trail.on-trail-change";
  /** Rule id: bucket policy changes on the trail's or Config's bucket. */
  public static final String BUCKET_RULE = "cloudtrail.trail.on-bucket-policy-change";
  /** Rule id: Config recorder and channel changes. */
  public static final String CONFIG_RULE = "config.recorder.on-recorder-change";
  /** Rule id: CIS filter and alarm deletions. */
  public static final String ALARMS_RULE = "cloudwatch.cis-alarms.on-alarm-change";

  private static final String CLOUDTRAIL = "cloudtrail.amazonaws.com";
  private static final String CONFIG = "config.amazonaws.com";

  /** Creates the provider (used by {@link java.util.ServiceLoader}). */
  public AuditEventRules() {}

  /** @return no rules: every remediation here needs settings */
  @Override
  public List<EventRule> rules() {
    return List.of();
  }

  @Override
  public List<EventRule> rules(Map<String, String> settings) {
    Optional<Remediation> trail = new EnsureTrail.Type().forRegion(settings);
    Optional<Remediation> config = new EnableConfigRecorder.Type().forRegion(settings);
    Optional<Remediation> alarms = new CisAlarms.Type().forRegion(settings);
    List<EventRule> rules = new ArrayList<>();
    trail.ifPresent(t -> rules.add(new Rule(TRAIL_RULE, Set.of(
        EventKey.of(CLOUDTRAIL, "StopLogging"), EventKey.of(CLOUDTRAIL, "DeleteTrail"),
        EventKey.of(CLOUDTRAIL, "UpdateTrail"), EventKey.of(CLOUDTRAIL, "PutEventSelectors")),
        e -> breaksTrail(e, Names.blankToNull(settings.get("trail.name")),
            settings.get("trail.s3Bucket").trim()) ? List.of(t) : List.of())));
    if (trail.isPresent() || config.isPresent()) {
      String trailBucket = Names.blankToNull(settings.get("trail.s3Bucket"));
      String configBucket = Names.blankToNull(settings.get("config.s3Bucket"));
      rules.add(new Rule(BUCKET_RULE, Set.of(EventKey.of("s3.amazonaws.com", "PutBucketPolicy"),
          EventKey.of("s3.amazonaws.com", "DeleteBucketPolicy")), e -> {
            String bucket = text(e.requestParameters(), "bucketName");
            List<Remediation> out = new ArrayList<>();
            if (bucket != null && bucket.equals(trailBucket)) {
              trail.ifPresent(out::add);
            }
            if (bucket != null && bucket.equals(configBucket)) {
              config.ifPresent(out::add);
            }
            return out;
          }));
    }
    config.ifPresent(c -> rules.add(new Rule(CONFIG_RULE, Set.of(
        EventKey.of(CONFIG, "StopConfigurationRecorder"),
        EventKey.of(CONFIG, "DeleteConfigurationRecorder"),
        EventKey.of(CONFIG, "DeleteDeliveryChannel")), e -> {
          String recorder = text(e.requestParameters(), "configurationRecorderName");
          return recorder != null && recorder.startsWith(EnableConfigRecorder.RESERVED_PREFIX)
              ? List.of() : List.of(c);
        })));
    alarms.ifPresent(a -> {
      String group = ((CisAlarms) a).logGroup();
      Set<String> names = Set.copyOf(java.util.Arrays.stream(CisAlarm.values())
          .map(CisAlarm::resourceName).toList());
      rules.add(new Rule(ALARMS_RULE, Set.of(EventKey.of("logs.amazonaws.com", "DeleteMetricFilter"),
          EventKey.of("monitoring.amazonaws.com", "DeleteAlarms")), e -> {
            if ("DeleteMetricFilter".equals(e.eventName())) {
              return group.equals(text(e.requestParameters(), "logGroupName")) ? List.of(a) : List.of();
            }
            return anyText(e.requestParameters(), "alarmNames", names::contains) ? List.of(a) : List.of();
          }));
    });
    return List.copyOf(rules);
  }

  /** True when the record stops, deletes or weakens the configured trail (or any, unnamed). */
  static boolean breaksTrail(CloudTrailEvent e, @Nullable String trailName, String bucket) {
    Optional<JsonNode> p = e.requestParameters();
    String named = text(p, "PutEventSelectors".equals(e.eventName()) ? "trailName" : "name");
    if (trailName != null && (named == null
        || !(named.equals(trailName) || named.endsWith(":trail/" + trailName)))) {
      return false;
    }
    switch (e.eventName()) {
      case "StopLogging", "DeleteTrail" -> {
        return true;
      }
      case "UpdateTrail" -> {
        return isFalse(p, "isMultiRegionTrail") || isFalse(p, "includeGlobalServiceEvents")
            || isFalse(p, "enableLogFileValidation") || isEmpty(p, "kmsKeyId")
            || isEmpty(p, "cloudWatchLogsLogGroupArn") || isEmpty(p, "cloudWatchLogsRoleArn")
            || (trailName != null && text(p, "s3BucketName") != null
                && !bucket.equals(text(p, "s3BucketName")));
      }
      case "PutEventSelectors" -> {
        return p.isPresent() && !logsAllManagementEvents(p.get());
      }
      default -> {
        return false;
      }
    }
  }

  /** The request's selectors, read like {@link TrailObserver#allManagementEvents}. */
  static boolean logsAllManagementEvents(JsonNode request) {
    for (JsonNode s : request.path("eventSelectors")) {
      boolean management = !s.path("includeManagementEvents").isBoolean()
          || s.path("includeManagementEvents").asBoolean();
      String rw = s.path("readWriteType").asText("All");
      if (management && "All".equals(rw) && s.path("excludeManagementEventSources").isEmpty()) {
        return true;
      }
    }
    for (JsonNode s : request.path("advancedEventSelectors")) {
      boolean management = false;
      boolean narrowed = false;
      for (JsonNode f : s.path("fieldSelectors")) {
        JsonNode equals = f.path("equals");
        if ("eventCategory".equals(f.path("field").asText()) && equals.size() == 1
            && "Management".equals(equals.get(0).asText())) {
          management = true;
        } else {
          narrowed = true;
        }
      }
      if (management && !narrowed) {
        return true;
      }
    }
    return false;
  }

  private static boolean isFalse(Optional<JsonNode> p, String field) {
    return p.map(n -> n.path(field)).filter(JsonNode::isBoolean).map(n -> !n.asBoolean()).orElse(false);
  }

  private static boolean isEmpty(Optional<JsonNode> p, String field) {
    return p.map(n -> n.get(field)).filter(JsonNode::isTextual).map(n -> n.asText().isEmpty())
        .orElse(false);
  }

  private static @Nullable String text(Optional<JsonNode> p, String field) {
    return p.map(n -> n.path(field)).filter(JsonNode::isTextual).map(JsonNode::asText).orElse(null);
  }

  private static boolean anyText(Optional<JsonNode> p, String field, Predicate<String> test) {
    if (p.isEmpty()) {
      return false;
    }
    for (JsonNode n : p.get().path(field)) {
      if (n.isTextual() && test.test(n.asText())) {
        return true;
      }
    }
    return false;
  }

  private record Rule(String id, Set<EventKey> triggers,
      Function<CloudTrailEvent, List<Remediation>> remediations) implements EventRule {
    @Override
    public List<Remediation> remediationsFor(CloudTrailEvent event) {
      return remediations.apply(event);
    }
  }
}
