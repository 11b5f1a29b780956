package dev.remediate.cloudtrail;

import dev.remediate.core.aws.AlarmTopics;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.policybuilder.iam.IamStatement;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatchlogs.model.MetricFilter;
import software.amazon.awssdk.services.cloudwatchlogs.model.MetricTransformation;

/**
 * Turns a {@link CisAlarmsObserver.Observation} into the plan of {@link CisAlarms}, with no AWS
 * call: the topic, its policy, then the missing metric filters and alarms. A log group that a plan
 * of the same plan set creates is planned against as if it were there (it has no filters yet), and
 * that plan becomes a prerequisite ({@link Plan#requires()}).
 */
final class CisAlarmsDecision {
  /** How the alarms this remediation puts are set: they fire on the first matching event. */
  static final String WANTED_SETTINGS =
      "Sum GreaterThanOrEqualToThreshold 1.0 evaluationPeriods=1";

  private CisAlarmsDecision() {}

  static Plan decide(CisAlarms wanted, CisAlarmsObserver.Observation o,
      Plan.Builder plan) {
    String groupArn = TrailLogs.groupArn(o.region(), o.account(), wanted.logGroup());
    if (o.promisedBy() != null) {
      plan.addRequires(o.promisedBy()).addWarnings("after " + EnsureTrail.ID + " creates log group "
          + wanted.logGroup() + " (" + o.promisedBy() + "): planned against the group that plan "
          + "creates; skipped if it fails");
    } else if (!o.delivered()) {
      plan.addWarnings("No trail delivers to log group " + wanted.logGroup() + ": the alarms will "
          + "never fire until one does (FSBP CloudTrail.5)");
    }
    List<Step> filterSteps = new ArrayList<>();
    List<Step> alarmSteps = new ArrayList<>();
    for (CisAlarm alarm : wanted.sortedAlarms()) {
      plan.addControls("FSBP " + alarm.securityHubControl(), "CIS v1.4 " + alarm.cisV14());
      MetricTransformation metric = o.filters().stream()
          .filter(f -> alarm.filterPattern().equals(f.filterPattern()))
          .flatMap(f -> f.metricTransformations().stream()).findFirst().orElse(null);
      String metricName = metric != null ? metric.metricName() : alarm.metricName();
      String namespace = metric != null ? metric.metricNamespace() : wanted.namespace();
      if (metric == null) {
        filterSteps.add(filterStep(alarm, groupArn, metricName, namespace, o.filters()));
      }
      boolean alarmed = o.alarms().stream().anyMatch(a -> metricName.equals(a.metricName())
          && namespace.equals(a.namespace()) && !Boolean.FALSE.equals(a.actionsEnabled())
          && a.alarmActions().contains(wanted.topicArn(o.region(), o.account())) && alarmsOnEveryEvent(a));
      if (!alarmed) {
        alarmSteps.add(alarmStep(wanted, alarm, o, metricName, namespace));
      }
    }
    topicSteps(wanted, o, plan);
    Plan built = plan.addAllSteps(filterSteps).addAllSteps(alarmSteps).build();
    return built.isEmpty() ? built
        : Plan.builder().from(built).addAllIamActions(actionsFor(built.steps())).build();
  }

  private static Step filterStep(CisAlarm alarm, String groupArn, String metricName,
      String namespace, List<MetricFilter> filters) {
    MetricFilter sameName = filters.stream()
        .filter(f -> alarm.resourceName().equals(f.filterName())).findFirst().orElse(null);
    var step = Step.builder().kind(CisAlarms.PUT_METRIC_FILTER)
        .action(sameName == null ? Action.ADD : Action.CHANGE)
        .resource(groupArn + ":metric-filter:" + alarm.resourceName())
        .summary("put metric filter " + alarm.resourceName() + " (" + alarm.securityHubControl()
            + ") counting " + namespace + "/" + metricName)
        .after(alarm.filterPattern())
        .putParameters("filterName", alarm.resourceName())
        .putParameters("pattern", alarm.filterPattern())
        .putParameters("metricName", metricName).putParameters("namespace", namespace);
    if (sameName != null) {
      step.before(String.valueOf(sameName.filterPattern()));
    }
    return step.build();
  }

  private static Step alarmStep(CisAlarms wanted, CisAlarm alarm,
      CisAlarmsObserver.Observation o, String metricName, String namespace) {
    MetricAlarm ours = o.alarms().stream()
        .filter(a -> alarm.resourceName().equals(a.alarmName())).findFirst().orElse(null);
    String topic = wanted.topicArn(o.region(), o.account());
    var step = Step.builder().kind(CisAlarms.PUT_METRIC_ALARM)
        .action(ours != null ? Action.CHANGE : Action.ADD)
        .resource("arn:aws:cloudwatch:" + o.region() + ":" + o.account() + ":alarm:"
            + alarm.resourceName())
        .summary("put alarm " + alarm.resourceName() + " on " + namespace + "/" + metricName
            + " (Sum >= 1 over 5 minutes) notifying " + topic)
        .after(WANTED_SETTINGS + " -> " + topic)
        .putParameters("alarmName", alarm.resourceName()).putParameters("metricName", metricName)
        .putParameters("namespace", namespace).putParameters("topic", topic)
        .putParameters("description", "CIS " + alarm.cisV14() + " / Security Hub "
            + alarm.securityHubControl() + " (created by remediate)");
    if (ours != null) {
      step.before(settings(ours) + " -> " + ours.alarmActions()
          + (Boolean.FALSE.equals(ours.actionsEnabled()) ? " (actions disabled)" : ""));
    }
    return step.build();
  }

  private static void topicSteps(CisAlarms wanted, CisAlarmsObserver.Observation o,
      Plan.Builder plan) {
    String topic = wanted.topicArn(o.region(), o.account());
    if (!o.topicExists()) {
      plan.addWarnings(AlarmTopics.noSubscriptionWarning(topic));
    }
    plan.addAllSteps(AlarmTopics.steps(topic, o.topicExists(), o.topicPolicy(), o.region(),
        o.account(), "the CIS alarms"));
  }

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
  static List<IamStatement> publishStatements(String topicArn, String region, String account) {
    return List.of(AlarmTopics.publishStatement(topicArn, region, account));
  }

  private static Set<String> actionsFor(List<Step> steps) {
    Set<String> actions = new TreeSet<>(List.of("logs:DescribeLogGroups",
        "logs:DescribeMetricFilters", "cloudtrail:DescribeTrails", "cloudwatch:DescribeAlarms",
        "sns:GetTopicAttributes"));
    for (Step s : steps) {
      actions.add(switch (s.kind()) {
        case CisAlarms.PUT_METRIC_FILTER -> "logs:PutMetricFilter";
        case CisAlarms.PUT_METRIC_ALARM -> "cloudwatch:PutMetricAlarm";
        default -> "sns:" + s.kind();
      });
    }
    return actions;
  }
}
