package dev.remediate.ec2;

import static dev.remediate.ec2.NetworkSupport.splitCsv;

import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Setting;
import dev.remediate.core.aws.AlarmTopics;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.plan.Step;
import dev.remediate.core.policy.PolicyDocuments;
import dev.remediate.core.aws.AwsNames;
import java.math.BigDecimal;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.immutables.value.Value;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * A CloudWatch alarm on the {@code CPUUtilization} of every running instance of a region (or of
 * those carrying a tag, or of chosen instances), notifying an SNS topic whose policy lets
 * CloudWatch publish.
 *
 * <pre>{@code
 * Remediation alarms = EnableCpuAlarm.forEveryInstance()
 *     .snsTopic("ops-alarms")            // a name: the topic of that name in the Region
 *     .threshold("90").periods(2)        // default: Average >= 80% for 3 periods of 300 s
 *     .statistic("Maximum")              // Average (default), Maximum, Minimum, Sum, SampleCount
 *     .tag("env", "prod")                // optional: only instances tagged env=prod
 *     .build();
 * PlanSet plans = remediator.planSet(List.of(alarms)); // one plan per instance
 * Remediation one = EnableCpuAlarm.forInstance("i-0abc1234def567890").snsTopic("ops-alarms").build();
 * }</pre>
 *
 * <p><b>Targets</b>: one plan per instance (target {@code AWS::EC2::Instance i-...}), whose spec is
 * {@link #forInstance(String)} of that instance with the same settings.
 *
 * <p><b>Observe</b> ({@link CpuAlarmObserver}): one paginated {@code DescribeInstances}, one
 * paginated {@code DescribeAlarms} with the name prefix {@value #ALARM_PREFIX} (by alarm names
 * for chosen instances), {@code GetTopicAttributes}. <b>Decide</b> ({@link CpuAlarmDecision}, no AWS
 * call): the alarm {@value #ALARM_PREFIX}{@code <instance id>} of a running instance must exist with
 * the wanted settings and notify the topic; the topic must exist and let
 * {@code cloudwatch.amazonaws.com} publish (Sid {@value AlarmTopics#PUBLISH_SID}, conditions
 * {@code aws:SourceAccount} and {@code aws:SourceArn}, merged into its policy). An alarm of this
 * remediation whose instance is gone is reported, and deleted only with consent to
 * {@link Flag#DESTRUCTIVE}. <b>Steps</b>: {@code CreateTopic}, {@code SetTopicAttributes},
 * {@code PutMetricAlarm}, {@code DeleteAlarms}.
 */
@Value.Immutable
public abstract class EnableCpuAlarm extends AbstractRemediation<EnableCpuAlarm> {
  /** The catalog id. */
  public static final String ID = "ec2.cpu-alarm";
  /** The prefix of the alarms' names, followed by the instance id. */
  public static final String ALARM_PREFIX = "remediate-cpu-";
  /** The threshold unless another is given: 80 (percent). */
  public static final String DEFAULT_THRESHOLD = "80";
  /** The evaluation periods unless others are given. */
  public static final int DEFAULT_PERIODS = 3;
  /** The statistic unless another is given. */
  public static final String DEFAULT_STATISTIC = "Average";
  /** The statistics an alarm may compare (CloudWatch's names). */
  public static final List<String> STATISTICS = List.of("Average", "Maximum", "Minimum", "Sum",
      "SampleCount");
  /** The period of the alarms, seconds. */
  public static final int PERIOD = 300;
  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.of("ec2:DescribeInstances",
      "cloudwatch:DescribeAlarms", "cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms",
      "sns:GetTopicAttributes", "sns:CreateTopic", "sns:SetTopicAttributes");
  static final String NAMESPACE = "AWS/EC2";
  static final String METRIC = "CPUUtilization";
  private static final String EVERY = "*";
  private static final int MAX_PERIODS = 288;

  /** A tag to select instances by: {@code KEY=VALUE}. */
  private static final SpecKind<Map.Entry<String, String>> KEY_VALUE = SpecKind.of("KEY=VALUE",
      text -> {
        int eq = text.indexOf('=');
        if (eq <= 0) {
          throw new InvalidRemediationException("tag '" + text + "' is not KEY=VALUE");
        }
        return Map.entry(text.substring(0, eq), text.substring(eq + 1));
      }, tag -> tag.getKey() + "=" + tag.getValue());
  private static final SpecTable<EnableCpuAlarm, Builder> SPEC =
      SpecTable.<EnableCpuAlarm, Builder>of(ID)
          .startAllOr("instances", SpecKind.aws(AwsNames::instanceId),
              r -> Optional.ofNullable(r.instanceIds()), EnableCpuAlarm::forInstances,
              EnableCpuAlarm::forEveryInstance)
          .required("threshold", SpecKind.of("a CPU percentage", EnableCpuAlarm::threshold,
              t -> t), EnableCpuAlarm::threshold, Builder::threshold)
          .required("periods", SpecKind.of("1 to " + MAX_PERIODS, EnableCpuAlarm::periods,
              String::valueOf), EnableCpuAlarm::periods, Builder::periods)
          // absent from specs saved before the setting existed
          .optional("statistic", SpecKind.of("one of " + STATISTICS, EnableCpuAlarm::statistic,
              t -> t), DEFAULT_STATISTIC, EnableCpuAlarm::statistic, Builder::statistic)
          .required("snsTopic", SpecKind.aws(AlarmTopics::checked), EnableCpuAlarm::topic,
              Builder::snsTopic)
          .optional("tag", KEY_VALUE, EnableCpuAlarm::tag,
              (b, tag) -> b.tag(tag.getKey(), tag.getValue()))
          .build(Builder::build);

  EnableCpuAlarm() {}

  /** @return the chosen instances, sorted; null for every running instance of the region */
  abstract @Nullable List<String> instanceIds();

  /** @return the threshold's canonical text */
  @Value.Default
  String threshold() {
    return DEFAULT_THRESHOLD;
  }

  /** @return the evaluation periods */
  @Value.Default
  int periods() {
    return DEFAULT_PERIODS;
  }

  /** @return the statistic's CloudWatch name */
  @Value.Default
  String statistic() {
    return DEFAULT_STATISTIC;
  }

  /** @return the topic, a checked ARN or name (the check refuses a value without one) */
  abstract @Nullable String topic();

  /** @return the tag selecting instances (region-wide form only), or null for every instance */
  abstract Map.@Nullable Entry<String, String> tag();

  /** Set for the remediations apply observes with: an instance gone since has an empty plan. */
  @Value.Default
  boolean tolerateMissing() {
    return false;
  }

  /**
   * Every check of the values, in one place: the instance ids, the tag, the threshold, periods,
   * statistic and topic, and the tag only for the region-wide form.
   *
   * @return this, or a copy with the instance ids sorted and the threshold and statistic canonical
   * @throws InvalidRemediationException naming the bad value
   */
  @Value.Check
  final EnableCpuAlarm normalised() {
    List<String> ids = instanceIds();
    List<String> sortedIds = ids == null ? null
        : NetworkSupport.requireIds(ids, AwsNames::instanceId, "instance");
    Map.Entry<String, String> tag = tag();
    if (tag != null) {
      checkTag(tag.getKey(), tag.getValue());
    }
    String threshold = threshold(threshold());
    periods(String.valueOf(periods()));
    String statistic = statistic(statistic());
    String topic = topic();
    if (topic == null) {
      throw new InvalidRemediationException("snsTopic is required: the SNS topic the CPU alarms "
          + "notify (" + Type.SNS_TOPIC.advice("ops-alarms", "snsTopic(\"ops-alarms\")") + ")");
    }
    AlarmTopics.checked(topic);
    if (tag != null && ids != null) {
      throw new InvalidRemediationException("tag selects among every instance of the region: "
          + "chosen instances are remediated whatever their tags");
    }
    if (Objects.equals(sortedIds, ids) && threshold.equals(threshold())
        && statistic.equals(statistic())) {
      return this;
    }
    return ImmutableEnableCpuAlarm.builder().from(this).instanceIds(sortedIds)
        .threshold(threshold).statistic(statistic).build();
  }

  private static void checkTag(@Nullable String key, @Nullable String value) {
    if (key == null || key.isBlank() || key.length() > 128 || value == null
        || value.length() > 256) {
      throw new InvalidRemediationException("tag '" + key + "=" + value + "' is not KEY=VALUE "
          + "with a key of 1-128 and a value of 0-256 characters");
    }
  }

  /** @return a builder for every running instance of the region */
  public static Builder forEveryInstance() {
    return new Builder();
  }

  /**
   * @param instanceId e.g. {@code i-0abc1234def567890}
   * @return a builder for that instance
   */
  public static Builder forInstance(String instanceId) {
    return forInstances(Collections.singletonList(instanceId));
  }

  /**
   * @param instanceIds instance ids of one region
   * @return a builder for those instances
   */
  public static Builder forInstances(Collection<String> instanceIds) {
    // no instances is refused by build(), not taken for every instance
    return new Builder(instanceIds == null ? List.of() : instanceIds);
  }

  /**
   * @param instanceId an instance id
   * @return the name of its alarm, {@value #ALARM_PREFIX}{@code <instance id>}
   */
  public static String alarmName(String instanceId) {
    return ALARM_PREFIX + instanceId;
  }

  @Override
  protected SpecTable<EnableCpuAlarm, ?> specTable() {
    return SPEC;
  }

  /** The same settings for these instances (the tag selects only in the region-wide form). */
  private EnableCpuAlarm with(List<String> ids, boolean tolerate) {
    return ImmutableEnableCpuAlarm.builder().from(this).instanceIds(ids).tag(null)
        .tolerateMissing(tolerate).build();
  }

  /** @return the topic, never null once built: the check refuses a value without one */
  private String requiredTopic() {
    return Objects.requireNonNull(topic(), "topic");
  }

  private CpuAlarmDecision decision() {
    Map.Entry<String, String> tag = tag();
    return new CpuAlarmDecision(threshold(), periods(), statistic(), requiredTopic(),
        tag == null ? null : tag.getKey(), tag == null ? null : tag.getValue());
  }

  // ---------------------------------------------------------------- plan: observe, decide

  /**
   * Plans the one instance of {@link #forInstance(String)}.
   *
   * @throws InvalidRemediationException for a form covering several instances (use
   *     {@link dev.remediate.core.Remediator#planSet})
   */
  @Override
  public Plan plan(RemediationContext context) {
    List<String> ids = instanceIds();
    return Remediation.onlyPlan(this, ids != null && ids.size() == 1, "instances",
        () -> planEach(context));
  }

  /**
   * One plan per instance, in instance id order.
   *
   * @throws RemediationException when a chosen instance is not found and has no alarm
   */
  @Override
  public List<Plan> planEach(RemediationContext context) {
    String topic = requiredTopic();
    AlarmTopics.requireInRegion(topic, context.region(),
        Type.SNS_TOPIC.advice(AlarmTopics.name(topic), "snsTopic(\"" + AlarmTopics.name(topic)
            + "\")"));
    List<String> instanceIds = instanceIds();
    CpuAlarmObserver.Observation o = CpuAlarmObserver.observe(instanceIds,
        AlarmTopics.arn(topic, context.region(), context.account()), context);
    List<CpuAlarmDecision.Target> targets = new ArrayList<>(decision().decide(o,
        context.guardrails().optOutTagKey(), context.optOutReason()));
    if (instanceIds != null) {
      List<String> missing = CpuAlarmObserver.missing(instanceIds, o);
      if (!missing.isEmpty() && !tolerateMissing()) {
        throw new RemediationException("Instance(s) " + missing + " not found in "
            + context.region());
      }
      missing.forEach(id -> targets.add(new CpuAlarmDecision.Target(id, List.of(), List.of(),
          List.of())));
      targets.removeIf(t -> !instanceIds.contains(t.instanceId()));
    }
    return targets.stream().sorted(java.util.Comparator.comparing(
            CpuAlarmDecision.Target::instanceId))
        .map(t -> context.newPlan(with(List.of(t.instanceId()), false), "AWS::EC2::Instance",
                t.instanceId())
            .addAllSteps(t.steps()).addAllWarnings(t.warnings()).addAllSkipped(t.skipped())
            .addAllIamActions(iamActions(t.steps())).build())
        .toList();
  }

  private static Set<String> iamActions(List<Step> steps) {
    Set<String> actions = new TreeSet<>(List.of("ec2:DescribeInstances",
        "cloudwatch:DescribeAlarms", "sns:GetTopicAttributes"));
    for (Step s : steps) {
      actions.add(s.kind().startsWith("CreateTopic") || s.kind().startsWith("SetTopic")
          ? "sns:" + s.kind() : "cloudwatch:" + s.kind());
    }
    return actions;
  }

  // ---------------------------------------------------------------- steps

  @Override
  public void execute(Step step, RemediationContext context) {
    switch (step.kind()) {
      case AlarmTopics.CREATE_TOPIC -> sns(context).createTopic(r -> r.name(step.parameter("name")));
      case AlarmTopics.SET_TOPIC_ATTRIBUTES -> mergeTopicPolicy(context);
      case CpuAlarmDecision.PUT_METRIC_ALARM -> putAlarm(step, context);
      case CpuAlarmDecision.DELETE_ALARMS -> cloudWatch(context).deleteAlarms(
          r -> r.alarmNames(step.parameter("alarmName")));
      default -> throw new RemediationException("EnableCpuAlarm has no step " + step.kind());
    }
  }

  private static void putAlarm(Step step, RemediationContext context) {
    String instanceId = step.parameter("instanceId");
    int evaluationPeriods = Integer.parseInt(step.parameter("periods"));
    cloudWatch(context).putMetricAlarm(r -> r.alarmName(step.parameter("alarmName"))
        .alarmDescription("CPU of " + instanceId + " (created by remediate " + ID + ")")
        .namespace(NAMESPACE).metricName(METRIC)
        .dimensions(d -> d.name("InstanceId").value(instanceId))
        .statistic(Statistic.fromValue(step.parameters().getOrDefault("statistic",
            DEFAULT_STATISTIC))).period(PERIOD).evaluationPeriods(evaluationPeriods)
        .datapointsToAlarm(evaluationPeriods)
        .threshold(Double.valueOf(step.parameter("threshold")))
        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        .treatMissingData("missing").actionsEnabled(true)
        .alarmActions(splitCsv(step.parameter("actions"))));
  }

  /**
   * Merges the publish statement into the topic's current policy, read again now: a topic created
   * by this very plan gets its default policy only then.
   */
  private void mergeTopicPolicy(RemediationContext context) {
    SnsClient sns = sns(context);
    String arn = AlarmTopics.arn(requiredTopic(), context.region(), context.account());
    String current = sns.getTopicAttributes(r -> r.topicArn(arn)).attributes().get("Policy");
    PolicyDocuments.merge(current, List.of(AlarmTopics.publishStatement(arn, context.region(),
            context.account())))
        .ifPresent(merged -> sns.setTopicAttributes(r -> r.topicArn(arn).attributeName("Policy")
            .attributeValue(merged)));
  }

  private static SnsClient sns(RemediationContext context) {
    return context.scope().client(SnsClient.class, SnsClient::builder);
  }

  private static CloudWatchClient cloudWatch(RemediationContext context) {
    return context.scope().client(CloudWatchClient.class, CloudWatchClient::builder);
  }

  // ---------------------------------------------------------------- values

  /** @return the threshold's canonical text; a number above 0 and at most 100 */
  static String threshold(@Nullable String text) {
    BigDecimal value = null;
    try {
      value = text == null || !text.strip().matches("\\d+(\\.\\d+)?") ? null
          : new BigDecimal(text.strip());
    } catch (NumberFormatException e) {
      value = null;
    }
    if (value == null || value.signum() <= 0 || value.compareTo(BigDecimal.valueOf(100)) > 0) {
      throw new InvalidRemediationException("threshold '" + text + "' is not a CPU percentage "
          + "above 0 and at most 100");
    }
    return value.stripTrailingZeros().toPlainString();
  }

  /** @return the evaluation periods; 1 to 288 (a day of 5-minute periods) */
  static int periods(@Nullable String text) {
    if (text == null || !text.strip().matches("\\d{1,3}")
        || Integer.parseInt(text.strip()) < 1 || Integer.parseInt(text.strip()) > MAX_PERIODS) {
      throw new InvalidRemediationException("periods '" + text + "' is not a whole number from 1 "
          + "to " + MAX_PERIODS + " (evaluation periods of " + PERIOD + " s)");
    }
    return Integer.parseInt(text.strip());
  }

  /**
   * @return the statistic's CloudWatch name, one of {@link #STATISTICS}, matched ignoring case
   * @throws InvalidRemediationException naming the value otherwise
   */
  static String statistic(@Nullable String text) {
    String wanted = text == null ? "" : text.strip();
    return STATISTICS.stream().filter(s -> s.equalsIgnoreCase(wanted)).findFirst()
        .orElseThrow(() -> new InvalidRemediationException("statistic '" + text + "' is not one "
            + "of " + STATISTICS));
  }

  /** Builds {@link EnableCpuAlarm}; {@link #build()} validates every value. */
  @SuppressWarnings("immutables:incompat") // not an extension of the generated builder: it wraps one
  public static final class Builder {
    private final ImmutableEnableCpuAlarm.Builder values = ImmutableEnableCpuAlarm.builder();

    private Builder() {}

    private Builder(Collection<String> instanceIds) {
      values.addAllInstanceIds(instanceIds);
    }

    /**
     * The SNS topic the alarms notify (required), created when missing: a name (the topic of that
     * name in the Region planned in) or the ARN of a topic in that Region.
     *
     * @param arnOrName topic ARN or name
     * @return this builder
     */
    public Builder snsTopic(String arnOrName) {
      values.topic(arnOrName);
      return this;
    }

    /**
     * @param percent the CPU percentage the statistic must reach (default {@value #DEFAULT_THRESHOLD})
     * @return this builder
     */
    public Builder threshold(String percent) {
      values.threshold(percent);
      return this;
    }

    /**
     * @param periods how many 5-minute periods in a row (default 3)
     * @return this builder
     */
    public Builder periods(int periods) {
      values.periods(periods);
      return this;
    }

    /**
     * @param statistic the statistic compared with the threshold: {@code Average} (default),
     *     {@code Maximum}, {@code Minimum}, {@code Sum} or {@code SampleCount}
     * @return this builder
     */
    public Builder statistic(String statistic) {
      values.statistic(statistic);
      return this;
    }

    /**
     * Only instances carrying this tag (region-wide form only).
     *
     * @param key the tag key
     * @param value the tag value
     * @return this builder
     */
    public Builder tag(String key, String value) {
      values.tag(new AbstractMap.SimpleImmutableEntry<>(key, value)); // nulls: refused by the check
      return this;
    }

    /**
     * @return the remediation
     * @throws InvalidRemediationException naming the bad value
     */
    public EnableCpuAlarm build() {
      return values.build();
    }
  }

  /**
   * The catalog entry of {@link EnableCpuAlarm}; flagged {@link Flag#DESTRUCTIVE} for the deletion
   * of alarms of gone instances (the alarms themselves need no consent).
   */
  public static final class Type extends AbstractRemediationType {
    static final Setting SNS_TOPIC = Setting.text("cpuAlarm.snsTopic", "SNS topic the CPU alarms "
        + "notify (created when missing): a topic name or the ARN of a topic in the Region; "
        + "default: alarms.snsTopic");
    static final Setting ALARMS_SNS_TOPIC = Setting.text("alarms.snsTopic", "SNS topic alarms "
        + "notify (the CIS alarms; the CPU alarms unless cpuAlarm.snsTopic is set)");
    static final Setting THRESHOLD = new Setting("cpuAlarm.threshold", Setting.Kind.TEXT,
        "CPU percentage (Average over 5 minutes) at or above which the alarm fires",
        Optional.of(DEFAULT_THRESHOLD));
    static final Setting PERIODS = Setting.integer("cpuAlarm.periods", "How many 5-minute "
        + "periods in a row the CPU must stay at or above the threshold", "3");
    static final Setting STATISTIC = new Setting("cpuAlarm.statistic", Setting.Kind.TEXT,
        "Statistic of CPUUtilization compared with the threshold: Average, Maximum, Minimum, Sum "
        + "or SampleCount", Optional.of(DEFAULT_STATISTIC));
    static final Setting TAG = Setting.text("cpuAlarm.tag", "KEY=VALUE: only running instances "
        + "carrying this tag get the alarm (default: every running instance)");

    /** Creates the type (service loader). */
    public Type() {
      super(ID, "A CloudWatch alarm on the CPUUtilization of each running instance, notifying "
          + "an SNS topic CloudWatch may publish to", List.of(), IAM_ACTIONS,
          EnumSet.of(Flag.DESTRUCTIVE));
      specTable(SPEC);
      observeAsScanned(false); // running instances, by tag
    }

    @Override
    public List<Setting> settings() {
      return List.of(SNS_TOPIC, ALARMS_SNS_TOPIC, THRESHOLD, PERIODS, STATISTIC, TAG);
    }

    /**
     * Every running instance (those tagged {@code cpuAlarm.tag}, when set), with
     * {@code cpuAlarm.threshold}, {@code cpuAlarm.periods}, {@code cpuAlarm.statistic} and the
     * topic of
     * {@code cpuAlarm.snsTopic} or else {@code alarms.snsTopic}; none without a topic.
     */
    @Override
    public Optional<Remediation> forRegion(Map<String, String> settings) {
      Optional<String> tag = TAG.valueIn(settings);
      Optional<Builder> b = withSettings(forEveryInstance(), settings);
      tag.ifPresent(t -> b.ifPresent(builder -> tag(builder, t)));
      return b.map(Builder::build);
    }

    /** An instance id: that instance, with the settings of {@link #forRegion} but the tag. */
    @Override
    public Optional<Remediation> forTarget(String resourceId, Map<String, String> settings) {
      if (!resourceId.startsWith("i-")) {
        return Optional.empty();
      }
      return Optional.of(withSettings(forInstance(resourceId), settings).orElseThrow(() ->
          new InvalidRemediationException(ID + " needs an SNS topic: "
              + SNS_TOPIC.advice("ops-alarms", "snsTopic(\"ops-alarms\")")))
          .build());
    }

    /**
     * The instances of every spec, one remediation per distinct setting, each observing its
     * instances together: one scan's worth of calls for any number of instances.
     */
    @Override
    public List<Remediation> forTargets(List<RemediationSpec> specs) {
      Map<String, EnableCpuAlarm> settings = new LinkedHashMap<>();
      Map<String, Set<String>> instances = new TreeMap<>();
      List<Remediation> combined = new ArrayList<>();
      for (RemediationSpec spec : specs) {
        EnableCpuAlarm one = (EnableCpuAlarm) fromSpec(spec);
        List<String> ids = one.instanceIds();
        if (ids == null) {
          combined.add(one);
          continue;
        }
        Map<String, String> key = new TreeMap<>(one.spec().parameters());
        key.remove("instances");
        settings.putIfAbsent(key.toString(), one);
        instances.computeIfAbsent(key.toString(), k -> new TreeSet<>()).addAll(ids);
      }
      settings.forEach((key, one) -> combined.add(
          one.with(List.copyOf(instances.get(key)), true)));
      return combined;
    }

    static Optional<Builder> withSettings(Builder b, Map<String, String> settings) {
      Optional<String> topic = SNS_TOPIC.valueIn(settings)
          .or(() -> ALARMS_SNS_TOPIC.valueIn(settings));
      THRESHOLD.valueIn(settings, t -> b.threshold(threshold(t)));
      PERIODS.valueIn(settings, p -> b.periods(periods(p)));
      STATISTIC.valueIn(settings, s -> b.statistic(statistic(s)));
      return topic.map(t -> b.snsTopic(AlarmTopics.checked(t)));
    }

    private static void tag(Builder b, String keyValue) {
      Map.Entry<String, String> tag = KEY_VALUE.parse(keyValue);
      b.tag(tag.getKey(), tag.getValue());
    }
  }
}
