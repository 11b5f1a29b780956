package dev.remediate.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyResult;
import dev.remediate.core.ApplyResult.Status;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.plan.Step;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * {@link DeactivateAccessKey} and {@link ReactivateAccessKey} on the emulator, through saved plan
 * sets and real SDK clients: call budgets, the record tags, exact restoration, a failure.
 */
@ExtendWith(AwsEmulatorExtension.class)
class AccessKeyRemediationsTest {
  private IamEmulatorFixture fx;

  @BeforeEach
  void setUp(AwsEmulator aws) {
    fx = new IamEmulatorFixture(aws);
  }

  @Test
  void deactivateOneKey_thenReactivate_restoresExactlyThePreviousState() {
    List<String> keys = fx.user("alice", StatusType.ACTIVE, StatusType.INACTIVE);
    String active = keys.get(0);
    String inactiveBefore = keys.get(1);
    DeactivateAccessKey deactivate = DeactivateAccessKey.forAccessKey(active);

    fx.aws.recorder().reset();
    PlanSet plans = fx.planSaved(deactivate);
    assertEquals(Map.of("Iam.GetAccessKeyLastUsed", 1, "Iam.ListAccessKeys", 1, "Iam.ListUserTags", 1),
        fx.aws.recorder().counts(), "plan budget");
    Plan plan = plans.withChanges().get(0);
    assertEquals("AWS::IAM::AccessKey", plan.target().type());
    assertEquals(active, plan.target().id());
    assertEquals(List.of("TagUser", "UpdateAccessKey"), plan.steps().stream().map(Step::kind)
        .toList());
    assertTrue(plan.steps().get(1).summary().contains("never used"), plan.toText());
    assertTrue(DeactivateAccessKey.IAM_ACTIONS.containsAll(plan.iamActions()),
        plan.iamActions().toString());
    assertEquals(deactivate, RemediationCatalog.load().fromSpec(plan.remediation()));

    fx.aws.recorder().reset();
    ApplyResult applied = fx.only(fx.remediator(Flag.DISRUPTIVE).apply(plans));
    assertEquals(Status.APPLIED, applied.status(), applied.detail());
    assertEquals(1, fx.aws.recorder().count("UpdateAccessKey"), fx.aws.recorder().toString());
    assertEquals(1, fx.aws.recorder().count("TagUser"));
    assertEquals(0, fx.aws.recorder().count("DeleteAccessKey"));
    assertEquals(Map.of(active, "Inactive", inactiveBefore, "Inactive"), fx.keys("alice"));
    assertEquals(active, fx.tags("alice").get(DeactivateAccessKey.KEYS_TAG));
    assertTrue(fx.tags("alice").get(DeactivateAccessKey.AT_TAG).matches(
        "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), fx.tags("alice").toString());
    assertTrue(fx.planIsEmpty(deactivate), "second plan empty");

    ReactivateAccessKey reactivate = ReactivateAccessKey.forUser("alice");
    PlanSet back = fx.planSaved(reactivate);
    fx.aws.recorder().reset();
    ApplyResult undone = fx.only(fx.remediator().apply(back));
    assertEquals(Status.APPLIED, undone.status(), undone.detail());
    assertEquals(Map.of(active, "Active", inactiveBefore, "Inactive"), fx.keys("alice"),
        "the key that was inactive before stays inactive");
    assertEquals(Map.of(), fx.tags("alice"));
    assertTrue(fx.planIsEmpty(reactivate), "second plan of the reverse empty");
    assertFalse(fx.planIsEmpty(deactivate), "deactivating again is planned again");
  }

  @Test
  void deactivateUser_everyActiveKey_needsConsent() {
    List<String> keys = fx.user("bob", StatusType.ACTIVE, StatusType.ACTIVE);
    DeactivateAccessKey deactivate = DeactivateAccessKey.forUser("bob");
    PlanSet plans = fx.planSaved(deactivate);
    assertEquals("AWS::IAM::User", plans.plans().get(0).target().type());

    ApplyResult refused = fx.only(fx.remediator().apply(plans));
    assertEquals(Status.SKIPPED, refused.status(), refused.detail());
    assertTrue(refused.detail().contains("DISRUPTIVE"), refused.detail());
    assertEquals(Map.of(keys.get(0), "Active", keys.get(1), "Active"), fx.keys("bob"));

    fx.aws.recorder().reset();
    ApplyResult applied = fx.only(fx.remediator(Flag.DISRUPTIVE).apply(plans));
    assertEquals(Status.APPLIED, applied.status(), applied.detail());
    assertEquals(2, fx.aws.recorder().count("UpdateAccessKey"));
    assertEquals(Map.of(keys.get(0), "Inactive", keys.get(1), "Inactive"), fx.keys("bob"));
    assertEquals(String.join(" ", keys.stream().sorted().toList()),
        fx.tags("bob").get(DeactivateAccessKey.KEYS_TAG));
    assertTrue(fx.planIsEmpty(deactivate));
  }

  @Test
  void faultOnTheSecondKey_failsThatTarget_andAReApplyOfTheSamePlanConverges() {
    List<String> keys = fx.user("carol", StatusType.ACTIVE, StatusType.ACTIVE);
    PlanSet plans = fx.planSaved(DeactivateAccessKey.forUser("carol"));
    fx.aws.faults().failNth("UpdateAccessKey", 2, Fault.of("ServiceFailure"));
    ApplyResult failed = fx.only(fx.remediator(Flag.DISRUPTIVE).apply(plans));
    fx.aws.faults().reset();
    assertEquals(Status.FAILED, failed.status(), failed.detail());
    assertTrue(failed.detail().contains("ServiceFailure"), failed.detail());
    assertEquals("Inactive", fx.keys("carol").get(keys.stream().sorted().toList().get(0)));

    ApplyResult again = fx.only(fx.remediator(Flag.DISRUPTIVE).apply(plans));
    assertEquals(Status.APPLIED, again.status(), again.detail());
    assertEquals(Map.of(keys.get(0), "Inactive", keys.get(1), "Inactive"), fx.keys("carol"));
  }

  @Test
  void keyUsedBetweenPlanAndApply_isTheSameReviewedStep_notStale() {
    String key = fx.user("dave", StatusType.ACTIVE).get(0);
    PlanSet plans = fx.planSaved(DeactivateAccessKey.forAccessKey(key));
    // another key of the user changes nothing the reviewed steps depend on
    fx.iam.createAccessKey(r -> r.userName("dave"));
    ApplyResult applied = fx.only(fx.remediator(Flag.DISRUPTIVE).apply(plans));
    assertEquals(Status.APPLIED, applied.status(), applied.detail());
    assertEquals("Inactive", fx.keys("dave").get(key));
    assertEquals(1, fx.keys("dave").values().stream().filter("Active"::equals).count(),
        "the key created after the plan was not reviewed: left alone");
  }

  @Test
  void refusals_nameTheValue() {
    assertTrue(assertThrows(RuntimeException.class,
        () -> DeactivateAccessKey.forAccessKey("AKIA123")).getMessage().contains("'AKIA123'"));
    assertTrue(assertThrows(RuntimeException.class,
        () -> DeactivateAccessKey.forUser("bad name!")).getMessage().contains("'bad name!'"));
    RemediationException unknown = assertThrows(RemediationException.class,
        () -> fx.remediator().plan(DeactivateAccessKey.forAccessKey("AKIAAAAAAAAAAAAAAAAA")));
    assertTrue(unknown.getMessage().contains("AKIAAAAAAAAAAAAAAAAA"), unknown.getMessage());
    RemediationException temporary = assertThrows(RemediationException.class,
        () -> fx.remediator().plan(DeactivateAccessKey.forAccessKey("ASIAAAAAAAAAAAAAAAAA")));
    assertTrue(temporary.getMessage().contains(RevokeRoleSessions.ID), temporary.getMessage());
    RemediationException noUser = assertThrows(RemediationException.class,
        () -> fx.remediator().plan(ReactivateAccessKey.forUser("nobody")));
    assertTrue(noUser.getMessage().contains("nobody"), noUser.getMessage());
  }
}
