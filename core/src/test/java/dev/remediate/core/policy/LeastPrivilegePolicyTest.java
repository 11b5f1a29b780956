package dev.remediate.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.Remediation;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.RemediationSpec;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.policybuilder.iam.IamAction;
import software.amazon.awssdk.policybuilder.iam.IamCondition;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamResource;
import software.amazon.awssdk.policybuilder.iam.IamStatement;

class LeastPrivilegePolicyTest {
  /** A type declaring only actions, services and the responder marker. */
  static final class Declared extends AbstractRemediationType {
    private final Set<String> services;
    private final Set<String> responder;

    Declared(String id, Set<String> actions, Set<String> services, Set<String> responder) {
      super(id, "test", List.of(), actions, EnumSet.noneOf(Flag.class));
      this.services = services;
      this.responder = responder;
    }

    @Override
    public Set<String> roleServices() {
      return services;
    }

    @Override
    public Set<String> responderActions() {
      return responder;
    }

    @Override
    public Remediation fromSpec(RemediationSpec spec) {
      throw new UnsupportedOperationException();
    }
  }

  private static final Declared FLOW_LOGS = new Declared("t.flow", Set.of("ec2:CreateFlowLogs",
      "iam:GetRole", "iam:CreateRole", "iam:PutRolePolicy", "iam:PassRole"),
      Set.of("vpc-flow-logs.amazonaws.com"), Set.of());
  private static final Declared CONFIG = new Declared("t.config", Set.of("iam:ListRoles",
      "iam:CreateServiceLinkedRole", "iam:PassRole", "config:PutConfigurationRecorder"),
      Set.of("config.amazonaws.com"), Set.of());
  private static final Declared RESPONDER = new Declared("t.responder",
      Set.of("iam:UpdateAccessKey", "iam:ListAccessKeys"), Set.of(),
      Set.of("iam:UpdateAccessKey", "iam:ListAccessKeys"));

  private static Map<String, IamStatement> bySid(IamPolicy policy) {
    return policy.statements().stream().collect(Collectors.toMap(IamStatement::sid, s -> s));
  }

  private static List<String> actions(IamStatement s) {
    return s.actions().stream().map(IamAction::value).toList();
  }

  private static List<String> resources(IamStatement s) {
    return s.resources().stream().map(IamResource::value).toList();
  }

  private static List<String> conditionValues(IamStatement s, String key) {
    return s.conditions().stream().filter(c -> c.key().value().equals(key))
        .map(IamCondition::value).toList();
  }

  @Test
  void scoped_roleWritesOnlyOnThePrefix_passRoleAndLinkByService() {
    IamPolicy policy = IamPolicy.builder().statements(LeastPrivilegePolicy.of(
        List.of(FLOW_LOGS, CONFIG)).scoped("aws", "111122223333")).build();
    Map<String, IamStatement> s = bySid(policy);
    assertEquals(Set.of("RemediateCatalog", "RemediateOwnRoles", "RemediatePassOwnRoles",
        "RemediateServiceLinkedRoles"), s.keySet());
    assertEquals(List.of("config:PutConfigurationRecorder", "ec2:CreateFlowLogs",
        "iam:ListRoles"), actions(s.get("RemediateCatalog")));
    assertEquals(List.of("*"), resources(s.get("RemediateCatalog")));
    assertEquals(List.of("iam:CreateRole", "iam:GetRole", "iam:PutRolePolicy"),
        actions(s.get("RemediateOwnRoles")));
    assertEquals(List.of("arn:aws:iam::111122223333:role/remediate-*"),
        resources(s.get("RemediateOwnRoles")));
    IamStatement pass = s.get("RemediatePassOwnRoles");
    assertEquals(List.of("arn:aws:iam::111122223333:role/remediate-*",
        "arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/*"),
        resources(pass));
    assertEquals(List.of("config.amazonaws.com", "vpc-flow-logs.amazonaws.com"),
        conditionValues(pass, "iam:PassedToService"));
    IamStatement link = s.get("RemediateServiceLinkedRoles");
    assertEquals(List.of("config.amazonaws.com"), conditionValues(link, "iam:AWSServiceName"));
    assertEquals(List.of("arn:aws:iam::111122223333:role/aws-service-role/*"),
        resources(link));
  }

  @Test
  void onlyResponderActions_noScopedStatement_allIsTheResponderStatement() {
    LeastPrivilegePolicy policy = LeastPrivilegePolicy.of(List.of(RESPONDER));
    assertEquals(List.of(), policy.scoped("aws", "*"));
    assertEquals(List.of("RemediateResponder"), policy.all("aws", "*").statements().stream()
        .map(IamStatement::sid).toList());
  }

  @Test
  void responder_keptApartFromTheScopedStatements() {
    LeastPrivilegePolicy policy = LeastPrivilegePolicy.of(List.of(FLOW_LOGS, RESPONDER));
    assertTrue(policy.scoped("aws", "*").stream()
        .noneMatch(s -> actions(s).contains("iam:UpdateAccessKey")));
    IamStatement responder = policy.responder().orElseThrow().statements().get(0);
    assertEquals("RemediateResponder", responder.sid());
    assertEquals(List.of("iam:ListAccessKeys", "iam:UpdateAccessKey"), actions(responder));
    assertEquals(List.of("RemediateCatalog", "RemediateOwnRoles", "RemediatePassOwnRoles",
        "RemediateResponder"), policy.all("aws", "*").statements().stream()
        .map(IamStatement::sid).toList());
    assertFalse(LeastPrivilegePolicy.of(List.of(FLOW_LOGS)).responder().isPresent());
  }

  @Test
  void of_unmarkedIamWriteThatCannotBeScoped_isRefusedNamingIt() {
    Declared bad = new Declared("t.bad", Set.of("iam:PutUserPolicy"), Set.of(), Set.of());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LeastPrivilegePolicy.of(List.of(bad)));
    assertTrue(e.getMessage().contains("t.bad") && e.getMessage().contains("iam:PutUserPolicy"),
        e.getMessage());
  }

  @Test
  void of_passRoleWithoutServices_isRefused() {
    Declared bad = new Declared("t.pass", Set.of("iam:PassRole"), Set.of(), Set.of());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LeastPrivilegePolicy.of(List.of(bad)));
    assertTrue(e.getMessage().contains("roleServices"), e.getMessage());
  }

  @Test
  void isIamWrite_readsAndOtherServicesAreNot() {
    assertTrue(LeastPrivilegePolicy.isIamWrite("iam:PutRolePolicy"));
    assertTrue(LeastPrivilegePolicy.isIamWrite("iam:PassRole"));
    assertFalse(LeastPrivilegePolicy.isIamWrite("iam:GetRole"));
    assertFalse(LeastPrivilegePolicy.isIamWrite("iam:ListRoles"));
    assertFalse(LeastPrivilegePolicy.isIamWrite("ec2:CreateTags"));
  }

  @Test
  void scoped_templateAccount_keepsThePseudoParameters() {
    IamPolicy policy = IamPolicy.builder().statements(LeastPrivilegePolicy.of(List.of(FLOW_LOGS))
        .scoped("${AWS::Partition}", "${AWS::AccountId}")).build();
    assertEquals(List.of("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/remediate-*"),
        resources(bySid(policy).get("RemediateOwnRoles")));
  }
}
