package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationException;
import dev.remediate.core.RemediationType;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.testing.DeclaredSettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * The forms of the incident-response types reached from a scan's {@code --target} with
 * {@code --set} settings ({@code RemediationType.forTarget}), and the settings every type of this
 * package declares. No emulator: these build values.
 */
class TargetFormsTest {
  private static final String VPC = "vpc-0abc1234";
  private static final String SUBNET = "subnet-0abc1234";
  private static final String INSTANCE = "i-0123456789abcdef0";

  private static Map<String, String> spec(Optional<Remediation> r) {
    return r.orElseThrow(() -> new AssertionError("no remediation")).spec().parameters();
  }

  private static InvalidRemediationException refused(RemediationType type, String target,
      Map<String, String> settings) {
    return assertThrows(InvalidRemediationException.class,
        () -> type.forTarget(target, settings));
  }

  @Test
  void blockIp_vpcOrSubnetWithAddress_blocksThereAndOtherIdsAreNotItsKind() {
    BlockIpAddress.Type type = new BlockIpAddress.Type();
    Map<String, String> address = Map.of("blockIp.address", "203.0.113.7");
    assertEquals(Map.of("address", "203.0.113.7/32", "vpc", VPC),
        spec(type.forTarget(VPC, address)));
    assertEquals(Map.of("address", "2001:db8::/48", "subnets", SUBNET,
        "maxEntriesPerDirection", "30"), spec(type.forTarget(SUBNET, Map.of("blockIp.address",
            "2001:db8::/48", "blockIp.maxEntriesPerDirection", "30"))));
    assertEquals(Optional.empty(), type.forTarget(INSTANCE, address));
    assertEquals(Optional.empty(), type.forTarget("sg-0abc1234", address));
    assertEquals(Optional.empty(), type.forTarget(VPC, Map.of()), "no address: not configured");
    assertEquals(Optional.empty(), type.forTarget(VPC, Map.of("unblockIp.address", "203.0.113.7")),
        "the unblock setting never blocks");
  }

  @Test
  void blockIp_badValues_refusedNamingTheSetting() {
    BlockIpAddress.Type type = new BlockIpAddress.Type();
    InvalidRemediationException e = refused(type, VPC, Map.of("blockIp.address", "203.0.113.700"));
    assertTrue(e.getMessage().startsWith("setting blockIp.address: ")
        && e.getMessage().contains("203.0.113.700"), e.getMessage());
    e = refused(type, VPC, Map.of("blockIp.address", "10.1.2.3/8"));
    assertTrue(e.getMessage().contains("blockIp.address"), "host bits set: " + e.getMessage());
    e = refused(type, VPC, Map.of("blockIp.address", "203.0.113.7",
        "blockIp.maxEntriesPerDirection", "thirty"));
    assertTrue(e.getMessage().contains("blockIp.maxEntriesPerDirection")
        && e.getMessage().contains("thirty"), e.getMessage());
    e = refused(type, VPC, Map.of("blockIp.address", "203.0.113.7",
        "blockIp.maxEntriesPerDirection", "41"));
    assertTrue(e.getMessage().startsWith("setting blockIp.maxEntriesPerDirection: "),
        e.getMessage());
    e = refused(type, "vpc-12", Map.of("blockIp.address", "203.0.113.7"));
    assertTrue(e.getMessage().contains("vpc-12"), e.getMessage());
  }

  @Test
  void unblockIp_readsItsOwnSetting() {
    UnblockIpAddress.Type type = new UnblockIpAddress.Type();
    assertEquals(Map.of("address", "203.0.113.7/32", "subnets", SUBNET),
        spec(type.forTarget(SUBNET, Map.of("unblockIp.address", "203.0.113.7"))));
    assertEquals(Optional.empty(), type.forTarget(VPC, Map.of("blockIp.address", "203.0.113.7")),
        "the block setting never unblocks");
    assertTrue(refused(type, VPC, Map.of("unblockIp.address", "nope")).getMessage()
        .startsWith("setting unblockIp.address: "));
  }

  @Test
  void quarantine_instanceWithSettings_andStrictValues() {
    QuarantineInstance.Type type = new QuarantineInstance.Type();
    assertEquals(Map.of("instance", INSTANCE, "groupName", QuarantineInstance.DEFAULT_GROUP_NAME),
        spec(type.forTarget(INSTANCE, Map.of())));
    assertEquals(Map.of("instance", INSTANCE, "groupName", "ir-isolation",
        "detachInstanceProfile", "true"), spec(type.forTarget(INSTANCE, Map.of(
            "quarantine.groupName", "ir-isolation", "quarantine.detachInstanceProfile", "TRUE"))));
    assertEquals(Optional.empty(), type.forTarget(VPC, Map.of()));
    InvalidRemediationException e = refused(type, INSTANCE,
        Map.of("quarantine.detachInstanceProfile", "ture"));
    assertTrue(e.getMessage().contains("quarantine.detachInstanceProfile")
        && e.getMessage().contains("ture"), e.getMessage());
    e = refused(type, INSTANCE, Map.of("quarantine.groupName", "default"));
    assertTrue(e.getMessage().startsWith("setting quarantine.groupName: "), e.getMessage());
    assertTrue(refused(type, "i-xyz", Map.of()).getMessage().contains("i-xyz"));
  }

  @Test
  void quarantineFromSpec_mistypedBoolean_isRefusedNotReadAsFalse() {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> new QuarantineInstance.Type().fromSpec(RemediationSpec.of(QuarantineInstance.ID,
            Map.of("instance", INSTANCE, "detachInstanceProfile", "ture"))));
    assertTrue(e.getMessage().contains("detachInstanceProfile") && e.getMessage().contains("ture"),
        e.getMessage());
  }

  @Test
  void releaseQuarantine_instanceOnly() {
    ReleaseQuarantine.Type type = new ReleaseQuarantine.Type();
    assertEquals(Map.of("instance", INSTANCE), spec(type.forTarget(INSTANCE, Map.of())));
    assertEquals(Optional.empty(), type.forTarget(SUBNET, Map.of()));
  }

  @Test
  void foreignIsolationGroup_messageNamesTheSettingAndTheJavaCall() {
    SecurityGroup foreign = SecurityGroup.builder().groupId("sg-0abc1234").groupName("iso")
        .vpcId(VPC).build();
    RemediationException e = assertThrows(RemediationException.class,
        () -> QuarantineInstance.requireIsolationTag(foreign));
    assertTrue(e.getMessage().contains("set quarantine.groupName=NAME (Java: "
        + "isolationGroupName(NAME))"), e.getMessage());
  }

  @Test
  void everyType_readsExactlyTheSettingsItDeclares() {
    DeclaredSettings.assertReadsExactlyDeclared(new BlockIpAddress.Type(), List.of(Map.of(
        "blockIp.address", "203.0.113.7", "blockIp.maxEntriesPerDirection", "20")), VPC, SUBNET);
    DeclaredSettings.assertReadsExactlyDeclared(new UnblockIpAddress.Type(),
        List.of(Map.of("unblockIp.address", "203.0.113.7")), VPC);
    DeclaredSettings.assertReadsExactlyDeclared(new QuarantineInstance.Type(), List.of(Map.of(
        "quarantine.groupName", "iso", "quarantine.detachInstanceProfile", "true")), INSTANCE);
    DeclaredSettings.assertReadsExactlyDeclared(new ReleaseQuarantine.Type(), List.of(Map.of()),
        INSTANCE);
    DeclaredSettings.assertReadsExactlyDeclared(new RestrictDefaultSecurityGroup.Type(),
        List.of(Map.of()), VPC);
    DeclaredSettings.assertReadsExactlyDeclared(new RestrictSecurityGroup.Type(), List.of(Map.of(
        "securityGroups.ports", "22,3389", "securityGroups.allowedSources", "10.0.0.0/8")),
        "sg-0abc1234");
    DeclaredSettings.assertReadsExactlyDeclared(new EnableEbsEncryptionByDefault.Type(),
        List.of(Map.of("encryption.kmsKey", "alias/ebs")));
  }

  @Test
  void declaredDefaults_areWhatTheTypesUse() {
    RestrictSecurityGroup viaDefault = (RestrictSecurityGroup) new RestrictSecurityGroup.Type()
        .forTarget("sg-0abc1234", Map.of()).orElseThrow();
    assertEquals(RestrictSecurityGroup.Type.PORTS.defaultValue().orElseThrow(),
        viaDefault.spec().parameters().get("ports"));
    assertEquals(String.valueOf(BlockIpAddress.DEFAULT_MAX_ENTRIES),
        BlockIpAddress.Type.MAX_ENTRIES.defaultValue().orElseThrow());
  }
}
