package dev.remediate.iam;

import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import dev.remediate.core.policy.PolicyDocuments;
import dev.remediate.iam.RoleObserver.Observation;
import dev.remediate.iam.RoleObserver.RoleFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.policybuilder.iam.IamCondition;
import software.amazon.awssdk.policybuilder.iam.IamEffect;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamStatement;

/**
 * Turns a {@link RoleObserver.Observation} into the revocation step, with no AWS call.
 *
 * <ul>
 *   <li>No role (the instance has no profile, or the profile no role): nothing, skipped, said so.
 *   <li>A service-linked role (path {@code /aws-service-role/}): refused; AWS lets no one attach
 *       policies to it, and its sessions belong to an AWS service.
 *   <li>A revocation written less than {@code recent} before {@code now}: done, no step.
 *       Revoking is an act, not a state; "recent" is what makes a second plan right after an
 *       apply empty, while planning again later (after the credentials leaked again) revokes
 *       again, moving the time forward.
 *   <li>Otherwise one {@code PutRolePolicy} step ({@link Flag#DISRUPTIVE}). Its identity holds the
 *       role, the policy name and what the role has now (not revoked, which covers no policy and
 *       an earlier revocation alike, or a policy of that name with other content), <b>no
 *       time</b>: the time is the time of apply, written when the step runs. So a saved plan
 *       applied an hour later, or applied again after its first apply, is the same reviewed
 *       step, never stale because the clock moved; if someone revoked in between (less than
 *       {@code recent} ago) the step is "already done".
 * </ul>
 *
 * @param now when the plan is made
 * @param recent how old a revocation may be and still count as done
 */
record RevokeDecision(Instant now, Duration recent) {
  /**
   * What the role has when it has no revocation or an earlier one: the same text for both, since
   * they differ only by a time (a saved plan applied again after its first apply is not stale).
   */
  static final String NOT_REVOKED = "sessions issued before the time of apply not denied (no "
      + RevokeRoleSessions.POLICY_NAME + " policy, or an earlier revocation)";
  static final String OTHER = "a policy named " + RevokeRoleSessions.POLICY_NAME
      + " that is not a revocation (replaced)";
  static final String AFTER = "Deny * on * to sessions whose aws:TokenIssueTime is before the "
      + "time of apply";

  /**
   * The step and what the reviewer should know.
   *
   * @param steps the revocation, or none
   * @param warnings what the reviewer should know
   * @param skipped why nothing is planned, when the instance has no role
   */
  record Outcome(List<Step> steps, List<String> warnings, List<Skip> skipped) {
    Outcome {
      steps = List.copyOf(steps);
      warnings = List.copyOf(warnings);
      skipped = List.copyOf(skipped);
    }
  }

  /**
   * The revocation policy AWS documents: Deny every action on every resource to sessions issued
   * before a time.
   *
   * @param time ISO-8601, e.g. {@code 2026-01-02T03:04:05Z}
   * @return the policy document
   */
  static String document(String time) {
    return PolicyDocuments.write(List.of(IamStatement.builder().effect(IamEffect.DENY)
        .addAction("*").addResource("*")
        .addCondition("DateLessThan", "aws:TokenIssueTime", time).build()));
  }

  /** @return the time before which the document denies sessions, when it is a revocation */
  static Optional<Instant> revokedBefore(@Nullable String document) {
    if (document == null) {
      return Optional.empty();
    }
    try {
      List<IamStatement> statements = IamPolicy.fromJson(document).statements();
      if (statements.size() != 1 || !IamSupport.isDenyEverything(statements.get(0))
          || statements.get(0).conditions().size() != 1) {
        return Optional.empty();
      }
      IamCondition c = statements.get(0).conditions().get(0);
      if (!"DateLessThan".equals(c.operator().value())
          || !"aws:TokenIssueTime".equalsIgnoreCase(c.key().value())) {
        return Optional.empty();
      }
      return Optional.of(Instant.parse(c.value()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The decision of {@link RevokeRoleSessions}: a role carrying the opt-out tag is skipped;
   * otherwise {@link #decide(Observation)}.
   *
   * @param optedOut whether the role's tags opt it out
   * @param optOutReason the reason recorded for an opted-out role
   * @throws RemediationException for a service-linked role
   */
  Outcome decide(Observation o, Predicate<Map<String, String>> optedOut, String optOutReason) {
    if (o.role() != null && optedOut.test(o.role().tags())) {
      return new Outcome(List.of(), List.of(), List.of(Skip.of(o.role().name(), optOutReason)));
    }
    return decide(o);
  }

  /** @throws RemediationException for a service-linked role */
  Outcome decide(Observation o) {
    RoleFacts role = o.role();
    if (role == null) {
      String what = o.profileArn() == null ? "has no instance profile"
          : "has instance profile " + o.profileArn() + " without a role";
      return new Outcome(List.of(), List.of(), List.of(Skip.of(String.valueOf(o.instanceId()),
          "instance " + what + ": no role sessions to revoke")));
    }
    if (role.path().startsWith("/aws-service-role/")) {
      throw new RemediationException("Role " + role.name() + " is a service-linked role (path "
          + role.path() + "): its sessions belong to an AWS service and AWS refuses policies on "
          + "it; revoking them is refused. Disable the service's use of it instead");
    }
    Optional<Instant> before = revokedBefore(role.revocationPolicy());
    if (before.isPresent() && !before.get().isBefore(now.minus(recent))) {
      return new Outcome(List.of(), List.of(), List.of());
    }
    String current = role.revocationPolicy() == null || before.isPresent() ? NOT_REVOKED : OTHER;
    Step step = Step.builder().kind(IamSteps.PUT_ROLE_POLICY).action(Action.ADD)
        .resource("role/" + role.name())
        .summary("revoke every session of role " + role.name() + " issued before the time of "
            + "apply" + (o.instanceId() == null ? "" : " (the role of " + o.instanceId() + ")")
            + before.map(t -> "; the last revocation was of sessions before " + t).orElse(""))
        .before(current).after(AFTER).addFlags(Flag.DISRUPTIVE)
        .putParameters("role", role.name())
        .putParameters("policyName", RevokeRoleSessions.POLICY_NAME).build();
    List<String> warnings = new ArrayList<>();
    warnings.add("Sessions issued after the time of apply keep working: stop the source of the "
        + "credentials too (rotate what can assume " + role.name() + (o.instanceId() == null
        ? "" : "; the instance obtains new ones from its metadata: quarantine it") + ")");
    if (OTHER.equals(current)) {
      warnings.add("Role " + role.name() + " has an inline policy named "
          + RevokeRoleSessions.POLICY_NAME + " that is not a revocation: it is replaced");
    }
    return new Outcome(List.of(step), warnings, List.of());
  }
}
