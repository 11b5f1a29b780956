package dev.remediate.ec2;

import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import java.util.Collection;
import java.util.List;

/**
 * What a decision of a security group remediation wants for one group, before it becomes a
 * {@link Plan}: made without AWS calls (and without a {@link RemediationContext}), so decisions are
 * unit-tested with a hand-made observation.
 *
 * @param groupId the security group, the plan's target
 * @param vpcId its VPC
 * @param steps the changes, in order; empty when compliant or skipped
 * @param warnings what the reviewer should know
 * @param skipped what is left alone on purpose, and why
 */
record GroupPlan(String groupId, String vpcId, List<Step> steps, List<String> warnings,
    List<Skip> skipped) {
  /** The plan's resource type. */
  static final String TYPE = "AWS::EC2::SecurityGroup";

  GroupPlan {
    steps = List.copyOf(steps);
    warnings = List.copyOf(warnings);
    skipped = List.copyOf(skipped);
  }

  /**
   * The plan of this group.
   *
   * @param context the planning context (account, region, time)
   * @param remediation the remediation of this group alone, whose spec the plan carries
   * @param iamActions the IAM actions applying needs
   * @param controls the controls satisfied
   * @return the plan
   */
  Plan toPlan(RemediationContext context, Remediation remediation, Collection<String> iamActions,
      Collection<String> controls) {
    return context.newPlan(remediation, TYPE, groupId)
        .addAllSteps(steps)
        .addAllWarnings(warnings)
        .addAllSkipped(skipped)
        .addAllIamActions(iamActions)
        .addAllControls(controls)
        .build();
  }
}
