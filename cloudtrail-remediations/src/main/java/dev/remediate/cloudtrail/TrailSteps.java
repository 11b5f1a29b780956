package dev.remediate.cloudtrail;

import dev.remediate.core.aws.AwsErrors;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedEventSelector;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedFieldSelector;
import software.amazon.awssdk.services.cloudtrail.model.EventSelector;
import software.amazon.awssdk.services.cloudtrail.model.GetEventSelectorsResponse;
import software.amazon.awssdk.services.cloudtrail.model.ReadWriteType;
import software.amazon.awssdk.services.cloudtrail.model.Trail;

/**
 * The trail's own steps: {@code CreateTrail} or {@code UpdateTrail} (waiting out IAM, KMS and S3
 * propagation, checked with {@code GetTrail}), an added management-events selector, and
 * {@code StartLogging} by trail name (checked with {@code GetTrailStatus}).
 */
final class TrailSteps {
  static final String CREATE_TRAIL = "CreateTrail";
  static final String UPDATE_TRAIL = "UpdateTrail";
  static final String PUT_EVENT_SELECTORS = "PutEventSelectors";
  static final String START_LOGGING = "StartLogging";
  /** Errors CreateTrail/UpdateTrail answer while a new role, key policy or bucket policy propagates. */
  private static final Set<String> PROPAGATION_ERRORS = Set.of(
      "InvalidCloudWatchLogsRoleArnException", "InsufficientEncryptionPolicyException",
      "InsufficientS3BucketPolicyException", "InvalidCloudWatchLogsLogGroupArnException");

  private TrailSteps() {}

  /**
   * Carries out a trail step.
   *
   * @return false when the step is not a trail step
   */
  static boolean execute(Step step, RemediationContext context) {
    switch (step.kind()) {
      case CREATE_TRAIL, UPDATE_TRAIL -> createOrUpdate(context, step);
      case PUT_EVENT_SELECTORS -> addManagementSelector(context, step.parameter("name"));
      case START_LOGGING -> startLogging(context, step.parameter("name"));
      default -> {
        return false;
      }
    }
    return true;
  }

  private static void createOrUpdate(RemediationContext context, Step step) {
    CloudTrailClient ct = TrailObserver.cloudTrail(context, null);
    Map<String, String> p = step.parameters();
    String name = step.parameter("name");
    boolean validation = Parameters.bool("validation", p.get("validation"), true);
    boolean create = CREATE_TRAIL.equals(step.kind());
    Propagation.retryWhilePropagating(context, PROPAGATION_ERRORS, () -> {
      if (create && created(ct, p, validation)) {
        return;
      }
      ct.updateTrail(r -> r.name(name).s3BucketName(p.get("bucket"))
          .s3KeyPrefix(p.getOrDefault("prefix", ""))
          .isMultiRegionTrail(true).includeGlobalServiceEvents(true)
          .enableLogFileValidation(validation ? Boolean.TRUE : null)
          .kmsKeyId(p.get("kmsKey")).cloudWatchLogsLogGroupArn(p.get("logGroupArn"))
          .cloudWatchLogsRoleArn(p.get("logsRoleArn")));
    });
    Trail trail = ct.getTrail(r -> r.name(name)).trail();
    if (!hasPlannedSettings(trail, p, validation)) {
      throw new RemediationException("GetTrail shows trail " + name + " without the planned "
          + "settings after " + step.kind() + ": " + TrailDecision.describe(trail));
    }
  }

  /**
   * Creates the trail; false when it exists already (an earlier, interrupted apply created it), so
   * that it is brought to the planned settings by an update.
   */
  private static boolean created(CloudTrailClient ct, Map<String, String> p, boolean validation) {
    try {
      ct.createTrail(r -> r.name(p.get("name")).s3BucketName(p.get("bucket"))
          .s3KeyPrefix(p.get("prefix")).isMultiRegionTrail(true).includeGlobalServiceEvents(true)
          .enableLogFileValidation(validation).kmsKeyId(p.get("kmsKey"))
          .cloudWatchLogsLogGroupArn(p.get("logGroupArn"))
          .cloudWatchLogsRoleArn(p.get("logsRoleArn")));
      return true;
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "TrailAlreadyExistsException")) {
        throw e;
      }
      return false;
    }
  }

  private static boolean hasPlannedSettings(Trail trail, Map<String, String> p,
      boolean validation) {
    return Boolean.TRUE.equals(trail.isMultiRegionTrail())
        && Boolean.TRUE.equals(trail.includeGlobalServiceEvents())
        && (!validation || Boolean.TRUE.equals(trail.logFileValidationEnabled()))
        && (!p.containsKey("kmsKey") || trail.kmsKeyId() != null)
        && (!p.containsKey("logGroupArn")
            || p.get("logGroupArn").equals(trail.cloudWatchLogsLogGroupArn()));
  }

  private static void addManagementSelector(RemediationContext context, String name) {
    CloudTrailClient ct = TrailObserver.cloudTrail(context, null);
    GetEventSelectorsResponse current = ct.getEventSelectors(r -> r.trailName(name));
    if (TrailObserver.allManagementEvents(current)) {
      return;
    }
    if (!current.advancedEventSelectors().isEmpty()) {
      List<AdvancedEventSelector> selectors = new ArrayList<>(current.advancedEventSelectors());
      selectors.add(AdvancedEventSelector.builder().name("Management events (remediate)")
          .fieldSelectors(AdvancedFieldSelector.builder().field("eventCategory")
              .equalsValue("Management").build()).build());
      ct.putEventSelectors(r -> r.trailName(name).advancedEventSelectors(selectors));
    } else {
      List<EventSelector> selectors = new ArrayList<>(current.eventSelectors());
      selectors.add(EventSelector.builder().readWriteType(ReadWriteType.ALL)
          .includeManagementEvents(true).build());
      ct.putEventSelectors(r -> r.trailName(name).eventSelectors(selectors));
    }
  }

  private static void startLogging(RemediationContext context, String name) {
    CloudTrailClient ct = TrailObserver.cloudTrail(context, null);
    // By name: the trail is in this Region (and the emulator fails StartLogging by ARN).
    ct.startLogging(r -> r.name(name));
    if (!Boolean.TRUE.equals(ct.getTrailStatus(r -> r.name(name)).isLogging())) {
      throw new RemediationException("GetTrailStatus shows trail " + name
          + " not logging after StartLogging");
    }
  }
}
