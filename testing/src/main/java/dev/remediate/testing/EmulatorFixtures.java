package dev.remediate.testing;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;

/**
 * Resources the examples create on the emulator so there is something to fix, shaped like AWS's
 * (moto differs in places; see AWS-FACTS.md).
 *
 * <pre>{@code
 * String vpcId = EmulatorFixtures.vpcWithAwsDefaultGroup(aws.client(Ec2Client.class, Ec2Client::builder));
 * }</pre>
 */
public final class EmulatorFixtures {
  private EmulatorFixtures() {}

  /**
   * Creates a VPC whose default security group has the rules AWS gives it: allow-all egress and a
   * self-referencing allow-all ingress rule (moto leaves the latter out).
   *
   * @param ec2 an EC2 client of the emulator
   * @return the VPC id
   */
  public static String vpcWithAwsDefaultGroup(Ec2Client ec2) {
    String vpcId = ec2.createVpc(r -> r.cidrBlock("10.20.0.0/16")).vpc().vpcId();
    addAwsDefaultIngress(ec2, vpcId);
    return vpcId;
  }

  /**
   * Gives a VPC's default security group AWS's self-referencing allow-all ingress rule, when it
   * lacks one (moto leaves it out).
   *
   * @param ec2 an EC2 client of the emulator
   * @param vpcId the VPC
   * @return the group id when the rule was added, else null
   */
  public static @Nullable String addAwsDefaultIngress(Ec2Client ec2, String vpcId) {
    SecurityGroup group = ec2.describeSecurityGroups(r -> r.filters(
        f -> f.name("vpc-id").values(vpcId), f -> f.name("group-name").values("default")))
        .securityGroups().get(0);
    if (group.ipPermissions().stream().anyMatch(p -> "-1".equals(p.ipProtocol()))) {
      return null;
    }
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(group.groupId()).ipPermissions(
        IpPermission.builder().ipProtocol("-1").userIdGroupPairs(
            UserIdGroupPair.builder().groupId(group.groupId()).build()).build()));
    return group.groupId();
  }

  /**
   * Launches one instance from the first image the emulator offers.
   *
   * @param ec2 an EC2 client of the emulator
   * @return the instance id
   */
  public static String instance(Ec2Client ec2) {
    String image = ec2.describeImages().images().get(0).imageId();
    return ec2.runInstances(r -> r.imageId(image).minCount(1).maxCount(1)
        .instanceType("t3.micro")).instances().get(0).instanceId();
  }
}
