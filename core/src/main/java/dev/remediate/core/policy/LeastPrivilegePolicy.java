package dev.remediate.core.policy;

import dev.remediate.core.RemediationType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import software.amazon.awssdk.policybuilder.iam.IamConditionOperator;
import software.amazon.awssdk.policybuilder.iam.IamEffect;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamStatement;

/**
 * The IAM policy the selected remediation types need, statement by statement, with no way to
 * escalate privileges through it: every IAM action on a role is limited to the roles the library
 * creates, whose names start with {@value #ROLE_PREFIX}; {@code iam:PassRole} to those roles (and
 * to the service-linked roles of the services named) only towards the services that assume them
 * ({@code iam:PassedToService}); {@code iam:CreateServiceLinkedRole} only for those services
 * ({@code iam:AWSServiceName}). The actions a type marks as {@linkplain
 * RemediationType#responderActions() responder actions} (incident response on arbitrary users and
 * roles) are kept apart in {@link #responder}, so a deployment can give them to a separate role used
 * only for reviewed plans. Every other action (reads, EC2, S3, CloudTrail, ...) is on
 * {@code Resource: *}.
 *
 * <p>A type only declares its actions, its responder marker and the services its roles are for;
 * this class decides the statements. An IAM write that is neither a role action nor marked is
 * refused: it could not be scoped.
 *
 * <pre>{@code
 * LeastPrivilegePolicy policy = LeastPrivilegePolicy.of(RemediationCatalog.load().types());
 * IamPolicy remediation = policy.scoped("aws", "111122223333");  // or "*" for any account
 * Optional<IamPolicy> responder = policy.responder();
 * }</pre>
 */
public final class LeastPrivilegePolicy {
  /** The name prefix of every role the library creates; IAM writes are limited to it. */
  public static final String ROLE_PREFIX = "remediate-";
  /** Statement id of the actions that need no scoping (reads, non-IAM actions). */
  public static final String CATALOG_SID = "RemediateCatalog";
  /** Statement id of the role actions, limited to {@value #ROLE_PREFIX} roles. */
  public static final String OWN_ROLES_SID = "RemediateOwnRoles";
  /** Statement id of {@code iam:PassRole}. */
  public static final String PASS_ROLE_SID = "RemediatePassOwnRoles";
  /** Statement id of {@code iam:CreateServiceLinkedRole}. */
  public static final String SERVICE_LINKED_SID = "RemediateServiceLinkedRoles";
  /** Statement id of the responder actions. */
  public static final String RESPONDER_SID = "RemediateResponder";

  private static final String PASS_ROLE = "iam:PassRole";
  private static final String CREATE_SLR = "iam:CreateServiceLinkedRole";
  /** IAM actions whose resource is a role: scoped to the prefix. */
  private static final Set<String> ROLE_ACTIONS = Set.of("iam:CreateRole", "iam:DeleteRole",
      "iam:GetRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy",
      "iam:GetRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:ListRolePolicies",
      "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:ListAttachedRolePolicies",
      "iam:TagRole", "iam:UntagRole", "iam:ListRoleTags", "iam:PutRolePermissionsBoundary",
      "iam:DeleteRolePermissionsBoundary");

  private final SortedSet<String> unscoped = new TreeSet<>();
  private final SortedSet<String> roleActions = new TreeSet<>();
  private final SortedSet<String> passedToServices = new TreeSet<>();
  private final SortedSet<String> linkedServices = new TreeSet<>();
  private final SortedSet<String> responderActions = new TreeSet<>();
  private boolean passRole;

  private LeastPrivilegePolicy() {}

  /**
   * Sorts the actions of the given types into statements.
   *
   * @param types the remediation types
   * @return the policy's parts
   * @throws IllegalArgumentException when a type lists an IAM write that cannot be scoped and is
   *     not marked as a responder action, or passes or links roles without naming the services
   */
  public static LeastPrivilegePolicy of(Collection<? extends RemediationType> types) {
    LeastPrivilegePolicy policy = new LeastPrivilegePolicy();
    types.forEach(policy::add);
    return policy;
  }

  private void add(RemediationType type) {
    Set<String> responder = type.responderActions();
    for (String action : type.iamActions()) {
      if (responder.contains(action)) {
        responderActions.add(action);
      } else if (action.equals(PASS_ROLE)) {
        passRole = true;
        passedToServices.addAll(services(type, action));
      } else if (action.equals(CREATE_SLR)) {
        linkedServices.addAll(services(type, action));
      } else if (ROLE_ACTIONS.contains(action)) {
        roleActions.add(action);
      } else if (isIamWrite(action)) {
        throw new IllegalArgumentException("Remediation type " + type.id() + " lists " + action
            + ", an IAM write no role-name prefix can scope: mark it in responderActions()");
      } else {
        unscoped.add(action);
      }
    }
  }

  private static Set<String> services(RemediationType type, String action) {
    if (type.roleServices().isEmpty()) {
      throw new IllegalArgumentException("Remediation type " + type.id() + " lists " + action
          + " but names no service in roleServices(): the policy could not limit it");
    }
    return type.roleServices();
  }

  /**
   * Whether an action is an IAM write: an {@code iam:} action that is not a read ({@code Get},
   * {@code List}, {@code Generate}, {@code Simulate}).
   *
   * @param action e.g. {@code iam:PutRolePolicy}
   * @return true for an IAM write
   */
  public static boolean isIamWrite(String action) {
    if (!action.startsWith("iam:")) {
      return false;
    }
    String name = action.substring(4);
    return !(name.startsWith("Get") || name.startsWith("List") || name.startsWith("Generate")
        || name.startsWith("Simulate"));
  }

  /**
   * The statements of the remediations, responder actions excluded.
   *
   * @param partition the ARN partition, e.g. {@code aws}, or {@code ${AWS::Partition}} in a
   *     template
   * @param account the account id, {@code *} for any account, or {@code ${AWS::AccountId}} in a
   *     template
   * @return the statements, empty ones left out; none when the types list only responder actions
   */
  public List<IamStatement> scoped(String partition, String account) {
    String roles = "arn:" + partition + ":iam::" + account + ":role/";
    List<IamStatement> statements = new ArrayList<>();
    if (!unscoped.isEmpty()) {
      statements.add(allow(CATALOG_SID, unscoped).addResource("*").build());
    }
    if (!roleActions.isEmpty()) {
      statements.add(allow(OWN_ROLES_SID, roleActions).addResource(roles + ROLE_PREFIX + "*")
          .build());
    }
    if (passRole) {
      IamStatement.Builder pass = allow(PASS_ROLE_SID, Set.of(PASS_ROLE))
          .addResource(roles + ROLE_PREFIX + "*");
      // a service-linked role is passed only to its own service (AWS Config's recorder), never
      // one whose service merely has it created (GuardDuty's)
      linkedServices.stream().filter(passedToServices::contains)
          .forEach(s -> pass.addResource(roles + "aws-service-role/" + s + "/*"));
      passedToServices.forEach(s -> pass.addCondition(IamConditionOperator.STRING_EQUALS,
          "iam:PassedToService", s));
      statements.add(pass.build());
    }
    if (!linkedServices.isEmpty()) {
      IamStatement.Builder link = allow(SERVICE_LINKED_SID, Set.of(CREATE_SLR))
          .addResource(roles + "aws-service-role/*");
      linkedServices.forEach(s -> link.addCondition(IamConditionOperator.STRING_EQUALS,
          "iam:AWSServiceName", s));
      statements.add(link.build());
    }
    return List.copyOf(statements);
  }

  /**
   * The responder statement: the actions types marked as responder actions, on any resource.
   *
   * @return the policy, or empty when no selected type marks an action
   */
  public Optional<IamPolicy> responder() {
    if (responderActions.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(IamPolicy.builder().version(PolicyDocuments.VERSION)
        .addStatement(allow(RESPONDER_SID, responderActions).addResource("*").build()).build());
  }

  /**
   * Every statement: {@link #scoped} followed by the {@link #responder} statement.
   *
   * @param partition the ARN partition
   * @param account the account id or {@code *}
   * @return the policy
   */
  public IamPolicy all(String partition, String account) {
    List<IamStatement> statements = new ArrayList<>(scoped(partition, account));
    responder().ifPresent(r -> statements.addAll(r.statements()));
    return IamPolicy.builder().version(PolicyDocuments.VERSION).statements(statements).build();
  }

  /** @return true when no type lists any action */
  public boolean isEmpty() {
    return unscoped.isEmpty() && roleActions.isEmpty() && !passRole && linkedServices.isEmpty()
        && responderActions.isEmpty();
  }

  /** @return the responder actions of the selected types, sorted */
  public SortedSet<String> responderActions() {
    return java.util.Collections.unmodifiableSortedSet(responderActions);
  }

  private static IamStatement.Builder allow(String sid, Set<String> actions) {
    return IamStatement.builder().sid(sid).effect(IamEffect.ALLOW)
        .actionIds(List.copyOf(new TreeSet<>(actions)));
  }
}
