package dev.remediate.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyResult;
import dev.remediate.core.ApplyResult.Status;
import dev.remediate.core.Guardrails;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Remediator;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.policy.PolicyDocuments;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * {@link RevokeRoleSessions} (by role, by instance), {@link QuarantineUser} and
 * {@link ReleaseUser} on the emulator.
 */
@ExtendWith(AwsEmulatorExtension.class)
class RoleAndUserRemediationsTest {
  private static final String TRUST = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
      + "\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":"
      + "\"sts:AssumeRole\"}]}";
  private IamEmulatorFixture fx;

  @BeforeEach
  void setUp(AwsEmulator aws) {
    fx = new IamEmulatorFixture(aws);
  }

  private void role(String name, String path) {
    fx.iam.createRole(r -> r.roleName(name).path(path).assumeRolePolicyDocument(TRUST));
  }

  private Optional<Instant> revokedBefore(String role) {
    return RevokeDecision.revokedBefore(PolicyDocuments.decode(fx.iam.getRolePolicy(r -> r
        .roleName(role).policyName(RevokeRoleSessions.POLICY_NAME)).policyDocument()));
  }

  private Remediator at(Instant now, Flag... consent) {
    return Remediator.builder().scope(fx.aws.scope()).clock(Clock.fixed(now, ZoneOffset.UTC))
        .guardrails(Guardrails.custom().consentTo(consent).build()).build();
  }

  @Test
  void revokeRole_writesTheTimeOfApply_secondPlanEmpty_laterApplyMovesTheTimeNotStale() {
    role("app", "/");
    RevokeRoleSessions revoke = RevokeRoleSessions.forRole("app").build();
    Instant t0 = Instant.parse("2026-03-01T12:00:00Z");
    fx.aws.recorder().reset();
    PlanSet plans = PlanSet.fromJson(at(t0).planSet(List.of(revoke)).toJson());
    assertEquals(Map.of("Iam.GetRole", 1, "Iam.GetRolePolicy", 1), fx.aws.recorder().counts());
    Plan plan = plans.withChanges().get(0);
    assertTrue(plan.flags().contains(Flag.DISRUPTIVE), "needs approval");
    assertEquals("AWS::IAM::Role", plan.target().type());

    assertEquals(Status.SKIPPED, fx.only(at(t0).apply(plans)).status(), "no consent, no change");
    Instant applyTime = t0.plus(Duration.ofMinutes(30)); // reviewed, applied half an hour later
    ApplyResult applied = fx.only(at(applyTime, Flag.DISRUPTIVE).apply(plans));
    assertEquals(Status.APPLIED, applied.status(), applied.detail());
    assertEquals(Optional.of(applyTime), revokedBefore("app"));
    assertTrue(at(applyTime.plusSeconds(60)).planSet(List.of(revoke)).withChanges().isEmpty(),
        "second plan empty");

    // two hours later the same saved plan is applied again: the time moves, not stale
    Instant later = applyTime.plus(Duration.ofHours(2));
    ApplyResult again = fx.only(at(later, Flag.DISRUPTIVE).apply(plans));
    assertEquals(Status.APPLIED, again.status(), again.detail());
    assertEquals(Optional.of(later), revokedBefore("app"));
  }

  @Test
  void revokeInstance_resolvesTheProfileRole() {
    role("web", "/app/");
    fx.iam.createInstanceProfile(r -> r.instanceProfileName("web-profile"));
    fx.iam.addRoleToInstanceProfile(r -> r.instanceProfileName("web-profile").roleName("web"));
    Ec2Client ec2 = fx.aws.client(Ec2Client.class, Ec2Client::builder);
    String image = ec2.describeImages().images().get(0).imageId();
    String instance = ec2.runInstances(r -> r.imageId(image).minCount(1).maxCount(1)
        .iamInstanceProfile(p -> p.name("web-profile"))).instances().get(0).instanceId();
    String bare = ec2.runInstances(r -> r.imageId(image).minCount(1).maxCount(1)).instances()
        .get(0).instanceId();

    RevokeRoleSessions revoke = (RevokeRoleSessions) new RevokeRoleSessions.Type()
        .forTarget(instance, Map.of()).orElseThrow();
    fx.aws.recorder().reset();
    PlanSet plans = fx.planSaved(revoke);
    assertEquals(1, fx.aws.recorder().count("DescribeInstances"));
    assertEquals(1, fx.aws.recorder().count("GetInstanceProfile"));
    Plan plan = plans.withChanges().get(0);
    assertEquals(instance, plan.target().id(), "the plan is found by the --target given");
    assertEquals("role/web", plan.steps().get(0).resource());
    assertEquals(Status.APPLIED, fx.only(fx.remediator(Flag.DISRUPTIVE).apply(plans)).status());
    assertTrue(revokedBefore("web").isPresent());
    assertTrue(fx.planIsEmpty(revoke));

    Plan none = fx.remediator().plan(RevokeRoleSessions.forInstance(bare).build());
    assertTrue(none.isEmpty());
    assertTrue(none.skipped().get(0).reason().contains("no instance profile"), none.toText());
  }

  @Test
  void revoke_serviceLinkedRole_andUnknownRole_areRefusedNamingThem() {
    role("AWSServiceRoleForSupport", "/aws-service-role/support.amazonaws.com/");
    RemediationException slr = assertThrows(RemediationException.class, () -> fx.remediator()
        .plan(RevokeRoleSessions.forRole("AWSServiceRoleForSupport").build()));
    assertTrue(slr.getMessage().contains("service-linked"), slr.getMessage());
    assertEquals(0, fx.aws.recorder().count("PutRolePolicy"));
    RemediationException missing = assertThrows(RemediationException.class, () -> fx.remediator()
        .plan(RevokeRoleSessions.forRole("ghost").build()));
    assertTrue(missing.getMessage().contains("ghost"), missing.getMessage());
  }

  @Test
  void quarantineThenRelease_restoresKeysExactly_passwordKeptThroughout() {
    List<String> keys = fx.user("eve", StatusType.ACTIVE, StatusType.INACTIVE);
    fx.iam.createLoginProfile(r -> r.userName("eve").password("Correct-Horse-1"));
    QuarantineUser quarantine = QuarantineUser.of("eve").build();
    fx.aws.recorder().reset();
    PlanSet plans = fx.planSaved(quarantine);
    assertEquals(Map.of("Iam.ListUserTags", 1, "Iam.ListAccessKeys", 1,
        "Iam.GetAccessKeyLastUsed", 1, "Iam.GetUserPolicy", 1, "Iam.GetLoginProfile", 1),
        fx.aws.recorder().counts(), "plan budget");
    Plan plan = plans.withChanges().get(0);
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("console password")),
        plan.toText());

    fx.aws.recorder().reset();
    ApplyResult applied = fx.only(fx.remediator(Flag.DISRUPTIVE).apply(plans));
    assertEquals(Status.APPLIED, applied.status(), applied.detail());
    assertEquals(Map.of("Iam.TagUser", 1, "Iam.PutUserPolicy", 1, "Iam.UpdateAccessKey", 1),
        fx.aws.recorder().counts().entrySet().stream()
            .filter(e -> !e.getKey().contains(".Get") && !e.getKey().contains(".List"))
            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
        "apply budget (writes)");
    assertTrue(IamSupport.isDenyAll(PolicyDocuments.decode(fx.iam.getUserPolicy(r -> r
        .userName("eve").policyName(QuarantineUser.POLICY_NAME)).policyDocument())));
    assertEquals(Map.of(keys.get(0), "Inactive", keys.get(1), "Inactive"), fx.keys("eve"));
    assertNotNull(fx.iam.getLoginProfile(r -> r.userName("eve")).loginProfile());
    assertTrue(fx.planIsEmpty(quarantine), "second plan empty");

    ReleaseUser release = ReleaseUser.of("eve");
    ApplyResult released = fx.only(fx.remediator().apply(fx.planSaved(release)));
    assertEquals(Status.APPLIED, released.status(), released.detail());
    assertEquals(List.of(), fx.iam.listUserPolicies(r -> r.userName("eve")).policyNames());
    assertEquals(Map.of(keys.get(0), "Active", keys.get(1), "Inactive"), fx.keys("eve"));
    assertEquals(Map.of(), fx.tags("eve"));
    assertNotNull(fx.iam.getLoginProfile(r -> r.userName("eve")).loginProfile());
    assertTrue(fx.planIsEmpty(release), "second plan of the release empty");
  }

  @Test
  void quarantineDeletingThePassword_needsDestructiveConsent() {
    fx.user("mallory", StatusType.ACTIVE);
    fx.iam.createLoginProfile(r -> r.userName("mallory").password("Correct-Horse-1"));
    QuarantineUser quarantine = (QuarantineUser) new QuarantineUser.Type().forTarget("mallory",
        Map.of("quarantineUser.deleteLoginProfile", "true")).orElseThrow();
    PlanSet plans = fx.planSaved(quarantine);
    assertTrue(plans.withChanges().get(0).flags().contains(Flag.DESTRUCTIVE));
    ApplyResult refused = fx.only(fx.remediator(Flag.DISRUPTIVE).apply(plans));
    assertEquals(Status.SKIPPED, refused.status(), refused.detail());
    assertTrue(refused.detail().contains("DESTRUCTIVE"), refused.detail());
    assertNotNull(fx.iam.getLoginProfile(r -> r.userName("mallory")).loginProfile());

    ApplyResult applied = fx.only(fx.remediator(Flag.DISRUPTIVE, Flag.DESTRUCTIVE).apply(plans));
    assertEquals(Status.APPLIED, applied.status(), applied.detail());
    assertNull(IamSupport.orNull(() -> fx.iam.getLoginProfile(r -> r.userName("mallory"))));
    assertTrue(fx.planIsEmpty(quarantine));
    assertFalse(fx.keys("mallory").containsValue("Active"));
  }
}
