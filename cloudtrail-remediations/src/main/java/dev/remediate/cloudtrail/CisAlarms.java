package dev.remediate.cloudtrail;

import dev.remediate.core.policy.PolicyDocuments;
import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.Setting;
import dev.remediate.core.aws.AlarmTopics;
import dev.remediate.core.aws.AwsNames;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.plan.Step;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.immutables.value.Value;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.MetricTransformation;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The CIS metric filters and alarms on the CloudWatch Logs log group a trail delivers to, with an SNS
 * topic the alarms notify (FSBP CloudWatch.1-14, CIS v1.4 4.1-4.14).
 *
 * <pre>{@code
 * CisAlarms alarms = CisAlarms.forLogGroup("CloudTrail/audit")
 *     .snsTopic("arn:aws:sns:us-east-1:123456789012:security-alarms")
 *     .alarms(EnumSet.of(CisAlarm.ROOT_ACCOUNT_USAGE, CisAlarm.CLOUDTRAIL_CHANGES))
 *     .build();
 * }</pre>
 *
 * <p><b>Observe</b> ({@link CisAlarmsObserver}). {@code DescribeLogGroups} (the group must exist,
 * or be created by a plan of {@link EnsureTrail} with {@code cloudWatchLogs} in the same plan set:
 * this remediation is planned {@link #after()} it), {@code DescribeTrails} (a warning when no
 * trail delivers to the group), one paginated {@code DescribeMetricFilters} for the group, one
 * paginated {@code DescribeAlarms}, and {@code GetTopicAttributes}.
 *
 * <p><b>Order.</b> When the group does not exist yet but the trail's plan in the same
 * {@code Remediator.planSet} creates it ({@code RemediationContext.promised}), every filter and
 * alarm is planned against it, the plan requires the trail's plan and warns "after
 * cloudtrail.trail creates log group X"; apply runs the trail first and skips the alarms, saying
 * why, if it fails.
 *
 * <p><b>Decide</b> ({@link CisAlarmsDecision}, no AWS call). A CIS alarm is done when the group has a metric filter with exactly the
 * prescribed pattern (whatever its name: an existing filter is adopted, never duplicated) and an
 * enabled alarm on that filter's metric notifies the topic and fires on one event (statistic Sum,
 * {@code GreaterThanOrEqualToThreshold} 1, one evaluation period; an alarm set otherwise can stay
 * silent and does not count). Otherwise, in this order: the topic is
 * created when missing; a statement letting {@code cloudwatch.amazonaws.com} publish (conditions
 * {@code aws:SourceAccount} and {@code aws:SourceArn} of this account's alarms in the Region) is
 * merged into the topic policy; the missing filters ({@code PutMetricFilter}, named
 * {@code CIS-<cis>-<metric>}, namespace {@value #DEFAULT_NAMESPACE} by default) and alarms
 * ({@code PutMetricAlarm}: Sum over 300 s, at least 1, missing data not breaching) are put.
 */
@Value.Immutable
public abstract class CisAlarms extends AbstractRemediation<CisAlarms> {
  /** The catalog id. */
  public static final String ID = "cloudwatch.cis-alarms";
  /** The metric namespace unless another is given (the one Security Hub's remediation uses). */
  public static final String DEFAULT_NAMESPACE = "LogMetrics";
  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.copyOf(new TreeSet<>(List.of(
      "logs:DescribeLogGroups", "logs:DescribeMetricFilters", "logs:PutMetricFilter",
      "cloudtrail:DescribeTrails", "cloudwatch:DescribeAlarms", "cloudwatch:PutMetricAlarm",
      "sns:GetTopicAttributes", "sns:CreateTopic", "sns:SetTopicAttributes")));
  /** Controls satisfied: the Security Hub control, then the CIS v1.4 one, of every alarm. */
  public static final List<String> CONTROLS = controls();
  static final String CREATE_TOPIC = AlarmTopics.CREATE_TOPIC;
  static final String SET_TOPIC_ATTRIBUTES = AlarmTopics.SET_TOPIC_ATTRIBUTES;
  static final String PUT_METRIC_FILTER = "PutMetricFilter";
  static final String PUT_METRIC_ALARM = "PutMetricAlarm";
  static final String PUBLISH_SID = AlarmTopics.PUBLISH_SID;

  private static final SpecTable<CisAlarms, Builder> SPEC = SpecTable.<CisAlarms, Builder>of(ID)
      .start("logGroup", SpecKind.aws(AwsNames::logGroup), CisAlarms::logGroup,
          CisAlarms::forLogGroup)
      .required("snsTopic", SpecKind.aws(AlarmTopics::checked), CisAlarms::topic,
          Builder::snsTopic)
      .withDefault("namespace", SpecKind.text(), DEFAULT_NAMESPACE, CisAlarms::namespace,
          Builder::metricNamespace)
      .optional("alarms", SpecKind.list(SpecKind.oneOf(CisAlarm.values())),
          r -> r.alarms().size() < CisAlarm.values().length ? r.sortedAlarms() : null,
          Builder::alarms)
      .optional("homeRegion", SpecKind.aws(AwsNames::region), CisAlarms::homeRegion,
          Builder::homeRegion)
      .build(Builder::build);

  CisAlarms() {}

  /** @return the log group the trail delivers to */
  abstract String logGroup();

  /** @return a topic ARN, or a topic name (the topic of that name in the Region planned in) */
  abstract String topic();

  /** @return the alarms wanted (default: all fourteen) */
  @Value.Default
  Set<CisAlarm> alarms() {
    return EnumSet.allOf(CisAlarm.class);
  }

  /** @return the namespace of the metrics created */
  @Value.Default
  String namespace() {
    return DEFAULT_NAMESPACE;
  }

  /** @return the one Region the alarms are planned in, or null for wherever they are planned */
  abstract @Nullable String homeRegion();

  /**
   * Every check of the values, in one place: the log group, the topic, the home Region, at least
   * one alarm and a custom namespace.
   *
   * @throws InvalidRemediationException naming the bad value
   */
  @Value.Check
  final void check() {
    AwsNames.logGroup(logGroup());
    topic(topic());
    Names.checked(homeRegion(), AwsNames::region);
    if (alarms().isEmpty()) {
      throw new InvalidRemediationException("alarms must name at least one CisAlarm");
    }
    String namespace = namespace();
    if (namespace == null || !namespace.matches("[^:$\\p{Cntrl}]{1,255}")
        || namespace.startsWith("AWS/")) {
      throw new InvalidRemediationException("'" + namespace + "' is not a custom metric "
          + "namespace (1-255 characters, no ':' or '$', not starting with AWS/)");
    }
  }

  /**
   * Starts CIS alarms on a log group.
   *
   * @param logGroupName the log group the trail delivers to
   * @return a builder
   */
  public static Builder forLogGroup(String logGroupName) {
    return new Builder(logGroupName);
  }

  @Override
  protected SpecTable<CisAlarms, ?> specTable() {
    return SPEC;
  }

  List<CisAlarm> sortedAlarms() {
    return alarms().stream().sorted().toList();
  }

  /** Planned after {@link EnsureTrail}, whose plan may create the log group. */
  @Override
  public Set<String> after() {
    return Set.of(EnsureTrail.ID);
  }

  // ---------------------------------------------------------------- observe and decide

  /**
   * Observes ({@link CisAlarmsObserver}) and decides ({@link CisAlarmsDecision}). A log group that
   * does not exist fails, naming it, unless a trail plan of the same plan set creates it: then the
   * plan is made against it and requires that plan.
   */
  @Override
  public Plan plan(RemediationContext context) {
    String logGroup = logGroup();
    Optional<Plan> elsewhere = HomeRegion.elsewhere(homeRegion(), this, context,
        "AWS::Logs::LogGroup", logGroup, "the CIS alarms on the trail's log group " + logGroup);
    if (elsewhere.isPresent()) {
      return elsewhere.get();
    }
    requireTopicInRegion(topic(), context.region());
    CisAlarmsObserver.Observation observed = CisAlarmsObserver.observe(this, context);
    return CisAlarmsDecision.decide(this, observed,
        context.newPlan(this, "AWS::Logs::LogGroup", logGroup));
  }

  /** @return a topic ARN or name, checked ({@link AlarmTopics#checked}) */
  static String topic(@Nullable String arnOrName) {
    return AlarmTopics.checked(arnOrName);
  }

  /**
   * Refuses a topic ARN of another Region than the alarms' ({@link AlarmTopics#requireInRegion}).
   */
  static void requireTopicInRegion(String topic, String region) {
    String name = AlarmTopics.name(topic);
    AlarmTopics.requireInRegion(topic, region,
        Type.SNS_TOPIC.advice(name, "snsTopic(\"" + name + "\")"));
  }

  /** @return the topic's ARN in this Region and account (the ARN given, or built from the name) */
  String topicArn(String region, String account) {
    return AlarmTopics.arn(topic(), region, account);
  }

  String topicName() {
    return AlarmTopics.name(topic());
  }

  // ---------------------------------------------------------------- steps

  @Override
  public void execute(Step step, RemediationContext context) {
    Map<String, String> p = step.parameters();
    switch (step.kind()) {
      case CREATE_TOPIC -> sns(context).createTopic(r -> r.name(p.get("name")));
      case SET_TOPIC_ATTRIBUTES -> mergeTopicPolicy(context);
      case PUT_METRIC_FILTER -> context.scope().client(CloudWatchLogsClient.class,
          CloudWatchLogsClient::builder).putMetricFilter(r -> r.logGroupName(logGroup())
              .filterName(p.get("filterName")).filterPattern(p.get("pattern"))
              .metricTransformations(MetricTransformation.builder().metricName(p.get("metricName"))
                  .metricNamespace(p.get("namespace")).metricValue("1").build()));
      case PUT_METRIC_ALARM -> context.scope().client(CloudWatchClient.class,
          CloudWatchClient::builder).putMetricAlarm(r -> r.alarmName(p.get("alarmName"))
              .alarmDescription(p.get("description")).metricName(p.get("metricName"))
              .namespace(p.get("namespace")).statistic(Statistic.SUM).period(300)
              .evaluationPeriods(1).threshold(1.0)
              .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
              .treatMissingData("notBreaching").actionsEnabled(true).alarmActions(p.get("topic")));
      default -> throw new InvalidRemediationException("CisAlarms has no step " + step.kind());
    }
  }

  /**
   * Merges the publish statement into the topic's current policy. Merged again at apply time, not
   * taken from the plan, because a topic created by this very plan gets a default policy only then;
   * for an existing topic, apply has just compared the policy with the step's reviewed before.
   */
  private void mergeTopicPolicy(RemediationContext context) {
    SnsClient sns = sns(context);
    String topicArn = topicArn(context.region(), context.account());
    String current = sns.getTopicAttributes(r -> r.topicArn(topicArn)).attributes().get("Policy");
    String merged = PolicyDocuments.merge(current, CisAlarmsDecision.publishStatements(topicArn,
        context.region(), context.account())).orElse(null);
    if (merged != null) {
      sns.setTopicAttributes(r -> r.topicArn(topicArn).attributeName("Policy").attributeValue(merged));
    }
  }

  SnsClient sns(RemediationContext context) {
    return context.scope().inRegion(Region.of(AlarmTopics.region(topic(), context.region())))
        .client(SnsClient.class, SnsClient::builder);
  }

  /** Builds {@link CisAlarms}; {@link #build()} validates every value. */
  @SuppressWarnings("immutables:incompat") // not an extension of the generated builder: it wraps one
  public static final class Builder {
    private final ImmutableCisAlarms.Builder values = ImmutableCisAlarms.builder();

    private Builder(String logGroup) {
      values.logGroup(logGroup);
    }

    /**
     * The SNS topic the alarms notify (required), created when missing. Alarms can only notify a
     * topic of their own Region: an ARN must be of the Region the alarms are planned in (another is
     * refused when planning); a name means the topic of that name in the Region planned in, so one
     * remediation serves every Region of a scan.
     *
     * @param topicArn topic ARN, or topic name
     * @return this builder
     */
    public Builder snsTopic(String topicArn) {
      values.topic(topicArn);
      return this;
    }

    /**
     * Which alarms (default: all fourteen).
     *
     * @param alarms a non-empty set
     * @return this builder
     */
    public Builder alarms(Collection<CisAlarm> alarms) {
      values.alarms(alarms);
      return this;
    }

    /**
     * The namespace of the metrics created (default {@value CisAlarms#DEFAULT_NAMESPACE}).
     *
     * @param namespace a custom namespace
     * @return this builder
     */
    public Builder metricNamespace(String namespace) {
      values.namespace(namespace);
      return this;
    }

    /**
     * Plans the alarms only in this Region, the home Region of the multi-Region trail whose log
     * group they watch; in other Regions the plan is empty, with a skip saying where they are
     * planned (what the setting {@code trail.homeRegion} sets for a scan).
     *
     * @param region e.g. {@code us-east-1}
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
    public CisAlarms build() {
      return values.build();
    }
  }

  /** The catalog entry of {@link CisAlarms}. */
  public static final class Type extends AbstractRemediationType {
    static final Setting SNS_TOPIC = Setting.text("alarms.snsTopic", "SNS topic the CIS alarms "
        + "notify (created when missing): a topic name (the topic of that name in the home Region) "
        + "or the ARN of a topic in the home Region (alarms can only notify a topic of their own "
        + "Region); required");

    /** Creates the type (service loader). */
    public Type() {
      super(ID, "The CIS metric filters and alarms (Security Hub CloudWatch.1-14) on a trail's log "
          + "group, notifying an SNS topic",
          CONTROLS, IAM_ACTIONS, EnumSet.noneOf(Flag.class));
      specTable(SPEC);
    }

    /**
     * Settings {@code trail.cloudWatchLogs} (the log group, or {@code true} for the trail's
     * {@link EnsureTrail#defaultLogGroup(String) default group}, named after {@code trail.name})
     * and {@code alarms.snsTopic}.
     */
    @Override
    public Optional<Remediation> forRegion(Map<String, String> settings) {
      Optional<String> group = EnsureTrail.logGroupSetting(settings);
      String home = HomeRegion.of(settings);
      Optional<String> topic = SNS_TOPIC.valueIn(settings, t -> {
        requireTopicInRegion(topic(t), home);
        return t;
      });
      if (group.isEmpty() || topic.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(forLogGroup(group.get()).snsTopic(topic.get()).homeRegion(home).build());
    }

    @Override
    public List<Setting> settings() {
      return List.of(EnsureTrail.CLOUD_WATCH_LOGS, EnsureTrail.Type.NAME, SNS_TOPIC,
          HomeRegion.SETTING);
    }
  }

  private static List<String> controls() {
    List<String> controls = new ArrayList<>();
    for (CisAlarm a : CisAlarm.values()) {
      controls.add("FSBP " + a.securityHubControl());
    }
    for (CisAlarm a : CisAlarm.values()) {
      controls.add("CIS v1.4 " + a.cisV14());
    }
    return List.copyOf(controls);
  }

}
