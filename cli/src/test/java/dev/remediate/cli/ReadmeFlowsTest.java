package dev.remediate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.testing.EmulatorFixtures;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The README's main flow, run as a user runs it: several remediations in one {@code scan --out},
 * then {@code apply} of that file, on an account that changes between the two. The catalog is the
 * real one; the emulator is moto.
 */
@ExtendWith(AwsEmulatorExtension.class)
class ReadmeFlowsTest {
  private static final String NETWORK =
      "ec2.vpc-flow-logs,ec2.default-security-group,ec2.security-group-open-ports";

  @TempDir
  Path dir;

  /** One VPC with AWS's default-group rules, a group with SSH open to the world, no flow logs. */
  private static String untidy(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String vpc = EmulatorFixtures.vpcWithAwsDefaultGroup(ec2);
    String ssh = ec2.createSecurityGroup(g -> g.groupName("bastion").description("ssh")
        .vpcId(vpc)).groupId();
    ec2.authorizeSecurityGroupIngress(a -> a.groupId(ssh).ipPermissions(IpPermission.builder()
        .ipProtocol("tcp").fromPort(22).toPort(22).ipRanges(r -> r.cidrIp("0.0.0.0/0"))
        .ipv6Ranges(r -> r.cidrIpv6("::/0")).build()));
    aws.client(S3Client.class, S3Client::builder).createBucket(b -> b.bucket("acme-flow-logs"));
    return ssh;
  }

  private Path config() throws Exception {
    Path config = dir.resolve("cfg.json");
    Files.writeString(config, "{\"flowLogs\": {\"s3Bucket\": \"acme-flow-logs\"}, "
        + "\"securityGroups\": {\"ports\": [22, 3389]}}");
    return config;
  }

  private Remediate.Result run(AwsEmulator aws, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--region", "us-east-1"));
    return Remediate.run(CliTesting.real(aws), all.toArray(String[]::new));
  }

  private Path scan(AwsEmulator aws) throws Exception {
    Path plans = dir.resolve("plans.json");
    Remediate.Result scan = run(aws, "scan", "--only", NETWORK, "--config", config().toString(),
        "--out", plans.toString());
    assertEquals(Remediate.EXIT_CHANGES, scan.exitCode(), scan.toString());
    return plans;
  }

  private void assertCompliant(AwsEmulator aws) throws Exception {
    Remediate.Result again = run(aws, "scan", "--only", NETWORK, "--config", config().toString());
    assertEquals(Remediate.EXIT_OK, again.exitCode(), again.toString());
  }

  @Test
  void scanThenApply_threeNetworkRemediations_exit0AndTheNextScanIsClean(AwsEmulator aws)
      throws Exception {
    untidy(aws);
    Path plans = scan(aws);
    Remediate.Result apply = run(aws, "apply", plans.toString(), "--yes");
    assertEquals(Remediate.EXIT_OK, apply.exitCode(), apply.toString());
    assertCompliant(aws);
  }

  @Test
  void scanThenApply_unrelatedChangesInBetween_stillExit0(AwsEmulator aws) throws Exception {
    untidy(aws);
    Path plans = scan(aws);
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.describeVpcs().vpcs().stream().filter(v -> !v.isDefault()).findFirst()
        .orElseThrow().vpcId();
    ec2.createTags(t -> t.resources(vpc).tags(tag -> tag.key("team").value("network")));
    String harmless = ec2.createSecurityGroup(g -> g.groupName("web").description("https")
        .vpcId(vpc)).groupId();
    ec2.authorizeSecurityGroupIngress(a -> a.groupId(harmless).ipPermissions(IpPermission
        .builder().ipProtocol("tcp").fromPort(443).toPort(443)
        .ipRanges(r -> r.cidrIp("10.0.0.0/8")).build()));

    Remediate.Result apply = run(aws, "apply", plans.toString(), "--yes");

    assertEquals(Remediate.EXIT_OK, apply.exitCode(), apply.toString());
    assertCompliant(aws);
  }

  @Test
  void scanThenApply_reviewedGroupWidenedInBetween_onlyThatGroupRefused(AwsEmulator aws)
      throws Exception {
    String ssh = untidy(aws);
    Path plans = scan(aws);
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    // the offending rule is replaced by one open on every TCP port
    ec2.revokeSecurityGroupIngress(r -> r.groupId(ssh).ipPermissions(IpPermission.builder()
        .ipProtocol("tcp").fromPort(22).toPort(22).ipRanges(x -> x.cidrIp("0.0.0.0/0")).build()));
    ec2.authorizeSecurityGroupIngress(a -> a.groupId(ssh).ipPermissions(IpPermission.builder()
        .ipProtocol("tcp").fromPort(0).toPort(65535).ipRanges(x -> x.cidrIp("0.0.0.0/0"))
        .build()));

    Remediate.Result apply = run(aws, "apply", plans.toString(), "--yes");

    assertEquals(Remediate.EXIT_FAILURE, apply.exitCode(), apply.toString());
    List<String> refused = apply.err().lines().filter(l -> l.startsWith("remediate: refused stale"))
        .toList();
    assertEquals(1, refused.size(), apply.err());
    assertTrue(refused.get(0).contains(ssh), refused.get(0));
    assertTrue(apply.err().lines().noneMatch(l -> l.startsWith("remediate: failed")), apply.err());
    // everything else was applied: only the widened group is left for the next plan
    Remediate.Result again = run(aws, "scan", "--only", NETWORK, "--config", config().toString());
    assertEquals(Remediate.EXIT_CHANGES, again.exitCode(), again.toString());
    assertTrue(again.err().contains(" 1 with changes"), again.err());
  }

  @Test
  void auditTrio_emptyAccount_scanPlansAllThreeAndOneApplyMakesThemCompliant(AwsEmulator aws)
      throws Exception {
    Path config = dir.resolve("audit.yaml");
    Files.writeString(config, """
        trail:
          s3Bucket: org-trail
          name: org-trail
          cloudWatchLogs: true
        config:
          s3Bucket: org-config
        alarms:
          snsTopic: arn:aws:sns:us-east-1:123456789012:security-alarms
        """);
    String only = "cloudtrail.trail,config.recorder,cloudwatch.cis-alarms";
    Path plans = dir.resolve("audit.json");
    Remediate.Result scan = run(aws, "scan", "--only", only, "--config", config.toString(),
        "--out", plans.toString());
    assertEquals(Remediate.EXIT_CHANGES, scan.exitCode(), scan.toString());
    assertTrue(scan.err().contains("0 target(s) compliant, 3 with changes"), scan.err());

    Remediate.Result apply = run(aws, "apply", plans.toString(), "--yes");
    assertEquals(Remediate.EXIT_OK, apply.exitCode(), apply.toString());

    Remediate.Result again = run(aws, "scan", "--only", only, "--config", config.toString());
    assertEquals(Remediate.EXIT_OK, again.exitCode(), again.toString());
  }

  @Test
  void applyWithoutAFile_plansAndAppliesInOneProcess(AwsEmulator aws) throws Exception {
    untidy(aws);
    Remediate.Result apply = run(aws, "apply", "--only", NETWORK, "--config",
        config().toString(), "--yes");
    assertEquals(Remediate.EXIT_OK, apply.exitCode(), apply.toString());
    assertTrue(apply.out().contains("Plan set:"), apply.out());
    assertCompliant(aws);
  }
}
