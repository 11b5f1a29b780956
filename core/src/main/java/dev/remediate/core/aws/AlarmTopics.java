package dev.remediate.core.aws;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Step;
import dev.remediate.core.policy.PolicyDocuments;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.policybuilder.iam.IamConditionOperator;
import software.amazon.awssdk.policybuilder.iam.IamEffect;
import software.amazon.awssdk.policybuilder.iam.IamPrincipalType;
import software.amazon.awssdk.policybuilder.iam.IamStatement;

/**
 * The SNS topic that CloudWatch alarms notify, as the remediations that put alarms name it: an ARN,
 * or a name meaning the topic of that name in the Region planned in (so one remediation serves
 * every Region of a scan). CloudWatch alarms can only notify a topic of their own Region, and the
 * topic's policy must let {@code cloudwatch.amazonaws.com} publish; merge
 * {@link #publishStatement} into it with {@link dev.remediate.core.policy.PolicyDocuments#merge}.
 *
 * <pre>{@code
 * String topic = AlarmTopics.checked("security-alarms");           // or an ARN
 * AlarmTopics.requireInRegion(topic, "us-east-1", "set alarms.snsTopic=security-alarms");
 * String arn = AlarmTopics.arn(topic, "us-east-1", "123456789012");
 * IamStatement publish = AlarmTopics.publishStatement(arn, "us-east-1", "123456789012");
 * }</pre>
 */
public final class AlarmTopics {
  /** Step kind creating the topic (its parameter {@code name}). */
  public static final String CREATE_TOPIC = "CreateTopic";
  /** Step kind merging {@link #publishStatement} into the topic's policy. */
  public static final String SET_TOPIC_ATTRIBUTES = "SetTopicAttributes";
  /** Statement id of {@link #publishStatement}. */
  public static final String PUBLISH_SID = "AllowCloudWatchAlarmsToPublish";

  private AlarmTopics() {}

  /**
   * @param arnOrName a topic ARN or a topic name
   * @return it, checked with {@link AwsNames#snsTopicArn} or {@link AwsNames#snsTopicName}
   * @throws InvalidRemediationException naming the bad value
   */
  public static String checked(@Nullable String arnOrName) {
    return arnOrName != null && arnOrName.startsWith("arn:") ? AwsNames.snsTopicArn(arnOrName)
        : AwsNames.snsTopicName(arnOrName);
  }

  /**
   * Refuses a topic ARN of another Region than the alarms': CloudWatch alarms can only notify a
   * topic of their own Region. A topic name is always of the Region planned in.
   *
   * @param topic a checked topic ARN or name
   * @param region the Region of the alarms
   * @param advice how to give a topic name instead, e.g. a setting to set
   * @throws InvalidRemediationException for a topic of another Region
   */
  public static void requireInRegion(String topic, String region, String advice) {
    if (topic.startsWith("arn:") && !topic.split(":")[3].equals(region)) {
      throw new InvalidRemediationException("SNS topic " + topic + " is in " + topic.split(":")[3]
          + ": CloudWatch alarms in " + region + " can only notify a topic of their own Region; "
          + "give a topic name instead (created in each Region planned), e.g. " + advice);
    }
  }

  /**
   * @param topic a checked topic ARN or name
   * @param region the Region planned in
   * @param account the account planned in
   * @return the ARN given, or the ARN of the named topic in that Region and account
   */
  public static String arn(String topic, String region, String account) {
    return topic.startsWith("arn:") ? topic : "arn:aws:sns:" + region + ":" + account + ":" + topic;
  }

  /**
   * @param topic a topic ARN or name
   * @return the topic's name
   */
  public static String name(String topic) {
    return topic.substring(topic.lastIndexOf(':') + 1);
  }

  /**
   * @param topic a topic ARN or name
   * @param region the Region planned in
   * @return the topic's Region: the ARN's, or the Region planned in for a name
   */
  public static String region(String topic, String region) {
    return topic.startsWith("arn:") ? topic.split(":")[3] : region;
  }

  /**
   * The topic-policy statement (Sid {@value #PUBLISH_SID}) letting this account's CloudWatch
   * alarms in a Region publish to the topic: principal {@code cloudwatch.amazonaws.com},
   * {@code sns:Publish} on the topic, conditions {@code aws:SourceAccount} (StringEquals) and
   * {@code aws:SourceArn} (ArnLike {@code arn:aws:cloudwatch:<region>:<account>:alarm:*}).
   *
   * @param topicArn the topic's ARN
   * @param region the alarms' Region
   * @param account the alarms' account
   * @return the statement
   */
  public static IamStatement publishStatement(String topicArn, String region, String account) {
    return IamStatement.builder().sid(PUBLISH_SID).effect(IamEffect.ALLOW)
        .addPrincipal(IamPrincipalType.SERVICE, "cloudwatch.amazonaws.com")
        .addAction("sns:Publish").addResource(topicArn)
        .addCondition(IamConditionOperator.STRING_EQUALS, "aws:SourceAccount", account)
        .addCondition(IamConditionOperator.ARN_LIKE, "aws:SourceArn",
            "arn:aws:cloudwatch:" + region + ":" + account + ":alarm:*")
        .build();
  }

  /**
   * The steps that make a topic ready for alarms, decided from what was observed (no AWS call):
   * {@value #CREATE_TOPIC} when it does not exist (parameter {@code name}), then
   * {@value #SET_TOPIC_ATTRIBUTES} when its policy lacks an equivalent {@link #publishStatement}
   * (before: the current policy; after: the merged one). Carry them out by creating the topic and
   * by merging the statement into the policy read again at apply time (a topic created by the
   * same plan gets its default policy only then).
   *
   * @param topicArn the topic's ARN
   * @param exists whether the topic exists
   * @param policy its current policy, or null
   * @param region the alarms' Region
   * @param account the alarms' account
   * @param forWhat what the topic is for, e.g. {@code "the CPU alarms"}
   * @return the steps, in order; empty when the topic is ready
   */
  public static List<Step> steps(String topicArn, boolean exists, @Nullable String policy,
      String region, String account, String forWhat) {
    List<Step> steps = new ArrayList<>();
    String name = name(topicArn);
    if (!exists) {
      steps.add(Step.builder().kind(CREATE_TOPIC).action(Action.ADD).resource(topicArn)
          .summary("create SNS topic " + name + " for " + forWhat + " (subscribe to it)")
          .after(topicArn).putParameters("name", name).build());
    }
    String merged = PolicyDocuments.merge(policy,
        List.of(publishStatement(topicArn, region, account))).orElse(null);
    if (merged != null) {
      var step = Step.builder().kind(SET_TOPIC_ATTRIBUTES)
          .action(policy == null ? Action.ADD : Action.CHANGE).resource(topicArn)
          .summary("merge statement " + PUBLISH_SID + " (cloudwatch.amazonaws.com may "
              + "publish) into the policy of topic " + name + " (other statements kept)")
          .after(merged);
      if (policy != null) {
        step.before(policy);
      }
      steps.add(step.build());
    }
    return steps;
  }

  /**
   * @param topicArn the topic's ARN
   * @return the warning for a topic a plan creates: nobody is subscribed to it yet
   */
  public static String noSubscriptionWarning(String topicArn) {
    return "SNS topic " + topicArn + " will have no subscription: subscribe to it, "
        + "Security Hub looks for one";
  }
}
