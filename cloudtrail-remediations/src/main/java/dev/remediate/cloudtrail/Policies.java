package dev.remediate.cloudtrail;

import java.util.List;
import java.util.stream.Collectors;
import software.amazon.awssdk.policybuilder.iam.IamConditionOperator;
import software.amazon.awssdk.policybuilder.iam.IamEffect;
import software.amazon.awssdk.policybuilder.iam.IamPrincipalType;
import software.amazon.awssdk.policybuilder.iam.IamStatement;

/**
 * Statements for service principals (the SDK's IAM policy builder). Merging them into existing
 * policies by statement id is {@link dev.remediate.core.policy.PolicyDocuments#merge}.
 */
final class Policies {
  private Policies() {}

  /**
   * An Allow statement for a service principal.
   *
   * @param sid statement id
   * @param service e.g. {@code cloudtrail.amazonaws.com}
   * @param actions actions
   * @param resources resources
   * @param conditions operator, key, value triples, e.g. {@code StringEquals aws:SourceAccount 1234}
   * @return the statement
   */
  static IamStatement allowService(String sid, String service, List<String> actions,
      List<String> resources, List<String[]> conditions) {
    IamStatement.Builder b = IamStatement.builder()
        .sid(sid)
        .effect(IamEffect.ALLOW)
        .addPrincipal(IamPrincipalType.SERVICE, service)
        .actionIds(actions)
        .resourceIds(resources);
    for (String[] c : conditions) {
      b.addCondition(IamConditionOperator.create(c[0]), c[1], c[2]);
    }
    return b.build();
  }

  /** @return the conditions as a list */
  static List<String[]> conditions(String[]... conditions) {
    return List.of(conditions);
  }

  /** @return a condition triple */
  static String[] condition(String operator, String key, String value) {
    return new String[] {operator, key, value};
  }

  /** @return the statement ids, for step summaries */
  static String describe(List<IamStatement> statements) {
    return statements.stream().map(IamStatement::sid).collect(Collectors.joining(", "));
  }
}
