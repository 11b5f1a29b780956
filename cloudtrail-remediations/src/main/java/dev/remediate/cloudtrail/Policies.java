package dev.remediate.cloudtrail;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.policybuilder.iam.IamCondition;
import software.amazon.awssdk.policybuilder.iam.IamConditionOperator;
import software.amazon.awssdk.policybuilder.iam.IamEffect;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamPrincipalType;
import software.amazon.awssdk.policybuilder.iam.IamStatement;

/**
 * Resource policies as data (the SDK's IAM policy builder): statements for service principals, and
 * the merge by statement id that every remediation here uses instead of overwriting a policy.
 */
final class Policies {
  static final String VERSION = "2012-10-17";

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

  /**
   * Merges wanted statements into an existing policy by statement id: a statement with the same id
   * is replaced in place, a new one is appended, every other statement is kept as it was.
   *
   * @param existingJson the current policy, or null when there is none
   * @param wanted the statements the remediation needs
   * @return the merged policy as JSON, or null when the existing policy already holds equivalent
   *     statements
   */
  static @Nullable String merge(@Nullable String existingJson, List<IamStatement> wanted) {
    IamPolicy existing = existingJson == null || existingJson.isBlank() ? null
        : IamPolicy.fromJson(existingJson);
    List<IamStatement> statements = new ArrayList<>(existing == null ? List.of() : existing.statements());
    boolean changed = false;
    for (IamStatement statement : wanted) {
      int at = indexOfSid(statements, statement.sid());
      if (at < 0) {
        statements.add(statement);
        changed = true;
      } else if (!equivalent(statements.get(at), statement)) {
        statements.set(at, statement);
        changed = true;
      }
    }
    if (!changed) {
      return null;
    }
    IamPolicy.Builder merged = IamPolicy.builder()
        .version(existing != null && existing.version() != null ? existing.version() : VERSION)
        .statements(statements);
    if (existing != null && existing.id() != null) {
      merged.id(existing.id());
    }
    return merged.build().toJson();
  }

  /**
   * @param policyJson a policy, or null
   * @param wanted statements
   * @return true when every wanted statement is present (same id, same content)
   */
  static boolean holds(@Nullable String policyJson, List<IamStatement> wanted) {
    return merge(policyJson, wanted) == null;
  }

  private static int indexOfSid(List<IamStatement> statements, @Nullable String sid) {
    for (int i = 0; i < statements.size(); i++) {
      if (Objects.equals(statements.get(i).sid(), sid)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Compares two statements by content, ignoring the order of principals, actions, resources and
   * condition values (a policy read back from AWS may list them in another order).
   */
  static boolean equivalent(IamStatement a, IamStatement b) {
    return Objects.equals(a.sid(), b.sid())
        && Objects.equals(a.effect(), b.effect())
        && principals(a).equals(principals(b))
        && sorted(a.actions().stream().map(x -> x.value())).equals(sorted(b.actions().stream().map(x -> x.value())))
        && sorted(a.notActions().stream().map(x -> x.value())).equals(sorted(b.notActions().stream().map(x -> x.value())))
        && sorted(a.resources().stream().map(x -> x.value())).equals(sorted(b.resources().stream().map(x -> x.value())))
        && sorted(a.notResources().stream().map(x -> x.value())).equals(sorted(b.notResources().stream().map(x -> x.value())))
        && conditions(a).equals(conditions(b));
  }

  private static TreeSet<String> principals(IamStatement s) {
    return sorted(s.principals().stream().map(p -> p.type().value() + "=" + p.id()));
  }

  private static TreeSet<String> conditions(IamStatement s) {
    return sorted(s.conditions().stream().map(Policies::conditionText));
  }

  private static String conditionText(IamCondition c) {
    return c.operator().value() + "|" + c.key().value() + "|" + c.value();
  }

  private static TreeSet<String> sorted(java.util.stream.Stream<String> values) {
    return values.collect(Collectors.toCollection(TreeSet::new));
  }

  /** @return a deterministic text of conditions by operator and key, for summaries */
  static String describe(List<IamStatement> statements) {
    return statements.stream().map(IamStatement::sid).collect(Collectors.joining(", "));
  }
}
