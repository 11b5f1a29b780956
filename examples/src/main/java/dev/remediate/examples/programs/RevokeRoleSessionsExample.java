package dev.remediate.examples.programs;

import dev.remediate.core.Guardrails;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.iam.RevokeRoleSessions;

/**
 * {@code iam.revoke-role-sessions}: revokes a role's active sessions as the IAM console does (the
 * inline policy AWSRevokeOlderSessions denies sessions issued before the time of apply). The plan
 * is flagged DISRUPTIVE (needs approval): the example consents on the emulator only, where it
 * first creates a role. Give a role name or an instance id ({@code i-...}: its profile's role).
 *
 * <pre>{@code
 * RevokeRoleSessionsExample                                    # emulator
 * RevokeRoleSessionsExample --region eu-west-1 i-0abc1234      # real AWS, plan only
 * }</pre>
 */
public final class RevokeRoleSessionsExample {
  /** The command line. */
  static final String USAGE = "RevokeRoleSessionsExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply] [ROLE_NAME|INSTANCE_ID]";

  private RevokeRoleSessionsExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply]
   *     [ROLE_NAME|INSTANCE_ID]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, RevokeRoleSessionsExample::run);
  }

  /**
   * Plans (and applies) the revocation.
   *
   * @param example where to run
   * @return the first plan set
   */
  public static PlanSet run(ExampleSupport example) {
    String target;
    if (example.emulator()) {
      target = "example-role";
      IamExamples.iam(example).createRole(r -> r.roleName("example-role")
          .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
              + "\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},"
              + "\"Action\":\"sts:AssumeRole\"}]}"));
    } else {
      target = example.argument(0, "ROLE_NAME|INSTANCE_ID");
    }
    RevokeRoleSessions revoke = target.startsWith("i-")
        ? RevokeRoleSessions.forInstance(target).build() : RevokeRoleSessions.forRole(target).build();
    Guardrails consent = example.emulator()
        ? Guardrails.custom().consentTo(Flag.DISRUPTIVE).build() : Guardrails.ofDefaults();
    return example.planAndApply(revoke, consent);
  }
}
