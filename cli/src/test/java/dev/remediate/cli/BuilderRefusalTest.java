package dev.remediate.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.cloudtrail.CisAlarms;
import dev.remediate.cloudtrail.EnableConfigRecorder;
import dev.remediate.cloudtrail.EnableGuardDuty;
import dev.remediate.cloudtrail.EnsureTrail;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.ec2.BlockIpAddress;
import dev.remediate.ec2.EnableCpuAlarm;
import dev.remediate.ec2.EnableEbsEncryptionByDefault;
import dev.remediate.ec2.EnableVpcFlowLogs;
import dev.remediate.ec2.EncryptVolume;
import dev.remediate.ec2.OutdatedAmi;
import dev.remediate.ec2.QuarantineInstance;
import dev.remediate.ec2.ReleaseQuarantine;
import dev.remediate.ec2.ReplaceSshKey;
import dev.remediate.ec2.ResizeInstance;
import dev.remediate.ec2.RestrictDefaultSecurityGroup;
import dev.remediate.ec2.RestrictSecurityGroup;
import dev.remediate.iam.DeactivateAccessKey;
import dev.remediate.iam.QuarantineUser;
import dev.remediate.iam.ReactivateAccessKey;
import dev.remediate.iam.ReleaseUser;
import dev.remediate.iam.RevokeRoleSessions;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every remediation of the catalog built through its public factories and builders with a bad,
 * null or missing value: each is refused with an {@link InvalidRemediationException} whose message
 * names the value (never a {@code NullPointerException} or an {@code IllegalStateException} from
 * the generated code, and never a remediation that fails only when planned).
 */
class BuilderRefusalTest {
  private static final String I = "i-0123456789abcdef0";
  private static final String V = "vpc-00000001";
  private static final String SG = "sg-00000001";
  private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:alarms";
  private static final String ROLE = "arn:aws:iam::123456789012:role/r";

  static Stream<Arguments> refusals() {
    return Stream.of(
        refused("cis alarms without a topic", "SNS topic", () -> CisAlarms.forLogGroup("g").build()),
        refused("cis alarms, null log group", "'null'",
            () -> CisAlarms.forLogGroup(null).snsTopic(TOPIC).build()),
        refused("cis alarms, null topic", "'null'",
            () -> CisAlarms.forLogGroup("g").snsTopic(null).build()),
        refused("cis alarms, no alarm", "at least one",
            () -> CisAlarms.forLogGroup("g").snsTopic(TOPIC).alarms(List.of()).build()),
        refused("cis alarms, null namespace", "'null'",
            () -> CisAlarms.forLogGroup("g").snsTopic(TOPIC).metricNamespace(null).build()),
        refused("cis alarms, bad Region", "'mars'",
            () -> CisAlarms.forLogGroup("g").snsTopic(TOPIC).homeRegion("mars").build()),
        refused("config, null bucket", "'null'", () -> EnableConfigRecorder.toBucket(null).build()),
        refused("config, bad bucket", "'Bad_Bucket'",
            () -> EnableConfigRecorder.toBucket("Bad_Bucket").build()),
        refused("config, bad topic", "'x'",
            () -> EnableConfigRecorder.toBucket("config-bucket").snsTopic("x").build()),
        refused("config, bad role", "'x'",
            () -> EnableConfigRecorder.toBucket("config-bucket").role("x").build()),
        refused("config, null Region", "'null'", () -> EnableConfigRecorder.toBucket("config-bucket")
            .globalResourceTypesRegion(null).build()),
        refused("config, empty recorder name", "''",
            () -> EnableConfigRecorder.toBucket("config-bucket").recorderName("").build()),
        refused("trail, null bucket", "'null'", () -> EnsureTrail.toBucket(null).build()),
        refused("trail, bad name", "'a b'",
            () -> EnsureTrail.toBucket("trail-bucket").trailName("a b").build()),
        refused("trail, role without logs", ROLE,
            () -> EnsureTrail.toBucket("trail-bucket").cloudWatchLogsRole(ROLE).build()),
        refused("trail, empty key", "''", () -> EnsureTrail.toBucket("trail-bucket").kmsKey("")
            .build()),
        refused("guardduty, bad frequency", "'weekly'",
            () -> EnableGuardDuty.publishingEvery("weekly")),
        refused("guardduty, null frequency", "'null'", () -> EnableGuardDuty.publishingEvery(null)),
        refused("encrypt, null volume", "either", () -> EncryptVolume.forVolume(null).build()),
        refused("encrypt, bad instance", "'i-x'", () -> EncryptVolume.forInstance("i-x").build()),
        refused("encrypt, null key", "no KMS key given",
            () -> EncryptVolume.forVolume("vol-00000001").kmsKey(null).build()),
        refused("release quarantine, null", "'null'", () -> ReleaseQuarantine.of(null)),
        refused("release quarantine, bad", "'i-x'", () -> ReleaseQuarantine.of("i-x")),
        refused("outdated ami, null instance", "'null'", () -> OutdatedAmi.forInstance(null).build()),
        refused("outdated ami, no instance", "At least one",
            () -> OutdatedAmi.forInstances(List.of()).build()),
        refused("outdated ami, 0 days", "'0'", () -> OutdatedAmi.forInstance(I).maxAgeDays(0)
            .build()),
        refused("outdated ami, null group", "'null'", () -> OutdatedAmi.forGroup(null).build()),
        refused("cpu alarm without a topic", "snsTopic",
            () -> EnableCpuAlarm.forInstance(I).build()),
        refused("cpu alarm, null instance", "'null'",
            () -> EnableCpuAlarm.forInstance(null).snsTopic(TOPIC).build()),
        refused("cpu alarm, bad threshold", "'abc'",
            () -> EnableCpuAlarm.forInstance(I).snsTopic(TOPIC).threshold("abc").build()),
        refused("cpu alarm, null threshold", "'null'",
            () -> EnableCpuAlarm.forInstance(I).snsTopic(TOPIC).threshold(null).build()),
        refused("cpu alarm, 0 periods", "'0'",
            () -> EnableCpuAlarm.forInstance(I).snsTopic(TOPIC).periods(0).build()),
        refused("cpu alarm, bad statistic", "'median'",
            () -> EnableCpuAlarm.forInstance(I).snsTopic(TOPIC).statistic("median").build()),
        refused("cpu alarm, null tag key", "'null=v'",
            () -> EnableCpuAlarm.forEveryInstance().snsTopic(TOPIC).tag(null, "v").build()),
        refused("cpu alarm, no instance", "At least one",
            () -> EnableCpuAlarm.forInstances(List.of()).snsTopic(TOPIC).build()),
        refused("resize without a type", "'null'", () -> ResizeInstance.of(I).build()),
        refused("resize, bad type", "'huge'", () -> ResizeInstance.of(I).toType("huge").build()),
        refused("resize, null instance", "'null'",
            () -> ResizeInstance.of(null).toType("t3.large").build()),
        refused("block, neither VPC nor subnets", "either",
            () -> BlockIpAddress.of("203.0.113.7").build()),
        refused("block, null address", "'null'", () -> BlockIpAddress.of(null).inVpc(V).build()),
        refused("block, bad address", "'1.2.3'", () -> BlockIpAddress.of("1.2.3").inVpc(V).build()),
        refused("block, bad subnet", "'subnet-x'",
            () -> BlockIpAddress.of("2001:db8::/48").inSubnets("subnet-x").build()),
        refused("block, 41 entries", "41", () -> BlockIpAddress.of("203.0.113.7").inVpc(V)
            .maxEntriesPerDirection(41).build()),
        refused("block, null VPC", "either",
            () -> BlockIpAddress.of("203.0.113.7").inVpc(null).build()),
        refused("quarantine, null instance", "'null'", () -> QuarantineInstance.of(null).build()),
        refused("quarantine, empty group name", "''",
            () -> QuarantineInstance.of(I).isolationGroupName("").build()),
        refused("default group, null VPC", "'null'", () -> RestrictDefaultSecurityGroup.forVpc(null)),
        refused("default group, bad VPC", "'vpc-1'", () -> RestrictDefaultSecurityGroup.forVpc("vpc-1")),
        refused("ssh key, null instance", "'null'", () -> ReplaceSshKey.forInstance(null).build()),
        refused("ssh key, dsa", "'dsa'", () -> ReplaceSshKey.forInstance(I).keyType("dsa").build()),
        refused("ssh key, bad user", "'bad user'",
            () -> ReplaceSshKey.forInstance(I).user("bad user").build()),
        refused("flow logs without a destination", "destination",
            () -> EnableVpcFlowLogs.forVpc(V).build()),
        refused("flow logs, null VPC", "'null'",
            () -> EnableVpcFlowLogs.forVpc(null).toS3Bucket("flow-bucket").build()),
        refused("flow logs, two destinations", "destination",
            () -> EnableVpcFlowLogs.forVpc(V).toS3Bucket("flow-bucket").toLogGroup("/g").build()),
        refused("flow logs, 2 days", "retentionDays 2",
            () -> EnableVpcFlowLogs.forVpc(V).toLogGroup("/g").retentionDays(2).build()),
        refused("flow logs, 30 s", "30", () -> EnableVpcFlowLogs.forVpc(V).toS3Bucket("flow-bucket")
            .maxAggregationInterval(30).build()),
        refused("flow logs, null traffic type", "trafficType", () -> EnableVpcFlowLogs.forVpc(V)
            .toS3Bucket("flow-bucket").trafficType(null).build()),
        refused("flow logs, no VPC", "At least one",
            () -> EnableVpcFlowLogs.forVpcs(List.of()).toS3Bucket("flow-bucket").build()),
        refused("ebs default, null key", "no KMS key given",
            () -> EnableEbsEncryptionByDefault.withDefaultKey(null)),
        refused("cpu alarm, null instances", "At least one",
            () -> EnableCpuAlarm.forInstances(null).snsTopic(TOPIC).build()),
        refused("outdated ami, null instances", "At least one",
            () -> OutdatedAmi.forInstances(null).build()),
        refused("security group, null port", "Port null",
            () -> RestrictSecurityGroup.forGroup(SG).ports(Arrays.asList(22, null)).build()),
        refused("security group, null ports", "At least one sensitive port",
            () -> RestrictSecurityGroup.forGroup(SG).ports((List<Integer>) null).build()),
        refused("security group, null id", "'null'", () -> RestrictSecurityGroup.forGroup(null)
            .build()),
        refused("security group, port 70000", "70000",
            () -> RestrictSecurityGroup.forGroup(SG).ports(70000).build()),
        refused("security group, replace with the internet", "'0.0.0.0/0'",
            () -> RestrictSecurityGroup.forGroup(SG).replaceWith("0.0.0.0/0").build()),
        refused("security group, no group", "At least one",
            () -> RestrictSecurityGroup.forGroups(List.of()).build()),
        refused("deactivate key, null key", "null", () -> DeactivateAccessKey.forAccessKey(null)),
        refused("deactivate key, null user", "null", () -> DeactivateAccessKey.forUser(null)),
        refused("deactivate key, bad key", "'AKIA'", () -> DeactivateAccessKey.forAccessKey("AKIA")),
        refused("revoke sessions, null role", "null", () -> RevokeRoleSessions.forRole(null).build()),
        refused("revoke sessions, 0 minutes", "recentMinutes 0",
            () -> RevokeRoleSessions.forInstance(I).recentMinutes(0).build()),
        refused("reactivate key, null user", "'null'", () -> ReactivateAccessKey.forUser(null)),
        refused("quarantine user, null", "'null'", () -> QuarantineUser.of(null).build()),
        refused("quarantine user, bad name", "'a b'", () -> QuarantineUser.of("a b").build()),
        refused("release user, null", "'null'", () -> ReleaseUser.of(null)));
  }

  private static Arguments refused(String name, String named, Executable build) {
    return Arguments.of(name, named, build);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void build_badValue_refusedNamingIt(String name, String named, Executable build) {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class, build, name);
    assertTrue(e.getMessage().contains(named), name + ": " + e.getMessage());
  }
}
