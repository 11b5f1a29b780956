package dev.remediate.examples.programs;

import dev.remediate.core.plan.PlanSet;
import dev.remediate.ec2.RestrictSecurityGroup;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * {@code ec2.security-group-open-ports}: revokes rules that open sensitive ports (SSH, RDP, ...)
 * to the whole internet (FSBP EC2.13, EC2.14, CIS 5.2), here replacing them with a private range
 * so the ports stay reachable from inside. It only removes or narrows rules. On the emulator the
 * example first creates a group with SSH open to {@code 0.0.0.0/0}.
 *
 * <pre>{@code
 * RestrictSecurityGroupExample                              # emulator
 * RestrictSecurityGroupExample --region eu-west-1           # every group, plan only
 * }</pre>
 */
public final class RestrictSecurityGroupExample {
  /** The command line. */
  static final String USAGE = "RestrictSecurityGroupExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply]";

  private RestrictSecurityGroupExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, RestrictSecurityGroupExample::run);
  }

  /**
   * Plans (and applies) the restriction of every group.
   *
   * @param example where to run
   * @return the first plan
   */
  public static PlanSet run(ExampleSupport example) {
    if (example.emulator()) {
      Ec2Client ec2 = example.scope().client(Ec2Client.class, Ec2Client::builder);
      String vpc = ec2.createVpc(r -> r.cidrBlock("10.40.0.0/16")).vpc().vpcId();
      String group = ec2.createSecurityGroup(r -> r.vpcId(vpc).groupName("bastion")
          .description("bastion")).groupId();
      ec2.authorizeSecurityGroupIngress(r -> r.groupId(group).ipPermissions(p -> p
          .ipProtocol("tcp").fromPort(22).toPort(22).ipRanges(ip -> ip.cidrIp("0.0.0.0/0"))));
    }
    RestrictSecurityGroup restrict = RestrictSecurityGroup.forEveryGroup()
        .replaceWith("10.0.0.0/8")
        .build();
    return example.planAndApply(restrict);
  }
}
