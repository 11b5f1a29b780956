package dev.remediate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.testing.EmulatorFixtures;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** The tool with the catalog and event rules of the class path, not the test ones. */
@ExtendWith(AwsEmulatorExtension.class)
class RealCatalogTest {
  @TempDir
  Path dir;

  @Test
  void catalog_listsTheStableIdsOnTheClassPath() {
    Remediate.Result r = Remediate.run(CliTesting.real(null), "catalog");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("ec2.default-security-group  "), r.out());
    // each remediation lists the settings it reads, with their defaults
    assertTrue(r.out().contains("  settings:    flowLogs.s3Bucket, flowLogs.prefix"), r.out());
    assertTrue(r.out().contains("trail.homeRegion (default us-east-1)"), r.out());
  }

  @Test
  void catalog_iamPolicy_noIamWriteOnEveryResource_passRoleByService() throws Exception {
    Remediate.Result r = Remediate.run(CliTesting.real(null), "catalog", "--iam-policy",
        "--account", "111122223333");
    assertEquals(0, r.exitCode(), r.toString());
    com.fasterxml.jackson.databind.JsonNode statements =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out()).get("Statement");
    java.util.Set<String> passRoleConditions = new java.util.TreeSet<>();
    for (com.fasterxml.jackson.databind.JsonNode s : statements) {
      String sid = s.get("Sid").asText();
      java.util.List<String> actions = texts(s.get("Action"));
      if (texts(s.get("Resource")).contains("*") && !sid.equals("RemediateResponder")) {
        actions.forEach(a -> assertTrue(!dev.remediate.core.policy.LeastPrivilegePolicy
            .isIamWrite(a), a + " on Resource * in " + s));
      }
      if (actions.contains("iam:PassRole") && !sid.equals("RemediateResponder")) {
        assertEquals(java.util.List.of("arn:aws:iam::111122223333:role/remediate-*",
            "arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/*"),
            texts(s.get("Resource")));
        passRoleConditions.addAll(texts(s.path("Condition").path("StringEquals")
            .path("iam:PassedToService")));
      }
    }
    assertEquals(java.util.Set.of("cloudtrail.amazonaws.com", "config.amazonaws.com",
        "vpc-flow-logs.amazonaws.com"), passRoleConditions, r.out());
    // the one responder action of the catalog today: restoring an instance profile's role
    assertTrue(r.out().contains("RemediateResponder"), r.out());
  }

  private static java.util.List<String> texts(com.fasterxml.jackson.databind.JsonNode node) {
    java.util.List<String> values = new java.util.ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> values.add(n.asText()));
    } else if (!node.isMissingNode()) {
      values.add(node.asText());
    }
    return values;
  }

  @Test
  void scanThenApply_defaultSecurityGroups_endsCompliant(AwsEmulator aws) {
    String vpc = EmulatorFixtures.vpcWithAwsDefaultGroup(
        aws.client(Ec2Client.class, Ec2Client::builder));
    Path plans = dir.resolve("plans.json");
    Remediate.Result scan = Remediate.run(CliTesting.real(aws), "scan", "--region", "us-east-1", "--only",
        "ec2.default-security-group", "--out", plans.toString());
    assertEquals(Remediate.EXIT_CHANGES, scan.exitCode(), scan.toString());
    assertTrue(scan.out().contains("default security group of " + vpc), scan.out());
    Remediate.Result apply = Remediate.run(CliTesting.real(aws), "apply", "--yes", plans.toString());
    assertEquals(Remediate.EXIT_OK, apply.exitCode(), apply.toString());
    Remediate.Result again = Remediate.run(CliTesting.real(aws), "scan", "--region", "us-east-1", "--only",
        "ec2.default-security-group");
    assertEquals(Remediate.EXIT_OK, again.exitCode(), again.toString());
  }

  @Test
  void react_createVpcRecord_locksDownTheNewDefaultGroup(AwsEmulator aws) throws Exception {
    String vpc = EmulatorFixtures.vpcWithAwsDefaultGroup(
        aws.client(Ec2Client.class, Ec2Client::builder));
    Path records = dir.resolve("records.json");
    java.nio.file.Files.writeString(records, Records.logFile(Records.createVpc(vpc, "e-1")));
    Remediate.Result r = Remediate.run(CliTesting.real(aws), "react", "--apply", records.toString());
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    assertTrue(r.out().contains("APPLIED: ec2.default-security-group"), r.out());
    assertTrue(r.err().contains("1 applied, 0 not applied, 0 failed"), r.err());
  }

  @Test
  void react_withFlowLogsSetting_routesFlowLogsToo(AwsEmulator aws) throws Exception {
    String vpc = aws.client(Ec2Client.class, Ec2Client::builder)
        .createVpc(r -> r.cidrBlock("10.60.0.0/16")).vpc().vpcId();
    aws.client(software.amazon.awssdk.services.s3.S3Client.class,
        software.amazon.awssdk.services.s3.S3Client::builder)
        .createBucket(b -> b.bucket("org-flow-logs"));
    Path records = dir.resolve("records.json");
    java.nio.file.Files.writeString(records, Records.logFile(Records.createVpc(vpc, "e-1")));
    Remediate.Result without = Remediate.run(CliTesting.real(aws), "react", records.toString());
    assertTrue(!without.out().contains("ec2.vpc-flow-logs"), without.out());
    Remediate.Result with = Remediate.run(CliTesting.real(aws), "react", "--flow-logs-bucket",
        "org-flow-logs", records.toString());
    assertEquals(Remediate.EXIT_CHANGES, with.exitCode(), with.toString());
    assertTrue(with.out().contains("ec2.vpc-flow-logs on AWS::EC2::VPC " + vpc), with.out());
  }
}
