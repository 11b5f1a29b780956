package dev.remediate.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Step;
import dev.remediate.iam.RoleObserver.Observation;
import dev.remediate.iam.RoleObserver.RoleFacts;
import dev.remediate.iam.UserObserver.KeyFacts;
import dev.remediate.iam.UserObserver.LastUse;
import dev.remediate.iam.UserObserver.UserFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The IAM decisions on hand-made observations: no emulator, no AWS call. */
class IamDecisionTest {
  private static final String K1 = "AKIAAAAAAAAAAAAAAAA1";
  private static final String K2 = "AKIAAAAAAAAAAAAAAAA2";
  private static final String K3 = "AKIAAAAAAAAAAAAAAAA3";
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final LastUse USED = new LastUse(Instant.parse("2026-02-28T10:00:00Z"), "s3",
      "eu-west-1");

  private static UserFacts alice(Map<String, String> tags, KeyFacts... keys) {
    return new UserFacts("alice", tags, List.of(keys));
  }

  private static List<String> kinds(List<Step> steps) {
    return steps.stream().map(Step::kind).toList();
  }

  @Test
  void deactivate_everyActiveKey_recordsOnlyThoseAndShowsLastUseOutsideTheIdentity() {
    UserFacts user = alice(Map.of(), new KeyFacts(K1, true, USED), new KeyFacts(K2, false, null),
        new KeyFacts(K3, true, null));
    List<Step> steps = DeactivateAccessKey.DECISION.deactivate(user, Optional.empty(), "why");
    assertEquals(List.of("TagUser", "UpdateAccessKey", "UpdateAccessKey"), kinds(steps));
    assertEquals(K1 + " " + K3, steps.get(0).parameter("tag:" + DeactivateAccessKey.KEYS_TAG));
    Step first = steps.get(1);
    assertEquals(K1, first.resource());
    assertTrue(first.summary().contains("last used 2026-02-28T10:00:00Z (s3, eu-west-1)"),
        first.summary());
    assertFalse(first.identity().contains("2026-02-28"), first.identity());
    assertEquals(Optional.of("Active"), first.before());
    assertEquals(Optional.of("Inactive"), first.after());
    assertTrue(first.has(Flag.DISRUPTIVE));
    assertFalse(steps.get(0).identity().contains("2026"), "no time in the record's identity");
  }

  @Test
  void deactivate_oneChosenKey_onlyThatKey_andNothingWhenItIsInactive() {
    UserFacts user = alice(Map.of(), new KeyFacts(K1, true, USED), new KeyFacts(K2, true, USED));
    List<Step> steps = DeactivateAccessKey.DECISION.deactivate(user, Optional.of(K2), "why");
    assertEquals(List.of(K2), steps.stream().filter(s -> s.kind().equals("UpdateAccessKey"))
        .map(Step::resource).toList());
    UserFacts done = alice(Map.of(DeactivateAccessKey.KEYS_TAG, K2),
        new KeyFacts(K1, true, USED), new KeyFacts(K2, false, USED));
    assertEquals(List.of(), DeactivateAccessKey.DECISION.deactivate(done, Optional.of(K2), "w"));
  }

  @Test
  void deactivate_addsToAnExistingRecord() {
    UserFacts user = alice(Map.of(DeactivateAccessKey.KEYS_TAG, K1),
        new KeyFacts(K1, false, null), new KeyFacts(K2, true, USED));
    List<Step> steps = DeactivateAccessKey.DECISION.deactivate(user, Optional.empty(), "why");
    assertEquals(K1 + " " + K2, steps.get(0).parameter("tag:" + DeactivateAccessKey.KEYS_TAG));
  }

  @Test
  void reactivate_onlyRecordedInactiveKeys_skipsDeletedOnes_thenRemovesTheRecord() {
    UserFacts user = alice(Map.of(DeactivateAccessKey.KEYS_TAG, K1 + " " + K3,
            DeactivateAccessKey.AT_TAG, "2026-03-01T11:00:00Z"),
        new KeyFacts(K1, false, null), new KeyFacts(K2, false, null));
    KeyDecision.Outcome outcome = DeactivateAccessKey.DECISION.reactivate(user);
    assertEquals(List.of("UpdateAccessKey", "UntagUser"), kinds(outcome.steps()));
    assertEquals(K1, outcome.steps().get(0).resource()); // K2 was inactive before: not listed
    assertEquals("Active", outcome.steps().get(0).parameter("status"));
    assertEquals(K3, outcome.skipped().get(0).resource());
    assertEquals(DeactivateAccessKey.KEYS_TAG + "," + DeactivateAccessKey.AT_TAG,
        outcome.steps().get(1).parameter("tagKeys"));
  }

  @Test
  void reactivate_withoutRecord_isEmpty() {
    UserFacts user = alice(Map.of(), new KeyFacts(K1, false, null));
    assertTrue(DeactivateAccessKey.DECISION.reactivate(user).steps().isEmpty());
  }

  private static RevokeDecision revoke() {
    return new RevokeDecision(NOW, Duration.ofMinutes(15));
  }

  private static Observation role(String path, String policy) {
    return new Observation(null, null, new RoleFacts("app", path, Map.of(), policy));
  }

  @Test
  void revoke_withoutPolicy_plansOneDisruptiveStepWithNoTimeInItsIdentity() {
    RevokeDecision.Outcome outcome = revoke().decide(role("/", null));
    Step step = outcome.steps().get(0);
    assertEquals("PutRolePolicy", step.kind());
    assertTrue(step.has(Flag.DISRUPTIVE));
    assertEquals(Optional.of(RevokeDecision.NOT_REVOKED), step.before());
    assertFalse(step.identity().contains("2026"), step.identity());
    // the identity is the same whenever it is planned: a later apply is never stale by the clock
    assertEquals(step.identity(), new RevokeDecision(NOW.plusSeconds(7200), Duration.ofMinutes(15))
        .decide(role("/", null)).steps().get(0).identity());
  }

  @Test
  void revoke_recentRevocation_isDone_olderOneIsRevokedAgain() {
    String recent = RevokeDecision.document(NOW.minusSeconds(60).toString());
    assertTrue(revoke().decide(role("/", recent)).steps().isEmpty());
    String old = RevokeDecision.document(NOW.minus(Duration.ofHours(2)).toString());
    Step again = revoke().decide(role("/", old)).steps().get(0);
    assertEquals(Optional.of(RevokeDecision.NOT_REVOKED), again.before());
    assertTrue(again.summary().contains(NOW.minus(Duration.ofHours(2)).toString()),
        again.summary());
  }

  @Test
  void revoke_consoleStyleDocument_isRecognised() {
    String console = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
        + "\"Action\":[\"*\"],\"Resource\":[\"*\"],\"Condition\":{\"DateLessThan\":"
        + "{\"aws:TokenIssueTime\":\"2026-03-01T11:59:00.000Z\"}}}]}";
    assertEquals(Optional.of(Instant.parse("2026-03-01T11:59:00Z")),
        RevokeDecision.revokedBefore(console));
    assertTrue(revoke().decide(role("/", console)).steps().isEmpty());
  }

  @Test
  void revoke_otherPolicyOfThatName_isReplacedWithAWarning() {
    String other = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
        + "\"Action\":\"s3:*\",\"Resource\":\"*\"}]}";
    RevokeDecision.Outcome outcome = revoke().decide(role("/", other));
    assertEquals(Optional.of(RevokeDecision.OTHER), outcome.steps().get(0).before());
    assertTrue(outcome.warnings().stream().anyMatch(w -> w.contains("not a revocation")));
  }

  @Test
  void revoke_serviceLinkedRole_isRefusedNamingIt() {
    RemediationException e = assertThrows(RemediationException.class,
        () -> revoke().decide(role("/aws-service-role/ec2.amazonaws.com/", null)));
    assertTrue(e.getMessage().contains("service-linked") && e.getMessage().contains("app"),
        e.getMessage());
  }

  @Test
  void revoke_instanceWithoutProfile_isSkipped() {
    RevokeDecision.Outcome outcome = revoke().decide(new Observation("i-0abc1234", null, null));
    assertTrue(outcome.steps().isEmpty());
    assertTrue(outcome.skipped().get(0).reason().contains("no instance profile"));
  }

  private static QuarantineDecision.Observation quarantined(String policy, boolean password,
      Map<String, String> tags, KeyFacts... keys) {
    return new QuarantineDecision.Observation(alice(tags, keys), policy, password);
  }

  @Test
  void quarantine_recordsThenDeniesThenDeactivates_passwordKeptWithAWarning() {
    QuarantineDecision.Outcome outcome = QuarantineDecision.quarantine(quarantined(null, true,
        Map.of(), new KeyFacts(K1, true, USED), new KeyFacts(K2, false, null)), false);
    assertEquals(List.of("TagUser", "PutUserPolicy", "UpdateAccessKey"), kinds(outcome.steps()));
    assertEquals(K1, outcome.steps().get(0).parameter("tag:" + QuarantineUser.KEYS_TAG));
    assertTrue(outcome.warnings().get(0).contains("quarantineUser.deleteLoginProfile=true"),
        outcome.warnings().toString());
    assertTrue(outcome.steps().stream().noneMatch(s -> s.has(Flag.DESTRUCTIVE)));
  }

  @Test
  void quarantine_deletePassword_isItsOwnDestructiveStep_last() {
    QuarantineDecision.Outcome outcome = QuarantineDecision.quarantine(quarantined(null, true,
        Map.of()), true);
    assertEquals(List.of("TagUser", "PutUserPolicy", "DeleteLoginProfile"),
        kinds(outcome.steps()));
    assertEquals(Flag.DESTRUCTIVE, outcome.steps().get(2).flags().first());
    assertEquals("", outcome.steps().get(0).parameter("tag:" + QuarantineUser.KEYS_TAG));
  }

  @Test
  void quarantine_done_isEmpty_andAForeignPolicyIsRefused() {
    QuarantineDecision.Outcome done = QuarantineDecision.quarantine(quarantined(
        IamSupport.denyAll(), false, Map.of(QuarantineUser.KEYS_TAG, K1),
        new KeyFacts(K1, false, null)), false);
    assertEquals(List.of(), done.steps());
    String allow = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
        + "\"Action\":\"*\",\"Resource\":\"*\"}]}";
    RemediationException e = assertThrows(RemediationException.class,
        () -> QuarantineDecision.quarantine(quarantined(allow, false, Map.of()), false));
    assertTrue(e.getMessage().contains(QuarantineUser.POLICY_NAME), e.getMessage());
  }

  @Test
  void release_deletesOurPolicy_reactivatesRecordedKeysOnly() {
    QuarantineDecision.Outcome outcome = QuarantineDecision.release(quarantined(
        IamSupport.denyAll(), false, Map.of(QuarantineUser.KEYS_TAG, K1,
            QuarantineUser.AT_TAG, "2026-03-01T11:00:00Z"),
        new KeyFacts(K1, false, null), new KeyFacts(K2, false, null)));
    assertEquals(List.of("DeleteUserPolicy", "UpdateAccessKey", "UntagUser"),
        kinds(outcome.steps()));
    assertEquals(K1, outcome.steps().get(1).resource());
    assertTrue(outcome.steps().stream().noneMatch(s -> s.kind().contains("LoginProfile")));
  }

  // ------------------------------------------------------------ opt-out and refusals

  private static final String SKIP = "remediate:skip";

  private static boolean optedOut(Map<String, String> tags) {
    return tags.containsKey(SKIP);
  }

  @Test
  void deactivate_optedOutUser_skippedWithoutAStep_otherwiseTheKeysAreDeactivated() {
    KeyFacts active = new KeyFacts(K1, true, USED);
    KeyDecision.Outcome skipped = DeactivateAccessKey.DECISION.deactivate(
        alice(Map.of(SKIP, ""), active), Optional.empty(), "why", IamDecisionTest::optedOut,
        "opted out");
    assertEquals(List.of(), skipped.steps());
    assertEquals(List.of(dev.remediate.core.plan.Skip.of("alice", "opted out")),
        skipped.skipped());

    KeyDecision.Outcome planned = DeactivateAccessKey.DECISION.deactivate(alice(Map.of(), active),
        Optional.of(K1), "why", IamDecisionTest::optedOut, "opted out");
    assertEquals(List.of("TagUser", "UpdateAccessKey"), kinds(planned.steps()));
    assertEquals(List.of(), planned.skipped());
  }

  @Test
  void deactivate_chosenKeyNotTheUsers_refusedNamingKeyAndUser() {
    RemediationException e = assertThrows(RemediationException.class,
        () -> DeactivateAccessKey.DECISION.deactivate(alice(Map.of(),
            new KeyFacts(K1, true, USED)), Optional.of(K2), "why", IamDecisionTest::optedOut,
            "opted out"));
    assertEquals("Access key " + K2 + " is not among the keys of alice", e.getMessage());
  }

  @Test
  void quarantine_optedOutUser_skippedWithoutAStep() {
    QuarantineDecision.Observation o = quarantined(null, true, Map.of(SKIP, "yes"),
        new KeyFacts(K1, true, USED));
    QuarantineDecision.Outcome outcome = QuarantineDecision.quarantine(o, true,
        IamDecisionTest::optedOut, "opted out");
    assertEquals(List.of(), outcome.steps());
    assertEquals(List.of(), outcome.warnings());
    assertEquals(List.of(dev.remediate.core.plan.Skip.of("alice", "opted out")),
        outcome.skipped());
    assertEquals(kinds(QuarantineDecision.quarantine(o, true).steps()),
        kinds(QuarantineDecision.quarantine(quarantined(null, true, Map.of(),
            new KeyFacts(K1, true, USED)), true, IamDecisionTest::optedOut, "x").steps()),
        "without the tag the same user is quarantined");
  }

  @Test
  void revoke_optedOutRole_skippedWithoutAStep_untaggedRoleRevoked() {
    RevokeDecision.Outcome skipped = revoke().decide(new Observation(null, null,
        new RoleFacts("app", "/", Map.of(SKIP, ""), null)), IamDecisionTest::optedOut, "opted out");
    assertEquals(List.of(), skipped.steps());
    assertEquals(List.of(dev.remediate.core.plan.Skip.of("app", "opted out")), skipped.skipped());

    RevokeDecision.Outcome revoked = revoke().decide(new Observation(null, null,
        new RoleFacts("app", "/", Map.of(), null)), IamDecisionTest::optedOut, "opted out");
    assertEquals(List.of("PutRolePolicy"), kinds(revoked.steps()));
    assertEquals("app", revoked.steps().get(0).parameter("role"));
  }
}
