package dev.remediate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import dev.remediate.core.plan.Target;
import java.time.Instant;
import java.util.Map;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanTest {
  private static final String CURRENT_VERSION =
      "\"formatVersion\" : \"" + dev.remediate.core.plan.Plan.FORMAT_VERSION + "\"";
  static Plan samplePlan() {
    return Plan.builder()
        .remediation(RemediationSpec.of("ec2.example", Map.of("vpcId", "vpc-1", "b", "x,y")))
        .target(Target.of("AWS::EC2::VPC", "vpc-1", "us-east-1", "123456789012"))
        .fingerprint("sha256:abc")
        .observedAt(Instant.parse("2026-11-27T10:15:30.123Z"))
        .addSteps(Step.builder().kind("CreateFlowLogs").action(Action.ADD).resource("vpc-1")
            .summary("flow logs to s3").after("ALL to arn:aws:s3:::logs").build())
        .addSteps(Step.builder().kind("DeleteFlowLogs").action(Action.REMOVE).resource("fl-1")
            .summary("delete the old flow log").before("REJECT to logs").addFlags(Flag.DESTRUCTIVE)
            .putParameters("flowLogId", "fl-1").build())
        .addSteps(Step.builder().kind("ModifyX").action(Action.CHANGE).resource("x")
            .summary("change").build())
        .addWarnings("be careful")
        .addSkipped(Skip.of("vpc-2", "carries opt-out tag 'remediate:skip'"))
        .addIamActions("ec2:CreateFlowLogs", "ec2:DeleteFlowLogs")
        .addControls("FSBP EC2.6", "CIS v3.0 3.7")
        .build();
  }

  @Test
  void fromJson_toJsonOfFullPlan_roundTripsToEqualPlan() {
    Plan plan = samplePlan();
    assertEquals(plan, Plan.fromJson(plan.toJson()));
  }

  @Test
  void fromJson_unknownFieldsOfNewerMinorVersion_areIgnored() {
    String json = samplePlan().toJson()
        .replace(CURRENT_VERSION, "\"formatVersion\" : \"2.7\", \"future\" : {\"x\":1}")
        .replace("\"kind\" : \"CreateFlowLogs\"", "\"kind\" : \"CreateFlowLogs\", \"eta\" : 5");
    assertTrue(json.contains("2.7"));
    assertEquals(samplePlan(), Plan.fromJson(json));
  }

  @Test
  void fromJson_majorVersion3_isRefusedNamingVersion() {
    String json = samplePlan().toJson().replace(CURRENT_VERSION,
        "\"formatVersion\" : \"3.0\"");
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> Plan.fromJson(json));
    assertTrue(e.getMessage().contains("'3.0'"), e.getMessage());
  }

  @Test
  void fromJson_version1PlanOfOneTarget_isRefusedSayingPlanAgain() {
    String json = samplePlan().toJson().replace(CURRENT_VERSION,
        "\"formatVersion\" : \"1.0\"");
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> Plan.fromJson(json));
    assertTrue(e.getMessage().contains("Plan again"), e.getMessage());
  }

  @Test
  void fromJson_version1PlanOfAWholeRegion_isRefusedSayingPlanAgain() {
    Plan regionWide = Plan.builder().from(samplePlan())
        .target(Target.of("AWS::EC2::VPC", "*", "eu-west-1", "111122223333")).build();
    String json = regionWide.toJson().replace(CURRENT_VERSION,
        "\"formatVersion\" : \"1.0\"");
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> Plan.fromJson(json));
    assertTrue(e.getMessage().contains("Plan again"), e.getMessage());
  }

  @Test
  void planSet_toJsonFromJson_roundTripsWithRequiresAndProvides() {
    Plan first = Plan.builder().from(samplePlan()).addProvides("arn:aws:s3:::logs").build();
    Plan second = Plan.builder().from(samplePlan())
        .target(Target.of("AWS::EC2::VPC", "vpc-0def5678", "eu-west-1", "111122223333"))
        .addRequires(first.key()).build();
    PlanSet set = PlanSet.of(first, second);
    String json = set.toJson();
    assertTrue(json.contains("\"format\" : \"remediate-plan-set\""), json);
    assertEquals(set, PlanSet.fromJson(json));
    assertEquals(List.of(second.key()), set.forTargets(List.of("vpc-0def5678")).plans().stream()
        .filter(p -> p.requires().isEmpty() == false).map(Plan::key).toList());
    assertEquals(2, set.forTargets(List.of("vpc-0def5678")).plans().size(),
        "a selected plan brings its prerequisite");
  }

  private static final RemediationSpec EVERY_VPC_SPEC =
      RemediationSpec.of("ec2.example", Map.of("vpcId", "*"));
  private static final PlanSet.Scanned EVERY_VPC =
      new PlanSet.Scanned("123456789012", "us-east-1", EVERY_VPC_SPEC);

  private static Plan samplePlan(String vpc, boolean withChanges) {
    Plan.Builder plan = Plan.builder().from(samplePlan())
        .target(Target.of("AWS::EC2::VPC", vpc, "us-east-1", "123456789012"));
    if (!withChanges) {
      plan.steps(List.of());
    }
    return plan.build();
  }

  @Test
  void planSet_scanned_roundTripsThroughJsonAndCountsInEquality() {
    PlanSet set = PlanSet.of(samplePlan()).withScanned(List.of(EVERY_VPC, EVERY_VPC));

    assertEquals(List.of(EVERY_VPC), set.scanned(), "recorded once");
    String json = set.toJson();
    assertTrue(json.contains("\"scanned\" : [ {"), json);
    assertEquals(set, PlanSet.fromJson(json));
    assertEquals(List.of(EVERY_VPC), PlanSet.fromJson(json).scanned());
    assertTrue(!set.equals(PlanSet.of(samplePlan())), "a set without scanned forms differs");
  }

  @Test
  void planSet_fileOfFormat20WithoutScanned_readsWithNothingScanned() {
    String json = PlanSet.of(samplePlan()).toJson().replace(CURRENT_VERSION,
        "\"formatVersion\" : \"2.0\"").replace(",\n  \"scanned\" : [ ]", "");
    assertTrue(!json.contains("scanned") && json.contains("\"2.0\""), json);

    PlanSet read = PlanSet.fromJson(json);

    assertEquals(List.of(samplePlan()), read.plans());
    assertEquals(List.of(), read.scanned());
  }

  @Test
  void planSet_scannedNotAnArrayOfSpecs_isRefusedNamingIt() {
    String base = PlanSet.of(samplePlan()).toJson();
    InvalidRemediationException notArray = assertThrows(InvalidRemediationException.class,
        () -> PlanSet.fromJson(base.replace("\"scanned\" : [ ]", "\"scanned\" : 3")));
    assertTrue(notArray.getMessage().contains("'scanned' must be an array"),
        notArray.getMessage());
    InvalidRemediationException noId = assertThrows(InvalidRemediationException.class,
        () -> PlanSet.fromJson(base.replace("\"scanned\" : [ ]",
            "\"scanned\" : [ {\"parameters\": {}} ]")));
    assertTrue(noId.getMessage().startsWith("scanned 1:"), noId.getMessage());
  }

  @Test
  void planSet_selectLeavingOutCompliantTargets_keepsWhatWasScanned() {
    PlanSet set = PlanSet.of(samplePlan("vpc-1", true), samplePlan("vpc-2", false))
        .withScanned(List.of(EVERY_VPC));

    PlanSet withChanges = set.select(p -> !p.isEmpty());

    assertEquals(1, withChanges.plans().size());
    assertEquals(List.of(EVERY_VPC), withChanges.scanned());
  }

  @Test
  void planSet_selectLeavingOutTargetsWithChanges_dropsWhatWasScanned() {
    PlanSet set = PlanSet.of(samplePlan("vpc-1", true), samplePlan("vpc-2", true))
        .withScanned(List.of(EVERY_VPC));

    assertEquals(List.of(), set.forTargets(List.of("vpc-1")).scanned(),
        "apply would report vpc-2 as not reviewed");
    assertEquals(List.of(EVERY_VPC), set.forTargets(List.of("vpc-1", "vpc-2")).scanned());
  }

  @Test
  void planSet_selectOfOneRegion_keepsWhatWasScannedThereOnly() {
    Plan otherRegion = Plan.builder().from(samplePlan("vpc-3", true))
        .target(Target.of("AWS::EC2::VPC", "vpc-3", "eu-west-1", "123456789012")).build();
    PlanSet.Scanned euWest = new PlanSet.Scanned("123456789012", "eu-west-1", EVERY_VPC_SPEC);
    PlanSet set = PlanSet.of(samplePlan("vpc-1", true), otherRegion)
        .withScanned(List.of(EVERY_VPC, euWest));

    PlanSet oneRegion = set.select(p -> p.target().region().equals("us-east-1"));

    assertEquals(List.of(EVERY_VPC), oneRegion.scanned(),
        "us-east-1's scan: every target with changes there is kept; eu-west-1 has no plan left");
  }

  @Test
  void planSet_scannedWithoutAccountOrRegion_isRefusedNamingIt() {
    String json = PlanSet.of(samplePlan()).withScanned(List.of(EVERY_VPC)).toJson()
        .replace("\"account\" : \"123456789012\",\n    \"region\"", "\"region\"");
    assertTrue(!json.contains("\"scanned\" : [ {\n    \"account\""), json);
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> PlanSet.fromJson(json));
    assertTrue(e.getMessage().startsWith("scanned 1:") && e.getMessage().contains("'account'"),
        e.getMessage());
  }

  @Test
  void planSet_and_joinsWhatWasScanned() {
    PlanSet.Scanned other = new PlanSet.Scanned("123456789012", "us-east-1",
        RemediationSpec.of("ec2.other", Map.of()));
    PlanSet joined = PlanSet.of(samplePlan("vpc-1", true)).withScanned(List.of(EVERY_VPC))
        .and(PlanSet.of(samplePlan("vpc-2", true)).withScanned(List.of(EVERY_VPC, other)));

    assertEquals(List.of(EVERY_VPC, other), joined.scanned());
    assertEquals(2, joined.plans().size());
  }

  @Test
  void planSet_twoPlansForOneTarget_isRefusedNamingTheKey() {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> PlanSet.of(samplePlan(), samplePlan()));
    assertTrue(e.getMessage().contains(samplePlan().key()), e.getMessage());
  }

  @Test
  void planSet_fromJsonOfBadPlan_namesItsPosition() {
    String json = "[" + samplePlan().toJson() + ", {\"format\": \"remediate-plan\"}]";
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> PlanSet.fromJson(json));
    assertTrue(e.getMessage().startsWith("plan 2:"), e.getMessage());
  }

  @Test
  void fromJson_notJson_failsWithPosition() {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> Plan.fromJson("{\"format\": "));
    assertTrue(e.getMessage().contains("line 1"), e.getMessage());
  }

  @Test
  void fromJson_otherDocument_isRefused() {
    assertThrows(InvalidRemediationException.class, () -> Plan.fromJson("{\"Records\": []}"));
    assertThrows(InvalidRemediationException.class, () -> Plan.fromJson("[1,2]"));
  }

  @Test
  void fromJson_unknownFlag_failsNamingIt() {
    String json = samplePlan().toJson().replace("\"DESTRUCTIVE\"", "\"EXPLOSIVE\"");
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> Plan.fromJson(json));
    assertTrue(e.getMessage().contains("EXPLOSIVE"), e.getMessage());
  }

  @Test
  void toText_plan_showsMarkersFlagsAndSummaryLine() {
    String text = samplePlan().toText();
    assertTrue(text.contains("  + CreateFlowLogs vpc-1: flow logs to s3"), text);
    assertTrue(text.contains("  - DeleteFlowLogs fl-1: delete the old flow log  [DESTRUCTIVE]"),
        text);
    assertTrue(text.contains("  ~ ModifyX x: change"), text);
    assertTrue(text.contains("  ! be careful"), text);
    assertTrue(text.contains("skipped vpc-2"), text);
    assertTrue(text.contains("Plan: 1 to add, 1 to change, 1 to remove. Needs consent: "
        + "[DESTRUCTIVE]."), text);
  }

  @Test
  void toText_emptyPlan_saysCompliant() {
    Plan empty = Plan.builder().from(samplePlan()).steps(java.util.List.of()).warnings(
        java.util.List.of()).skipped(java.util.List.of()).build();
    assertTrue(empty.toText().contains("No changes. The target is compliant (FSBP EC2.6"),
        empty.toText());
  }
}
