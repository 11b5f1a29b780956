package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Step;
import dev.remediate.core.plan.Target;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link EnableEbsEncryptionByDefault#decide} with hand-made observations: no emulator, no AWS
 * call.
 */
class EbsByDefaultDecisionTest {
  private static final String REGION = "eu-west-1";
  private static final String WANTED =
      "arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555";
  private static final String OTHER =
      "arn:aws:kms:eu-west-1:111122223333:key/99999999-8888-7777-6666-555555555555";

  private static Plan decide(EnableEbsEncryptionByDefault wanted,
      EnableEbsEncryptionByDefault.Observation o) {
    return wanted.decide(o, Plan.builder().remediation(wanted.spec())
        .target(Target.of("AWS::EC2::EbsEncryptionByDefault", o.region(), o.region(),
            "111122223333")).observedAt(Instant.EPOCH));
  }

  private static List<String> described(Plan plan) {
    return plan.steps().stream().map(s -> s.kind() + " " + s.action() + " " + s.resource() + " "
        + s.parameters() + " " + s.before().orElse("-") + " -> " + s.after().orElse("-"))
        .toList();
  }

  @Test
  void decide_enabledAndNoKeyWanted_compliantEmptyPlan() {
    Plan plan = decide(EnableEbsEncryptionByDefault.create(),
        new EnableEbsEncryptionByDefault.Observation(REGION, true, null, null));

    assertEquals(List.of(), plan.steps());
    assertEquals(List.of(), plan.warnings());
    assertEquals(Set.of(), plan.iamActions());
    assertEquals(EnableEbsEncryptionByDefault.CONTROLS, plan.controls());
  }

  @Test
  void decide_disabled_enablesWithBothWarnings() {
    Plan plan = decide(EnableEbsEncryptionByDefault.create(),
        new EnableEbsEncryptionByDefault.Observation(REGION, false, null, null));

    assertEquals(List.of("EnableEbsEncryptionByDefault CHANGE eu-west-1 {} disabled -> enabled"),
        described(plan));
    assertEquals(Set.of("ec2:EnableEbsEncryptionByDefault", "ec2:GetEbsEncryptionByDefault"),
        plan.iamActions());
    assertEquals(2, plan.warnings().size());
    assertTrue(plan.warnings().get(0).contains(EncryptVolume.ID), plan.warnings().toString());
  }

  @Test
  void decide_noAnswer_neverReadAsEnabled_enablesFromUnknown() {
    Plan plan = decide(EnableEbsEncryptionByDefault.create(),
        new EnableEbsEncryptionByDefault.Observation(REGION, null, null, null));

    assertEquals(List.of("EnableEbsEncryptionByDefault CHANGE eu-west-1 {} unknown -> enabled"),
        described(plan));
  }

  @Test
  void decide_enabledWithTheWantedKey_compliantEmptyPlan() {
    Plan plan = decide(EnableEbsEncryptionByDefault.withDefaultKey(WANTED),
        new EnableEbsEncryptionByDefault.Observation(REGION, true, WANTED, WANTED));

    assertTrue(plan.isEmpty(), described(plan).toString());
  }

  @Test
  void decide_enabledWithADifferentDefaultKey_keyReplacedShowingTheOldOneNothingElse() {
    Plan plan = decide(EnableEbsEncryptionByDefault.withDefaultKey("alias/ebs-default"),
        new EnableEbsEncryptionByDefault.Observation(REGION, true, OTHER, WANTED));

    assertEquals(List.of("ModifyEbsDefaultKmsKeyId CHANGE eu-west-1 {kmsKeyArn=" + WANTED + "} "
        + OTHER + " -> " + WANTED), described(plan));
    assertEquals(Set.of("ec2:ModifyEbsDefaultKmsKeyId", "ec2:GetEbsDefaultKmsKeyId",
        "kms:DescribeKey"), plan.iamActions());
    assertEquals(List.of(), plan.warnings());
  }

  @Test
  void decide_disabledWithADifferentKey_keySetBeforeEnabling() {
    Plan plan = decide(EnableEbsEncryptionByDefault.withDefaultKey(WANTED),
        new EnableEbsEncryptionByDefault.Observation(REGION, false, "alias/aws/ebs", WANTED));

    assertEquals(List.of("ModifyEbsDefaultKmsKeyId", "EnableEbsEncryptionByDefault"),
        plan.steps().stream().map(Step::kind).toList());
    assertEquals("alias/aws/ebs", plan.steps().get(0).before().orElseThrow());
  }
}
