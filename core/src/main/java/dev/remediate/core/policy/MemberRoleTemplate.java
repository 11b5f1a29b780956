package dev.remediate.core.policy;

import dev.remediate.core.RemediationType;
import dev.remediate.core.aws.AccountRole;
import dev.remediate.core.policy.LeastPrivilegePolicy;
import java.util.Collection;

/**
 * The CloudFormation template of the role Remediate assumes in member accounts
 * ({@value AccountRole#DEFAULT_ROLE_NAME}, see {@code scan --accounts} and
 * {@link dev.remediate.core.aws.Fleet}), to deploy in every member account with a StackSet. It
 * holds the least-privilege statements of the selected remediations
 * ({@link LeastPrivilegePolicy#scoped}: IAM writes only on the library's own {@code remediate-*}
 * roles; the responder actions of the incident-response remediations are not granted) and trusts
 * only the central account's role, with the external ID when one is given.
 *
 * <pre>{@code
 * String yaml = MemberRoleTemplate.render(RemediationCatalog.load().types());
 * }</pre>
 */
public final class MemberRoleTemplate {
  /** The role's logical id in the template. */
  public static final String ROLE = "RemediateExecutionRole";

  private MemberRoleTemplate() {}

  /**
   * Renders the template.
   *
   * @param types the remediations the role must be able to plan and apply (usually the whole
   *     catalog)
   * @return YAML text
   */
  public static String render(Collection<? extends RemediationType> types) {
    LeastPrivilegePolicy policy = LeastPrivilegePolicy.of(types);
    StringBuilder y = new StringBuilder();
    y.append("# Generated from the Remediate catalog (remediate catalog --member-role); do not edit.\n");
    y.append("# Deploy in every member account with a StackSet; see docs/cli.md (accounts).\n");
    y.append("AWSTemplateFormatVersion: '2010-09-09'\n");
    y.append("Description: The role Remediate assumes in a member account (least privilege for ")
        .append(types.size()).append(" remediation(s)), trusted by the central account's role.\n");
    y.append("Parameters:\n");
    y.append("  CentralAccountId:\n    Type: String\n    AllowedPattern: '^[0-9]{12}$'\n");
    y.append("    Description: The account Remediate runs in (its CLI or function).\n");
    y.append("  CentralRoleName:\n    Type: String\n    MinLength: 1\n");
    y.append("    Description: The role Remediate runs as in the central account (with its path,")
        .append(" if any, e.g. service-role/remediate); only it may assume this role.\n");
    y.append("  RoleName:\n    Type: String\n    Default: '").append(AccountRole.DEFAULT_ROLE_NAME)
        .append("'\n    Description: This role's name (remediate --role).\n");
    y.append("  ExternalId:\n    Type: String\n    Default: ''\n    NoEcho: true\n");
    y.append("    Description: When not empty, the external ID the central role must give ")
        .append("(remediate --external-id).\n");
    y.append("Conditions:\n  HasExternalId: !Not [!Equals [!Ref ExternalId, '']]\n");
    y.append("Resources:\n  ").append(ROLE).append(":\n    Type: AWS::IAM::Role\n");
    y.append("    Properties:\n      RoleName: !Ref RoleName\n");
    y.append("      Description: Remediate plans and applies the catalog's remediations here.\n");
    y.append("      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n");
    y.append("        Statement:\n          - Effect: Allow\n            Principal:\n");
    y.append("              AWS: ").append(PolicyYaml.value("arn:${AWS::Partition}:iam::"
        + "${CentralAccountId}:role/${CentralRoleName}")).append('\n');
    y.append("            Action: 'sts:AssumeRole'\n");
    y.append("            Condition: !If\n              - HasExternalId\n");
    y.append("              - StringEquals:\n                  'sts:ExternalId': !Ref ExternalId\n");
    y.append("              - !Ref AWS::NoValue\n");
    y.append("      Policies:\n        - PolicyName: remediate\n");
    y.append("          PolicyDocument:\n            Version: '2012-10-17'\n");
    y.append("            Statement:\n");
    y.append(PolicyYaml.statements(policy.scoped(PolicyYaml.PARTITION,
        PolicyYaml.ACCOUNT), "              "));
    y.append("Outputs:\n  RoleArn:\n    Value: !GetAtt ").append(ROLE).append(".Arn\n");
    return y.toString();
  }
}
