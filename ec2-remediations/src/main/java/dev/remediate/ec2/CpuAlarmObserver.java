package dev.remediate.ec2;

import dev.remediate.core.RemediationContext;
import dev.remediate.core.aws.AwsErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Every read {@link EnableCpuAlarm} makes, into an {@link Observation}: the instances (one
 * paginated {@code DescribeInstances} for the region, or filtered by {@code instance-id} in chunks
 * of 200), the alarms of this remediation (one paginated {@code DescribeAlarms} with the name
 * prefix {@value EnableCpuAlarm#ALARM_PREFIX}, or by alarm names in chunks of 100) and the topic
 * ({@code GetTopicAttributes}).
 */
final class CpuAlarmObserver {
  private static final int ALARM_NAMES = 100;

  private CpuAlarmObserver() {}

  /**
   * An instance as the decision needs it.
   *
   * @param id the instance id
   * @param state its state name, e.g. {@code running}
   * @param tags its tags by key
   */
  record Instance(String id, String state, Map<String, String> tags) {
    Instance {
      tags = Map.copyOf(tags);
    }
  }

  /**
   * What was read.
   *
   * @param region the Region
   * @param account the account
   * @param instances the instances seen, by id (terminated ones included while EC2 shows them)
   * @param alarms this remediation's alarms ({@value EnableCpuAlarm#ALARM_PREFIX}...), by name
   * @param topicExists whether the topic exists
   * @param topicPolicy its policy, or null
   */
  record Observation(String region, String account, Map<String, Instance> instances,
      Map<String, MetricAlarm> alarms, boolean topicExists, @Nullable String topicPolicy) {
    Observation {
      instances = Map.copyOf(instances);
      alarms = Map.copyOf(alarms);
    }
  }

  /**
   * @param instanceIds the instances to observe, or null for every instance of the Region
   * @param topicArn the topic the alarms notify
   */
  static Observation observe(@Nullable List<String> instanceIds, String topicArn,
      RemediationContext context) {
    Map<String, Instance> instances = instances(
        context.scope().client(Ec2Client.class, Ec2Client::builder), instanceIds);
    Map<String, MetricAlarm> alarms = new TreeMap<>();
    CloudWatchClient cloudWatch = context.scope().client(CloudWatchClient.class,
        CloudWatchClient::builder);
    if (instanceIds == null) {
      cloudWatch.describeAlarmsPaginator(r -> r.alarmNamePrefix(EnableCpuAlarm.ALARM_PREFIX))
          .metricAlarms().forEach(a -> alarms.put(a.alarmName(), a));
    } else {
      for (List<String> chunk : NetworkSupport.chunks(instanceIds, ALARM_NAMES)) {
        cloudWatch.describeAlarmsPaginator(r -> r.alarmNames(
                chunk.stream().map(EnableCpuAlarm::alarmName).toList()))
            .metricAlarms().forEach(a -> alarms.put(a.alarmName(), a));
      }
    }
    String policy = null;
    boolean exists = true;
    try {
      policy = context.scope().client(SnsClient.class, SnsClient::builder)
          .getTopicAttributes(r -> r.topicArn(topicArn)).attributes().get("Policy");
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "NotFound", "NotFoundException")) {
        throw e;
      }
      exists = false;
    }
    return new Observation(context.region(), context.account(), instances, alarms, exists,
        policy);
  }

  private static Map<String, Instance> instances(Ec2Client ec2, @Nullable List<String> ids) {
    Map<String, Instance> found = new TreeMap<>();
    List<List<String>> chunks = ids == null ? java.util.Collections.singletonList(null)
        : NetworkSupport.chunks(ids, NetworkSupport.FILTER_VALUES);
    for (List<String> chunk : chunks) {
      ec2.describeInstancesPaginator(r -> {
        if (chunk != null) {
          r.filters(NetworkSupport.filter("instance-id", chunk));
        }
      }).reservations().forEach(res -> res.instances().forEach(i -> found.put(i.instanceId(),
          new Instance(i.instanceId(), i.state() == null ? "unknown" : i.state().nameAsString(),
              NetworkSupport.tags(i.tags())))));
    }
    return found;
  }

  /** @return the ids of instances asked for and not found */
  static List<String> missing(List<String> asked, Observation o) {
    List<String> missing = new ArrayList<>();
    for (String id : asked) {
      if (!o.instances().containsKey(id) && !o.alarms().containsKey(EnableCpuAlarm.alarmName(id))) {
        missing.add(id);
      }
    }
    return missing;
  }
}
