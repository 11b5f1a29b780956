package dev.remediate.core.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.policybuilder.iam.IamAction;
import software.amazon.awssdk.policybuilder.iam.IamCondition;
import software.amazon.awssdk.policybuilder.iam.IamResource;
import software.amazon.awssdk.policybuilder.iam.IamStatement;

/**
 * IAM statements as CloudFormation YAML, one statement with its actions, resources and conditions
 * at a time; a value naming a pseudo parameter ({@code ${AWS::AccountId}}) is written with
 * {@code !Sub}. The generated templates ({@link MemberRoleTemplate}, the Lambda adapter's) write
 * their policies with it.
 *
 * <pre>{@code
 * String yaml = PolicyYaml.statements(
 *     LeastPrivilegePolicy.of(types).scoped(PolicyYaml.PARTITION, PolicyYaml.ACCOUNT), "      ");
 * }</pre>
 */
public final class PolicyYaml {
  /** The partition of the stack's account, for {@link LeastPrivilegePolicy#scoped}. */
  public static final String PARTITION = "${AWS::Partition}";
  /** The stack's account, for {@link LeastPrivilegePolicy#scoped}. */
  public static final String ACCOUNT = "${AWS::AccountId}";

  private PolicyYaml() {}

  /**
   * Renders statements as the items of a {@code Statement:} list.
   *
   * @param statements the statements (allow, no principal)
   * @param indent the indentation of each item's dash
   * @return YAML lines, each ending with a newline
   */
  public static String statements(List<IamStatement> statements, String indent) {
    StringBuilder y = new StringBuilder();
    String in = indent + "  ";
    for (IamStatement s : statements) {
      y.append(indent).append("- Sid: ").append(s.sid()).append('\n');
      y.append(in).append("Effect: ").append(s.effect().value()).append('\n');
      y.append(in).append("Action:\n");
      s.actions().stream().map(IamAction::value)
          .forEach(a -> y.append(in).append("  - ").append(value(a)).append('\n'));
      y.append(in).append("Resource:\n");
      s.resources().stream().map(IamResource::value)
          .forEach(r -> y.append(in).append("  - ").append(value(r)).append('\n'));
      if (!s.conditions().isEmpty()) {
        y.append(in).append("Condition:\n");
        conditions(s.conditions()).forEach((operator, keys) -> {
          y.append(in).append("  ").append(operator).append(":\n");
          keys.forEach((key, values) -> {
            y.append(in).append("    ").append(value(key)).append(":\n");
            values.forEach(v -> y.append(in).append("      - ").append(value(v)).append('\n'));
          });
        });
      }
    }
    return y.toString();
  }

  private static Map<String, Map<String, List<String>>> conditions(List<IamCondition> conditions) {
    Map<String, Map<String, List<String>>> grouped = new LinkedHashMap<>();
    for (IamCondition c : conditions) {
      grouped.computeIfAbsent(c.operator().value(), o -> new LinkedHashMap<>())
          .computeIfAbsent(c.key().value(), k -> new java.util.ArrayList<>()).add(c.value());
    }
    return grouped;
  }

  /**
   * A scalar, quoted; with {@code !Sub} when it names a pseudo parameter.
   *
   * @param text the value
   * @return YAML scalar
   */
  public static String value(String text) {
    String quoted = "'" + text.replace("'", "''") + "'";
    return text.contains("${") ? "!Sub " + quoted : quoted;
  }
}
