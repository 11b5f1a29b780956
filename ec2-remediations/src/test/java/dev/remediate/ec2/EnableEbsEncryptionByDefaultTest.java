package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;

import dev.remediate.core.ApplyFailedException;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Remediator;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Step;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.GetEbsDefaultKmsKeyIdRequest;
import software.amazon.awssdk.services.ec2.model.GetEbsDefaultKmsKeyIdResponse;
import software.amazon.awssdk.services.ec2.model.GetEbsEncryptionByDefaultRequest;
import software.amazon.awssdk.services.ec2.model.GetEbsEncryptionByDefaultResponse;
import software.amazon.awssdk.services.kms.KmsClient;

@ExtendWith(AwsEmulatorExtension.class)
class EnableEbsEncryptionByDefaultTest {

  @Test
  void apply_disabledRegion_enablesVerifiesAndPlansEmptyAfter(AwsEmulator aws) {
    Remediator remediator = Remediator.create(aws.scope());
    EnableEbsEncryptionByDefault remediation = EnableEbsEncryptionByDefault.create();
    aws.recorder().reset();
    Plan plan = remediator.plan(remediation);
    assertEquals(Map.of("Ec2.GetEbsEncryptionByDefault", 1), aws.recorder().counts());
    assertEquals(List.of("EnableEbsEncryptionByDefault"),
        plan.steps().stream().map(Step::kind).toList());
    assertTrue(plan.flags().isEmpty());
    assertEquals(List.of("FSBP EC2.7", "CIS v1.4 2.2.1", "CIS v3.0 2.2.1"), plan.controls());
    assertEquals(plan, Plan.fromJson(plan.toJson()));
    aws.recorder().reset();
    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(plan).status());
    // re-plan, enable, read back once, verification plan
    assertEquals(Map.of("Ec2.GetEbsEncryptionByDefault", 3, "Ec2.EnableEbsEncryptionByDefault", 1),
        aws.recorder().counts());
    assertTrue(aws.client(Ec2Client.class, Ec2Client::builder).getEbsEncryptionByDefault(r -> { })
        .ebsEncryptionByDefault());
    assertTrue(remediator.plan(remediation).isEmpty());
  }

  @Test
  void plan_everyRegionOfAnAccount_isOneCallPerRegion(AwsEmulator aws) {
    List<Region> regions = List.of(Region.US_EAST_1, Region.EU_WEST_1, Region.AP_SOUTHEAST_2,
        Region.SA_EAST_1);
    aws.client(Ec2Client.class, Ec2Client::builder).enableEbsEncryptionByDefault(r -> { });
    aws.recorder().reset();
    int toFix = 0;
    for (Region region : regions) {
      Plan plan = Remediator.create(aws.scope().inRegion(region))
          .plan(EnableEbsEncryptionByDefault.create());
      assertEquals(region.id(), plan.target().region());
      toFix += plan.isEmpty() ? 0 : 1;
    }
    assertEquals(Map.of("Ec2.GetEbsEncryptionByDefault", regions.size()), aws.recorder().counts());
    assertEquals(regions.size() - 1, toFix, "us-east-1 was already enabled");
  }

  @Test
  void apply_settingLags_verificationRetriesUntilEnabled(AwsEmulator aws) {
    Ec2Client real = aws.client(Ec2Client.class, Ec2Client::builder);
    Ec2Client stub = EbsFixture.stubbable(real);
    AtomicInteger reads = new AtomicInteger();
    doAnswer(inv -> {
      GetEbsEncryptionByDefaultResponse answer = real.getEbsEncryptionByDefault(
          (GetEbsEncryptionByDefaultRequest) inv.getArgument(0));
      // the first two reads after enabling still say false
      boolean afterEnable = answer.ebsEncryptionByDefault();
      return afterEnable && reads.incrementAndGet() <= 2
          ? answer.toBuilder().ebsEncryptionByDefault(false).build() : answer;
    }).when(stub).getEbsEncryptionByDefault(any(GetEbsEncryptionByDefaultRequest.class));
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).client(Ec2Client.class, stub)
        .build()) {
      Remediator remediator = Remediator.create(scope);
      Plan plan = remediator.plan(EnableEbsEncryptionByDefault.create());
      aws.recorder().reset();
      assertEquals(ApplyResult.Status.APPLIED, remediator.apply(plan).status());
      assertEquals(4, reads.get(), "two lagging reads, the verified one, the verification plan");
      // staleness plan, three reads after enabling, verification plan
      assertEquals(5, aws.recorder().count("GetEbsEncryptionByDefault"));
    }
  }

  @Test
  void apply_settingNeverReadsBack_failsNamingTheRegion(AwsEmulator aws) {
    Ec2Client stub = EbsFixture.stubbable(aws.client(Ec2Client.class, Ec2Client::builder));
    doReturn(GetEbsEncryptionByDefaultResponse.builder().ebsEncryptionByDefault(false).build())
        .when(stub).getEbsEncryptionByDefault(any(GetEbsEncryptionByDefaultRequest.class));
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).client(Ec2Client.class, stub)
        .build()) {
      Remediator remediator = Remediator.create(scope);
      Plan plan = remediator.plan(EnableEbsEncryptionByDefault.create());
      ApplyFailedException e = assertThrows(ApplyFailedException.class,
          () -> remediator.apply(plan));
      assertTrue(e.getMessage().contains("us-east-1"), e.getMessage());
      assertTrue(e.getMessage().contains(EnableEbsEncryptionByDefault.VERIFY_ATTEMPTS + " reads"),
          e.getMessage());
    }
  }

  @Test
  void apply_withKey_setsTheDefaultKeyBeforeEnabling(AwsEmulator aws) {
    String keyArn = aws.client(KmsClient.class, KmsClient::builder).createKey(r -> {})
        .keyMetadata().arn();
    Ec2Client real = aws.client(Ec2Client.class, Ec2Client::builder);
    Ec2Client stub = EbsFixture.stubbable(real);
    // moto answers GetEbsDefaultKmsKeyId with HTTP 500; AWS answers alias/aws/ebs until changed
    String[] current = {"alias/aws/ebs"};
    doAnswer(inv -> GetEbsDefaultKmsKeyIdResponse.builder().kmsKeyId(current[0]).build())
        .when(stub).getEbsDefaultKmsKeyId(any(GetEbsDefaultKmsKeyIdRequest.class));
    doAnswer(inv -> {
      var response = real.modifyEbsDefaultKmsKeyId(
          (software.amazon.awssdk.services.ec2.model.ModifyEbsDefaultKmsKeyIdRequest)
              inv.getArgument(0));
      current[0] = response.kmsKeyId();
      return response;
    }).when(stub).modifyEbsDefaultKmsKeyId(
        any(software.amazon.awssdk.services.ec2.model.ModifyEbsDefaultKmsKeyIdRequest.class));
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).client(Ec2Client.class, stub)
        .build()) {
      Remediator remediator = Remediator.create(scope);
      EnableEbsEncryptionByDefault remediation = EnableEbsEncryptionByDefault
          .withDefaultKey(keyArn);
      Plan plan = remediator.plan(remediation);
      assertEquals(List.of("ModifyEbsDefaultKmsKeyId", "EnableEbsEncryptionByDefault"),
          plan.steps().stream().map(Step::kind).toList());
      assertEquals(keyArn, plan.steps().get(0).after().orElseThrow());
      assertEquals(ApplyResult.Status.APPLIED, remediator.apply(plan).status());
      assertEquals(keyArn, current[0]);
      assertTrue(remediator.plan(remediation).isEmpty());
    }
  }

  @Test
  void plan_withKeyWhenDefaultKeyUnreadable_failsClearly(AwsEmulator aws) {
    // moto: GetEbsDefaultKmsKeyId answers HTTP 500
    RemediationException e = assertThrows(RemediationException.class, () ->
        Remediator.create(aws.scope()).plan(
            EnableEbsEncryptionByDefault.withDefaultKey("alias/ebs")));
    assertTrue(e.getMessage().contains("GetEbsDefaultKmsKeyId"), e.getMessage());
    assertTrue(e.getMessage().contains("alias/ebs"), e.getMessage());
    assertTrue(e.getMessage().contains("(GetEbsDefaultKmsKeyId failed with HTTP 500)"),
        e.getMessage());
    assertFalse(e.getMessage().contains("Grant"), "a server error is not a permission problem: "
        + e.getMessage());
    assertTrue(e.getMessage().contains("leave encryption.kmsKey unset"), e.getMessage());

    aws.faults().failAll("GetEbsDefaultKmsKeyId", Fault.of("UnauthorizedOperation"));
    RemediationException denied = assertThrows(RemediationException.class, () ->
        Remediator.create(aws.scope()).plan(
            EnableEbsEncryptionByDefault.withDefaultKey("alias/ebs")));
    assertTrue(denied.getMessage().contains("failed with UnauthorizedOperation)")
        && denied.getMessage().contains("Grant ec2:GetEbsDefaultKmsKeyId"), denied.getMessage());
  }

  @Test
  void spec_roundTripsAndRegionFormReadsTheKeySetting() {
    RemediationCatalog catalog = RemediationCatalog.load();
    for (EnableEbsEncryptionByDefault r : List.of(EnableEbsEncryptionByDefault.create(),
        EnableEbsEncryptionByDefault.withDefaultKey("alias/ebs"))) {
      assertEquals(r, catalog.fromSpec(r.spec()));
    }
    EnableEbsEncryptionByDefault.Type type = new EnableEbsEncryptionByDefault.Type();
    assertEquals(EnableEbsEncryptionByDefault.create(), type.forRegion(Map.of()).orElseThrow());
    assertEquals(EnableEbsEncryptionByDefault.withDefaultKey("alias/ebs"),
        type.forRegion(Map.of("encryption.kmsKey", "alias/ebs")).orElseThrow());
    EncryptVolumeTest.assertMessage("'alias/'", () ->
        EnableEbsEncryptionByDefault.withDefaultKey("alias/"));
    EncryptVolumeTest.assertMessage("set encryption.kmsKey=KEY (Java: withDefaultKey(KEY))", () ->
        EnableEbsEncryptionByDefault.withDefaultKey("alias/"));
  }
}
