package dev.remediate.examples.programs;

import dev.remediate.testing.EmulatorFixtures;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.ec2.EnableCpuAlarm;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * {@code ec2.cpu-alarm}: a CloudWatch alarm on {@code CPUUtilization} for every running instance of
 * the Region (average at least 80% for 3 periods of 5 minutes), notifying an SNS topic whose
 * policy lets CloudWatch publish. On the emulator it first launches an instance and makes the
 * topic.
 *
 * <pre>{@code
 * EnableCpuAlarmExample                                               # emulator
 * EnableCpuAlarmExample --region eu-west-1 arn:aws:sns:...:ops        # real AWS, plan only
 * EnableCpuAlarmExample --region eu-west-1 --apply arn:aws:sns:...:ops
 * }</pre>
 */
public final class EnableCpuAlarmExample {
  /** The command line. */
  static final String USAGE = "EnableCpuAlarmExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply] [TOPIC_ARN]";

  private EnableCpuAlarmExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply] [TOPIC_ARN]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, EnableCpuAlarmExample::run);
  }

  /**
   * Plans (and applies) the CPU alarms of the Region.
   *
   * @param example where to run
   * @return the first plan set
   */
  public static PlanSet run(ExampleSupport example) {
    String topic;
    if (example.emulator()) {
      EmulatorFixtures.instance(example.scope().client(Ec2Client.class, Ec2Client::builder));
      topic = example.scope().client(SnsClient.class, SnsClient::builder)
          .createTopic(r -> r.name("ops-alarms")).topicArn();
    } else {
      topic = example.argument(0, "TOPIC_ARN");
    }
    return example.planAndApply(EnableCpuAlarm.forEveryInstance().snsTopic(topic).build());
  }
}
