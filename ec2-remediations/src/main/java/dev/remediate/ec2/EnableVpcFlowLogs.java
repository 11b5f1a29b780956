package dev.remediate.ec2;

import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.Setting;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.plan.Step;
import dev.remediate.core.aws.AwsNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * VPC flow logs for one VPC, a list of VPCs, or every VPC of a region, delivered to an S3 bucket or
 * a CloudWatch Logs log group (FSBP EC2.6, CIS v1.4 3.9, CIS v3.0 3.7).
 *
 * <pre>{@code
 * Remediation toS3 = EnableVpcFlowLogs.forEveryVpc()
 *     .toS3Bucket("acme-flow-logs", "vpc")
 *     .trafficType(EnableVpcFlowLogs.TrafficType.ALL)
 *     .build();
 * PlanSet plans = remediator.planSet(List.of(toS3)); // one plan per VPC, and the bucket's
 * Remediation toLogs = EnableVpcFlowLogs.forVpc("vpc-0abc1234")
 *     .toLogGroup("/vpc/flow-logs")
 *     .createDeliveryRole("vpc-flow-logs")
 *     .retentionDays(365)
 *     .build();
 * }</pre>
 *
 * <p><b>Plans</b> ({@link #planEach}): one per VPC (target {@code AWS::EC2::VPC}), each rebuilt by
 * its spec as the remediation of that VPC alone; compliant and opted-out VPCs give empty plans. When
 * some VPC needs a flow log, one more plan prepares the destination (target the bucket,
 * {@code AWS::S3::Bucket}, or the log group, {@code AWS::Logs::LogGroup}, with its delivery role);
 * it {@link Plan#provides() provides} the destination ARN and the VPC plans {@link Plan#requires()
 * require} it unless it is empty. When no VPC needs a flow log, the destination is not read.
 *
 * <p><b>Observe</b> ({@link FlowLogObserver}): the VPCs and their flow logs, one paginated call each;
 * the destination ({@link FlowLogBucket}, {@link LogGroupDelivery}) only when needed.
 * <b>Decide</b> ({@link FlowLogDecision}, no AWS calls): a VPC is compliant when one of its flow logs
 * has the wanted traffic type, destination (and log format and aggregation interval, when given) and
 * is {@code ACTIVE}. Other flow logs are left alone, unless {@link Builder#replaceExisting()} asks to
 * delete them once the new one exists (flagged {@link Flag#DESTRUCTIVE}). <b>Steps</b>
 * ({@link FlowLogSteps}): the {@code CreateFlowLogs} steps of VPCs with equal settings are carried
 * out together, up to {@value #MAX_VPCS_PER_CALL} VPCs a call; deletions run per VPC afterwards.
 */
public final class EnableVpcFlowLogs extends AbstractRemediation<EnableVpcFlowLogs> {
  /** The catalog id. */
  public static final String ID = "ec2.vpc-flow-logs";
  /** Most VPC ids one {@code CreateFlowLogs} call accepts. */
  public static final int MAX_VPCS_PER_CALL = 1000;
  /** Name of the delivery role created when none is given. */
  public static final String DEFAULT_ROLE_NAME = "remediate-vpc-flow-logs";
  /** Name of the inline policy put on a created delivery role. */
  public static final String ROLE_POLICY_NAME = "remediate-vpc-flow-logs-delivery";
  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.of(
      "ec2:DescribeVpcs", "ec2:DescribeFlowLogs", "ec2:CreateFlowLogs", "ec2:DeleteFlowLogs",
      "logs:CreateLogDelivery", "logs:DeleteLogDelivery",
      "s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:CreateBucket",
      "s3:PutBucketPublicAccessBlock", "s3:PutEncryptionConfiguration",
      "logs:DescribeLogGroups", "logs:CreateLogGroup", "logs:PutRetentionPolicy",
      "iam:GetRole", "iam:CreateRole", "iam:UpdateAssumeRolePolicy", "iam:GetRolePolicy",
      "iam:PutRolePolicy", "iam:PassRole");
  static final List<String> CONTROLS = List.of("FSBP EC2.6", "CIS v1.4 3.9", "CIS v3.0 3.7");
  private static final String EVERY = "*";

  /** Which traffic a flow log records. */
  public enum TrafficType {
    /** Accepted and rejected traffic (the default, and what CIS asks for at least REJECT). */
    ALL,
    /** Accepted traffic only. */
    ACCEPT,
    /** Rejected traffic only. */
    REJECT
  }

  /** Which plans this remediation makes: spec parameter {@code part}. */
  enum Part {
    /** The VPCs' plans and, when needed, the destination's (no {@code part} parameter). */
    ALL(null),
    /** Only the VPCs' plans: how apply observes them again. */
    FLOW_LOGS("flowLogs"),
    /** Only the destination's plan. */
    DESTINATION("destination");

    final @Nullable String parameter;

    Part(@Nullable String parameter) {
      this.parameter = parameter;
    }

    static Part of(@Nullable String value) {
      for (Part part : values()) {
        if (Objects.equals(part.parameter, value)) {
          return part;
        }
      }
      throw new InvalidRemediationException("Parameter 'part' of " + ID + " must be flowLogs or "
          + "destination, was '" + value + "'");
    }
  }

  private final @Nullable List<String> vpcIds;
  private final Part part;
  private final FlowLogSettings settings;

  /** @return the chosen VPCs, or null for every VPC of the region */
  @Nullable List<String> vpcIds() {
    return vpcIds;
  }

  /** @return which plans this remediation makes */
  Part part() {
    return part;
  }

  /** @return the destination and flow-log options */
  FlowLogSettings settings() {
    return settings;
  }

  private EnableVpcFlowLogs(@Nullable List<String> vpcIds, Part part, FlowLogSettings settings) {
    this.vpcIds = vpcIds == null ? null : List.copyOf(vpcIds);
    this.part = part;
    this.settings = settings;
  }

  /**
   * Flow logs for one VPC.
   *
   * @param vpcId e.g. {@code vpc-0abc1234}
   * @return a builder; choose a destination, then {@code build()}
   */
  public static Builder forVpc(String vpcId) {
    return forVpcs(List.of(vpcId));
  }

  /**
   * Flow logs for each of several VPCs of one region.
   *
   * @param vpcIds VPC ids
   * @return a builder
   */
  public static Builder forVpcs(Collection<String> vpcIds) {
    return new Builder(vpcIds == null ? null : new ArrayList<>(vpcIds), Part.ALL, false);
  }

  /** @return a builder for flow logs on every VPC of the region */
  public static Builder forEveryVpc() {
    return new Builder(null, Part.ALL, true);
  }

  /**
   * Only the destination's set-up, no flow log: the bucket (created when asked) and its policy, or
   * the log group, its retention and the delivery role. This is the remediation of the
   * destination's plan that VPC plans require.
   *
   * @return a builder; choose the destination, then {@code build()}
   */
  public static Builder forDestinationOnly() {
    return new Builder(null, Part.DESTINATION, true);
  }

  /** The table of the VPC forms; the destination-only form has its own ({@link #spec()}). */
  @Override
  protected SpecTable<EnableVpcFlowLogs, ?> specTable() {
    return FlowLogSpec.VPCS;
  }

  @Override
  public RemediationSpec spec() {
    return (part == Part.DESTINATION ? FlowLogSpec.DESTINATION : FlowLogSpec.VPCS).spec(this);
  }

  /** @return the remediation of one VPC with these settings, whose spec that VPC's plan carries */
  private EnableVpcFlowLogs ofVpc(String vpcId) {
    return new EnableVpcFlowLogs(List.of(vpcId), Part.ALL, settings);
  }

  private EnableVpcFlowLogs destination() {
    return new EnableVpcFlowLogs(null, Part.DESTINATION, new FlowLogSettings(settings.s3Bucket(),
        settings.s3Prefix(), settings.createBucket(), settings.logGroup(),
        settings.deliveryRoleArn(), settings.deliveryRoleName(), settings.retentionDays(),
        settings.logGroupKmsKey(), TrafficType.ALL, null, null, false));
  }

  // ---------------------------------------------------------------- plan

  /**
   * Plans one VPC alone (a remediation {@link #forVpc} of one VPC, whose destination needs no
   * set-up) or only the destination ({@link #forDestinationOnly()}). Every other form plans several
   * targets: use {@link dev.remediate.core.Remediator#planSet}.
   *
   * @throws InvalidRemediationException when this remediation plans several targets
   */
  @Override
  public Plan plan(RemediationContext context) {
    List<Plan> plans = planEach(context);
    boolean oneVpc = part != Part.DESTINATION && vpcIds != null && vpcIds.size() == 1;
    if (part == Part.DESTINATION || (oneVpc && plans.size() == 1)) {
      return plans.get(0);
    }
    if (oneVpc && plans.get(0).isEmpty()) {
      return plans.get(1);
    }
    throw new InvalidRemediationException(this + " plans " + plans.size() + " targets ("
        + plans.stream().map(p -> p.target().id()).toList() + "): plan them with "
        + "Remediator.planSet, which keeps the destination's plan ahead of the VPCs' plans");
  }

  /**
   * One plan per VPC and, when some VPC needs a flow log, the destination's plan first.
   *
   * @return the plans: destination (if read), then VPCs by id
   */
  @Override
  public List<Plan> planEach(RemediationContext context) {
    if (part == Part.DESTINATION) {
      return List.of(FlowLogDestination.plan(this, settings, context));
    }
    FlowLogObserver.Observation observed = FlowLogObserver.observe(
        context.scope().client(Ec2Client.class, Ec2Client::builder), vpcIds);
    FlowLogDecision.Facts facts = new FlowLogDecision.Facts(context.region(), context.account(),
        context.clock().instant(), context.guardrails().optOutTagKey());
    List<Plan> vpcPlans = new FlowLogDecision(settings, facts, v -> ofVpc(v).spec())
        .decide(observed);
    if (part == Part.FLOW_LOGS || vpcPlans.stream().allMatch(Plan::isEmpty)) {
      return vpcPlans;
    }
    Plan destination = FlowLogDestination.plan(destination(), settings, context);
    List<Plan> plans = new ArrayList<>(List.of(destination));
    vpcPlans.forEach(p -> plans.add(destination.isEmpty() || p.isEmpty() ? p
        : Plan.builder().from(p).addRequires(destination.key()).build()));
    return plans;
  }

  /** @return the log group and delivery role of a CloudWatch Logs destination, for flow logs */
  LogGroupDelivery.Wanted delivery(String region, String account) {
    return FlowLogDestination.delivery(settings, region, account);
  }

  // ---------------------------------------------------------------- steps

  @Override
  public Optional<String> batchKey(Step step) {
    return FlowLogSteps.batchKey(step);
  }

  @Override
  public Map<Step, RuntimeException> executeBatch(List<Step> steps, RemediationContext context) {
    return FlowLogSteps.createAll(steps, context);
  }

  @Override
  public void execute(Step step, RemediationContext context) {
    switch (step.kind()) {
      case FlowLogSteps.CREATE -> {
        RuntimeException failure = FlowLogSteps.createAll(List.of(step), context).get(step);
        if (failure != null) {
          throw failure;
        }
      }
      case FlowLogSteps.DELETE -> FlowLogSteps.delete(step, context);
      default -> {
        boolean done = settings.toS3() ? FlowLogBucket.execute(step, settings, context)
            : LogGroupDelivery.execute(step, delivery(context.region(), context.account()),
                context);
        if (!done) {
          throw new RemediationException("EnableVpcFlowLogs has no step " + step.kind());
        }
      }
    }
  }

  // ---------------------------------------------------------------- value

  /** Builds an {@link EnableVpcFlowLogs}; exactly one destination is required. */
  public static final class Builder {
    private @Nullable List<String> vpcIds;
    private final boolean every;
    private Part part;
    @Nullable String s3Bucket;
    private @Nullable String s3Prefix;
    private boolean createBucket;
    private @Nullable String logGroup;
    private @Nullable String deliveryRoleArn;
    private @Nullable String deliveryRoleName;
    private @Nullable Integer retentionDays;
    private @Nullable String logGroupKmsKey;
    private TrafficType trafficType = TrafficType.ALL;
    private @Nullable String logFormat;
    private @Nullable Integer maxAggregationInterval;
    private boolean replaceExisting;

    private Builder(@Nullable List<String> vpcIds, Part part, boolean every) {
      this.vpcIds = vpcIds;
      this.part = part;
      this.every = every;
    }

    /**
     * Delivers to an S3 bucket, at the bucket's root.
     *
     * @param bucket bucket name
     * @return this builder
     */
    public Builder toS3Bucket(String bucket) {
      this.s3Bucket = bucket;
      return this;
    }

    /**
     * Delivers to an S3 bucket under a key prefix.
     *
     * @param bucket bucket name
     * @param prefix key prefix without leading or trailing slash, e.g. {@code vpc-flow-logs}
     * @return this builder
     */
    public Builder toS3Bucket(String bucket, String prefix) {
      this.s3Bucket = bucket;
      this.s3Prefix = prefix;
      return this;
    }

    /**
     * Creates the S3 bucket when it does not exist, with public access blocked and default
     * encryption (SSE-S3). Without this, a missing bucket fails the plan.
     *
     * @return this builder
     */
    public Builder createBucketIfMissing() {
      this.createBucket = true;
      return this;
    }

    /**
     * Delivers to a CloudWatch Logs log group, created when missing.
     *
     * @param name log group name, e.g. {@code /vpc/flow-logs}
     * @return this builder
     */
    public Builder toLogGroup(String name) {
      this.logGroup = name;
      return this;
    }

    /**
     * Uses an existing delivery role for the CloudWatch Logs destination.
     *
     * @param roleArn e.g. {@code arn:aws:iam::123456789012:role/flow-logs}
     * @return this builder
     */
    public Builder deliveryRole(String roleArn) {
      this.deliveryRoleArn = roleArn;
      return this;
    }

    /**
     * Creates (or completes) a delivery role with this name for the CloudWatch Logs destination
     * (default {@value EnableVpcFlowLogs#DEFAULT_ROLE_NAME} when no role is given).
     *
     * @param roleName IAM role name
     * @return this builder
     */
    public Builder createDeliveryRole(String roleName) {
      this.deliveryRoleName = roleName;
      return this;
    }

    /**
     * Sets the retention of a log group destination.
     *
     * @param days one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ... 3653)
     * @return this builder
     */
    public Builder retentionDays(int days) {
      this.retentionDays = days;
      return this;
    }

    /**
     * Encrypts a log group this remediation creates with a KMS key.
     *
     * @param keyArn KMS key ARN
     * @return this builder
     */
    public Builder logGroupKmsKey(String keyArn) {
      this.logGroupKmsKey = keyArn;
      return this;
    }

    /**
     * Sets the traffic recorded (default {@link TrafficType#ALL}).
     *
     * @param trafficType the traffic type
     * @return this builder
     */
    public Builder trafficType(TrafficType trafficType) {
      this.trafficType = Objects.requireNonNull(trafficType, "trafficType");
      return this;
    }

    /**
     * Sets a custom log format (default: AWS's default format, and any format is accepted as
     * compliant).
     *
     * @param format e.g. {@code ${version} ${account-id} ${interface-id} ...}
     * @return this builder
     */
    public Builder logFormat(String format) {
      this.logFormat = format;
      return this;
    }

    /**
     * Sets the maximum aggregation interval.
     *
     * @param seconds 60 or 600
     * @return this builder
     */
    public Builder maxAggregationInterval(int seconds) {
      this.maxAggregationInterval = seconds;
      return this;
    }

    /**
     * Replaces other flow logs of the VPCs concerned: the new one is created first, then the others
     * are deleted. Flagged {@link Flag#DESTRUCTIVE}.
     *
     * @return this builder
     */
    public Builder replaceExisting() {
      this.replaceExisting = true;
      return this;
    }

    /** Plans only the VPCs, never the destination: how apply observes VPC plans again. */
    Builder flowLogsOnly() {
      this.part = Part.FLOW_LOGS;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the remediation
     * @throws InvalidRemediationException naming the bad value
     */
    public EnableVpcFlowLogs build() {
      if (!every) {
        vpcIds = NetworkSupport.requireIds(vpcIds, AwsNames::vpcId, "VPC");
      }
      FlowLogSettings settings = new FlowLogSettings(s3Bucket, s3Prefix, createBucket, logGroup,
          deliveryRoleArn, deliveryRoleName, retentionDays, logGroupKmsKey, trafficType, logFormat,
          maxAggregationInterval, replaceExisting).validate();
      return new EnableVpcFlowLogs(vpcIds, part, settings);
    }
  }

  /** The catalog entry of {@link EnableVpcFlowLogs}. */
  public static final class Type extends AbstractRemediationType {
    /** {@code flowLogs.createBucket}: {@link Builder#createBucketIfMissing()}. */
    static final Setting CREATE_BUCKET = Setting.bool("flowLogs.createBucket", "create the "
        + "flow-log bucket (public access blocked, encrypted, TLS only) when it does not exist",
        false);
    /** {@code flowLogs.replaceExisting}: {@link Builder#replaceExisting()}. */
    static final Setting REPLACE_EXISTING = Setting.bool("flowLogs.replaceExisting", "delete a "
        + "VPC's other flow logs once the new one exists (destructive)", false);

    /** Creates the type (service loader). */
    public Type() {
      super(ID, "VPC flow logs to S3 or CloudWatch Logs for one, several or every VPC of a region",
          CONTROLS, IAM_ACTIONS, EnumSet.of(Flag.DESTRUCTIVE));
    }

    /** The delivery role is assumed by VPC Flow Logs. */
    @Override
    public Set<String> roleServices() {
      return Set.of("vpc-flow-logs.amazonaws.com");
    }

    @Override
    public Remediation fromSpec(RemediationSpec spec) {
      boolean destination = Part.DESTINATION.parameter.equals(spec.parameters().get("part"));
      return (destination ? FlowLogSpec.DESTINATION : FlowLogSpec.VPCS).fromSpec(spec);
    }

    /**
     * Combines VPC plans' specs with equal settings into one remediation of those VPCs' part only,
     * observing the whole region with one {@code DescribeVpcs} and one {@code DescribeFlowLogs}
     * (so a VPC created since is seen, and left to the next plan); destination specs are rebuilt
     * as they are.
     */
    @Override
    public List<Remediation> forTargets(List<RemediationSpec> specs) {
      Map<FlowLogSettings, Boolean> vpcSettings = new LinkedHashMap<>();
      Set<Remediation> out = new LinkedHashSet<>();
      for (RemediationSpec spec : specs) {
        EnableVpcFlowLogs r = (EnableVpcFlowLogs) fromSpec(spec);
        if (r.part == Part.DESTINATION) {
          out.add(r);
        } else {
          vpcSettings.put(r.settings, true);
        }
      }
      vpcSettings.keySet().forEach(s -> out.add(new EnableVpcFlowLogs(null, Part.FLOW_LOGS, s)));
      return List.copyOf(out);
    }

    /**
     * Flow logs for every VPC of the region, to {@code flowLogs.s3Bucket} (with
     * {@code flowLogs.prefix}) or to {@code flowLogs.logGroup} (with a created delivery role), with
     * {@code flowLogs.trafficType} (default ALL).
     */
    @Override
    public Optional<Remediation> forRegion(Map<String, String> settings) {
      return withSettings(forEveryVpc(), settings).map(Builder::build);
    }

    @Override
    public List<Setting> settings() {
      return List.of(
          Setting.text("flowLogs.s3Bucket", "S3 bucket that receives the flow logs (or "
              + "flowLogs.logGroup, not both)"),
          Setting.text("flowLogs.prefix", "key prefix in the flow-log bucket"),
          Setting.text("flowLogs.logGroup", "CloudWatch Logs group that receives the flow logs "
              + "instead of S3 (a delivery role is created)"),
          new Setting("flowLogs.trafficType", Setting.Kind.TEXT, "ALL, ACCEPT or REJECT",
              Optional.of("ALL")),
          CREATE_BUCKET, REPLACE_EXISTING);
    }

    /**
     * Applies scan settings to a builder: {@code flowLogs.s3Bucket} (with {@code flowLogs.prefix})
     * or {@code flowLogs.logGroup} (with a created delivery role), {@code flowLogs.trafficType},
     * {@code flowLogs.createBucket} (S3 only) and {@code flowLogs.replaceExisting}.
     *
     * @return the builder, or empty when no destination is set
     */
    static Optional<Builder> withSettings(Builder b, Map<String, String> settings) {
      String bucket = blankToNull(settings.get("flowLogs.s3Bucket"));
      String group = blankToNull(settings.get("flowLogs.logGroup"));
      if (bucket == null && group == null) {
        return Optional.empty();
      }
      if (bucket != null && group != null) {
        throw new InvalidRemediationException("flowLogs.s3Bucket '" + bucket + "' and "
            + "flowLogs.logGroup '" + group + "' are both set: flow logs go to one destination, "
            + "choose one");
      }
      boolean create = CREATE_BUCKET.valueIn(settings, Boolean::valueOf).orElse(false);
      if (create && group != null) {
        throw new InvalidRemediationException(CREATE_BUCKET.key() + " applies to "
            + "flowLogs.s3Bucket, not to flowLogs.logGroup '" + group + "'");
      }
      String prefix = blankToNull(settings.get("flowLogs.prefix"));
      if (bucket != null) {
        b = prefix == null ? b.toS3Bucket(bucket) : b.toS3Bucket(bucket, prefix);
      } else {
        b.toLogGroup(group);
      }
      String traffic = blankToNull(settings.get("flowLogs.trafficType"));
      if (traffic != null) {
        b.trafficType(FlowLogSettings.trafficType(traffic));
      }
      if (create) {
        b.createBucketIfMissing();
      }
      if (REPLACE_EXISTING.valueIn(settings, Boolean::valueOf).orElse(false)) {
        b.replaceExisting();
      }
      return Optional.of(b);
    }

    private static @Nullable String blankToNull(@Nullable String s) {
      return s == null || s.isBlank() ? null : s.trim();
    }
  }
}
