package dev.remediate.ec2;

import dev.remediate.core.aws.AwsErrors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

/**
 * Security group rules, in AWS's sense of the word (as in {@link GroupRule}; the event package's
 * rules are {@code EventRule}s): one line of text per rule, and "the rule is gone" errors.
 */
final class SecurityGroupRules {
  private SecurityGroupRules() {}

  /**
   * Renders a rule in one line, e.g. {@code ingress tcp 22 from 0.0.0.0/0}.
   *
   * @param rule the rule
   * @return the text
   */
  static String describe(SecurityGroupRule rule) {
    StringBuilder text = new StringBuilder(Boolean.TRUE.equals(rule.isEgress()) ? "egress " : "ingress ");
    String protocol = rule.ipProtocol();
    if ("-1".equals(protocol)) {
      text.append("all traffic");
    } else {
      text.append(protocol).append(' ');
      Integer from = rule.fromPort();
      Integer to = rule.toPort();
      if (from == null || from == -1) {
        text.append("all ports");
      } else if (from.equals(to)) {
        text.append(from);
      } else {
        text.append(from).append('-').append(to);
      }
    }
    text.append(Boolean.TRUE.equals(rule.isEgress()) ? " to " : " from ").append(peer(rule));
    return text.toString();
  }

  /**
   * The other side of a rule: a CIDR, a prefix list or a group.
   *
   * @param rule the rule
   * @return the peer
   */
  static String peer(SecurityGroupRule rule) {
    if (rule.cidrIpv4() != null) {
      return rule.cidrIpv4();
    }
    if (rule.cidrIpv6() != null) {
      return rule.cidrIpv6();
    }
    if (rule.prefixListId() != null) {
      return rule.prefixListId();
    }
    if (rule.referencedGroupInfo() != null && rule.referencedGroupInfo().groupId() != null) {
      String group = rule.referencedGroupInfo().groupId();
      return group.equals(rule.groupId()) ? group + " (itself)" : group;
    }
    return "(unknown)";
  }

  /**
   * Tells whether an error means the rule is already gone. AWS answers
   * {@code InvalidSecurityGroupRuleId.NotFound}; moto answers {@code InvalidPermission.NotFound}.
   *
   * @param e the error
   * @return true when the rule no longer exists
   */
  static boolean isRuleGone(AwsServiceException e) {
    return AwsErrors.is(e, "InvalidSecurityGroupRuleId.NotFound", "InvalidPermission.NotFound");
  }
}
