package dev.remediate.cloudtrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.cloudtrail.EnableGuardDuty.Detector;
import dev.remediate.cloudtrail.EnableGuardDuty.Observation;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Step;
import dev.remediate.core.plan.Target;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link EnableGuardDuty#decide} with hand-made observations: no emulator, no AWS call. */
class GuardDutyDecisionTest {
  private static final String ACCOUNT = "111122223333";
  private static final String ARN = "arn:aws:guardduty:eu-west-1:" + ACCOUNT + ":detector";

  private static Plan decide(EnableGuardDuty wanted, Detector... detectors) {
    Observation o = new Observation("eu-west-1", ACCOUNT, List.of(detectors));
    return wanted.decide(o, Plan.builder().remediation(wanted.spec())
        .target(Target.of("AWS::GuardDuty::Detector", "eu-west-1", "eu-west-1", ACCOUNT))
        .observedAt(Instant.EPOCH));
  }

  @Test
  void decide_noDetector_createsOneEnabledEveryFifteenMinutes() {
    Plan plan = decide(EnableGuardDuty.create());

    Step create = plan.steps().get(0);
    assertEquals(1, plan.steps().size());
    assertEquals("CreateDetector", create.kind());
    assertEquals(Action.ADD, create.action());
    assertEquals(ARN, create.resource());
    assertEquals("FIFTEEN_MINUTES", create.parameter("findingPublishingFrequency"));
    assertEquals(List.of("guardduty:CreateDetector", "guardduty:GetDetector",
        "guardduty:ListDetectors", "iam:CreateServiceLinkedRole"),
        List.copyOf(plan.iamActions()));
    assertEquals(List.of("FSBP GuardDuty.1"), plan.controls());
  }

  @Test
  void decide_suspendedDetector_resumedNeverCreatedNorDeleted() {
    Plan plan = decide(EnableGuardDuty.create(), new Detector("d1", "DISABLED", "FIFTEEN_MINUTES"));

    assertEquals(List.of("UpdateDetector"), plan.steps().stream().map(Step::kind).toList());
    Step update = plan.steps().get(0);
    assertEquals(ARN + "/d1", update.resource());
    assertEquals(Map.of("detectorId", "d1", "enable", "true"), update.parameters(),
        "the frequency already matches: only Enable is sent");
    assertEquals("status=DISABLED, findingPublishingFrequency=FIFTEEN_MINUTES",
        update.before().orElseThrow());
    assertFalse(plan.iamActions().contains("guardduty:CreateDetector"));
    assertTrue(plan.iamActions().contains("guardduty:UpdateDetector"));
  }

  @Test
  void decide_enabledWithOtherFrequency_updatesTheFrequencyOnly() {
    Plan plan = decide(EnableGuardDuty.publishingEvery("ONE_HOUR"),
        new Detector("d1", "ENABLED", "SIX_HOURS"));

    Step update = plan.steps().get(0);
    assertEquals(Map.of("detectorId", "d1", "findingPublishingFrequency", "ONE_HOUR"),
        update.parameters());
  }

  @Test
  void decide_suspendedWithOtherFrequency_oneUpdateCarriesBoth() {
    Plan plan = decide(EnableGuardDuty.create(), new Detector("d1", "DISABLED", "SIX_HOURS"));

    assertEquals(1, plan.steps().size());
    assertEquals(Map.of("detectorId", "d1", "enable", "true",
        "findingPublishingFrequency", "FIFTEEN_MINUTES"), plan.steps().get(0).parameters());
  }

  @Test
  void decide_enabledWithWantedFrequency_emptyPlanWithoutActions() {
    Plan plan = decide(EnableGuardDuty.create(), new Detector("d1", "ENABLED", "FIFTEEN_MINUTES"));

    assertTrue(plan.isEmpty());
    assertTrue(plan.iamActions().isEmpty());
  }

  @Test
  void decide_statusNotReported_treatedAsSuspendedNeverAsEnabled() {
    Plan plan = decide(EnableGuardDuty.create(), new Detector("d1", null, "FIFTEEN_MINUTES"));

    assertEquals("true", plan.steps().get(0).parameter("enable"));
  }

  @Test
  void decide_twoDetectors_plansTheFirstAndWarns() {
    Plan plan = decide(EnableGuardDuty.create(), new Detector("d2", "DISABLED", "ONE_HOUR"),
        new Detector("d1", "ENABLED", "FIFTEEN_MINUTES"));

    assertTrue(plan.isEmpty(), "d1 sorts first and is compliant");
    assertTrue(plan.warnings().get(0).contains("2 detectors"), plan.warnings().toString());
  }

  @Test
  void frequency_typo_refusedNamingTheValue() {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> EnableGuardDuty.publishingEvery("FIFTEEN_MINUTE"));
    assertTrue(e.getMessage().contains("'FIFTEEN_MINUTE'"), e.getMessage());
  }

  @Test
  void forRegion_settingTypo_refusedNamingSettingAndValue() {
    var type = new EnableGuardDuty.Type();
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> type.forRegion(Map.of("guardduty.findingPublishingFrequency", "1h")));
    assertTrue(e.getMessage().startsWith("setting guardduty.findingPublishingFrequency:"),
        e.getMessage());
    assertTrue(e.getMessage().contains("'1h'"), e.getMessage());
    assertEquals(EnableGuardDuty.create(), type.forRegion(Map.of()).orElseThrow());
    assertEquals(EnableGuardDuty.publishingEvery("SIX_HOURS"), type.forRegion(
        Map.of("guardduty.findingPublishingFrequency", "SIX_HOURS")).orElseThrow());
  }

  @Test
  void fromSpec_unknownParameterOrBadValue_refusedNamingIt() {
    RemediationCatalog catalog = RemediationCatalog.load();
    InvalidRemediationException name = assertThrows(InvalidRemediationException.class,
        () -> catalog.fromSpec(RemediationSpec.of("guardduty.detector",
            Map.of("findingPublishingFreqency", "ONE_HOUR"))));
    assertTrue(name.getMessage().contains("'findingPublishingFreqency'"), name.getMessage());
    InvalidRemediationException value = assertThrows(InvalidRemediationException.class,
        () -> catalog.fromSpec(RemediationSpec.of("guardduty.detector",
            Map.of("findingPublishingFrequency", "one_hour"))));
    assertTrue(value.getMessage().contains("'one_hour'"), value.getMessage());
    assertEquals(EnableGuardDuty.publishingEvery("ONE_HOUR"), catalog.fromSpec(
        EnableGuardDuty.publishingEvery("ONE_HOUR").spec()));
  }
}
