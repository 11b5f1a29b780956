package dev.remediate.cloudtrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyFailedException;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.Remediator;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.plan.Step;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.guardduty.GuardDutyClient;
import software.amazon.awssdk.services.guardduty.model.GetDetectorResponse;

/**
 * {@link EnableGuardDuty} on the emulator. moto 5.2.1 keeps GuardDuty detectors with their status
 * and frequency and honours {@code UpdateDetector}'s {@code Enable} and frequency, so every path
 * runs against it; it does not refuse a second detector (AWS does), which the library never asks
 * for, and it does not create the service-linked role.
 */
@ExtendWith(AwsEmulatorExtension.class)
class EnableGuardDutyTest {
  private static GuardDutyClient guardDuty(AwsEmulator aws) {
    return aws.client(GuardDutyClient.class, GuardDutyClient::builder);
  }

  private static GetDetectorResponse onlyDetector(GuardDutyClient client) {
    List<String> ids = client.listDetectors().detectorIds();
    assertEquals(1, ids.size(), "one detector: " + ids);
    return client.getDetector(r -> r.detectorId(ids.get(0)));
  }

  private static List<String> kinds(Plan plan) {
    return plan.steps().stream().map(Step::kind).toList();
  }

  @Test
  void apply_noDetector_createsEnabledDetectorThenSecondPlanEmpty(AwsEmulator aws) {
    Remediator remediator = Remediator.create(aws.scope());

    Plan plan = remediator.plan(EnableGuardDuty.create());

    assertEquals(List.of("CreateDetector"), kinds(plan));
    assertEquals(Map.of("GuardDuty.ListDetectors", 1), aws.recorder().counts(),
        "no detector: nothing more to read");
    aws.recorder().reset();

    ApplyResult result = remediator.apply(plan);

    assertEquals(ApplyResult.Status.APPLIED, result.status(), result.toText());
    assertEquals(1, aws.recorder().count("CreateDetector"));
    GetDetectorResponse detector = onlyDetector(guardDuty(aws));
    assertEquals("ENABLED", detector.statusAsString());
    assertEquals("FIFTEEN_MINUTES", detector.findingPublishingFrequencyAsString());

    aws.recorder().reset();
    assertTrue(remediator.plan(EnableGuardDuty.create()).isEmpty());
    assertEquals(Map.of("GuardDuty.ListDetectors", 1, "GuardDuty.GetDetector", 1),
        aws.recorder().counts(), "the second plan's call budget");
  }

  @Test
  void apply_suspendedDetector_resumedSameDetectorNoSecondOne(AwsEmulator aws) {
    GuardDutyClient client = guardDuty(aws);
    String id = client.createDetector(r -> r.enable(false)
        .findingPublishingFrequency("FIFTEEN_MINUTES")).detectorId();
    Remediator remediator = Remediator.create(aws.scope());

    Plan plan = remediator.plan(EnableGuardDuty.create());

    assertEquals(List.of("UpdateDetector"), kinds(plan));
    assertEquals(Map.of("detectorId", id, "enable", "true"), plan.steps().get(0).parameters());
    aws.recorder().reset();
    ApplyResult result = remediator.apply(plan);

    assertEquals(ApplyResult.Status.APPLIED, result.status(), result.toText());
    assertEquals(0, aws.recorder().count("CreateDetector"));
    assertEquals(0, aws.recorder().count("DeleteDetector"));
    assertEquals(List.of(id), client.listDetectors().detectorIds(), "the same detector, resumed");
    assertEquals("ENABLED", onlyDetector(client).statusAsString());
    assertTrue(remediator.plan(EnableGuardDuty.create()).isEmpty());
  }

  @Test
  void apply_otherFrequency_updatedToTheConfiguredOne(AwsEmulator aws) {
    GuardDutyClient client = guardDuty(aws);
    client.createDetector(r -> r.enable(true).findingPublishingFrequency("SIX_HOURS"));
    Remediator remediator = Remediator.create(aws.scope());
    EnableGuardDuty hourly = (EnableGuardDuty) new EnableGuardDuty.Type().forRegion(
        Map.of("guardduty.findingPublishingFrequency", "ONE_HOUR")).orElseThrow();

    ApplyResult result = remediator.apply(remediator.plan(hourly));

    assertEquals(ApplyResult.Status.APPLIED, result.status(), result.toText());
    assertEquals("ONE_HOUR", onlyDetector(client).findingPublishingFrequencyAsString());
    assertEquals("ENABLED", onlyDetector(client).statusAsString());
    assertTrue(remediator.plan(hourly).isEmpty());
  }

  @Test
  void planSet_twoRegions_onePlanEachAppliedIndependently(AwsEmulator aws) {
    AwsScope eu = aws.scope().inRegion(Region.EU_WEST_1);
    eu.client(GuardDutyClient.class, GuardDutyClient::builder)
        .createDetector(r -> r.enable(false).findingPublishingFrequency("FIFTEEN_MINUTES"));
    var type = RemediationCatalog.load().require(EnableGuardDuty.ID);
    for (AwsScope scope : List.of(aws.scope(), eu)) {
      Remediator remediator = Remediator.create(scope);
      PlanSet plans = remediator.planSet(List.of(type.forRegion(Map.of()).orElseThrow()));
      assertEquals(1, plans.plans().size());
      Plan plan = plans.plans().get(0);
      assertEquals(scope.region().id(), plan.target().id());
      assertEquals(scope == eu ? List.of("UpdateDetector") : List.of("CreateDetector"),
          kinds(plan));
      PlanSetResult result = remediator.apply(plans);
      assertTrue(!result.hasProblems(), result.toText());
      assertTrue(remediator.planSet(List.of(type.forRegion(Map.of()).orElseThrow())).isEmpty());
    }
    assertEquals(1, eu.client(GuardDutyClient.class, GuardDutyClient::builder).listDetectors()
        .detectorIds().size());
  }

  @Test
  void apply_createFailsThenReapplied_convergesWithOneDetector(AwsEmulator aws) {
    aws.faults().failNth("CreateDetector", 1, Fault.of("AccessDeniedException"));
    Remediator remediator = Remediator.create(aws.scope());
    Plan plan = remediator.plan(EnableGuardDuty.create());

    ApplyFailedException e = assertThrows(ApplyFailedException.class, () -> remediator.apply(plan));

    assertTrue(e.getMessage().contains("AccessDeniedException"), e.getMessage());
    assertTrue(guardDuty(aws).listDetectors().detectorIds().isEmpty());
    ApplyResult again = remediator.apply(plan);
    assertEquals(ApplyResult.Status.APPLIED, again.status(), again.toText());
    assertEquals("ENABLED", onlyDetector(guardDuty(aws)).statusAsString());
  }

  @Test
  void apply_updateFailsThenReapplied_convergesOnTheSameDetector(AwsEmulator aws) {
    GuardDutyClient client = guardDuty(aws);
    String id = client.createDetector(r -> r.enable(false).findingPublishingFrequency("ONE_HOUR"))
        .detectorId();
    aws.faults().failNth("UpdateDetector", 1, Fault.of("InternalServerErrorException"));
    Remediator remediator = Remediator.create(aws.scope());
    Plan plan = remediator.plan(EnableGuardDuty.create());

    assertThrows(ApplyFailedException.class, () -> remediator.apply(plan));
    assertEquals("DISABLED", onlyDetector(client).statusAsString());

    ApplyResult again = remediator.apply(plan);
    assertEquals(ApplyResult.Status.APPLIED, again.status(), again.toText());
    GetDetectorResponse detector = onlyDetector(client);
    assertEquals(List.of(id), client.listDetectors().detectorIds());
    assertEquals("ENABLED", detector.statusAsString());
    assertEquals("FIFTEEN_MINUTES", detector.findingPublishingFrequencyAsString());
  }

  @Test
  void apply_detectorCreatedByOthersSinceThePlan_alreadyDoneNotCreatedTwice(AwsEmulator aws) {
    Remediator remediator = Remediator.create(aws.scope());
    Plan plan = remediator.plan(EnableGuardDuty.create());
    guardDuty(aws).createDetector(r -> r.enable(true).findingPublishingFrequency("FIFTEEN_MINUTES"));

    ApplyResult result = remediator.apply(plan);

    assertEquals(ApplyResult.Status.ALREADY_DONE, result.status(), result.toText());
    assertEquals(0, aws.recorder().count("CreateDetector") - 1, "only the test's own create");
    assertEquals(1, guardDuty(aws).listDetectors().detectorIds().size());
  }

  @Test
  void apply_awsAnswersDetectorAlreadyExists_countsAsDone(AwsEmulator aws) {
    aws.faults().failNth("CreateDetector", 1, new Fault("BadRequestException", 400,
        "The request is rejected because a detector already exists for the current account."));
    Remediator remediator = Remediator.create(aws.scope());
    Plan plan = remediator.plan(EnableGuardDuty.create());

    // the step succeeds; the re-plan after apply still sees no detector (the fault made none)
    ApplyResult result = assertThrows(ApplyFailedException.class, () -> remediator.apply(plan))
        .result();

    assertEquals(1, aws.recorder().count("CreateDetector"), "not retried: taken as done");
    assertTrue(result.toText().contains("CreateDetector"), result.toText());
  }
}
