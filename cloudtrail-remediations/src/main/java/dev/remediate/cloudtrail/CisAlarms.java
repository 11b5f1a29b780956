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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.policybuilder.iam.IamStatement;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.MetricFilter;
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
 * <p><b>Observe.</b> {@code DescribeLogGroups} (the group must exist: {@link EnsureTrail} with
 * {@code cloudWatchLogs} creates it), {@code DescribeTrails} (a warning when no trail delivers to
 * the group), one paginated {@code DescribeMetricFilters} for the group, one paginated
 * {@code DescribeAlarms}, and {@code GetTopicAttributes}.
 *
 * <p><b>Decide.</b> A CIS alarm is done when the group has a metric filter with exactly the
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
public final class CisAlarms implements Remediation {
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
  static final String CREATE_TOPIC = "CreateTopic";
  static final String SET_TOPIC_ATTRIBUTES = "SetTopicAttributes";
  static final String PUT_METRIC_FILTER = "PutMetricFilter";
  static final String PUT_METRIC_ALARM = "PutMetricAlarm";
  static final String PUBLISH_SID = "AllowCloudWatchAlarmsToPublish";

  private final String logGroup;
  private final String topicArn;
  private final Set<CisAlarm> alarms;
  private final String namespace;

  private CisAlarms(Builder b) {
    this.logGroup = Names.logGroup(b.logGroup);
    this.topicArn = Names.topicArn(b.topicArn);
    if (b.alarms.isEmpty()) {
      throw new InvalidRemediationException("alarms must name at least one CisAlarm");
    }
    this.alarms = Set.copyOf(EnumSet.copyOf(b.alarms));
    if (b.namespace == null || !b.namespace.matches("[^:$\\p{Cntrl}]{1,255}")
        || b.namespace.startsWith("AWS/")) {
      throw new InvalidRemediationException("'" + b.namespace + "' is not a custom metric "
          + "namespace (1-255 characters, no ':' or '$', not starting with AWS/)");
    }
    this.namespace = b.namespace;
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
  public String id() {
    return ID;
  }

  @Override
  public RemediationSpec spec() {
    Map<String, String> p = new TreeMap<>();
    p.put("logGroup", logGroup);
    p.put("snsTopic", topicArn);
    p.put("namespace", namespace);
    if (alarms.size() < CisAlarm.values().length) {
      p.put("alarms", sortedAlarms().stream().map(Enum::name).collect(Collectors.joining(",")));
    }
    return RemediationSpec.of(ID, p);
  }

  private List<CisAlarm> sortedAlarms() {
    return alarms.stream().sorted().toList();
  }

  // ---------------------------------------------------------------- observe and decide

  @Override
  public Plan plan(RemediationContext context) {
    String region = context.region();
    String account = context.account();
    String topicRegion = topicArn.split(":")[3];
    if (!topicRegion.equals(region)) {
      throw new RemediationException("SNS topic " + topicArn + " is in " + topicRegion
          + ": CloudWatch alarms in " + region + " can only notify a topic of their own Region");
    }
    CloudWatchLogsClient logs = context.scope().client(CloudWatchLogsClient.class,
        CloudWatchLogsClient::builder);
    boolean groupExists = logs.describeLogGroups(r -> r.logGroupNamePrefix(logGroup)).logGroups()
        .stream().anyMatch(g -> logGroup.equals(g.logGroupName()));
    if (!groupExists) {
      throw new RemediationException("Log group '" + logGroup + "' does not exist in " + region
          + ": deliver the trail to it first (EnsureTrail...cloudWatchLogs(\"" + logGroup + "\"))");
    }
    ImmutablePlan.Builder plan = context.newPlan(this, "AWS::Logs::LogGroup", logGroup);
    String groupArn = "arn:aws:logs:" + region + ":" + account + ":log-group:" + logGroup;
    boolean delivered = context.scope().client(CloudTrailClient.class, CloudTrailClient::builder)
        .describeTrails(r -> r.includeShadowTrails(true)).trailList().stream()
        .anyMatch(t -> t.cloudWatchLogsLogGroupArn() != null
            && (t.cloudWatchLogsLogGroupArn().equals(groupArn + ":*")
                || t.cloudWatchLogsLogGroupArn().equals(groupArn)));
    if (!delivered) {
      plan.addWarnings("No trail delivers to log group " + logGroup + ": the alarms will never fire "
          + "until one does (FSBP CloudTrail.5)");
    }
    List<MetricFilter> filters = new ArrayList<>();
    logs.describeMetricFiltersPaginator(r -> r.logGroupName(logGroup)).metricFilters()
        .forEach(filters::add);
    filters.sort(Comparator.comparing(MetricFilter::filterName)
        .thenComparing(f -> String.valueOf(f.filterPattern())));
    List<MetricAlarm> metricAlarms = new ArrayList<>();
    context.scope().client(CloudWatchClient.class, CloudWatchClient::builder)
        .describeAlarmsPaginator(r -> r.maxRecords(100)).metricAlarms().forEach(metricAlarms::add);
    metricAlarms.sort(Comparator.comparing(MetricAlarm::alarmName));

    SnsClient sns = sns(context);
    String topicPolicy = null;
    boolean topicExists;
    try {
      topicPolicy = sns.getTopicAttributes(r -> r.topicArn(topicArn)).attributes().get("Policy");
      topicExists = true;
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "NotFound", "NotFoundException")) {
        throw e;
      }
      topicExists = false;
    }
    StringBuilder canonical = new StringBuilder(spec().toString()).append('\n')
        .append("delivered=").append(delivered).append("\ntopic=").append(topicExists)
        .append(' ').append(topicPolicy == null ? "-" : topicPolicy.replaceAll("\\s+", ""))
        .append('\n');
    filters.forEach(f -> canonical.append("filter ").append(f.filterName()).append(' ')
        .append(f.filterPattern()).append(' ').append(transformations(f)).append('\n'));

    List<Step> filterSteps = new ArrayList<>();
    List<Step> alarmSteps = new ArrayList<>();
    for (CisAlarm alarm : sortedAlarms()) {
      plan.addControls("FSBP " + alarm.securityHubControl(), "CIS v1.4 " + alarm.cisV14());
      MetricTransformation metric = filters.stream()
          .filter(f -> alarm.filterPattern().equals(f.filterPattern()))
          .flatMap(f -> f.metricTransformations().stream()).findFirst().orElse(null);
      String metricName = metric != null ? metric.metricName() : alarm.metricName();
      String metricNamespace = metric != null ? metric.metricNamespace() : namespace;
      if (metric == null) {
        MetricFilter sameName = filters.stream()
            .filter(f -> alarm.resourceName().equals(f.filterName())).findFirst().orElse(null);
        var step = Step.builder().kind(PUT_METRIC_FILTER)
            .action(sameName == null ? Action.ADD : Action.CHANGE)
            .resource(groupArn + ":metric-filter:" + alarm.resourceName())
            .summary("put metric filter " + alarm.resourceName() + " (" + alarm.securityHubControl()
                + ") counting " + metricNamespace + "/" + metricName)
            .after(alarm.filterPattern())
            .putParameters("filterName", alarm.resourceName())
            .putParameters("pattern", alarm.filterPattern())
            .putParameters("metricName", metricName).putParameters("namespace", metricNamespace);
        if (sameName != null) {
          step.before(String.valueOf(sameName.filterPattern()));
        }
        filterSteps.add(step.build());
      }
      List<MetricAlarm> onMetric = metricAlarms.stream()
          .filter(a -> metricName.equals(a.metricName()) && metricNamespace.equals(a.namespace()))
          .toList();
      onMetric.forEach(a -> canonical.append("alarm ").append(a.alarmName()).append(' ')
          .append(a.actionsEnabled()).append(' ').append(a.alarmActions()).append(' ')
          .append(settings(a)).append('\n'));
      boolean alarmed = onMetric.stream().anyMatch(a -> !Boolean.FALSE.equals(a.actionsEnabled())
          && a.alarmActions().contains(topicArn) && alarmsOnEveryEvent(a));
      if (!alarmed) {
        MetricAlarm ours = metricAlarms.stream()
            .filter(a -> alarm.resourceName().equals(a.alarmName())).findFirst().orElse(null);
        var step = Step.builder().kind(PUT_METRIC_ALARM).action(ours != null ? Action.CHANGE : Action.ADD)
            .resource("arn:aws:cloudwatch:" + region + ":" + account + ":alarm:" + alarm.resourceName())
            .summary("put alarm " + alarm.resourceName() + " on " + metricNamespace + "/" + metricName
                + " (Sum >= 1 over 5 minutes) notifying " + topicArn)
            .after(WANTED_SETTINGS + " -> " + topicArn)
            .putParameters("alarmName", alarm.resourceName()).putParameters("metricName", metricName)
            .putParameters("namespace", metricNamespace).putParameters("topic", topicArn)
            .putParameters("description", "CIS " + alarm.cisV14() + " / Security Hub "
                + alarm.securityHubControl() + " (created by remediate)");
        if (ours != null) {
          step.before(settings(ours) + " -> " + ours.alarmActions()
              + (Boolean.FALSE.equals(ours.actionsEnabled()) ? " (actions disabled)" : ""));
        }
        alarmSteps.add(step.build());
      }
    }

    if (!topicExists) {
      plan.addSteps(Step.builder().kind(CREATE_TOPIC).action(Action.ADD).resource(topicArn)
          .summary("create SNS topic " + topicName() + " for the CIS alarms (subscribe to it)")
          .after(topicArn).putParameters("name", topicName()).build());
      plan.addWarnings("SNS topic " + topicArn + " will have no subscription: subscribe to it, "
          + "Security Hub looks for one");
    }
    List<IamStatement> publish = publishStatements(region, account);
    String merged = PolicyDocuments.merge(topicPolicy, publish).orElse(null);
    if (merged != null) {
      var step = Step.builder().kind(SET_TOPIC_ATTRIBUTES)
          .action(topicPolicy == null ? Action.ADD : Action.CHANGE).resource(topicArn)
          .summary("merge statement " + PUBLISH_SID + " (cloudwatch.amazonaws.com may publish) into "
              + "the policy of topic " + topicName() + " (other statements kept)")
          .after(merged);
      if (topicPolicy != null) {
        step.before(topicPolicy);
      }
      plan.addSteps(step.build());
    }
    plan.addAllSteps(filterSteps).addAllSteps(alarmSteps);
    Plan built = plan.fingerprint(context.fingerprint(canonical.toString())).build();
    return built.isEmpty() ? built
        : Plan.builder().from(built).addAllIamActions(actionsFor(built.steps())).build();
  }

  /** How the alarms this remediation puts are set: they fire on the first matching event. */
  static final String WANTED_SETTINGS =
      "Sum GreaterThanOrEqualToThreshold 1.0 evaluationPeriods=1";

  /** An alarm's statistic, comparison, threshold and evaluation periods, as in {@link #WANTED_SETTINGS}. */
  private static String settings(MetricAlarm a) {
    return a.statisticAsString() + " " + a.comparisonOperatorAsString() + " " + a.threshold()
        + " evaluationPeriods=" + a.evaluationPeriods();
  }

  /**
   * True when an existing alarm fires as the CIS alarm must: the Sum of the metric at least 1 in
   * one evaluation period. An alarm with another statistic, a higher threshold, another comparison
   * or more evaluation periods can stay silent on a single event, so it does not count.
   */
  static boolean alarmsOnEveryEvent(MetricAlarm a) {
    return WANTED_SETTINGS.equals(settings(a));
  }

  /** The statement letting this account's alarms in the Region publish to the topic. */
  private List<IamStatement> publishStatements(String region, String account) {
    return List.of(Policies.allowService(PUBLISH_SID, "cloudwatch.amazonaws.com",
        List.of("sns:Publish"), List.of(topicArn), Policies.conditions(
            Policies.condition("StringEquals", "aws:SourceAccount", account),
            Policies.condition("ArnLike", "aws:SourceArn",
                "arn:aws:cloudwatch:" + region + ":" + account + ":alarm:*"))));
  }

  private static String transformations(MetricFilter f) {
    return f.metricTransformations().stream()
        .map(t -> t.metricNamespace() + "/" + t.metricName() + "=" + t.metricValue())
        .collect(Collectors.joining(","));
  }

  private String topicName() {
    return topicArn.substring(topicArn.lastIndexOf(':') + 1);
  }

  private static Set<String> actionsFor(List<Step> steps) {
    Set<String> actions = new TreeSet<>(List.of("logs:DescribeLogGroups",
        "logs:DescribeMetricFilters", "cloudtrail:DescribeTrails", "cloudwatch:DescribeAlarms",
        "sns:GetTopicAttributes"));
    for (Step s : steps) {
      actions.add(switch (s.kind()) {
        case PUT_METRIC_FILTER -> "logs:PutMetricFilter";
        case PUT_METRIC_ALARM -> "cloudwatch:PutMetricAlarm";
        default -> "sns:" + s.kind();
      });
    }
    return actions;
  }

  // ---------------------------------------------------------------- steps

  @Override
  public void execute(Step step, RemediationContext context) {
    Map<String, String> p = step.parameters();
    switch (step.kind()) {
      case CREATE_TOPIC -> sns(context).createTopic(r -> r.name(p.get("name")));
      case SET_TOPIC_ATTRIBUTES -> mergeTopicPolicy(context);
      case PUT_METRIC_FILTER -> context.scope().client(CloudWatchLogsClient.class,
          CloudWatchLogsClient::builder).putMetricFilter(r -> r.logGroupName(logGroup)
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
   * for an existing topic the plan's fingerprint already guarantees the policy is the one planned.
   */
  private void mergeTopicPolicy(RemediationContext context) {
    SnsClient sns = sns(context);
    String current = sns.getTopicAttributes(r -> r.topicArn(topicArn)).attributes().get("Policy");
    String merged = PolicyDocuments.merge(current, publishStatements(context.region(), context.account())).orElse(null);
    if (merged != null) {
      sns.setTopicAttributes(r -> r.topicArn(topicArn).attributeName("Policy").attributeValue(merged));
    }
  }

  private SnsClient sns(RemediationContext context) {
    return context.scope().inRegion(Region.of(topicArn.split(":")[3]))
        .client(SnsClient.class, SnsClient::builder);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CisAlarms other && spec().equals(other.spec());
  }

  @Override
  public int hashCode() {
    return spec().hashCode();
  }

  @Override
  public String toString() {
    return "CisAlarms" + spec().parameters();
  }

  /** Builds {@link CisAlarms}; {@link #build()} validates every value. */
  public static final class Builder {
    private final String logGroup;
    private @Nullable String topicArn;
    private Set<CisAlarm> alarms = EnumSet.allOf(CisAlarm.class);
    private @Nullable String namespace = DEFAULT_NAMESPACE;

    private Builder(String logGroup) {
      this.logGroup = logGroup;
    }

    /**
     * The SNS topic the alarms notify (required), created when missing; in the log group's Region.
     *
     * @param topicArn topic ARN
     * @return this builder
     */
    public Builder snsTopic(String topicArn) {
      this.topicArn = topicArn;
      return this;
    }

    /**
     * Which alarms (default: all fourteen).
     *
     * @param alarms a non-empty set
     * @return this builder
     */
    public Builder alarms(Collection<CisAlarm> alarms) {
      this.alarms = alarms.isEmpty() ? Set.of() : EnumSet.copyOf(alarms);
      return this;
    }

    /**
     * The namespace of the metrics created (default {@value CisAlarms#DEFAULT_NAMESPACE}).
     *
     * @param namespace a custom namespace
     * @return this builder
     */
    public Builder metricNamespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    /**
     * @return the remediation
     * @throws InvalidRemediationException naming the bad value
     */
    public CisAlarms build() {
      return new CisAlarms(this);
    }
  }

  /** The catalog entry of {@link CisAlarms}. */
  public static final class Type extends AbstractRemediationType {
    /** Creates the type (service loader). */
    public Type() {
      super(ID, "The CIS metric filters and alarms (Security Hub CloudWatch.1-14) on a trail's log "
          + "group, notifying an SNS topic",
          CONTROLS, IAM_ACTIONS, EnumSet.noneOf(Flag.class));
    }

    @Override
    public Remediation fromSpec(RemediationSpec spec) {
      Builder b = forLogGroup(spec.require("logGroup")).snsTopic(spec.require("snsTopic"))
          .metricNamespace(spec.get("namespace", DEFAULT_NAMESPACE));
      String list = spec.parameters().get("alarms");
      if (list != null) {
        b.alarms(parseAlarms(list));
      }
      return b.build();
    }

    /** Settings {@code trail.cloudWatchLogs} (the log group) and {@code alarms.snsTopic}. */
    @Override
    public Optional<Remediation> forRegion(Map<String, String> settings) {
      String group = Names.blankToNull(settings.get("trail.cloudWatchLogs"));
      String topic = Names.blankToNull(settings.get("alarms.snsTopic"));
      if (group == null || topic == null) {
        return Optional.empty();
      }
      return Optional.of(forLogGroup(group).snsTopic(topic).build());
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

  static Set<CisAlarm> parseAlarms(String list) {
    Set<CisAlarm> set = EnumSet.noneOf(CisAlarm.class);
    for (String name : list.split(",")) {
      String trimmed = name.trim();
      try {
        set.add(CisAlarm.valueOf(trimmed));
      } catch (IllegalArgumentException e) {
        throw new InvalidRemediationException("'" + trimmed + "' is not a CisAlarm; one of "
            + Arrays.toString(CisAlarm.values()));
      }
    }
    return set;
  }
}
