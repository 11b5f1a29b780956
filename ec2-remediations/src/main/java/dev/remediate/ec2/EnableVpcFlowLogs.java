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
import dev.remediate.ec2.FlowLogSpec.Part;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.immutables.value.Value;
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
@Value.Immutable
public abstract class EnableVpcFlowLogs extends AbstractRemediation<EnableVpcFlowLogs> {
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

  EnableVpcFlowLogs() {}

  /** @return the chosen VPCs, sorted, or null for every VPC of the region */
  abstract @Nullable List<String> vpcIds();

  /** @return which plans this remediation makes */
  abstract Part part();

  // The destination and the flow-log options: the components of settings(), in order; a log
  // group without a role gets deliveryRoleName DEFAULT_ROLE_NAME (normalised()).
  abstract @Nullable String s3Bucket();
  abstract @Nullable String s3Prefix();

  @Value.Default
  boolean createBucket() {
    return false;
  }

  abstract @Nullable String logGroup();
  abstract @Nullable String deliveryRoleArn();
  abstract @Nullable String deliveryRoleName();
  abstract @Nullable Integer retentionDays();
  abstract @Nullable String logGroupKmsKey();

  @Value.Default
  TrafficType trafficType() {
    return TrafficType.ALL;
  }

  abstract @Nullable String logFormat();
  abstract @Nullable Integer maxAggregationInterval();

  @Value.Default
  boolean replaceExisting() {
    return false;
  }

  /** @return the destination and flow-log options, as decision, destination and steps read them */
  FlowLogSettings settings() {
    return new FlowLogSettings(s3Bucket(), s3Prefix(), createBucket(), logGroup(),
        deliveryRoleArn(), deliveryRoleName(), retentionDays(), logGroupKmsKey(), trafficType(),
        logFormat(), maxAggregationInterval(), replaceExisting());
  }

  /**
   * Every check of the values, in one place: the VPC ids, then the settings as a whole
   * ({@link FlowLogSettings#validate()}).
   *
   * @return this, or a copy with the VPC ids sorted and the default delivery role name
   * @throws InvalidRemediationException naming the bad value
   */
  @Value.Check
  final EnableVpcFlowLogs normalised() {
    List<String> vpcIds = vpcIds();
    List<String> vpcs = vpcIds == null ? null
        : NetworkSupport.requireIds(vpcIds, AwsNames::vpcId, "VPC");
    String roleName = settings().validate().deliveryRoleName();
    if (Objects.equals(vpcs, vpcIds) && Objects.equals(roleName, deliveryRoleName())) {
      return this;
    }
    // one copy with both (a with... per value would check a half-normalised copy, again and again)
    return ImmutableEnableVpcFlowLogs.builder().from(this).vpcIds(vpcs).deliveryRoleName(roleName)
        .build();
  }

  /**
   * Flow logs for one VPC.
   *
   * @param vpcId e.g. {@code vpc-0abc1234}
   * @return a builder; choose a destination, then {@code build()}
   */
  public static Builder forVpc(String vpcId) {
    return forVpcs(Collections.singletonList(vpcId));
  }

  /**
   * Flow logs for each of several VPCs of one region.
   *
   * @param vpcIds VPC ids
   * @return a builder
   */
  public static Builder forVpcs(Collection<String> vpcIds) {
    // no VPCs is refused by build(), not taken for every VPC
    return new Builder(vpcIds == null ? List.of() : vpcIds, Part.ALL);
  }

  /** @return a builder for flow logs on every VPC of the region */
  public static Builder forEveryVpc() {
    return new Builder(null, Part.ALL);
  }

  /**
   * Only the destination's set-up, no flow log: the bucket (created when asked) and its policy, or
   * the log group, its retention and the delivery role. This is the remediation of the
   * destination's plan that VPC plans require.
   *
   * @return a builder; choose the destination, then {@code build()}
   */
  public static Builder forDestinationOnly() {
    return new Builder(null, Part.DESTINATION);
  }

  /** The table of the VPC forms; the destination-only form has its own ({@link #spec()}). */
  @Override
  protected SpecTable<EnableVpcFlowLogs, ?> specTable() {
    return FlowLogSpec.VPCS;
  }

  @Override
  public RemediationSpec spec() {
    return (part() == Part.DESTINATION ? FlowLogSpec.DESTINATION : FlowLogSpec.VPCS).spec(this);
  }

  /** @return the remediation of one VPC with these settings, whose spec that VPC's plan carries */
  private EnableVpcFlowLogs ofVpc(String vpcId) {
    return ImmutableEnableVpcFlowLogs.copyOf(this).withVpcIds(vpcId).withPart(Part.ALL);
  }

  /** @return the remediation of the destination's plan: the destination alone */
  private EnableVpcFlowLogs destination() {
    return ImmutableEnableVpcFlowLogs.builder().from(this).vpcIds(null).part(Part.DESTINATION)
        .trafficType(TrafficType.ALL).logFormat(null).maxAggregationInterval(null)
        .replaceExisting(false).build();
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
    List<String> vpcIds = vpcIds();
    boolean oneVpc = part() != Part.DESTINATION && vpcIds != null && vpcIds.size() == 1;
    if (part() == Part.DESTINATION || (oneVpc && plans.size() == 1)) {
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
    FlowLogSettings settings = settings();
    if (part() == Part.DESTINATION) {
      return List.of(FlowLogDestination.plan(this, settings, context));
    }
    FlowLogObserver.Observation observed = FlowLogObserver.observe(
        context.scope().client(Ec2Client.class, Ec2Client::builder), vpcIds());
    FlowLogDecision.Facts facts = new FlowLogDecision.Facts(context.region(), context.account(),
        context.clock().instant(), context.guardrails().optOutTagKey());
    List<Plan> vpcPlans = new FlowLogDecision(settings, facts, v -> ofVpc(v).spec())
        .decide(observed);
    if (part() == Part.FLOW_LOGS || vpcPlans.stream().allMatch(Plan::isEmpty)) {
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
    return FlowLogDestination.delivery(settings(), region, account);
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
        FlowLogSettings settings = settings();
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
  @SuppressWarnings("immutables:incompat") // not an extension of the generated builder: it wraps one
  public static final class Builder {
    private final ImmutableEnableVpcFlowLogs.Builder values = ImmutableEnableVpcFlowLogs.builder();

    private Builder(@Nullable Collection<String> vpcIds, Part part) {
      values.vpcIds(vpcIds).part(part);
    }

    /**
     * Delivers to an S3 bucket, at the bucket's root.
     *
     * @param bucket bucket name
     * @return this builder
     */
    public Builder toS3Bucket(String bucket) {
      values.s3Bucket(bucket);
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
      values.s3Bucket(bucket).s3Prefix(prefix);
      return this;
    }

    /**
     * Creates the S3 bucket when it does not exist, with public access blocked and default
     * encryption (SSE-S3). Without this, a missing bucket fails the plan.
     *
     * @return this builder
     */
    public Builder createBucketIfMissing() {
      values.createBucket(true);
      return this;
    }

    /**
     * Delivers to a CloudWatch Logs log group, created when missing.
     *
     * @param name log group name, e.g. {@code /vpc/flow-logs}
     * @return this builder
     */
    public Builder toLogGroup(String name) {
      values.logGroup(name);
      return this;
    }

    /**
     * Uses an existing delivery role for the CloudWatch Logs destination.
     *
     * @param roleArn e.g. {@code arn:aws:iam::123456789012:role/flow-logs}
     * @return this builder
     */
    public Builder deliveryRole(String roleArn) {
      values.deliveryRoleArn(roleArn);
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
      values.deliveryRoleName(roleName);
      return this;
    }

    /**
     * Sets the retention of a log group destination.
     *
     * @param days one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ... 3653)
     * @return this builder
     */
    public Builder retentionDays(int days) {
      values.retentionDays(days);
      return this;
    }

    /**
     * Encrypts a log group this remediation creates with a KMS key.
     *
     * @param keyArn KMS key ARN
     * @return this builder
     */
    public Builder logGroupKmsKey(String keyArn) {
      values.logGroupKmsKey(keyArn);
      return this;
    }

    /**
     * Sets the traffic recorded (default {@link TrafficType#ALL}).
     *
     * @param trafficType the traffic type
     * @return this builder
     */
    public Builder trafficType(TrafficType trafficType) {
      values.trafficType(trafficType);
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
      values.logFormat(format);
      return this;
    }

    /**
     * Sets the maximum aggregation interval.
     *
     * @param seconds 60 or 600
     * @return this builder
     */
    public Builder maxAggregationInterval(int seconds) {
      values.maxAggregationInterval(seconds);
      return this;
    }

    /**
     * Replaces other flow logs of the VPCs concerned: the new one is created first, then the others
     * are deleted. Flagged {@link Flag#DESTRUCTIVE}.
     *
     * @return this builder
     */
    public Builder replaceExisting() {
      values.replaceExisting(true);
      return this;
    }

    /** Plans only the VPCs, never the destination: how apply observes VPC plans again. */
    Builder flowLogsOnly() {
      values.part(Part.FLOW_LOGS);
      return this;
    }

    /** Sets the S3 prefix alone, as a spec gives it: build() refuses it without a bucket. */
    Builder s3Prefix(String prefix) {
      values.s3Prefix(prefix);
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the remediation
     * @throws InvalidRemediationException naming the bad value
     */
    public EnableVpcFlowLogs build() {
      return values.build();
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
      Map<FlowLogSettings, EnableVpcFlowLogs> vpcSettings = new LinkedHashMap<>();
      Set<Remediation> out = new LinkedHashSet<>();
      for (RemediationSpec spec : specs) {
        EnableVpcFlowLogs r = (EnableVpcFlowLogs) fromSpec(spec);
        if (r.part() == Part.DESTINATION) {
          out.add(r);
        } else {
          vpcSettings.putIfAbsent(r.settings(), r);
        }
      }
      vpcSettings.values().forEach(r -> out.add(ImmutableEnableVpcFlowLogs.builder().from(r)
          .vpcIds(null).part(Part.FLOW_LOGS).build()));
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
