package dev.remediate.cloudtrail;

import dev.remediate.core.aws.AwsErrors;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.MetricFilter;

/**
 * Every read {@link CisAlarms} makes, into an {@link Observation}: {@code DescribeLogGroups}; when
 * the group exists, {@code DescribeTrails} and one paginated {@code DescribeMetricFilters}; one
 * paginated {@code DescribeAlarms}; {@code GetTopicAttributes}. A group that does not exist yet is
 * accepted when a plan of the same plan set creates it ({@link RemediationContext#promised}).
 */
final class CisAlarmsObserver {
  private CisAlarmsObserver() {}

  /**
   * What was read.
   *
   * @param region the Region
   * @param account the account
   * @param promisedBy the key of the plan that creates the log group, when it does not exist yet
   * @param delivered whether a trail delivers to the group (true when promised: its trail does)
   * @param filters the group's metric filters, by name
   * @param alarms the Region's metric alarms, by name
   * @param topicExists whether the topic exists
   * @param topicPolicy its policy, or null
   */
  record Observation(String region, String account, @Nullable String promisedBy,
      boolean delivered, List<MetricFilter> filters, List<MetricAlarm> alarms,
      boolean topicExists, @Nullable String topicPolicy) {}

  static Observation observe(CisAlarms wanted, RemediationContext context) {
    String region = context.region();
    String account = context.account();
    String group = wanted.logGroup();
    String groupArn = TrailLogs.groupArn(region, account, group);
    CloudWatchLogsClient logs = context.scope().client(CloudWatchLogsClient.class,
        CloudWatchLogsClient::builder);
    boolean exists = logs.describeLogGroups(r -> r.logGroupNamePrefix(group)).logGroups()
        .stream().anyMatch(g -> group.equals(g.logGroupName()));
    String promisedBy = null;
    boolean delivered = true;
    List<MetricFilter> filters = new ArrayList<>();
    if (exists) {
      delivered = delivered(context, groupArn);
      logs.describeMetricFiltersPaginator(r -> r.logGroupName(group)).metricFilters()
          .forEach(filters::add);
      filters.sort(Comparator.comparing(MetricFilter::filterName)
          .thenComparing(f -> String.valueOf(f.filterPattern())));
    } else {
      promisedBy = context.promised(groupArn).orElseThrow(() -> new RemediationException(
          "Log group '" + group + "' does not exist in " + region + ": deliver the trail to it "
              + "first (" + EnsureTrail.CLOUD_WATCH_LOGS.advice(group, "EnsureTrail..."
              + "cloudWatchLogs(\"" + group + "\")") + "), and plan " + EnsureTrail.ID
              + " with it in the same plan set"));
    }
    List<MetricAlarm> alarms = new ArrayList<>();
    context.scope().client(CloudWatchClient.class, CloudWatchClient::builder)
        .describeAlarmsPaginator(r -> r.maxRecords(100)).metricAlarms().forEach(alarms::add);
    alarms.sort(Comparator.comparing(MetricAlarm::alarmName));
    String policy = null;
    boolean topicExists;
    try {
      policy = wanted.sns(context).getTopicAttributes(r -> r.topicArn(wanted.topicArn(region, account)))
          .attributes().get("Policy");
      topicExists = true;
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "NotFound", "NotFoundException")) {
        throw e;
      }
      topicExists = false;
    }
    return new Observation(region, account, promisedBy, delivered, List.copyOf(filters),
        List.copyOf(alarms), topicExists, policy);
  }

  private static boolean delivered(RemediationContext context, String groupArn) {
    return context.scope().client(CloudTrailClient.class, CloudTrailClient::builder)
        .describeTrails(r -> r.includeShadowTrails(true)).trailList().stream()
        .anyMatch(t -> t.cloudWatchLogsLogGroupArn() != null
            && (t.cloudWatchLogsLogGroupArn().equals(groupArn + ":*")
                || t.cloudWatchLogsLogGroupArn().equals(groupArn)));
  }
}
