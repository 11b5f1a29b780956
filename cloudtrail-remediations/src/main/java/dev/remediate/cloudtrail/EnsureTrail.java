package dev.remediate.cloudtrail;

import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.Setting;
import dev.remediate.core.aws.AwsNames;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.plan.Step;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.immutables.value.Value;
import org.jspecify.annotations.Nullable;

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
 * <p><b>CloudWatch Logs.</b> {@link Builder#cloudWatchLogs(String)} names the log group;
 * {@link Builder#cloudWatchLogs()} (the setting {@code trail.cloudWatchLogs: true}) delivers to
 * {@link #defaultLogGroup(String) aws-cloudtrail-logs-&lt;trail name&gt;}. When the plan creates the trail
 * or the log group, it {@link Plan#provides() provides} their ARNs, so {@link CisAlarms} planned in
 * the same plan set builds on them.
 *
 * <p>The parts live in package-private classes: {@link TrailObserver} (every read, into a
 * {@link TrailObservation}), {@link TrailDecision} (the plan, no AWS call), {@link TrailKey} (the
 * KMS key), {@link TrailLogs} (log group and delivery role), {@link LogBucket} (the bucket) and
 * {@link TrailSteps} (the trail's own steps).
 *
 * <p><b>Steps.</b> Each step is carried out as planned; "already exists" answers count as done;
 * {@code CreateTrail} and {@code UpdateTrail} wait out IAM and KMS propagation and are checked with
 * {@code GetTrail}; {@code StartLogging} (by trail name) is checked with {@code GetTrailStatus}.
 */
@Value.Immutable
public abstract class EnsureTrail extends AbstractRemediation<EnsureTrail> {
  /** The catalog id. */
  public static final String ID = "cloudtrail.trail";
  /** The trail's name unless one is given. */
  public static final String DEFAULT_TRAIL_NAME = "remediate-trail";
  /** Value of the {@code kmsKey} parameter that asks for a key to be created. */
  public static final String CREATE_KEY = "create";
  /** Prefix of {@link #defaultLogGroup(String)}, the console's own naming. */
  public static final String DEFAULT_LOG_GROUP_PREFIX = "aws-cloudtrail-logs-";

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

  static final String ROLE_POLICY_NAME = "remediate-cloudtrail-logs";
  /** The setting naming the log group, or {@code true} for the default one. */
  static final Setting CLOUD_WATCH_LOGS = Setting.text("trail.cloudWatchLogs", "CloudWatch Logs "
      + "group the trail delivers to (where the CIS alarms go): a name, true for "
      + DEFAULT_LOG_GROUP_PREFIX + "<trail name>, or false for none");

  private static final SpecTable<EnsureTrail, Builder> SPEC = SpecTable.<EnsureTrail, Builder>of(ID)
      .start("bucket", SpecKind.aws(AwsNames::bucket), EnsureTrail::bucket, EnsureTrail::toBucket)
      .optional("prefix", SpecKind.aws(AwsNames::s3Prefix), EnsureTrail::prefix,
          Builder::keyPrefix)
      .optional("name", SpecKind.aws(AwsNames::trailName), EnsureTrail::namedTrail,
          Builder::trailName)
      .optional("kmsKey", SpecKind.aws(EnsureTrail::kmsKeyOrCreate), EnsureTrail::kmsKey,
          Builder::kmsKey)
      .optional("logGroup", SpecKind.aws(AwsNames::logGroup), EnsureTrail::logGroup,
          Builder::cloudWatchLogs)
      .optional("logsRole", SpecKind.aws(AwsNames::roleArn), EnsureTrail::logsRole,
          Builder::cloudWatchLogsRole)
      .withDefault("validation", SpecKind.bool(), true, EnsureTrail::validation,
          Builder::logFileValidation)
      .optional("homeRegion", SpecKind.aws(AwsNames::region), EnsureTrail::homeRegion,
          Builder::homeRegion)
      .build(Builder::build);

  EnsureTrail() {}

  // ---------------------------------------------------------------- values

  /** @return the bucket the trail writes to */
  abstract String bucket();

  /** @return the S3 key prefix, or null */
  abstract @Nullable String prefix();

  /** @return the trail name asked for, or null when any satisfying trail will do */
  abstract @Nullable String namedTrail();

  /** @return the KMS key, {@value #CREATE_KEY}, or null for no encryption asked */
  abstract @Nullable String kmsKey();

  /** @return the log group the trail delivers to, or null without CloudWatch Logs delivery */
  public abstract @Nullable String logGroup();

  /** @return the CloudWatch Logs delivery role given, or null to create one */
  abstract @Nullable String logsRole();

  /** @return whether log-file validation is wanted */
  @Value.Default
  boolean validation() {
    return true;
  }

  /** @return the one Region the trail is planned in, or null for wherever it is planned */
  abstract @Nullable String homeRegion();

  /**
   * Every check of the values, in one place: each name, and a delivery role only with a log
   * group. Normalises the prefix ({@link Names#prefix}).
   *
   * @return this, or a copy with the prefix normalised
   * @throws InvalidRemediationException naming the bad value
   */
  @Value.Check
  final EnsureTrail normalised() {
    AwsNames.bucket(bucket());
    String prefix = Names.prefix(prefix());
    Names.checked(namedTrail(), AwsNames::trailName);
    Names.checked(kmsKey(), EnsureTrail::kmsKeyOrCreate);
    String group = logGroup();
    Names.checked(group, AwsNames::logGroup);
    Names.checked(logsRole(), AwsNames::roleArn);
    Names.checked(homeRegion(), AwsNames::region);
    if (logsRole() != null && group == null) {
      throw new InvalidRemediationException("cloudWatchLogsRole '" + logsRole()
          + "' needs a log group: call cloudWatchLogs(logGroupName) too");
    }
    return Objects.equals(prefix, prefix()) ? this
        : ImmutableEnsureTrail.copyOf(this).withPrefix(prefix);
  }

  /** @return {@value #CREATE_KEY}, or the key checked with {@link AwsNames#kmsKey} */
  private static String kmsKeyOrCreate(String key) {
    return CREATE_KEY.equals(key) ? key : AwsNames.kmsKey(key);
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

  /**
   * The log group a trail delivers to when CloudWatch Logs delivery is asked for without a name
   * ({@link Builder#cloudWatchLogs()}, the setting {@code trail.cloudWatchLogs: true}):
   * {@value #DEFAULT_LOG_GROUP_PREFIX} followed by the trail's name, as the CloudTrail console names
   * the groups it creates, e.g. {@code aws-cloudtrail-logs-remediate-trail}.
   *
   * @param trailName the trail's name
   * @return the log group name
   */
  public static String defaultLogGroup(String trailName) {
    return DEFAULT_LOG_GROUP_PREFIX + trailName;
  }

  /**
   * Reads the log group of the settings {@code trail.cloudWatchLogs} and {@code trail.name}:
   * {@code true} is {@link #defaultLogGroup(String)} of the trail's name, a name is that group,
   * {@code false} or absent is none, a mistyped boolean is refused naming the setting.
   */
  static Optional<String> logGroupSetting(Map<String, String> settings) {
    String name = Names.blankToNull(settings.get("trail.name"));
    String trail = name == null ? DEFAULT_TRAIL_NAME : AwsNames.trailName(name);
    return Parameters.nameOrBoolean(settings, CLOUD_WATCH_LOGS.key(), defaultLogGroup(trail));
  }

  @Override
  protected SpecTable<EnsureTrail, ?> specTable() {
    return SPEC;
  }

  /** @return the name of the trail this remediation creates or fixes */
  public String trailName() {
    String named = namedTrail();
    return named != null ? named : DEFAULT_TRAIL_NAME;
  }

  // ---------------------------------------------------------------- observe, decide, steps

  /**
   * Plans the trail; with a {@link Builder#homeRegion home Region} set, only there: in any other
   * Region the plan is empty, with a skip saying where the trail is planned.
   */
  @Override
  public Plan plan(RemediationContext context) {
    Optional<Plan> elsewhere = HomeRegion.elsewhere(homeRegion(), this, context,
        "AWS::CloudTrail::Trail", trailName(), "the multi-Region trail " + trailName());
    if (elsewhere.isPresent()) {
      return elsewhere.get();
    }
    TrailObservation observed = TrailObserver.observe(this, context);
    return TrailDecision.decide(this, observed,
        context.newPlan(this, "AWS::CloudTrail::Trail", trailName()));
  }

  @Override
  public void execute(Step step, RemediationContext context) {
    boolean done = LogBucket.execute(step, LogBucket.s3(context))
        || TrailKey.execute(step, context) || TrailLogs.execute(step, context)
        || TrailSteps.execute(step, context);
    if (!done) {
      throw new InvalidRemediationException("EnsureTrail has no step " + step.kind());
    }
  }

  // ---------------------------------------------------------------- what the parts read

  String trailArn(String region, String account) {
    return "arn:aws:cloudtrail:" + region + ":" + account + ":trail/" + trailName();
  }

  String keyAlias() {
    return "alias/remediate-cloudtrail-" + trailName();
  }

  String logsRoleName() {
    String name = "remediate-cloudtrail-logs-" + trailName();
    return name.length() <= 64 ? name : name.substring(0, 64);
  }

  /** Builds an {@link EnsureTrail}; {@link #build()} validates every value. */
  @SuppressWarnings("immutables:incompat") // not an extension of the generated builder: it wraps one
  public static final class Builder {
    private final ImmutableEnsureTrail.Builder values = ImmutableEnsureTrail.builder();
    /** The name given to {@link #trailName}, for the default log group's name. */
    private @Nullable String trailName;
    /** Whether {@link #cloudWatchLogs()} asked for the default log group, named at build. */
    private boolean defaultLogGroup;

    private Builder(String bucket) {
      values.bucket(bucket);
    }

    /**
     * Sets the S3 key prefix the trail writes under.
     *
     * @param prefix e.g. {@code cloudtrail}, no leading or trailing {@code /}
     * @return this builder
     */
    public Builder keyPrefix(@Nullable String prefix) {
      values.prefix(prefix);
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
      values.namedTrail(name);
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
      values.kmsKey(key);
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
      values.kmsKey(CREATE_KEY);
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
      values.logGroup(logGroupName);
      this.defaultLogGroup = false;
      return this;
    }

    /**
     * Delivers events to the trail's default log group, {@code aws-cloudtrail-logs-<trail name>}
     * ({@link EnsureTrail#defaultLogGroup}), as {@link #cloudWatchLogs(String)} does with a name;
     * what the setting {@code trail.cloudWatchLogs: true} asks for.
     *
     * @return this builder
     */
    public Builder cloudWatchLogs() {
      this.defaultLogGroup = true;
      return this;
    }

    /**
     * Uses this role for CloudWatch Logs delivery instead of creating one.
     *
     * @param roleArn role ARN
     * @return this builder
     */
    public Builder cloudWatchLogsRole(String roleArn) {
      values.logsRole(roleArn);
      return this;
    }

    /**
     * Whether log-file validation is wanted (default true, FSBP CloudTrail.4).
     *
     * @param enabled true to require it
     * @return this builder
     */
    public Builder logFileValidation(boolean enabled) {
      values.validation(enabled);
      return this;
    }

    /**
     * Plans the trail only in this Region: a multi-Region trail is one resource, so a scan of many
     * Regions plans it once; in other Regions the plan is empty, with a skip saying where it is
     * planned. Without it the trail is planned wherever the remediation is planned (what the
     * setting {@code trail.homeRegion}, default {@value HomeRegion#DEFAULT}, sets for a scan).
     *
     * @param region the trail's home Region, e.g. {@code eu-west-1}
     * @return this builder
     */
    public Builder homeRegion(String region) {
      values.homeRegion(region);
      return this;
    }

    /**
     * @return the remediation
     * @throws InvalidRemediationException naming the bad value
     */
    public EnsureTrail build() {
      if (defaultLogGroup) {
        values.logGroup(defaultLogGroup(trailName != null ? trailName : DEFAULT_TRAIL_NAME));
      }
      return values.build();
    }
  }

  /** The catalog entry of {@link EnsureTrail}. */
  public static final class Type extends AbstractRemediationType {
    static final Setting BUCKET = Setting.text("trail.s3Bucket", "S3 bucket the trail writes "
        + "to (created when missing, public access blocked, encrypted, TLS required); required");
    // No declared default: absent and "remediate-trail" differ (absent, any trail that satisfies
    // the controls counts; named, only that trail does).
    static final Setting NAME = Setting.text("trail.name", "The trail's name; absent: any trail "
        + "that satisfies the controls counts, else " + DEFAULT_TRAIL_NAME + " is created");
    static final Setting KMS_KEY = Setting.text("trail.kmsKey", "KMS key for the trail's log "
        + "files (key id, ARN, alias in the home Region), or 'create' for a key made for it");

    /** Creates the type (service loader). */
    public Type() {
      super(ID, "A multi-Region CloudTrail trail logging all management events, with log-file "
          + "validation, optional SSE-KMS and CloudWatch Logs delivery, and its S3 bucket",
          CONTROLS, IAM_ACTIONS, EnumSet.noneOf(Flag.class));
      specTable(SPEC);
    }

    /** The CloudWatch Logs delivery role is assumed by CloudTrail. */
    @Override
    public Set<String> roleServices() {
      return Set.of("cloudtrail.amazonaws.com");
    }

    /**
     * Settings {@code trail.s3Bucket} (required), {@code trail.name}, {@code trail.kmsKey} (a key,
     * or {@code create}), {@code trail.cloudWatchLogs} ({@code true} for
     * {@link EnsureTrail#defaultLogGroup(String) aws-cloudtrail-logs-&lt;trail name&gt;}, a log group
     * name, or {@code false}; a mistyped boolean such as {@code ture} is refused).
     */
    @Override
    public Optional<Remediation> forRegion(Map<String, String> settings) {
      Optional<String> bucket = BUCKET.valueIn(settings);
      if (bucket.isEmpty()) {
        return Optional.empty();
      }
      Builder b = toBucket(bucket.get()).homeRegion(HomeRegion.of(settings));
      Optional.ofNullable(Names.blankToNull(settings.get(NAME.key()))).ifPresent(b::trailName);
      KMS_KEY.valueIn(settings).ifPresent(b::kmsKey);
      logGroupSetting(settings).ifPresent(b::cloudWatchLogs);
      return Optional.of(b.build());
    }

    @Override
    public List<Setting> settings() {
      return List.of(BUCKET, NAME, KMS_KEY, CLOUD_WATCH_LOGS, HomeRegion.SETTING);
    }
  }
}
