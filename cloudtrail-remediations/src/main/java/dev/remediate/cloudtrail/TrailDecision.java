package dev.remediate.cloudtrail;

import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.policybuilder.iam.IamStatement;
import software.amazon.awssdk.services.cloudtrail.model.Trail;

/**
 * Turns a {@link TrailObservation} into {@link EnsureTrail}'s plan, with no AWS call: the bucket,
 * the key ({@link TrailKey}), the CloudWatch Logs delivery ({@link TrailLogs}), then
 * {@code CreateTrail} or {@code UpdateTrail}, an added management-events selector and
 * {@code StartLogging}. The plan {@link Plan#provides() provides} the trail's ARN when it creates
 * the trail, and the log group's ARN when it creates the group, so that the CIS alarms of the same
 * plan set can be planned against them.
 */
final class TrailDecision {
  private TrailDecision() {}

  static Plan decide(EnsureTrail wanted, TrailObservation o, Plan.Builder plan) {
    plan.addAllControls(EnsureTrail.CONTROLS);
    if (o.compliantTrail() != null) {
      return plan.build();
    }
    String trailArn = wanted.trailArn(o.region(), o.account());
    LogBucket.plan(Objects.requireNonNull(o.bucket()), o.region(),
        bucketStatements(wanted, trailArn, o.account()), plan);
    String kms = TrailKey.plan(wanted, o.key(), trailArn, o, plan);
    String groupArn = null;
    String roleArn = null;
    if (o.logs() != null) {
      groupArn = TrailLogs.groupArn(o.region(), o.account(), wanted.logGroup());
      roleArn = TrailLogs.plan(wanted, o.logs(), trailArn, o, plan);
    }
    Map<String, String> params = trailParameters(wanted, kms,
        groupArn == null ? null : groupArn + ":*", roleArn);
    planTrail(wanted, o, trailArn, params, plan);
    Plan built = plan.build();
    if (built.isEmpty()) {
      return built;
    }
    List<String> provides = new ArrayList<>();
    for (Step s : built.steps()) {
      if (s.kind().equals(TrailSteps.CREATE_TRAIL) || s.kind().equals(TrailLogs.CREATE_LOG_GROUP)) {
        provides.add(s.resource());
      }
    }
    return Plan.builder().from(built).addAllProvides(provides)
        .addAllIamActions(actionsFor(built.steps(), o.bucketRegion() != null)).build();
  }

  private static Map<String, String> trailParameters(EnsureTrail wanted, @Nullable String kms,
      @Nullable String logGroupArn, @Nullable String roleArn) {
    Map<String, String> p = new TreeMap<>();
    p.put("name", wanted.trailName());
    p.put("bucket", wanted.bucket());
    putIfPresent(p, "prefix", wanted.prefix());
    putIfPresent(p, "kmsKey", kms);
    putIfPresent(p, "logGroupArn", logGroupArn);
    putIfPresent(p, "logsRoleArn", roleArn);
    p.put("validation", Boolean.toString(wanted.validation()));
    return p;
  }

  /** The trail itself: created and started, or updated, given a selector and started. */
  private static void planTrail(EnsureTrail wanted, TrailObservation o, String trailArn,
      Map<String, String> params, Plan.Builder plan) {
    String name = wanted.trailName();
    Trail managed = o.managed();
    if (managed == null) {
      plan.addSteps(Step.builder().kind(TrailSteps.CREATE_TRAIL).action(Action.ADD)
          .resource(trailArn).summary(createSummary(wanted, params))
          .after(params.toString()).putAllParameters(params).build());
      plan.addSteps(startLogging(trailArn, name, "not created"));
      return;
    }
    List<String> differences = differences(wanted, managed, params);
    if (!differences.isEmpty()) {
      plan.addSteps(Step.builder().kind(TrailSteps.UPDATE_TRAIL).action(Action.CHANGE)
          .resource(trailArn).summary("update trail " + name + ": "
              + String.join(", ", differences))
          .before(describe(managed)).after(params.toString()).putAllParameters(params).build());
    }
    TrailObservation.Status status = Objects.requireNonNull(o.managedStatus());
    if (!status.allManagementEvents()) {
      plan.addSteps(selectors(status, trailArn, name));
    }
    if (!status.logging()) {
      plan.addSteps(startLogging(trailArn, name, "logging stopped"));
    }
  }

  private static String createSummary(EnsureTrail wanted, Map<String, String> params) {
    return "create multi-Region trail " + wanted.trailName() + " (global service events"
        + (wanted.validation() ? ", log-file validation" : "")
        + (params.containsKey("kmsKey") ? ", SSE-KMS" : "")
        + (wanted.logGroup() != null ? ", CloudWatch Logs " + wanted.logGroup() : "")
        + ") to s3://" + wanted.bucket() + (wanted.prefix() != null ? "/" + wanted.prefix() : "");
  }

  private static Step selectors(TrailObservation.Status o, String trailArn, String name) {
    if (!o.advanced() && o.selectorCount() >= 5) {
      throw new RemediationException("Trail '" + name + "' already has " + o.selectorCount()
          + " event selectors, the most CloudTrail allows, and none logs all management events; "
          + "add one by hand or name another trail");
    }
    return Step.builder().kind(TrailSteps.PUT_EVENT_SELECTORS).action(Action.ADD)
        .resource(trailArn)
        .summary("add an event selector logging all management events, read and write, to trail "
            + name + " (existing selectors kept)")
        .after(o.advanced() ? "advanced selector eventCategory=Management"
            : "ReadWriteType=All, IncludeManagementEvents=true")
        .putParameters("name", name).putParameters("advanced", Boolean.toString(o.advanced()))
        .build();
  }

  private static Step startLogging(String trailArn, String name, String before) {
    return Step.builder().kind(TrailSteps.START_LOGGING).action(Action.CHANGE).resource(trailArn)
        .summary("start logging on trail " + name).before(before).after("logging")
        .putParameters("name", name).build();
  }

  private static List<String> differences(EnsureTrail wanted, Trail t,
      Map<String, String> params) {
    List<String> d = new ArrayList<>();
    if (!wanted.bucket().equals(t.s3BucketName())) {
      d.add("bucket " + t.s3BucketName() + " -> " + wanted.bucket());
    }
    if (!Objects.equals(wanted.prefix(), Names.emptyToNull(t.s3KeyPrefix()))) {
      d.add("prefix " + t.s3KeyPrefix() + " -> " + wanted.prefix());
    }
    if (!Boolean.TRUE.equals(t.isMultiRegionTrail())) {
      d.add("multi-Region");
    }
    if (!Boolean.TRUE.equals(t.includeGlobalServiceEvents())) {
      d.add("global service events");
    }
    if (wanted.validation() && !Boolean.TRUE.equals(t.logFileValidationEnabled())) {
      d.add("log-file validation");
    }
    String kms = params.get("kmsKey");
    if (kms != null && !keyMatches(wanted, t.kmsKeyId(), kms)) {
      d.add("SSE-KMS with " + kms);
    }
    String groupArn = params.get("logGroupArn");
    if (groupArn != null && (!groupArn.equals(t.cloudWatchLogsLogGroupArn())
        || !Objects.equals(params.get("logsRoleArn"), t.cloudWatchLogsRoleArn()))) {
      d.add("CloudWatch Logs delivery to " + wanted.logGroup());
    }
    return d;
  }

  /** True when the trail, as described, has every wanted property that needs no further call. */
  static boolean satisfiesStatically(EnsureTrail wanted, Trail t, @Nullable String givenKeyArn,
      String region, String account) {
    if (!Boolean.TRUE.equals(t.isMultiRegionTrail())) {
      return false;
    }
    if (wanted.validation() && !Boolean.TRUE.equals(t.logFileValidationEnabled())) {
      return false;
    }
    if (wanted.kmsKey() != null && !keyMatches(wanted, t.kmsKeyId(), givenKeyArn)) {
      return false;
    }
    if (wanted.logGroup() != null) {
      String group = TrailLogs.groupArn(region, account, wanted.logGroup()) + ":*";
      return group.equals(t.cloudWatchLogsLogGroupArn()) && t.cloudWatchLogsRoleArn() != null;
    }
    return true;
  }

  /** With a given key, the trail must use that key; with a created key, any key will do. */
  private static boolean keyMatches(EnsureTrail wanted, @Nullable String trailKey,
      @Nullable String givenKeyArn) {
    if (trailKey == null) {
      return false;
    }
    if (EnsureTrail.CREATE_KEY.equals(wanted.kmsKey())) {
      return true;
    }
    return trailKey.equals(wanted.kmsKey()) || trailKey.equals(givenKeyArn)
        || (givenKeyArn != null && givenKeyArn.endsWith("/" + trailKey));
  }

  /**
   * With SSE-KMS, the trail's key must be in the bucket's Region, and the key is in the trail's
   * home Region (given keys are looked up there, created keys are made there): an existing bucket
   * in another Region would only make {@code CreateTrail}/{@code UpdateTrail} fail after its
   * propagation retries, so it is refused while planning, naming both Regions.
   */
  static void requireBucketInRegion(String bucket, String bucketRegion, String region) {
    if (!region.equals(bucketRegion)) {
      throw new RemediationException("S3 bucket '" + bucket + "' is in " + bucketRegion
          + " but the trail's home Region, where its KMS key must be, is " + region
          + ": CloudTrail needs the KMS key in the bucket's Region. Plan in " + bucketRegion
          + " (" + HomeRegion.SETTING.advice(bucketRegion, "homeRegion(\"" + bucketRegion
          + "\")") + "), or choose a bucket in " + region);
    }
  }

  /** The statements CloudTrail needs in the bucket policy, restricted to this trail. */
  static List<IamStatement> bucketStatements(EnsureTrail wanted, String trailArn, String account) {
    String sid = Names.sidSuffix(wanted.trailName());
    String bucket = wanted.bucket();
    String objects = "arn:aws:s3:::" + bucket + "/"
        + (wanted.prefix() != null ? wanted.prefix() + "/" : "") + "AWSLogs/" + account + "/*";
    return List.of(
        Policies.allowService("RemediateCloudTrailAclCheck" + sid, "cloudtrail.amazonaws.com",
            List.of("s3:GetBucketAcl"), List.of("arn:aws:s3:::" + bucket),
            Policies.conditions(Policies.condition("StringEquals", "aws:SourceArn", trailArn))),
        Policies.allowService("RemediateCloudTrailWrite" + sid, "cloudtrail.amazonaws.com",
            List.of("s3:PutObject"), List.of(objects),
            Policies.conditions(Policies.condition("StringEquals", "s3:x-amz-acl",
                    "bucket-owner-full-control"),
                Policies.condition("StringEquals", "aws:SourceArn", trailArn))));
  }

  /** A trail as one line, for a step's before and for messages. */
  static String describe(Trail t) {
    return "trail " + t.trailARN() + " home=" + t.homeRegion() + " multi=" + t.isMultiRegionTrail()
        + " global=" + t.includeGlobalServiceEvents() + " validation="
        + t.logFileValidationEnabled() + " kms=" + t.kmsKeyId() + " bucket=" + t.s3BucketName()
        + " prefix=" + t.s3KeyPrefix() + " logs=" + t.cloudWatchLogsLogGroupArn() + " role="
        + t.cloudWatchLogsRoleArn() + " org=" + t.isOrganizationTrail();
  }

  private static Set<String> actionsFor(List<Step> steps, boolean bucketRegionRead) {
    Set<String> actions = new TreeSet<>(List.of("cloudtrail:DescribeTrails",
        "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"));
    actions.addAll(LogBucket.READ_ACTIONS);
    if (bucketRegionRead) {
      actions.add("s3:GetBucketLocation");
    }
    steps.forEach(s -> actions.addAll(actionsFor(s)));
    return actions;
  }

  private static List<String> actionsFor(Step s) {
    return switch (s.kind()) {
      case LogBucket.CREATE_BUCKET -> List.of("s3:CreateBucket");
      case LogBucket.PUT_PUBLIC_ACCESS_BLOCK -> List.of("s3:PutBucketPublicAccessBlock");
      case LogBucket.PUT_BUCKET_ENCRYPTION -> List.of("s3:PutEncryptionConfiguration");
      case LogBucket.PUT_BUCKET_POLICY -> List.of("s3:PutBucketPolicy");
      case TrailKey.CREATE_KEY_STEP -> List.of("kms:CreateKey", "kms:CreateAlias",
          "kms:EnableKeyRotation", "kms:TagResource", "kms:DescribeKey");
      case TrailKey.ENABLE_KEY_ROTATION -> List.of("kms:EnableKeyRotation");
      case TrailKey.PUT_KEY_POLICY -> List.of("kms:GetKeyPolicy", "kms:PutKeyPolicy");
      case TrailLogs.CREATE_LOG_GROUP -> List.of("logs:DescribeLogGroups", "logs:CreateLogGroup");
      case TrailLogs.CREATE_ROLE -> List.of("iam:GetRole", "iam:CreateRole");
      case TrailLogs.PUT_ROLE_POLICY -> List.of("iam:GetRolePolicy", "iam:PutRolePolicy");
      case TrailSteps.CREATE_TRAIL, TrailSteps.UPDATE_TRAIL -> s.parameters()
          .containsKey("logsRoleArn")
          ? List.of("cloudtrail:" + s.kind(), "cloudtrail:GetTrail", "iam:PassRole")
          : List.of("cloudtrail:" + s.kind(), "cloudtrail:GetTrail");
      default -> List.of("cloudtrail:" + s.kind());
    };
  }

  private static void putIfPresent(Map<String, String> map, String key, @Nullable String value) {
    if (value != null) {
      map.put(key, value);
    }
  }
}
