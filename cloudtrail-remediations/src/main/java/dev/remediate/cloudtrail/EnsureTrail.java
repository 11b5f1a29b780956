package dev.remediate.cloudtrail;

import dev.remediate.core.policy.PolicyDocuments;
import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.ImmutablePlan;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Step;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.kms.model.Tag;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.policybuilder.iam.IamEffect;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamPrincipalType;
import software.amazon.awssdk.policybuilder.iam.IamStatement;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedEventSelector;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedFieldSelector;
import software.amazon.awssdk.services.cloudtrail.model.EventSelector;
import software.amazon.awssdk.services.cloudtrail.model.GetEventSelectorsResponse;
import software.amazon.awssdk.services.cloudtrail.model.ReadWriteType;
import software.amazon.awssdk.services.cloudtrail.model.Trail;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A multi-Region CloudTrail trail that logs all management events, read and write, with log-file
 * validation, optionally encrypted with a KMS key and delivered to CloudWatch Logs (FSBP
 * CloudTrail.1, .2, .4, .5; CIS v1.4 3.1, 3.2, 3.4, 3.7).
 *
 * <pre>{@code
 * EnsureTrail trail = EnsureTrail.toBucket("audit-logs-123456789012")
 *     .createKmsKey()
 *     .cloudWatchLogs("CloudTrail/audit")
 *     .build();
 * Plan plan = remediator.plan(trail);
 * }</pre>
 *
 * <p><b>Observe.</b> One {@code DescribeTrails} (shadow trails included), then
 * {@code GetTrailStatus} and {@code GetEventSelectors} for the trails that could satisfy the wanted
 * properties. Unless a trail name was asked for with {@link Builder#trailName}, any trail that
 * already satisfies them (multi-Region, logging, all management events read and write, plus
 * validation, KMS and CloudWatch Logs delivery when asked) makes the plan empty: no duplicate trail.
 * A trail whose home Region is another one is never changed from here; a named trail whose home
 * Region is another one is an error naming that Region.
 *
 * <p><b>Decide.</b> The trail (named, or {@value #DEFAULT_TRAIL_NAME}) is created, or its missing
 * properties are planned: the bucket (created in the trail's Region, public access blocked, default
 * encryption), the bucket policy statements CloudTrail needs (merged by statement id, written before
 * {@code CreateTrail}, restricted with {@code aws:SourceArn} to the trail's predictable ARN), the KMS
 * key (given, or created with the key policy CloudTrail needs, rotation on and alias
 * {@code alias/remediate-cloudtrail-<trail>}, so an interrupted apply adopts it), the CloudWatch
 * Logs log group and the role CloudTrail assumes to write to it, {@code CreateTrail} or
 * {@code UpdateTrail}, an added management-events selector, and {@code StartLogging}.
 *
 * <p><b>Steps.</b> Each step is carried out as planned; "already exists" answers count as done;
 * {@code CreateTrail} and {@code UpdateTrail} wait out IAM and KMS propagation and are checked with
 * {@code GetTrail}; {@code StartLogging} (by trail name) is checked with {@code GetTrailStatus}.
 */
public final class EnsureTrail implements Remediation {
  /** The catalog id. */
  public static final String ID = "cloudtrail.trail";
  /** The trail's name unless one is given. */
  public static final String DEFAULT_TRAIL_NAME = "remediate-trail";
  /** Value of the {@code kmsKey} parameter that asks for a key to be created. */
  public static final String CREATE_KEY = "create";

  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.copyOf(new TreeSet<>(List.of(
      "cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors",
      "cloudtrail:GetTrail", "cloudtrail:CreateTrail", "cloudtrail:UpdateTrail",
      "cloudtrail:PutEventSelectors", "cloudtrail:StartLogging",
      "s3:GetBucketPolicy", "s3:GetBucketPublicAccessBlock", "s3:GetEncryptionConfiguration",
      "s3:CreateBucket", "s3:PutBucketPublicAccessBlock", "s3:PutEncryptionConfiguration",
      "s3:PutBucketPolicy", "s3:GetBucketLocation",
      "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:CreateKey",
      "kms:CreateAlias", "kms:EnableKeyRotation", "kms:PutKeyPolicy", "kms:TagResource",
      "logs:DescribeLogGroups", "logs:CreateLogGroup",
      "iam:GetRole", "iam:GetRolePolicy", "iam:CreateRole", "iam:PutRolePolicy", "iam:PassRole")));

  /** Controls satisfied. */
  public static final List<String> CONTROLS = List.of("FSBP CloudTrail.1", "FSBP CloudTrail.2",
      "FSBP CloudTrail.4", "FSBP CloudTrail.5", "CIS v1.4 3.1", "CIS v1.4 3.2", "CIS v1.4 3.4",
      "CIS v1.4 3.7", "CIS v3.0 3.1", "CIS v3.0 3.2", "CIS v3.0 3.5");

  static final String CREATE_TRAIL = "CreateTrail";
  static final String UPDATE_TRAIL = "UpdateTrail";
  static final String PUT_EVENT_SELECTORS = "PutEventSelectors";
  static final String START_LOGGING = "StartLogging";
  static final String CREATE_KEY_STEP = "CreateKey";
  static final String ENABLE_KEY_ROTATION = "EnableKeyRotation";
  static final String PUT_KEY_POLICY = "PutKeyPolicy";
  static final String CREATE_LOG_GROUP = "CreateLogGroup";
  static final String CREATE_ROLE = "CreateRole";
  static final String PUT_ROLE_POLICY = "PutRolePolicy";
  static final String ROLE_POLICY_NAME = "remediate-cloudtrail-logs";
  /** Errors CreateTrail/UpdateTrail answer while a new role, key policy or bucket policy propagates. */
  private static final Set<String> PROPAGATION_ERRORS = Set.of(
      "InvalidCloudWatchLogsRoleArnException", "InsufficientEncryptionPolicyException",
      "InsufficientS3BucketPolicyException", "InvalidCloudWatchLogsLogGroupArnException");
  private static final Logger LOG = LoggerFactory.getLogger(EnsureTrail.class);

  private final String bucket;
  private final @Nullable String prefix;
  private final @Nullable String trailName;
  private final @Nullable String kmsKey;
  private final @Nullable String logGroup;
  private final @Nullable String logsRole;
  private final boolean validation;

  private EnsureTrail(Builder b) {
    this.bucket = Names.bucket(b.bucket);
    this.prefix = Names.prefix(b.prefix);
    this.trailName = b.trailName == null ? null : Names.trail(b.trailName);
    this.kmsKey = b.kmsKey == null || CREATE_KEY.equals(b.kmsKey) ? b.kmsKey : Names.kmsKey(b.kmsKey);
    this.logGroup = b.logGroup == null ? null : Names.logGroup(b.logGroup);
    this.logsRole = b.logsRole == null ? null : Names.roleArn(b.logsRole);
    this.validation = b.validation;
    if (logsRole != null && logGroup == null) {
      throw new InvalidRemediationException("cloudWatchLogsRole '" + logsRole
          + "' needs a log group: call cloudWatchLogs(logGroupName) too");
    }
  }

  /**
   * Starts a trail that writes to a bucket (created when missing).
   *
   * @param bucket the S3 bucket name
   * @return a builder
   */
  public static Builder toBucket(String bucket) {
    return new Builder(bucket);
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public RemediationSpec spec() {
    Map<String, String> p = new TreeMap<>();
    p.put("bucket", bucket);
    putIfPresent(p, "prefix", prefix);
    putIfPresent(p, "name", trailName);
    putIfPresent(p, "kmsKey", kmsKey);
    putIfPresent(p, "logGroup", logGroup);
    putIfPresent(p, "logsRole", logsRole);
    p.put("validation", Boolean.toString(validation));
    return RemediationSpec.of(ID, p);
  }

  /** @return the name of the trail this remediation creates or fixes */
  public String trailName() {
    return trailName != null ? trailName : DEFAULT_TRAIL_NAME;
  }

  // ---------------------------------------------------------------- observe and decide

  @Override
  public Plan plan(RemediationContext context) {
    String region = context.region();
    String account = context.account();
    String name = trailName();
    String trailArn = "arn:aws:cloudtrail:" + region + ":" + account + ":trail/" + name;
    CloudTrailClient cloudTrail = cloudTrail(context, region);
    List<Trail> trails = new ArrayList<>(
        cloudTrail.describeTrails(r -> r.includeShadowTrails(true)).trailList());
    trails.sort(Comparator.comparing(t -> String.valueOf(t.trailARN())));
    StringBuilder canonical = new StringBuilder(spec().toString()).append('\n');
    trails.forEach(t -> canonical.append(canonical(t)));

    Trail managed = null;
    for (Trail t : trails) {
      if (name.equals(t.name()) && account.equals(accountOf(t))) {
        if (region.equals(t.homeRegion())) {
          managed = t;
        } else if (trailName != null) {
          throw new RemediationException("Trail '" + name + "' has its home Region in "
              + t.homeRegion() + ": plan and apply it there, not in " + region);
        }
      }
    }
    ImmutablePlan.Builder plan = context.newPlan(this, "AWS::CloudTrail::Trail", name)
        .addAllControls(CONTROLS);

    String keyForTrail = resolveGivenKey(context, region);
    if (trailName == null) {
      for (Trail t : trails) {
        if (t == managed || !satisfiesStatically(t, keyForTrail, region, account)) {
          continue;
        }
        Observed o = observeTrail(context, t);
        canonical.append(o.canonical());
        if (o.logging() && o.allManagementEvents()) {
          LOG.debug("Trail {} already satisfies {}", t.trailARN(), spec());
          return plan.fingerprint(context.fingerprint(canonical.toString())).build();
        }
      }
    }

    // The managed trail: bucket, key, CloudWatch Logs, trail, selectors, logging.
    LogBucket.State bucketState = LogBucket.observe(LogBucket.s3(context), bucket);
    canonical.append(bucketState.canonical());
    if (kmsKey != null && bucketState.exists()) {
      requireBucketInRegion(context, region, canonical);
    }
    LogBucket.plan(bucketState, region, bucketStatements(trailArn, account), plan);

    String kmsForTrail = planKey(context, managed, keyForTrail, trailArn, account, plan, canonical);
    String logGroupArn = null;
    String roleArn = null;
    if (logGroup != null) {
      logGroupArn = "arn:aws:logs:" + region + ":" + account + ":log-group:" + logGroup + ":*";
      roleArn = planLogs(context, region, account, trailArn, plan, canonical);
    }

    Map<String, String> trailParams = new TreeMap<>();
    trailParams.put("name", name);
    trailParams.put("bucket", bucket);
    putIfPresent(trailParams, "prefix", prefix);
    putIfPresent(trailParams, "kmsKey", kmsForTrail);
    putIfPresent(trailParams, "logGroupArn", logGroupArn);
    putIfPresent(trailParams, "logsRoleArn", roleArn);
    trailParams.put("validation", Boolean.toString(validation));
    if (managed == null) {
      plan.addSteps(Step.builder().kind(CREATE_TRAIL).action(Action.ADD).resource(trailArn)
          .summary("create multi-Region trail " + name + " (global service events"
              + (validation ? ", log-file validation" : "") + (kmsForTrail != null ? ", SSE-KMS" : "")
              + (logGroup != null ? ", CloudWatch Logs " + logGroup : "") + ") to s3://" + bucket
              + (prefix != null ? "/" + prefix : ""))
          .after(trailParams.toString()).putAllParameters(trailParams).build());
      plan.addSteps(startLogging(trailArn, name, "not created"));
    } else {
      List<String> differences = differences(managed, kmsForTrail, logGroupArn, roleArn);
      if (!differences.isEmpty()) {
        plan.addSteps(Step.builder().kind(UPDATE_TRAIL).action(Action.CHANGE).resource(trailArn)
            .summary("update trail " + name + ": " + String.join(", ", differences))
            .before(canonical(managed).trim()).after(trailParams.toString())
            .putAllParameters(trailParams).build());
      }
      Observed o = observeTrail(context, managed);
      canonical.append(o.canonical());
      if (!o.allManagementEvents()) {
        plan.addSteps(planSelectors(o, trailArn, name));
      }
      if (!o.logging()) {
        plan.addSteps(startLogging(trailArn, name, "logging stopped"));
      }
    }
    Plan built = plan.fingerprint(context.fingerprint(canonical.toString())).build();
    if (built.isEmpty()) {
      return built;
    }
    Set<String> actions = actionsFor(built.steps());
    if (kmsKey != null && bucketState.exists()) {
      actions.add("s3:GetBucketLocation");
    }
    return Plan.builder().from(built).addAllIamActions(actions).build();
  }

  /** The given key, resolved to its ARN (checked enabled), or null when none was given. */
  private @Nullable String resolveGivenKey(RemediationContext context, String region) {
    if (kmsKey == null || CREATE_KEY.equals(kmsKey)) {
      return null;
    }
    KeyMetadata key;
    try {
      key = kms(context, region).describeKey(r -> r.keyId(kmsKey)).keyMetadata();
    } catch (RuntimeException e) {
      if (AwsErrors.is(e, "NotFoundException")) {
        throw new RemediationException("KMS key '" + kmsKey + "' does not exist in " + region
            + " (a trail's key must be in the trail's home Region)", e);
      }
      throw e;
    }
    if (key.keyState() != KeyState.ENABLED) {
      throw new RemediationException("KMS key '" + kmsKey + "' is " + key.keyStateAsString()
          + ", not Enabled: CloudTrail cannot encrypt with it");
    }
    return key.arn();
  }

  /**
   * With SSE-KMS, the trail's key must be in the bucket's Region, and the key is in the trail's
   * home Region (given keys are looked up there, created keys are made there): an existing bucket
   * in another Region would only make {@code CreateTrail}/{@code UpdateTrail} fail after its
   * propagation retries, so it is refused while planning, naming both Regions.
   */
  private void requireBucketInRegion(RemediationContext context, String region,
      StringBuilder canonical) {
    String bucketRegion = LogBucket.region(LogBucket.s3(context), bucket);
    canonical.append("bucketregion ").append(bucketRegion).append('\n');
    if (!region.equals(bucketRegion)) {
      throw new RemediationException("S3 bucket '" + bucket + "' is in " + bucketRegion
          + " but the trail's home Region, where its KMS key must be, is " + region
          + ": CloudTrail needs the KMS key in the bucket's Region. Plan in " + bucketRegion
          + ", or choose a bucket in " + region);
    }
  }

  /** True when the trail, as described, has every wanted property that needs no further call. */
  private boolean satisfiesStatically(Trail t, @Nullable String givenKeyArn, String region,
      String account) {
    if (!Boolean.TRUE.equals(t.isMultiRegionTrail())) {
      return false;
    }
    if (validation && !Boolean.TRUE.equals(t.logFileValidationEnabled())) {
      return false;
    }
    if (kmsKey != null && !keyMatches(t.kmsKeyId(), givenKeyArn)) {
      return false;
    }
    if (logGroup != null) {
      String wanted = "arn:aws:logs:" + region + ":" + account + ":log-group:" + logGroup + ":*";
      return wanted.equals(t.cloudWatchLogsLogGroupArn()) && t.cloudWatchLogsRoleArn() != null;
    }
    return true;
  }

  /** With a given key, the trail must use that key; with a created key, any key will do. */
  private boolean keyMatches(@Nullable String trailKey, @Nullable String givenKeyArn) {
    if (trailKey == null) {
      return false;
    }
    if (CREATE_KEY.equals(kmsKey)) {
      return true;
    }
    return trailKey.equals(kmsKey) || trailKey.equals(givenKeyArn)
        || (givenKeyArn != null && givenKeyArn.endsWith("/" + trailKey));
  }

  /** Logging status and event selectors of one trail, read in its home Region. */
  private record Observed(String arn, boolean logging, boolean allManagementEvents,
      boolean advanced, int selectorCount) {
    String canonical() {
      return "status " + arn + " logging=" + logging + " mgmt=" + allManagementEvents
          + " advanced=" + advanced + " selectors=" + selectorCount + "\n";
    }
  }

  private Observed observeTrail(RemediationContext context, Trail t) {
    CloudTrailClient client = cloudTrail(context, t.homeRegion());
    boolean logging = Boolean.TRUE.equals(
        client.getTrailStatus(r -> r.name(t.trailARN())).isLogging());
    GetEventSelectorsResponse selectors = client.getEventSelectors(r -> r.trailName(t.trailARN()));
    boolean advanced = !selectors.advancedEventSelectors().isEmpty();
    int count = advanced ? selectors.advancedEventSelectors().size() : selectors.eventSelectors().size();
    return new Observed(t.trailARN(), logging, allManagementEvents(selectors), advanced, count);
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
    for (AdvancedEventSelector s : selectors.advancedEventSelectors()) {
      boolean management = false;
      boolean narrowed = false;
      for (AdvancedFieldSelector f : s.fieldSelectors()) {
        if ("eventCategory".equals(f.field()) && f.equalsValue().equals(List.of("Management"))) {
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

  private Step planSelectors(Observed o, String trailArn, String name) {
    if (!o.advanced() && o.selectorCount() >= 5) {
      throw new RemediationException("Trail '" + name + "' already has " + o.selectorCount()
          + " event selectors, the most CloudTrail allows, and none logs all management events; "
          + "add one by hand or name another trail");
    }
    return Step.builder().kind(PUT_EVENT_SELECTORS).action(Action.ADD).resource(trailArn)
        .summary("add an event selector logging all management events, read and write, to trail "
            + name + " (existing selectors kept)")
        .after(o.advanced() ? "advanced selector eventCategory=Management" : "ReadWriteType=All, IncludeManagementEvents=true")
        .putParameters("name", name).putParameters("advanced", Boolean.toString(o.advanced()))
        .build();
  }

  private static Step startLogging(String trailArn, String name, String before) {
    return Step.builder().kind(START_LOGGING).action(Action.CHANGE).resource(trailArn)
        .summary("start logging on trail " + name).before(before).after("logging")
        .putParameters("name", name).build();
  }

  private List<String> differences(Trail t, @Nullable String kmsForTrail,
      @Nullable String logGroupArn, @Nullable String roleArn) {
    List<String> d = new ArrayList<>();
    if (!bucket.equals(t.s3BucketName())) {
      d.add("bucket " + t.s3BucketName() + " -> " + bucket);
    }
    if (!Objects.equals(prefix, Names.emptyToNull(t.s3KeyPrefix()))) {
      d.add("prefix " + t.s3KeyPrefix() + " -> " + prefix);
    }
    if (!Boolean.TRUE.equals(t.isMultiRegionTrail())) {
      d.add("multi-Region");
    }
    if (!Boolean.TRUE.equals(t.includeGlobalServiceEvents())) {
      d.add("global service events");
    }
    if (validation && !Boolean.TRUE.equals(t.logFileValidationEnabled())) {
      d.add("log-file validation");
    }
    if (kmsForTrail != null && !keyMatches(t.kmsKeyId(), kmsForTrail)) {
      d.add("SSE-KMS with " + kmsForTrail);
    }
    if (logGroupArn != null && (!logGroupArn.equals(t.cloudWatchLogsLogGroupArn())
        || !Objects.equals(roleArn, t.cloudWatchLogsRoleArn()))) {
      d.add("CloudWatch Logs delivery to " + logGroup);
    }
    return d;
  }

  private static final String KEY_ADMIN_SID = "EnableAccountAdministration";

  /**
   * Plans the key steps and returns what the trail's {@code KmsKeyId} should be (null: no KMS).
   */
  private @Nullable String planKey(RemediationContext context, @Nullable Trail managed,
      @Nullable String givenKeyArn, String trailArn, String account, ImmutablePlan.Builder plan,
      StringBuilder canonical) {
    if (kmsKey == null) {
      return null;
    }
    KmsClient kms = kms(context, context.region());
    List<IamStatement> statements = keyStatements(trailArn, account);
    if (givenKeyArn != null) {
      if (!givenKeyArn.contains(":" + account + ":")) {
        plan.addWarnings("KMS key " + givenKeyArn + " belongs to another account: its key policy "
            + "must let cloudtrail.amazonaws.com use it for " + trailArn + "; not checked here");
        return givenKeyArn;
      }
      planKeyPolicy(kms, givenKeyArn, statements, plan, canonical);
      return givenKeyArn;
    }
    // Created key: only when the trail has no key yet.
    if (managed != null && managed.kmsKeyId() != null) {
      return managed.kmsKeyId();
    }
    String alias = keyAlias();
    KeyMetadata existing;
    try {
      existing = kms.describeKey(r -> r.keyId(alias)).keyMetadata();
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "NotFoundException")) {
        throw e;
      }
      existing = null;
    }
    if (existing == null) {
      canonical.append("key ").append(alias).append(" missing\n");
      List<IamStatement> all = new ArrayList<>();
      all.add(IamStatement.builder().sid(KEY_ADMIN_SID).effect(IamEffect.ALLOW)
          .addPrincipal(IamPrincipalType.AWS, "arn:aws:iam::" + account + ":root")
          .addAction("kms:*").addResource("*").build());
      all.addAll(statements);
      String policy = IamPolicy.builder().version(PolicyDocuments.VERSION).statements(all).build().toJson();
      plan.addSteps(Step.builder().kind(CREATE_KEY_STEP).action(Action.ADD)
          .resource(aliasArn(context))
          .summary("create KMS key " + alias + " for trail " + trailName()
              + " with the key policy CloudTrail needs and yearly rotation")
          .after(policy).putParameters("alias", alias).putParameters("policy", policy)
          .putParameters("description", "CloudTrail log encryption for trail " + trailName()
              + " (created by remediate)")
          .build());
      return alias;
    }
    String keyId = existing.keyId();
    boolean rotation = Boolean.TRUE.equals(
        kms.getKeyRotationStatus(r -> r.keyId(keyId)).keyRotationEnabled());
    canonical.append("key ").append(existing.arn()).append(" rotation=").append(rotation).append('\n');
    if (!rotation) {
      plan.addSteps(Step.builder().kind(ENABLE_KEY_ROTATION).action(Action.CHANGE)
          .resource(existing.arn()).summary("turn on yearly rotation of KMS key " + alias)
          .before("rotation off").after("rotation on").putParameters("keyId", keyId).build());
    }
    planKeyPolicy(kms, existing.arn(), statements, plan, canonical);
    return existing.arn();
  }

  private static void planKeyPolicy(KmsClient kms, String keyArn, List<IamStatement> statements,
      ImmutablePlan.Builder plan, StringBuilder canonical) {
    String policy = kms.getKeyPolicy(r -> r.keyId(keyArn).policyName("default")).policy();
    canonical.append("keypolicy ").append(keyArn).append(' ')
        .append(policy == null ? "-" : policy.replaceAll("\\s+", "")).append('\n');
    String merged = PolicyDocuments.merge(policy, statements).orElse(null);
    if (merged != null) {
      dev.remediate.core.plan.ImmutableStep.Builder step = Step.builder().kind(PUT_KEY_POLICY).action(Action.CHANGE).resource(keyArn)
          .summary("merge statements " + Policies.describe(statements) + " into the policy of KMS key "
              + keyArn + " (other statements kept)")
          .after(merged).putParameters("keyId", keyArn).putParameters("policy", merged);
      if (policy != null) {
        step.before(policy);
      }
      plan.addSteps(step.build());
    }
  }

  /** Plans log group and role; returns the role ARN the trail should use. */
  private String planLogs(RemediationContext context, String region, String account,
      String trailArn, ImmutablePlan.Builder plan, StringBuilder canonical) {
    String group = Objects.requireNonNull(logGroup);
    CloudWatchLogsClient logs = context.scope().client(CloudWatchLogsClient.class,
        CloudWatchLogsClient::builder);
    boolean exists = logs.describeLogGroups(r -> r.logGroupNamePrefix(group)).logGroups().stream()
        .anyMatch(g -> group.equals(g.logGroupName()));
    canonical.append("loggroup ").append(group).append(" exists=").append(exists).append('\n');
    String groupArn = "arn:aws:logs:" + region + ":" + account + ":log-group:" + group;
    if (!exists) {
      plan.addSteps(Step.builder().kind(CREATE_LOG_GROUP).action(Action.ADD).resource(groupArn)
          .summary("create CloudWatch Logs log group " + group).after(group)
          .putParameters("logGroup", group).build());
    }
    if (logsRole != null) {
      return logsRole;
    }
    String roleName = logsRoleName();
    String roleArn = "arn:aws:iam::" + account + ":role/" + roleName;
    IamClient iam = context.scope().client(IamClient.class, IamClient::builder);
    boolean roleExists;
    try {
      iam.getRole(r -> r.roleName(roleName));
      roleExists = true;
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "NoSuchEntity")) {
        throw e;
      }
      roleExists = false;
    }
    String document = null;
    if (roleExists) {
      try {
        document = decode(iam.getRolePolicy(r -> r.roleName(roleName).policyName(ROLE_POLICY_NAME))
            .policyDocument());
      } catch (RuntimeException e) {
        if (!AwsErrors.is(e, "NoSuchEntity")) {
          throw e;
        }
      }
    }
    canonical.append("role ").append(roleName).append(" exists=").append(roleExists)
        .append(" policy=").append(document == null ? "-" : document.replaceAll("\\s+", ""))
        .append('\n');
    if (!roleExists) {
      String trust = IamPolicy.builder().version(PolicyDocuments.VERSION).addStatement(
          Policies.allowService("AllowCloudTrailToAssume", "cloudtrail.amazonaws.com",
              List.of("sts:AssumeRole"), List.of(), List.of(
                  Policies.condition("StringEquals", "aws:SourceAccount", account),
                  Policies.condition("StringEquals", "aws:SourceArn", trailArn))))
          .build().toJson();
      // A trust policy has no Resource element.
      plan.addSteps(Step.builder().kind(CREATE_ROLE).action(Action.ADD).resource(roleArn)
          .summary("create role " + roleName + " that CloudTrail assumes (only for trail "
              + trailName() + ") to write to " + group)
          .after(trust).putParameters("roleName", roleName).putParameters("trust", trust).build());
    }
    IamStatement write = IamStatement.builder().sid("CloudTrailWriteLogs").effect(IamEffect.ALLOW)
        .addAction("logs:CreateLogStream").addAction("logs:PutLogEvents")
        .addResource(groupArn + ":log-stream:*").build();
    if (!PolicyDocuments.holds(document, List.of(write))) {
      String policy = IamPolicy.builder().version(PolicyDocuments.VERSION).addStatement(write).build()
          .toJson();
      plan.addSteps(Step.builder().kind(PUT_ROLE_POLICY).action(document == null ? Action.ADD
              : Action.CHANGE).resource(roleArn)
          .summary("let role " + roleName + " create streams and put events in " + group)
          .after(policy).putParameters("roleName", roleName).putParameters("policy", policy)
          .build());
    }
    return roleArn;
  }

  private static String decode(String document) {
    // IAM returns policy documents URL-encoded.
    return document.startsWith("%") ? URLDecoder.decode(document, StandardCharsets.UTF_8) : document;
  }

  /** The statements CloudTrail needs in the bucket policy, restricted to this trail. */
  List<IamStatement> bucketStatements(String trailArn, String account) {
    String sid = Names.sidSuffix(trailName());
    String objects = "arn:aws:s3:::" + bucket + "/" + (prefix != null ? prefix + "/" : "")
        + "AWSLogs/" + account + "/*";
    return List.of(
        Policies.allowService("RemediateCloudTrailAclCheck" + sid, "cloudtrail.amazonaws.com",
            List.of("s3:GetBucketAcl"), List.of("arn:aws:s3:::" + bucket),
            Policies.conditions(Policies.condition("StringEquals", "aws:SourceArn", trailArn))),
        Policies.allowService("RemediateCloudTrailWrite" + sid, "cloudtrail.amazonaws.com",
            List.of("s3:PutObject"), List.of(objects),
            Policies.conditions(Policies.condition("StringEquals", "s3:x-amz-acl", "bucket-owner-full-control"),
                Policies.condition("StringEquals", "aws:SourceArn", trailArn))));
  }

  /** The statements CloudTrail needs in the key policy, restricted to this trail. */
  List<IamStatement> keyStatements(String trailArn, String account) {
    String sid = Names.sidSuffix(trailName());
    return List.of(
        Policies.allowService("RemediateCloudTrailEncrypt" + sid, "cloudtrail.amazonaws.com",
            List.of("kms:GenerateDataKey*"), List.of("*"),
            Policies.conditions(Policies.condition("StringEquals", "aws:SourceArn", trailArn),
                Policies.condition("StringLike", "kms:EncryptionContext:aws:cloudtrail:arn",
                    "arn:aws:cloudtrail:*:" + account + ":trail/*"))),
        Policies.allowService("RemediateCloudTrailDescribeKey" + sid, "cloudtrail.amazonaws.com",
            List.of("kms:DescribeKey"), List.of("*"),
            Policies.conditions(Policies.condition("StringEquals", "aws:SourceArn", trailArn))));
  }

  String keyAlias() {
    return "alias/remediate-cloudtrail-" + trailName();
  }

  private String aliasArn(RemediationContext context) {
    return "arn:aws:kms:" + context.region() + ":" + context.account() + ":" + keyAlias();
  }

  String logsRoleName() {
    String name = "remediate-cloudtrail-logs-" + trailName();
    return name.length() <= 64 ? name : name.substring(0, 64);
  }

  private static Set<String> actionsFor(List<Step> steps) {
    Set<String> actions = new TreeSet<>(List.of("cloudtrail:DescribeTrails",
        "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"));
    actions.addAll(LogBucket.READ_ACTIONS);
    for (Step s : steps) {
      switch (s.kind()) {
        case LogBucket.CREATE_BUCKET -> actions.add("s3:CreateBucket");
        case LogBucket.PUT_PUBLIC_ACCESS_BLOCK -> actions.add("s3:PutBucketPublicAccessBlock");
        case LogBucket.PUT_BUCKET_ENCRYPTION -> actions.add("s3:PutEncryptionConfiguration");
        case LogBucket.PUT_BUCKET_POLICY -> actions.add("s3:PutBucketPolicy");
        case CREATE_KEY_STEP -> actions.addAll(List.of("kms:CreateKey", "kms:CreateAlias",
            "kms:EnableKeyRotation", "kms:TagResource", "kms:DescribeKey"));
        case ENABLE_KEY_ROTATION -> actions.add("kms:EnableKeyRotation");
        case PUT_KEY_POLICY -> actions.addAll(List.of("kms:GetKeyPolicy", "kms:PutKeyPolicy"));
        case CREATE_LOG_GROUP -> actions.addAll(List.of("logs:DescribeLogGroups", "logs:CreateLogGroup"));
        case CREATE_ROLE -> actions.addAll(List.of("iam:GetRole", "iam:CreateRole"));
        case PUT_ROLE_POLICY -> actions.addAll(List.of("iam:GetRolePolicy", "iam:PutRolePolicy"));
        case CREATE_TRAIL, UPDATE_TRAIL -> {
          actions.addAll(List.of("cloudtrail:" + s.kind(), "cloudtrail:GetTrail"));
          if (s.parameters().containsKey("logsRoleArn")) {
            actions.add("iam:PassRole");
          }
        }
        default -> actions.add("cloudtrail:" + s.kind());
      }
    }
    return actions;
  }

  // ---------------------------------------------------------------- steps

  @Override
  public void execute(Step step, RemediationContext context) {
    if (LogBucket.execute(step, LogBucket.s3(context))) {
      return;
    }
    String region = context.region();
    switch (step.kind()) {
      case CREATE_KEY_STEP -> createKey(context, step);
      case ENABLE_KEY_ROTATION ->
          kms(context, region).enableKeyRotation(r -> r.keyId(step.parameter("keyId")));
      case PUT_KEY_POLICY -> kms(context, region).putKeyPolicy(r -> r.keyId(step.parameter("keyId"))
          .policyName("default").policy(step.parameter("policy")));
      case CREATE_LOG_GROUP -> createLogGroup(context, step.parameter("logGroup"));
      case CREATE_ROLE -> createRole(context, step);
      case PUT_ROLE_POLICY -> context.scope().client(IamClient.class, IamClient::builder)
          .putRolePolicy(r -> r.roleName(step.parameter("roleName")).policyName(ROLE_POLICY_NAME)
              .policyDocument(step.parameter("policy")));
      case CREATE_TRAIL, UPDATE_TRAIL -> createOrUpdateTrail(context, step);
      case PUT_EVENT_SELECTORS -> addManagementSelector(context, step);
      case START_LOGGING -> startLogging(context, step.parameter("name"));
      default -> throw new InvalidRemediationException("EnsureTrail has no step " + step.kind());
    }
  }

  private static void createKey(RemediationContext context, Step step) {
    KmsClient kms = kms(context, context.region());
    String alias = step.parameter("alias");
    String keyId;
    try {
      // An earlier, interrupted apply may have created the key already: adopt it by alias.
      keyId = kms.describeKey(r -> r.keyId(alias)).keyMetadata().keyId();
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "NotFoundException")) {
        throw e;
      }
      keyId = kms.createKey(r -> r.policy(step.parameter("policy"))
          .description(step.parameter("description"))
          .tags(Tag.builder().tagKey("remediate:purpose").tagValue("cloudtrail").build()))
          .keyMetadata().keyId();
      String created = keyId;
      try {
        kms.createAlias(r -> r.aliasName(alias).targetKeyId(created));
      } catch (RuntimeException ae) {
        if (!AwsErrors.is(ae, "AlreadyExistsException")) {
          throw ae;
        }
      }
    }
    String id = keyId;
    kms.enableKeyRotation(r -> r.keyId(id));
  }

  private static void createLogGroup(RemediationContext context, String group) {
    try {
      context.scope().client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder)
          .createLogGroup(r -> r.logGroupName(group));
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "ResourceAlreadyExistsException")) {
        throw e;
      }
    }
  }

  private static void createRole(RemediationContext context, Step step) {
    try {
      context.scope().client(IamClient.class, IamClient::builder).createRole(r -> r
          .roleName(step.parameter("roleName"))
          .assumeRolePolicyDocument(step.parameter("trust"))
          .description("Lets CloudTrail deliver events to CloudWatch Logs (created by remediate)"));
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "EntityAlreadyExists")) {
        throw e;
      }
    }
  }

  private static void createOrUpdateTrail(RemediationContext context, Step step) {
    CloudTrailClient ct = cloudTrail(context, context.region());
    Map<String, String> p = step.parameters();
    String name = p.get("name");
    boolean create = CREATE_TRAIL.equals(step.kind());
    AwsErrors.retryWhilePropagating(context, PROPAGATION_ERRORS, () -> {
      if (create) {
        try {
          ct.createTrail(r -> r.name(name).s3BucketName(p.get("bucket")).s3KeyPrefix(p.get("prefix"))
              .isMultiRegionTrail(true).includeGlobalServiceEvents(true)
              .enableLogFileValidation(Boolean.parseBoolean(p.get("validation")))
              .kmsKeyId(p.get("kmsKey")).cloudWatchLogsLogGroupArn(p.get("logGroupArn"))
              .cloudWatchLogsRoleArn(p.get("logsRoleArn")));
          return;
        } catch (RuntimeException e) {
          if (!AwsErrors.is(e, "TrailAlreadyExistsException")) {
            throw e;
          }
          // Created by an earlier, interrupted apply: bring it to the planned settings.
        }
      }
      ct.updateTrail(r -> r.name(name).s3BucketName(p.get("bucket"))
          .s3KeyPrefix(p.getOrDefault("prefix", ""))
          .isMultiRegionTrail(true).includeGlobalServiceEvents(true)
          .enableLogFileValidation(Boolean.parseBoolean(p.get("validation")) ? Boolean.TRUE : null)
          .kmsKeyId(p.get("kmsKey")).cloudWatchLogsLogGroupArn(p.get("logGroupArn"))
          .cloudWatchLogsRoleArn(p.get("logsRoleArn")));
    });
    Trail trail = ct.getTrail(r -> r.name(name)).trail();
    if (!Boolean.TRUE.equals(trail.isMultiRegionTrail())
        || !Boolean.TRUE.equals(trail.includeGlobalServiceEvents())
        || (Boolean.parseBoolean(p.get("validation"))
            && !Boolean.TRUE.equals(trail.logFileValidationEnabled()))
        || (p.containsKey("kmsKey") && trail.kmsKeyId() == null)
        || (p.containsKey("logGroupArn") && !p.get("logGroupArn").equals(trail.cloudWatchLogsLogGroupArn()))) {
      throw new RemediationException("GetTrail shows trail " + name + " without the planned "
          + "settings after " + step.kind() + ": " + canonical(trail).trim());
    }
  }

  private static void addManagementSelector(RemediationContext context, Step step) {
    CloudTrailClient ct = cloudTrail(context, context.region());
    String name = step.parameter("name");
    GetEventSelectorsResponse current = ct.getEventSelectors(r -> r.trailName(name));
    if (allManagementEvents(current)) {
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
    CloudTrailClient ct = cloudTrail(context, context.region());
    // By name: the trail is in this Region (and the emulator fails StartLogging by ARN).
    ct.startLogging(r -> r.name(name));
    if (!Boolean.TRUE.equals(ct.getTrailStatus(r -> r.name(name)).isLogging())) {
      throw new RemediationException("GetTrailStatus shows trail " + name
          + " not logging after StartLogging");
    }
  }

  // ---------------------------------------------------------------- helpers

  private static CloudTrailClient cloudTrail(RemediationContext context, @Nullable String region) {
    return context.scope().inRegion(Region.of(region == null ? context.region() : region))
        .client(CloudTrailClient.class, CloudTrailClient::builder);
  }

  private static KmsClient kms(RemediationContext context, String region) {
    return context.scope().inRegion(Region.of(region)).client(KmsClient.class, KmsClient::builder);
  }

  private static @Nullable String accountOf(Trail t) {
    String arn = t.trailARN();
    String[] parts = arn == null ? new String[0] : arn.split(":");
    return parts.length > 4 ? parts[4] : null;
  }

  private static String canonical(Trail t) {
    return "trail " + t.trailARN() + " home=" + t.homeRegion() + " multi=" + t.isMultiRegionTrail()
        + " global=" + t.includeGlobalServiceEvents() + " validation="
        + t.logFileValidationEnabled() + " kms=" + t.kmsKeyId() + " bucket=" + t.s3BucketName()
        + " prefix=" + t.s3KeyPrefix() + " logs=" + t.cloudWatchLogsLogGroupArn() + " role="
        + t.cloudWatchLogsRoleArn() + " org=" + t.isOrganizationTrail() + "\n";
  }

  private static void putIfPresent(Map<String, String> map, String key, @Nullable String value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EnsureTrail other && spec().equals(other.spec());
  }

  @Override
  public int hashCode() {
    return spec().hashCode();
  }

  @Override
  public String toString() {
    return "EnsureTrail" + spec().parameters();
  }

  /** Builds an {@link EnsureTrail}; {@link #build()} validates every value. */
  public static final class Builder {
    private final String bucket;
    private @Nullable String prefix;
    private @Nullable String trailName;
    private @Nullable String kmsKey;
    private @Nullable String logGroup;
    private @Nullable String logsRole;
    private boolean validation = true;

    private Builder(String bucket) {
      this.bucket = bucket;
    }

    /**
     * Sets the S3 key prefix the trail writes under.
     *
     * @param prefix e.g. {@code cloudtrail}, no leading or trailing {@code /}
     * @return this builder
     */
    public Builder keyPrefix(@Nullable String prefix) {
      this.prefix = prefix;
      return this;
    }

    /**
     * Asks for this trail specifically: other trails no longer count, and this one's missing
     * properties are planned. Without it, any trail that already satisfies the properties counts,
     * and a trail named {@value EnsureTrail#DEFAULT_TRAIL_NAME} is created when none does.
     *
     * @param name the trail name
     * @return this builder
     */
    public Builder trailName(String name) {
      this.trailName = name;
      return this;
    }

    /**
     * Encrypts log files with this KMS key (FSBP CloudTrail.2). The key policy gets the statements
     * CloudTrail needs, merged by statement id.
     *
     * @param key key id, key ARN, alias name or alias ARN, in the trail's home Region
     * @return this builder
     */
    public Builder kmsKey(String key) {
      this.kmsKey = key;
      return this;
    }

    /**
     * Encrypts log files with a key created for the trail (alias
     * {@code alias/remediate-cloudtrail-<trail>}, key policy for CloudTrail, rotation on), unless
     * the trail already has a key.
     *
     * @return this builder
     */
    public Builder createKmsKey() {
      this.kmsKey = CREATE_KEY;
      return this;
    }

    /**
     * Delivers events to this CloudWatch Logs log group (FSBP CloudTrail.5), created when missing,
     * through a role created for the trail unless {@link #cloudWatchLogsRole} gives one.
     *
     * @param logGroupName the log group name
     * @return this builder
     */
    public Builder cloudWatchLogs(String logGroupName) {
      this.logGroup = logGroupName;
      return this;
    }

    /**
     * Uses this role for CloudWatch Logs delivery instead of creating one.
     *
     * @param roleArn role ARN
     * @return this builder
     */
    public Builder cloudWatchLogsRole(String roleArn) {
      this.logsRole = roleArn;
      return this;
    }

    /**
     * Whether log-file validation is wanted (default true, FSBP CloudTrail.4).
     *
     * @param enabled true to require it
     * @return this builder
     */
    public Builder logFileValidation(boolean enabled) {
      this.validation = enabled;
      return this;
    }

    /**
     * @return the remediation
     * @throws InvalidRemediationException naming the bad value
     */
    public EnsureTrail build() {
      return new EnsureTrail(this);
    }
  }

  /** The catalog entry of {@link EnsureTrail}. */
  public static final class Type extends AbstractRemediationType {
    /** Creates the type (service loader). */
    public Type() {
      super(ID, "A multi-Region CloudTrail trail logging all management events, with log-file "
          + "validation, optional SSE-KMS and CloudWatch Logs delivery, and its S3 bucket",
          CONTROLS, IAM_ACTIONS, EnumSet.noneOf(Flag.class));
    }

    @Override
    public Remediation fromSpec(RemediationSpec spec) {
      Builder b = toBucket(spec.require("bucket")).keyPrefix(spec.parameters().get("prefix"))
          .logFileValidation(Boolean.parseBoolean(spec.get("validation", "true")));
      Optional.ofNullable(spec.parameters().get("name")).ifPresent(b::trailName);
      Optional.ofNullable(spec.parameters().get("kmsKey")).ifPresent(b::kmsKey);
      Optional.ofNullable(spec.parameters().get("logGroup")).ifPresent(b::cloudWatchLogs);
      Optional.ofNullable(spec.parameters().get("logsRole")).ifPresent(b::cloudWatchLogsRole);
      return b.build();
    }

    /**
     * Settings {@code trail.s3Bucket} (required), {@code trail.name}, {@code trail.kmsKey} (a key,
     * or {@code create}), {@code trail.cloudWatchLogs} (a log group name).
     */
    @Override
    public Optional<Remediation> forRegion(Map<String, String> settings) {
      String bucket = settings.get("trail.s3Bucket");
      if (bucket == null || bucket.isBlank()) {
        return Optional.empty();
      }
      Builder b = toBucket(bucket.trim());
      Optional.ofNullable(Names.blankToNull(settings.get("trail.name"))).ifPresent(b::trailName);
      Optional.ofNullable(Names.blankToNull(settings.get("trail.kmsKey"))).ifPresent(b::kmsKey);
      Optional.ofNullable(Names.blankToNull(settings.get("trail.cloudWatchLogs"))).ifPresent(b::cloudWatchLogs);
      return Optional.of(b.build());
    }
  }
}
