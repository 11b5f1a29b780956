package dev.remediate.iam;

import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import dev.remediate.iam.UserObserver.UserFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Decides a user's quarantine and its release, with no AWS call.
 *
 * <p><b>Quarantine</b>: the inline policy {@value QuarantineUser#POLICY_NAME} (Deny {@code *} on
 * {@code *}) unless the user has it; every active key deactivated and recorded in
 * {@value QuarantineUser#KEYS_TAG} (with {@value QuarantineUser#AT_TAG}, the time of apply);
 * the console password (login profile) deleted only when asked, as its own step flagged
 * {@link Flag#DESTRUCTIVE} (it cannot be undone), else left in place, said so. A policy of that
 * name with other content is someone else's: refused, never overwritten.
 *
 * <p><b>Release</b>: the quarantine policy deleted (refused when its content is not the
 * quarantine's), then exactly the recorded keys reactivated and the record removed. The password
 * is never touched.
 */
final class QuarantineDecision {
  static final KeyDecision KEYS = new KeyDecision(QuarantineUser.KEYS_TAG, QuarantineUser.AT_TAG);

  private QuarantineDecision() {}

  /**
   * A user as the quarantine needs it.
   *
   * @param user tags and keys (active keys with their last use)
   * @param policy the decoded inline policy {@value QuarantineUser#POLICY_NAME}, or null
   * @param loginProfile whether the user has a console password
   */
  record Observation(UserFacts user, @Nullable String policy, boolean loginProfile) {}

  /**
   * The steps and what the reviewer should know.
   *
   * @param steps in order
   * @param warnings what the reviewer should know
   * @param skipped what was left alone, with the reason
   */
  record Outcome(List<Step> steps, List<String> warnings, List<Skip> skipped) {
    Outcome {
      steps = List.copyOf(steps);
      warnings = List.copyOf(warnings);
      skipped = List.copyOf(skipped);
    }
  }

  /**
   * The decision of {@link QuarantineUser}: a user carrying the opt-out tag is skipped; otherwise
   * {@link #quarantine(Observation, boolean)}.
   *
   * @param optedOut whether the user's tags opt it out
   * @param optOutReason the reason recorded for an opted-out user
   */
  static Outcome quarantine(Observation o, boolean deleteLoginProfile,
      Predicate<Map<String, String>> optedOut, String optOutReason) {
    if (optedOut.test(o.user().tags())) {
      return new Outcome(List.of(), List.of(), List.of(Skip.of(o.user().name(), optOutReason)));
    }
    return quarantine(o, deleteLoginProfile);
  }

  /** @throws RemediationException when a same-named policy is not the quarantine's */
  static Outcome quarantine(Observation o, boolean deleteLoginProfile) {
    String user = o.user().name();
    requireOwnPolicy(o);
    List<Step> changes = new ArrayList<>();
    if (o.policy() == null) {
      changes.add(Step.builder().kind(IamSteps.PUT_USER_POLICY).action(Action.ADD)
          .resource(IamSteps.userResource(user))
          .summary("deny every action of " + user + " (inline policy " + QuarantineUser.POLICY_NAME
              + ": Deny * on *)")
          .after(QuarantineUser.POLICY_NAME + ": Deny * on *").addFlags(Flag.DISRUPTIVE)
          .putParameters("user", user).putParameters("policyName", QuarantineUser.POLICY_NAME)
          .build());
    }
    List<Step> keys = KEYS.deactivate(o.user(), Optional.empty(),
        "quarantine; " + ReleaseUser.ID + " reactivates it");
    List<String> warnings = new ArrayList<>();
    if (o.loginProfile() && deleteLoginProfile) {
      changes.add(Step.builder().kind(IamSteps.DELETE_LOGIN_PROFILE).action(Action.REMOVE)
          .resource(IamSteps.userResource(user))
          .summary("delete the console password of " + user + " (cannot be undone: "
              + ReleaseUser.ID + " does not restore it)")
          .before("console password").after("none").addFlags(Flag.DESTRUCTIVE)
          .putParameters("user", user).build());
    } else if (o.loginProfile()) {
      warnings.add("The console password of " + user + " is left in place (the deny-all policy "
          + "blocks what a console session could do); deleting it cannot be undone: "
          + QuarantineUser.Type.DELETE_LOGIN_PROFILE.advice("true", "deleteLoginProfile()")
          + " with consent to DESTRUCTIVE");
    }
    List<Step> steps = new ArrayList<>();
    if (!changes.isEmpty() && keys.isEmpty() && !KEYS.recordedAny(o.user())) {
      steps.add(IamSteps.record(user, QuarantineUser.KEYS_TAG, QuarantineUser.AT_TAG, List.of(),
          "the quarantine; no active key to record"));
    }
    // the record comes first (in keys), then the policy, then the keys, then the password
    steps.addAll(keys.stream().filter(s -> s.kind().equals(IamSteps.TAG_USER)).toList());
    changes.stream().filter(s -> !s.kind().equals(IamSteps.DELETE_LOGIN_PROFILE))
        .forEach(steps::add);
    steps.addAll(keys.stream().filter(s -> !s.kind().equals(IamSteps.TAG_USER)).toList());
    changes.stream().filter(s -> s.kind().equals(IamSteps.DELETE_LOGIN_PROFILE))
        .forEach(steps::add);
    return new Outcome(steps, steps.isEmpty() ? List.of() : warnings, List.of());
  }

  /** @throws RemediationException when a same-named policy is not the quarantine's */
  static Outcome release(Observation o) {
    requireOwnPolicy(o);
    String user = o.user().name();
    List<Step> steps = new ArrayList<>();
    if (o.policy() != null) {
      steps.add(Step.builder().kind(IamSteps.DELETE_USER_POLICY).action(Action.REMOVE)
          .resource(IamSteps.userResource(user))
          .summary("delete the quarantine's deny-all policy " + QuarantineUser.POLICY_NAME
              + " of " + user)
          .before(QuarantineUser.POLICY_NAME + ": Deny * on *")
          .putParameters("user", user).putParameters("policyName", QuarantineUser.POLICY_NAME)
          .build());
    }
    KeyDecision.Outcome keys = KEYS.reactivate(o.user());
    steps.addAll(keys.steps());
    return new Outcome(steps, List.of(), keys.skipped());
  }

  private static void requireOwnPolicy(Observation o) {
    if (o.policy() != null && !IamSupport.isDenyAll(o.policy())) {
      throw new RemediationException("User " + o.user().name() + " has an inline policy named "
          + QuarantineUser.POLICY_NAME + " that is not the quarantine's deny-all policy: it is "
          + "not ours to replace or delete. Rename or remove it first");
    }
  }
}
