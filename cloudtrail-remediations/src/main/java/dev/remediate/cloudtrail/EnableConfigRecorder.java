package dev.remediate.cloudtrail;

import dev.remediate.core.aws.AwsErrors;
import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Setting;
import dev.remediate.core.aws.AwsNames;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.plan.Step;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.immutables.value.Value;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.policybuilder.iam.IamStatement;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ConfigurationRecorder;
import software.amazon.awssdk.services.config.model.ConfigurationRecorderStatus;
import software.amazon.awssdk.services.config.model.DeliveryChannel;
import software.amazon.awssdk.services.config.model.RecordingGroup;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Role;

/**
 * The AWS Config recorder of a Region, recording all supported resource types, with a delivery
 * channel to an S3 bucket, started (FSBP Config.1, CIS v1.4 3.5, CIS v3.0 3.3).
 *
 * <pre>{@code
 * EnableConfigRecorder config = EnableConfigRecorder.toBucket("config-123456789012")
 *     .globalResourceTypesRegion("eu-west-1")
 *     .build();
 * }</pre>
 *
 * <p><b>Global resource types</b> (IAM users, roles, policies) are the same in every Region;
 * recording them everywhere multiplies cost and findings. They are recorded in one Region only: the
 * one given to {@link Builder#globalResourceTypesRegion}, by default
 * {@value #DEFAULT_GLOBAL_REGION} (where AWS delivers the events of global services).
 *
 * <p><b>Observe.</b> {@code DescribeConfigurationRecorders}, {@code DescribeDeliveryChannels},
 * {@code DescribeConfigurationRecorderStatus}, the bucket (policy, public access block,
 * encryption) and, when a recorder is to be created without a given role, Config's service-linked
 * role ({@code ListRoles} under {@code /aws-service-role/config.amazonaws.com/}). Recorders whose
 * names start with {@value #RESERVED_PREFIX} are service-linked recorders of other services: they
 * are left alone and never count.
 *
 * <p><b>Decide.</b> In this order: {@code CreateServiceLinkedRole} for {@code config.amazonaws.com}
 * (unless a role is given or the recorder keeps its own), the bucket (created, public access
 * blocked, default encryption, Config's statements merged into its policy),
 * {@code PutConfigurationRecorder}, {@code PutDeliveryChannel}, {@code StartConfigurationRecorder}.
 * An existing recorder or delivery channel with other settings is not overwritten silently: the
 * step shows the difference (before and after) and carries {@link Flag#DESTRUCTIVE}, so applying
 * it needs {@code Guardrails.custom().consentTo(Flag.DESTRUCTIVE)}. Settings the caller did not ask
 * for (the existing recorder's role, the channel's SNS topic and snapshot frequency) are kept.
 *
 * <p><b>Steps.</b> {@code StartConfigurationRecorder} is checked with
 * {@code DescribeConfigurationRecorderStatus} ({@code recording}; {@code lastStatus} may stay
 * {@code PENDING} until the first delivery).
 */
@Value.Immutable
public abstract class EnableConfigRecorder extends AbstractRemediation<EnableConfigRecorder> {
  /** The catalog id. */
  public static final String ID = "config.recorder";
  /** The Region that records global resource types unless another is given. */
  public static final String DEFAULT_GLOBAL_REGION = "us-east-1";
  /** The recorder's name unless one exists or another is given. */
  public static final String DEFAULT_NAME = "default";
  /** Name prefix AWS reserves for service-linked recorders. */
  public static final String RESERVED_PREFIX = "AWSConfigurationRecorderFor";
  static final String SERVICE_LINKED_ROLE_PATH = "/aws-service-role/config.amazonaws.com/";

  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.copyOf(new TreeSet<>(List.of(
      "config:DescribeConfigurationRecorders", "config:DescribeDeliveryChannels",
      "config:DescribeConfigurationRecorderStatus", "config:PutConfigurationRecorder",
      "config:PutDeliveryChannel", "config:StartConfigurationRecorder",
      "iam:ListRoles", "iam:CreateServiceLinkedRole", "iam:PassRole",
      "s3:GetBucketPolicy", "s3:GetBucketPublicAccessBlock", "s3:GetEncryptionConfiguration",
      "s3:CreateBucket", "s3:PutBucketPublicAccessBlock", "s3:PutEncryptionConfiguration",
      "s3:PutBucketPolicy")));
  /** Controls satisfied. */
  public static final List<String> CONTROLS = List.of("FSBP Config.1", "CIS v1.4 3.5", "CIS v3.0 3.3");

  static final String CREATE_SERVICE_LINKED_ROLE = "CreateServiceLinkedRole";
  static final String PUT_RECORDER = "PutConfigurationRecorder";
  static final String PUT_CHANNEL = "PutDeliveryChannel";
  static final String START_RECORDER = "StartConfigurationRecorder";
  /** Errors AWS Config answers while a new role or bucket policy propagates. */
  private static final Set<String> PROPAGATION_ERRORS =
      Set.of("InsufficientDeliveryPolicyException", "InvalidRoleException");

  private static final SpecTable<EnableConfigRecorder, Builder> SPEC =
      SpecTable.<EnableConfigRecorder, Builder>of(ID)
          .start("bucket", SpecKind.aws(AwsNames::bucket), EnableConfigRecorder::bucket,
              EnableConfigRecorder::toBucket)
          .withDefault("globalRegion", SpecKind.aws(AwsNames::region), DEFAULT_GLOBAL_REGION,
              EnableConfigRecorder::globalRegion, Builder::globalResourceTypesRegion)
          .optional("prefix", SpecKind.aws(AwsNames::s3Prefix), EnableConfigRecorder::prefix,
              Builder::keyPrefix)
          .optional("snsTopic", SpecKind.aws(AwsNames::snsTopicArn),
              EnableConfigRecorder::snsTopic, Builder::snsTopic)
          .optional("role", SpecKind.aws(AwsNames::roleArn), EnableConfigRecorder::role,
              Builder::role)
          .optional("name", SpecKind.text(), EnableConfigRecorder::recorderName,
              Builder::recorderName)
          .build(Builder::build);

  EnableConfigRecorder() {}

  /** @return the bucket the delivery channel writes to */
  abstract String bucket();

  /** @return the S3 key prefix, or null */
  abstract @Nullable String prefix();

  /** @return the SNS topic ARN the delivery channel notifies, or null to keep the channel's */
  abstract @Nullable String snsTopic();

  /** @return the role the recorder records with, or null for Config's service-linked role */
  abstract @Nullable String role();

  /** @return the one Region that records global resource types */
  @Value.Default
  String globalRegion() {
    return DEFAULT_GLOBAL_REGION;
  }

  /** @return the recorder's name when one is created, or null for {@value #DEFAULT_NAME} */
  abstract @Nullable String recorderName();

  /**
   * Every check of the values, in one place: each name, and a recorder name this library may use.
   * Normalises the prefix ({@link Names#prefix}).
   *
   * @return this, or a copy with the prefix normalised
   * @throws InvalidRemediationException naming the bad value
   */
  @Value.Check
  final EnableConfigRecorder normalised() {
    AwsNames.bucket(bucket());
    String prefix = Names.prefix(prefix());
    Names.checked(snsTopic(), AwsNames::snsTopicArn);
    Names.checked(role(), AwsNames::roleArn);
    AwsNames.region(globalRegion());
    String name = recorderName();
    if (name != null && (name.isBlank() || name.length() > 256
        || name.startsWith(RESERVED_PREFIX))) {
      throw new InvalidRemediationException("'" + name + "' is not a recorder name this "
          + "library may use (1-256 characters, not starting with the reserved " + RESERVED_PREFIX + ")");
    }
    return Objects.equals(prefix, prefix()) ? this
        : ImmutableEnableConfigRecorder.copyOf(this).withPrefix(prefix);
  }

  /**
   * Starts a recorder delivering to a bucket (created when missing).
   *
   * @param bucket the S3 bucket name
   * @return a builder
   */
  public static Builder toBucket(String bucket) {
    return new Builder(bucket);
  }

  @Override
  protected SpecTable<EnableConfigRecorder, ?> specTable() {
    return SPEC;
  }

  // ---------------------------------------------------------------- observe and decide

  /**
   * What {@link #plan} reads, as values; {@link #decide} plans from it with no AWS call.
   *
   * @param region the Region
   * @param account the account
   * @param recorder the Region's recorder (service-linked recorders left out), or null
   * @param channel the Region's delivery channel, or null
   * @param recording whether the recorder records
   * @param serviceLinkedRole Config's service-linked role when it was looked up and found, or null
   * @param bucket the bucket
   */
  record Observation(String region, String account, @Nullable ConfigurationRecorder recorder,
      @Nullable DeliveryChannel channel, boolean recording, @Nullable String serviceLinkedRole,
      LogBucket.State bucket) {}

  @Override
  public Plan plan(RemediationContext context) {
    Observation observed = observe(context);
    return decide(observed, context.newPlan(this, "AWS::Config::ConfigurationRecorder",
        recorderName(observed)));
  }

  /** The Region's recorder keeps its name; otherwise the one given, or {@value #DEFAULT_NAME}. */
  String recorderName(Observation o) {
    String name = recorderName();
    return o.recorder() != null ? o.recorder().name() : name != null ? name : DEFAULT_NAME;
  }

  /** Every read: recorders, channels, the recorder's status, the service-linked role, the bucket. */
  Observation observe(RemediationContext context) {
    ConfigClient config = context.scope().client(ConfigClient.class, ConfigClient::builder);
    ConfigurationRecorder recorder = config.describeConfigurationRecorders().configurationRecorders()
        .stream().filter(r -> !r.name().startsWith(RESERVED_PREFIX))
        .min(Comparator.comparing(ConfigurationRecorder::name)).orElse(null);
    DeliveryChannel channel = config.describeDeliveryChannels().deliveryChannels().stream()
        .min(Comparator.comparing(DeliveryChannel::name)).orElse(null);
    ConfigurationRecorderStatus status = recorder == null ? null
        : config.describeConfigurationRecorderStatus(r -> r.configurationRecorderNames(
            recorder.name())).configurationRecordersStatus().stream().findFirst().orElse(null);
    boolean recording = status != null && Boolean.TRUE.equals(status.recording());
    String linked = null;
    boolean includeGlobal = context.region().equals(globalRegion());
    if (role() == null && (recorder == null || (recorder.roleARN() == null
        && !recorderMatches(recorder, includeGlobal)))) {
      Role slr = serviceLinkedRole(context);
      linked = slr == null ? null : slr.arn();
    }
    LogBucket.State bucketState = LogBucket.observe(LogBucket.s3(context), bucket());
    return new Observation(context.region(), context.account(), recorder, channel, recording,
        linked, bucketState);
  }

  /**
   * The plan, in order: service-linked role, bucket, recorder, delivery channel, start. No AWS call.
   *
   * @param o what was observed
   * @param plan a plan builder with remediation, target ({@link #recorderName}) and observation
   *     time set
   * @return the plan
   */
  Plan decide(Observation o, Plan.Builder plan) {
    ConfigurationRecorder recorder = o.recorder();
    String name = recorderName(o);
    plan.addAllControls(CONTROLS);
    boolean includeGlobal = o.region().equals(globalRegion());
    boolean recorderWrong = recorder == null || !recorderMatches(recorder, includeGlobal);
    // Role: given, the existing recorder's own, or Config's service-linked role.
    String role = role();
    String roleArn = role != null ? role : recorder != null ? recorder.roleARN() : null;
    if (roleArn == null && recorderWrong) {
      roleArn = o.serviceLinkedRole();
      if (roleArn == null) {
        plan.addSteps(serviceLinkedRoleStep(o.account()));
      }
    }
    LogBucket.plan(o.bucket(), o.region(), bucketStatements(o.account()), plan);
    String recorderArn = "arn:aws:config:" + o.region() + ":" + o.account() + ":config-recorder/"
        + name;
    if (recorderWrong) {
      plan.addSteps(recorderStep(recorder, name, recorderArn, includeGlobal, roleArn));
    }
    if (o.channel() == null || !channelMatches(o.channel())) {
      plan.addSteps(channelStep(o));
    }
    if (!o.recording()) {
      plan.addSteps(Step.builder().kind(START_RECORDER).action(Action.CHANGE).resource(recorderArn)
          .summary("start configuration recorder " + name)
          .before(recorder == null ? "not created" : "stopped").after("recording")
          .putParameters("name", name).build());
    }
    Plan built = plan.build();
    return built.isEmpty() ? built
        : Plan.builder().from(built).addAllIamActions(actionsFor(built.steps())).build();
  }

  private static Step serviceLinkedRoleStep(String account) {
    return Step.builder().kind(CREATE_SERVICE_LINKED_ROLE).action(Action.ADD)
        .resource("arn:aws:iam::" + account + ":role" + SERVICE_LINKED_ROLE_PATH
            + "AWSServiceRoleForConfig")
        .summary("create the service-linked role AWS Config records with")
        .after("AWSServiceRoleForConfig").putParameters("service", "config.amazonaws.com")
        .build();
  }

  private Step recorderStep(@Nullable ConfigurationRecorder recorder, String name,
      String recorderArn, boolean includeGlobal, @Nullable String roleArn) {
    String after = "allSupported=true, includeGlobalResourceTypes=" + includeGlobal + ", role="
        + (roleArn != null ? roleArn : "AWSServiceRoleForConfig");
    var step = Step.builder().kind(PUT_RECORDER)
        .action(recorder == null ? Action.ADD : Action.CHANGE).resource(recorderArn)
        .summary((recorder == null ? "create" : "overwrite the settings of") + " configuration "
            + "recorder " + name + ": all supported resource types, global types "
            + (includeGlobal ? "recorded here" : "recorded only in " + globalRegion()))
        .after(after).putParameters("name", name)
        .putParameters("includeGlobal", Boolean.toString(includeGlobal));
    if (roleArn != null) {
      step.putParameters("roleArn", roleArn);
    }
    if (recorder != null) {
      step.before(describe(recorder)).addFlags(Flag.DESTRUCTIVE);
    }
    return step.build();
  }

  private Step channelStep(Observation o) {
    DeliveryChannel channel = o.channel();
    String channelName = channel != null ? channel.name() : DEFAULT_NAME;
    String snsTopic = snsTopic();
    String topic = snsTopic != null ? snsTopic : channel != null ? channel.snsTopicARN() : null;
    String prefix = prefix();
    String destination = "s3://" + bucket() + (prefix != null ? "/" + prefix : "");
    var step = Step.builder().kind(PUT_CHANNEL)
        .action(channel == null ? Action.ADD : Action.CHANGE)
        .resource("arn:aws:config:" + o.region() + ":" + o.account() + ":delivery-channel/"
            + channelName)
        .summary((channel == null ? "create" : "overwrite the settings of") + " delivery channel "
            + channelName + " to " + destination)
        .after(destination + (topic != null ? ", SNS " + topic : ""))
        .putParameters("name", channelName).putParameters("bucket", bucket());
    putIfPresent(step::putParameters, "prefix", prefix);
    putIfPresent(step::putParameters, "snsTopic", topic);
    if (channel != null) {
      step.before(describe(channel)).addFlags(Flag.DESTRUCTIVE);
      if (channel.configSnapshotDeliveryProperties() != null
          && channel.configSnapshotDeliveryProperties().deliveryFrequency() != null) {
        step.putParameters("frequency",
            channel.configSnapshotDeliveryProperties().deliveryFrequencyAsString());
      }
    }
    return step.build();
  }

  private boolean recorderMatches(ConfigurationRecorder r, boolean includeGlobal) {
    RecordingGroup g = r.recordingGroup();
    return g != null && Boolean.TRUE.equals(g.allSupported())
        && includeGlobal == Boolean.TRUE.equals(g.includeGlobalResourceTypes())
        && (role() == null || Objects.equals(role(), r.roleARN()));
  }

  private boolean channelMatches(DeliveryChannel c) {
    return bucket().equals(c.s3BucketName())
        && Objects.equals(prefix(), Names.emptyToNull(c.s3KeyPrefix()))
        && (snsTopic() == null || Objects.equals(snsTopic(), c.snsTopicARN()));
  }

  private static @Nullable Role serviceLinkedRole(RemediationContext context) {
    IamClient iam = context.scope().client(IamClient.class, IamClient::builder);
    return iam.listRolesPaginator(r -> r.pathPrefix(SERVICE_LINKED_ROLE_PATH)).roles().stream()
        .findFirst().orElse(null);
  }

  /** Config's statements in the bucket policy, restricted to this account. */
  List<IamStatement> bucketStatements(String account) {
    String[] source = Policies.condition("StringEquals", "aws:SourceAccount", account);
    String prefix = prefix();
    String bucketArn = "arn:aws:s3:::" + bucket();
    String objects = bucketArn + "/" + (prefix != null ? prefix + "/" : "") + "AWSLogs/" + account
        + "/Config/*";
    String suffix = prefix == null ? "" : Names.sidSuffix(prefix);
    return List.of(
        Policies.allowService("RemediateConfigAclCheck", "config.amazonaws.com",
            List.of("s3:GetBucketAcl"), List.of(bucketArn), Policies.conditions(source)),
        Policies.allowService("RemediateConfigExistenceCheck", "config.amazonaws.com",
            List.of("s3:ListBucket"), List.of(bucketArn), Policies.conditions(source)),
        Policies.allowService("RemediateConfigWrite" + suffix, "config.amazonaws.com",
            List.of("s3:PutObject"), List.of(objects), Policies.conditions(
                Policies.condition("StringEquals", "s3:x-amz-acl", "bucket-owner-full-control"),
                source)));
  }

  private static Set<String> actionsFor(List<Step> steps) {
    Set<String> actions = new TreeSet<>(List.of("config:DescribeConfigurationRecorders",
        "config:DescribeDeliveryChannels", "config:DescribeConfigurationRecorderStatus"));
    actions.addAll(LogBucket.READ_ACTIONS);
    for (Step s : steps) {
      switch (s.kind()) {
        case CREATE_SERVICE_LINKED_ROLE -> actions.addAll(List.of("iam:ListRoles",
            "iam:CreateServiceLinkedRole"));
        case PUT_RECORDER -> actions.addAll(List.of("config:PutConfigurationRecorder",
            "iam:PassRole", "iam:ListRoles"));
        case LogBucket.CREATE_BUCKET -> actions.add("s3:CreateBucket");
        case LogBucket.PUT_PUBLIC_ACCESS_BLOCK -> actions.add("s3:PutBucketPublicAccessBlock");
        case LogBucket.PUT_BUCKET_ENCRYPTION -> actions.add("s3:PutEncryptionConfiguration");
        case LogBucket.PUT_BUCKET_POLICY -> actions.add("s3:PutBucketPolicy");
        default -> actions.add("config:" + s.kind());
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
    ConfigClient config = context.scope().client(ConfigClient.class, ConfigClient::builder);
    Map<String, String> p = step.parameters();
    switch (step.kind()) {
      case CREATE_SERVICE_LINKED_ROLE -> createServiceLinkedRole(context);
      case PUT_RECORDER -> {
        String roleArn = p.get("roleArn");
        if (roleArn == null) {
          Role linked = serviceLinkedRole(context);
          if (linked == null) {
            throw new RemediationException("Config's service-linked role is missing after "
                + "CreateServiceLinkedRole");
          }
          roleArn = linked.arn();
        }
        String recorderRole = roleArn;
        Propagation.retryWhilePropagating(context, PROPAGATION_ERRORS, () -> config.putConfigurationRecorder(r -> r
            .configurationRecorder(c -> c.name(p.get("name")).roleARN(recorderRole)
                .recordingGroup(g -> g.allSupported(true)
                    .includeGlobalResourceTypes(Parameters.bool("includeGlobal",
                        p.get("includeGlobal"), false))))));
      }
      case PUT_CHANNEL -> Propagation.retryWhilePropagating(context, PROPAGATION_ERRORS, () -> config.putDeliveryChannel(r -> r
          .deliveryChannel(c -> {
            c.name(p.get("name")).s3BucketName(p.get("bucket")).s3KeyPrefix(p.get("prefix"))
                .snsTopicARN(p.get("snsTopic"));
            if (p.containsKey("frequency")) {
              c.configSnapshotDeliveryProperties(d -> d.deliveryFrequency(p.get("frequency")));
            }
          })));
      case START_RECORDER -> {
        String name = p.get("name");
        config.startConfigurationRecorder(r -> r.configurationRecorderName(name));
        // Verify: recording. (DescribeDeliveryChannelStatus is not needed for that.)
        boolean recording = config.describeConfigurationRecorderStatus(
                r -> r.configurationRecorderNames(name)).configurationRecordersStatus().stream()
            .anyMatch(s -> Boolean.TRUE.equals(s.recording()));
        if (!recording) {
          throw new RemediationException("DescribeConfigurationRecorderStatus shows recorder "
              + name + " not recording after StartConfigurationRecorder");
        }
      }
      default -> throw new InvalidRemediationException("EnableConfigRecorder has no step " + step.kind());
    }
  }

  private static void createServiceLinkedRole(RemediationContext context) {
    try {
      context.scope().client(IamClient.class, IamClient::builder)
          .createServiceLinkedRole(r -> r.awsServiceName("config.amazonaws.com"));
    } catch (RuntimeException e) {
      // AWS answers InvalidInput ("has been taken"), some emulators EntityAlreadyExists.
      if (!AwsErrors.is(e, "EntityAlreadyExists", "InvalidInput")) {
        throw e;
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private static String describe(ConfigurationRecorder r) {
    RecordingGroup g = r.recordingGroup();
    return "allSupported=" + (g == null ? null : g.allSupported()) + ", includeGlobalResourceTypes="
        + (g == null ? null : g.includeGlobalResourceTypes()) + ", resourceTypes="
        + (g == null ? List.of() : g.resourceTypesAsStrings()) + ", role=" + r.roleARN();
  }

  private static String describe(DeliveryChannel c) {
    return "s3://" + c.s3BucketName() + (c.s3KeyPrefix() != null && !c.s3KeyPrefix().isEmpty()
        ? "/" + c.s3KeyPrefix() : "") + (c.snsTopicARN() != null ? ", SNS " + c.snsTopicARN() : "");
  }

  private static void putIfPresent(java.util.function.BiConsumer<String, String> put, String key,
      @Nullable String value) {
    if (value != null) {
      put.accept(key, value);
    }
  }

  /** Builds an {@link EnableConfigRecorder}; {@link #build()} validates every value. */
  @SuppressWarnings("immutables:incompat") // not an extension of the generated builder: it wraps one
  public static final class Builder {
    private final ImmutableEnableConfigRecorder.Builder values =
        ImmutableEnableConfigRecorder.builder();

    private Builder(String bucket) {
      values.bucket(bucket);
    }

    /**
     * @param prefix the S3 key prefix, no leading or trailing {@code /}
     * @return this builder
     */
    public Builder keyPrefix(@Nullable String prefix) {
      values.prefix(prefix);
      return this;
    }

    /**
     * @param topicArn an SNS topic the delivery channel notifies
     * @return this builder
     */
    public Builder snsTopic(String topicArn) {
      values.snsTopic(topicArn);
      return this;
    }

    /**
     * Records with this role instead of Config's service-linked role; an existing recorder with
     * another role is then a difference to overwrite.
     *
     * @param roleArn role ARN
     * @return this builder
     */
    public Builder role(String roleArn) {
      values.role(roleArn);
      return this;
    }

    /**
     * The one Region that records global resource types (default {@value #DEFAULT_GLOBAL_REGION}).
     *
     * @param region region id
     * @return this builder
     */
    public Builder globalResourceTypesRegion(String region) {
      values.globalRegion(region);
      return this;
    }

    /**
     * The recorder's name when one is created (default {@value #DEFAULT_NAME}); an existing
     * recorder keeps its name, since a Region has only one.
     *
     * @param name recorder name, not starting with {@value #RESERVED_PREFIX}
     * @return this builder
     */
    public Builder recorderName(String name) {
      values.recorderName(name);
      return this;
    }

    /**
     * @return the remediation
     * @throws InvalidRemediationException naming the bad value
     */
    public EnableConfigRecorder build() {
      return values.build();
    }
  }

  /** The catalog entry of {@link EnableConfigRecorder}. */
  public static final class Type extends AbstractRemediationType {
    /** Creates the type (service loader). */
    public Type() {
      super(ID, "The AWS Config recorder of a Region (all supported types, global types in one "
          + "Region), its delivery channel and bucket, started",
          CONTROLS, IAM_ACTIONS, EnumSet.of(Flag.DESTRUCTIVE));
      specTable(SPEC);
    }

    /** The recorder's role (service-linked or given) is assumed by AWS Config. */
    @Override
    public Set<String> roleServices() {
      return Set.of("config.amazonaws.com");
    }

    static final Setting BUCKET = Setting.text("config.s3Bucket", "S3 bucket the delivery "
        + "channel writes to (created when missing, public access blocked, encrypted, TLS "
        + "required); required");
    static final Setting GLOBAL_REGION = new Setting("config.globalRegion", Setting.Kind.TEXT,
        "The one Region whose recorder records global resource types (IAM users, roles, "
        + "policies); the recorders of other Regions leave them out",
        Optional.of(DEFAULT_GLOBAL_REGION));

    /** Settings {@code config.s3Bucket} (required) and {@code config.globalRegion}. */
    @Override
    public Optional<Remediation> forRegion(Map<String, String> settings) {
      Optional<String> bucket = BUCKET.valueIn(settings);
      String global = GLOBAL_REGION.valueIn(settings, AwsNames::region).orElseThrow();
      return bucket.map(b -> toBucket(b).globalResourceTypesRegion(global).build());
    }

    @Override
    public List<Setting> settings() {
      return List.of(BUCKET, GLOBAL_REGION);
    }
  }
}
