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
  /** The command line. */
  static final String USAGE = "BlockIpAddressExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply] [ADDRESS VPC_ID]";

  private BlockIpAddressExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply] [ADDRESS VPC_ID]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, BlockIpAddressExample::run);
  }

  /**
   * Plans (and applies) the block.
   *
   * @param example where to run
   * @return the first plan
   */
  public static PlanSet run(ExampleSupport example) {
    String address;
    String vpc;
    if (example.emulator()) {
      address = "203.0.113.7";
      Ec2Client ec2 = example.scope().client(Ec2Client.class, Ec2Client::builder);
      String created = ec2.createVpc(r -> r.cidrBlock("10.50.0.0/16")).vpc().vpcId();
      ec2.createSubnet(r -> r.vpcId(created).cidrBlock("10.50.1.0/24"));
      vpc = created;
    } else {
      address = example.argument(0, "ADDRESS");
      vpc = example.argument(1, "VPC_ID");
    }
    return example.planAndApply(BlockIpAddress.of(address).inVpc(vpc).build());
  }
}
