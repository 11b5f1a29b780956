package dev.remediate.examples.programs;

import dev.remediate.cloudtrail.CisAlarms;
import dev.remediate.cloudtrail.EnsureTrail;
import dev.remediate.core.plan.PlanSet;

/**
 * {@code cloudwatch.cis-alarms}: the CIS / Security Hub CloudWatch.1-14 metric filters on the
 * trail's log group, an alarm for each, notifying an SNS topic. The log group must exist and
 * receive the trail: on the emulator the example first ensures a trail delivering to it.
 *
 * <pre>{@code
 * CisAlarmsExample                                     # emulator
 * CisAlarmsExample --region eu-west-1 CloudTrail/audit arn:aws:sns:eu-west-1:111122223333:alarms
 * }</pre>
 */
public final class CisAlarmsExample {
  /** The log group the example uses on the emulator. */
  public static final String LOG_GROUP = "CloudTrail/audit";

  private CisAlarmsExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--apply] [LOG_GROUP TOPIC_ARN]}
   */
  public static void main(String[] args) {
    try (ExampleSupport example = ExampleSupport.open(args)) {
      run(example);
    }
  }

  /**
   * Plans (and applies) the alarms.
   *
   * @param example where to run
   * @return the first plan of the alarms
   */
  public static PlanSet run(ExampleSupport example) {
    String account = example.scope().account();
    String region = example.scope().region().id();
    String group = LOG_GROUP;
    String topic = "arn:aws:sns:" + region + ":" + account + ":security-alarms";
    if (example.arguments().size() >= 2) {
      group = example.arguments().get(0);
      topic = example.arguments().get(1);
    } else if (example.emulator()) {
      example.out().println("First, a trail that delivers to " + group + ":");
      example.planAndApply(EnsureTrail.toBucket("audit-trail-" + account).cloudWatchLogs(group)
          .build());
    }
    CisAlarms alarms = CisAlarms.forLogGroup(group).snsTopic(topic).build();
    return example.planAndApply(alarms);
  }
}
