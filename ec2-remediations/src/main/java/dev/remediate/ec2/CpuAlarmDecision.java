package dev.remediate.ec2;

import dev.remediate.core.aws.AlarmTopics;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import dev.remediate.ec2.CpuAlarmObserver.Instance;
import dev.remediate.ec2.CpuAlarmObserver.Observation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;

/**
 * Turns a {@link CpuAlarmObserver.Observation} into one {@link Target} per instance, with no AWS
 * call.
 *
 * <ul>
 *   <li>A running instance in scope (carrying the tag, when one selects) wants the alarm
 *       {@value EnableCpuAlarm#ALARM_PREFIX}{@code <instance id>}: {@code AWS/EC2 CPUUtilization}
 *       of that instance, the statistic (default Average) over {@value EnableCpuAlarm#PERIOD} s,
 *       {@code GreaterThanOrEqualToThreshold} the threshold for the number of periods, notifying
 *       the topic. An alarm of that name set otherwise, disabled or not notifying the topic is
 *       changed (its other actions kept); the topic is created and its policy merged first when
 *       needed ({@link AlarmTopics#steps}).
 *   <li>A pending instance (just launched) is treated as running: it wants its alarm.
 *   <li>An instance with the opt-out tag is skipped; one neither running nor pending and
 *       without its alarm is skipped, saying so; an existing alarm of a stopped instance is left.
 *   <li>An alarm of this remediation whose instance is gone (terminated, shutting down, or no
 *       longer listed) is reported with a warning and a {@code DeleteAlarms} step flagged
 *       {@link Flag#DESTRUCTIVE}: it is deleted only with that consent.
 * </ul>
 *
 * @param threshold the CPU percentage, canonical text (e.g. {@code 80}, {@code 85.5})
 * @param periods evaluation periods
 * @param statistic the statistic compared, e.g. {@code Average} ({@link EnableCpuAlarm#STATISTICS})
 * @param topic the topic, a checked ARN or name
 * @param tagKey the key of the tag selecting instances, or null for every instance
 * @param tagValue the value of that tag, or null
 */
record CpuAlarmDecision(String threshold, int periods, String statistic, String topic,
    @Nullable String tagKey, @Nullable String tagValue) {
  /** Step kind putting the alarm. */
  static final String PUT_METRIC_ALARM = "PutMetricAlarm";
  /** Step kind deleting the alarm of a gone instance. */
  static final String DELETE_ALARMS = "DeleteAlarms";
  private static final Set<String> GONE = Set.of("terminated", "shutting-down");
  /** States wanting the alarm: running, or starting (a new instance, as a RunInstances event). */
  private static final Set<String> WANTING = Set.of("running", "pending");

  /**
   * The decision with the default statistic, {@value EnableCpuAlarm#DEFAULT_STATISTIC}.
   *
   * @param threshold the CPU percentage, canonical text
   * @param periods evaluation periods
   * @param topic the topic, a checked ARN or name
   * @param tagKey the key of the tag selecting instances, or null
   * @param tagValue the value of that tag, or null
   */
  CpuAlarmDecision(String threshold, int periods, String topic, @Nullable String tagKey,
      @Nullable String tagValue) {
    this(threshold, periods, EnableCpuAlarm.DEFAULT_STATISTIC, topic, tagKey, tagValue);
  }

  /**
   * What the decision wants for one instance, before it becomes a plan.
   *
   * @param instanceId the instance, the plan's target
   * @param steps the changes in order; empty when compliant or skipped
   * @param warnings what the reviewer should know
   * @param skipped what is left alone on purpose, and why
   */
  record Target(String instanceId, List<Step> steps, List<String> warnings, List<Skip> skipped) {
    Target {
      steps = List.copyOf(steps);
      warnings = List.copyOf(warnings);
      skipped = List.copyOf(skipped);
    }
  }

  /**
   * @param o what was observed
   * @param optOutTagKey an instance carrying this tag key is left alone
   * @param optOutReason the reason recorded for it
   * @return one target per instance seen and per alarm of a gone instance, in instance id order;
   *     instances outside the tag selection are not targets
   */
  List<Target> decide(Observation o, String optOutTagKey, String optOutReason) {
    Set<String> ids = new TreeSet<>(o.instances().keySet());
    o.alarms().keySet().forEach(name -> ids.add(name.substring(
        EnableCpuAlarm.ALARM_PREFIX.length())));
    List<Target> targets = new ArrayList<>();
    for (String id : ids) {
      Instance instance = o.instances().get(id);
      MetricAlarm alarm = o.alarms().get(EnableCpuAlarm.alarmName(id));
      if (instance == null || GONE.contains(instance.state())) {
        targets.add(alarm == null ? empty(id) : orphan(id, alarm, o));
      } else if (tagKey == null || tagValue.equals(instance.tags().get(tagKey))) {
        targets.add(wanted(instance, alarm, o, optOutTagKey, optOutReason));
      }
    }
    return targets;
  }

  private Target wanted(Instance instance, @Nullable MetricAlarm alarm, Observation o,
      String optOutTagKey, String optOutReason) {
    String id = instance.id();
    if (instance.tags().containsKey(optOutTagKey)) {
      return new Target(id, List.of(), List.of(), List.of(Skip.of(id, optOutReason)));
    }
    if (!WANTING.contains(instance.state())) {
      return alarm != null ? empty(id) : new Target(id, List.of(), List.of(), List.of(Skip.of(id,
          "instance is " + instance.state() + ": its alarm is planned once it runs")));
    }
    String topicArn = AlarmTopics.arn(topic, o.region(), o.account());
    List<Step> steps = new ArrayList<>(AlarmTopics.steps(topicArn, o.topicExists(),
        o.topicPolicy(), o.region(), o.account(), "the CPU alarms"));
    List<String> warnings = o.topicExists() ? List.of()
        : List.of(AlarmTopics.noSubscriptionWarning(topicArn));
    if (!compliant(alarm, id, topicArn)) {
      steps.add(alarmStep(id, alarm, o, topicArn));
    }
    return steps.isEmpty() ? empty(id) : new Target(id, steps, warnings, List.of());
  }

  private boolean compliant(@Nullable MetricAlarm alarm, String instanceId, String topicArn) {
    return alarm != null && wantedSettings(instanceId).equals(settings(alarm))
        && !Boolean.FALSE.equals(alarm.actionsEnabled()) && alarm.alarmActions().contains(topicArn);
  }

  private Step alarmStep(String instanceId, @Nullable MetricAlarm alarm, Observation o,
      String topicArn) {
    String name = EnableCpuAlarm.alarmName(instanceId);
    Set<String> actions = new TreeSet<>(alarm == null ? List.of() : alarm.alarmActions());
    actions.add(topicArn);
    var step = Step.builder().kind(PUT_METRIC_ALARM)
        .action(alarm == null ? Action.ADD : Action.CHANGE)
        .resource(alarmArn(o, name))
        .summary("put alarm " + name + ": CPUUtilization of " + instanceId + " " + statistic
            + " >= "
            + threshold + "% for " + periods + " periods of " + EnableCpuAlarm.PERIOD
            + " s, notifying " + topicArn)
        .after(wantedSettings(instanceId) + " -> " + actions)
        .putParameters("alarmName", name).putParameters("instanceId", instanceId)
        .putParameters("threshold", threshold).putParameters("periods", String.valueOf(periods))
        .putParameters("actions", String.join(",", actions));
    if (!EnableCpuAlarm.DEFAULT_STATISTIC.equals(statistic)) {
      // Only when not the default: steps of plans saved before the setting existed stay the same.
      step.putParameters("statistic", statistic);
    }
    if (alarm != null) {
      step.before(settings(alarm) + " -> " + new TreeSet<>(alarm.alarmActions())
          + (Boolean.FALSE.equals(alarm.actionsEnabled()) ? " (actions disabled)" : ""));
    }
    return step.build();
  }

  private static Target orphan(String instanceId, MetricAlarm alarm, Observation o) {
    String name = alarm.alarmName();
    Step delete = Step.builder().kind(DELETE_ALARMS).action(Action.REMOVE)
        .resource(alarmArn(o, name)).addFlags(Flag.DESTRUCTIVE)
        .summary("delete alarm " + name + " of gone instance " + instanceId)
        .before(settings(alarm) + " -> " + new TreeSet<>(alarm.alarmActions()))
        .putParameters("alarmName", name).build();
    return new Target(instanceId, List.of(delete), List.of("alarm " + name + " watches instance "
        + instanceId + ", which is gone (terminated): deleted only with consent to "
        + Flag.DESTRUCTIVE), List.of());
  }

  private static Target empty(String instanceId) {
    return new Target(instanceId, List.of(), List.of(), List.of());
  }

  private static String alarmArn(Observation o, String name) {
    return "arn:aws:cloudwatch:" + o.region() + ":" + o.account() + ":alarm:" + name;
  }

  /** The wanted settings of an instance's alarm, in the form of {@link #settings(MetricAlarm)}. */
  String wantedSettings(String instanceId) {
    return EnableCpuAlarm.NAMESPACE + "/" + EnableCpuAlarm.METRIC + " InstanceId=" + instanceId
        + " " + statistic + " GreaterThanOrEqualToThreshold " + threshold + " period="
        + EnableCpuAlarm.PERIOD + " evaluationPeriods=" + periods + " datapointsToAlarm="
        + periods;
  }

  /** An alarm's metric, dimensions, statistic, comparison, threshold and periods, as text. */
  static String settings(MetricAlarm a) {
    StringBuilder dimensions = new StringBuilder();
    for (Dimension d : a.dimensions()) {
      dimensions.append(dimensions.length() == 0 ? "" : ",").append(d.name()).append('=')
          .append(d.value());
    }
    return a.namespace() + "/" + a.metricName() + " " + dimensions + " " + a.statisticAsString()
        + " " + a.comparisonOperatorAsString() + " " + number(a.threshold()) + " period="
        + a.period() + " evaluationPeriods=" + a.evaluationPeriods() + " datapointsToAlarm="
        + (a.datapointsToAlarm() == null ? a.evaluationPeriods() : a.datapointsToAlarm());
  }

  /** @return a number's canonical text: {@code 80}, {@code 85.5} */
  static String number(@Nullable Double value) {
    return value == null ? "null"
        : BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
