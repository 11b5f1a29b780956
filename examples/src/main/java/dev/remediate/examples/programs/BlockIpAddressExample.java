package dev.remediate.examples.programs;

import dev.remediate.core.plan.PlanSet;
import dev.remediate.ec2.BlockIpAddress;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * {@code ec2.block-ip}: denies one address in both directions in the network ACLs of a VPC's
 * subnets, ahead of every allow entry ({@code UnblockIpAddress} undoes it). On the emulator the
 * example first creates a VPC with a subnet.
 *
 * <pre>{@code
 * BlockIpAddressExample                                            # emulator
 * BlockIpAddressExample --region eu-west-1 203.0.113.7 vpc-0abc1234 --apply
 * }</pre>
 */
public final class BlockIpAddressExample {
  private BlockIpAddressExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--apply] [ADDRESS VPC_ID]}
   */
  public static void main(String[] args) {
    try (ExampleSupport example = ExampleSupport.open(args)) {
      run(example);
    }
  }

  /**
   * Plans (and applies) the block.
   *
   * @param example where to run
   * @return the first plan
   */
  public static PlanSet run(ExampleSupport example) {
    String address = "203.0.113.7";
    String vpc;
    if (example.arguments().size() >= 2) {
      address = example.arguments().get(0);
      vpc = example.arguments().get(1);
    } else {
      Ec2Client ec2 = example.scope().client(Ec2Client.class, Ec2Client::builder);
      String created = ec2.createVpc(r -> r.cidrBlock("10.50.0.0/16")).vpc().vpcId();
      ec2.createSubnet(r -> r.vpcId(created).cidrBlock("10.50.1.0/24"));
      vpc = created;
    }
    return example.planAndApply(BlockIpAddress.of(address).inVpc(vpc).build());
  }
}
