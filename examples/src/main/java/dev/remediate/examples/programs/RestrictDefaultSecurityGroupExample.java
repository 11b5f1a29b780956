package dev.remediate.examples.programs;

import dev.remediate.testing.EmulatorFixtures;
import dev.remediate.core.Guardrails;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.ec2.RestrictDefaultSecurityGroup;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * {@code ec2.default-security-group}: removes every rule of default security groups (FSBP EC2.2,
 * CIS 5.4). On the emulator it first creates a VPC whose default group has AWS's default rules.
 *
 * <pre>{@code
 * RestrictDefaultSecurityGroupExample                       # emulator
 * RestrictDefaultSecurityGroupExample --region eu-west-1    # real AWS, every VPC, plan only
 * RestrictDefaultSecurityGroupExample --region eu-west-1 vpc-0abc1234 --apply
 * }</pre>
 */
public final class RestrictDefaultSecurityGroupExample {
  /** The command line. */
  static final String USAGE = "RestrictDefaultSecurityGroupExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply] [VPC_ID]";

  private RestrictDefaultSecurityGroupExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply] [VPC_ID]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, RestrictDefaultSecurityGroupExample::run);
  }

  /**
   * Plans (and applies) the restriction.
   *
   * @param example where to run
   * @return the first plan
   */
  public static PlanSet run(ExampleSupport example) {
    // against AWS: the VPC named, or every VPC; on the emulator, one made here
    String vpcId = example.arguments().isEmpty() ? null : example.arguments().get(0);
    if (example.emulator()) {
      vpcId = EmulatorFixtures.vpcWithAwsDefaultGroup(
          example.scope().client(Ec2Client.class, Ec2Client::builder));
    }
    RestrictDefaultSecurityGroup remediation = vpcId == null
        ? RestrictDefaultSecurityGroup.forAllVpcs()
        : RestrictDefaultSecurityGroup.forVpc(vpcId);
    // Groups used by network interfaces get a DISRUPTIVE step: consent only on the emulator.
    Guardrails guardrails = example.emulator()
        ? Guardrails.custom().consentTo(Flag.DISRUPTIVE).build()
        : Guardrails.ofDefaults();
    return example.planAndApply(remediation, guardrails);
  }
}
