package dev.remediate.cloudtrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamPolicyReader;
import software.amazon.awssdk.policybuilder.iam.IamStatement;

/** Reads a policy the library wrote back with the SDK's reader and checks one statement. */
final class PolicyAssert {
  private final IamPolicy policy;

  private PolicyAssert(String json) {
    this.policy = IamPolicyReader.create().read(json);
  }

  static PolicyAssert of(String json) {
    assertNotNull(json, "policy");
    return new PolicyAssert(json);
  }

  IamPolicy policy() {
    return policy;
  }

  Set<String> sids() {
    return policy.statements().stream().map(IamStatement::sid).collect(Collectors.toCollection(TreeSet::new));
  }

  StatementAssert statement(String sid) {
    IamStatement s = policy.statements().stream().filter(x -> sid.equals(x.sid())).findFirst()
        .orElseThrow(() -> new AssertionError("no statement " + sid + " in " + sids()));
    return new StatementAssert(s);
  }

  static final class StatementAssert {
    private final IamStatement s;

    StatementAssert(IamStatement s) {
      this.s = s;
    }

    StatementAssert allows() {
      assertEquals("Allow", s.effect().value(), s.sid());
      return this;
    }

    StatementAssert principal(String type, String id) {
      assertEquals(Set.of(type + "=" + id), s.principals().stream()
          .map(p -> p.type().value() + "=" + p.id()).collect(Collectors.toSet()), s.sid());
      return this;
    }

    StatementAssert actions(String... actions) {
      assertEquals(Set.of(actions), s.actions().stream().map(a -> a.value()).collect(Collectors.toSet()),
          s.sid());
      return this;
    }

    StatementAssert resources(String... resources) {
      assertEquals(Set.of(resources), s.resources().stream().map(r -> r.value())
          .collect(Collectors.toSet()), s.sid());
      return this;
    }

    /** Every condition, as "Operator key=value". */
    StatementAssert conditions(String... conditions) {
      assertEquals(new TreeSet<>(List.of(conditions)), s.conditions().stream()
          .map(c -> c.operator().value() + " " + c.key().value() + "=" + c.value())
          .collect(Collectors.toCollection(TreeSet::new)), s.sid());
      return this;
    }
  }
}
