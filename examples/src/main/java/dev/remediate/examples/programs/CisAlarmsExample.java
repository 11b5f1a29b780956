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

  /** The command line. */
  static final String USAGE = "CisAlarmsExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply] [LOG_GROUP TOPIC_ARN]";

  private CisAlarmsExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply] [LOG_GROUP TOPIC_ARN]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, CisAlarmsExample::run);
  }

  /**
   * Plans (and applies) the alarms.
   *
   * @param example where to run
   * @return the first plan of the alarms
   */
  public static PlanSet run(ExampleSupport example) {
    String group;
    String topic;
    if (!example.emulator()) {
      group = example.argument(0, "LOG_GROUP");
      topic = example.argument(1, "TOPIC_ARN");
    } else {
      String account = example.scope().account();
      group = LOG_GROUP;
      topic = "arn:aws:sns:" + example.scope().region().id() + ":" + account + ":security-alarms";
      example.out().println("First, a trail that delivers to " + group + ":");
      example.planAndApply(EnsureTrail.toBucket("audit-trail-" + account).cloudWatchLogs(group)
          .build());
    }
    CisAlarms alarms = CisAlarms.forLogGroup(group).snsTopic(topic).build();
    return example.planAndApply(alarms);
  }
}
