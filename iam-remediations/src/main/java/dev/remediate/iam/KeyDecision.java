package dev.remediate.iam;

import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import dev.remediate.iam.UserObserver.KeyFacts;
import dev.remediate.iam.UserObserver.UserFacts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Decides, with no AWS call, which keys of a user to deactivate and record, or to reactivate from
 * a record: shared by {@link DeactivateAccessKey} / {@link ReactivateAccessKey} and
 * {@link QuarantineUser} / {@link ReleaseUser}, each with its own record tags.
 *
 * <ul>
 *   <li>Deactivate: every chosen key that is {@code Active}; first a {@code TagUser} step records
 *       them (added to any keys already recorded), so that the reverse reactivates exactly those;
 *       a key that is already inactive is neither changed nor recorded. Nothing active: no step.
 *   <li>Reactivate: every recorded key that is {@code Inactive}; a recorded key that no longer
 *       exists is skipped, said so; then the record tags are removed. No record: no step.
 * </ul>
 *
 * @param keysTag the tag listing the deactivated keys, e.g. {@code remediate:deactivated-keys}
 * @param atTag the tag holding the time of the deactivation
 */
record KeyDecision(String keysTag, String atTag) {
  /** The steps and the skipped keys of a decision. */
  record Outcome(List<Step> steps, List<Skip> skipped) {
    Outcome {
      steps = List.copyOf(steps);
      skipped = List.copyOf(skipped);
    }
  }

  /** @return the key ids the user's record tag lists */
  List<String> recorded(UserFacts user) {
    String value = user.tags().get(keysTag);
    return value == null || value.isBlank() ? List.of()
        : Arrays.stream(value.trim().split("\\s+")).toList();
  }

  /** @return true when the user carries the record tag, even an empty one */
  boolean recordedAny(UserFacts user) {
    return user.tags().containsKey(keysTag);
  }

  /**
   * @param user the user
   * @param chosen the keys to deactivate (empty: every key of the user)
   * @param why what the deactivation is for, for the summaries
   * @return a record step and one step per active chosen key; empty when none is active
   */
  List<Step> deactivate(UserFacts user, Optional<String> chosen, String why) {
    List<KeyFacts> keys = user.activeKeys().stream()
        .filter(k -> chosen.isEmpty() || chosen.get().equals(k.id())).toList();
    if (keys.isEmpty()) {
      return List.of();
    }
    TreeSet<String> record = new TreeSet<>(recorded(user));
    keys.forEach(k -> record.add(k.id()));
    List<Step> steps = new ArrayList<>();
    if (!record.equals(new TreeSet<>(recorded(user)))) {
      steps.add(IamSteps.record(user.name(), keysTag, atTag, record,
          "so that the reverse remediation reactivates exactly these keys"));
    }
    keys.forEach(k -> steps.add(IamSteps.deactivate(user.name(), k, why)));
    return steps;
  }

  /**
   * The decision of {@link DeactivateAccessKey}: a user carrying the opt-out tag is skipped; a
   * chosen key must be one of the user's; then {@link #deactivate(UserFacts, Optional, String)}.
   *
   * @param user the user
   * @param chosen the key to deactivate (empty: every key of the user)
   * @param why what the deactivation is for, for the summaries
   * @param optedOut whether the user's tags opt it out
   * @param optOutReason the reason recorded for an opted-out user
   * @return the steps, or the user skipped
   * @throws RemediationException when the chosen key is not the user's
   */
  Outcome deactivate(UserFacts user, Optional<String> chosen, String why,
      Predicate<Map<String, String>> optedOut, String optOutReason) {
    if (optedOut.test(user.tags())) {
      return new Outcome(List.of(), List.of(Skip.of(user.name(), optOutReason)));
    }
    if (chosen.isPresent() && user.key(chosen.get()).isEmpty()) {
      throw new RemediationException("Access key " + chosen.get() + " is not among the keys of "
          + user.name());
    }
    return new Outcome(deactivate(user, chosen, why), List.of());
  }

  /** @return reactivation of the recorded inactive keys, then removal of the record */
  Outcome reactivate(UserFacts user) {
    List<String> recorded = recorded(user);
    List<Step> steps = new ArrayList<>();
    List<Skip> skipped = new ArrayList<>();
    for (String id : recorded) {
      Optional<KeyFacts> key = user.key(id);
      if (key.isEmpty()) {
        skipped.add(Skip.of(id, "listed in " + keysTag + " but no longer a key of "
            + user.name()));
      } else if (!key.get().active()) {
        steps.add(IamSteps.reactivate(user.name(), id, keysTag));
      }
    }
    List<String> present = new ArrayList<>();
    for (String tag : List.of(keysTag, atTag)) {
      if (user.tags().containsKey(tag)) {
        present.add(tag);
      }
    }
    if (!present.isEmpty()) {
      steps.add(IamSteps.unrecord(user.name(), present));
    }
    return new Outcome(steps, skipped);
  }
}
