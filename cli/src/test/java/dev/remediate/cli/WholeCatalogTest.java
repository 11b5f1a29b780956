package dev.remediate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import software.amazon.awssdk.services.s3.S3Client;

/** The tool over the whole catalog of the class path, with a YAML config, on the emulator. */
@ExtendWith(AwsEmulatorExtension.class)
class WholeCatalogTest {
  /** The stable ids the issue promises to scripts. */
  static final List<String> STABLE_IDS = List.of("ec2.vpc-flow-logs",
      "ec2.default-security-group", "ec2.security-group-open-ports",
      "ec2.ebs-encryption-by-default", "ec2.encrypt-volumes", "ec2.block-ip",
      "ec2.quarantine-instance", "cloudtrail.trail", "config.recorder", "cloudwatch.cis-alarms");

  @TempDir
  Path dir;

  @Test
  void catalogJson_hasEveryStableId(AwsEmulator aws) throws Exception {
    Remediate.Result r = Remediate.run(CliTesting.real(aws), "catalog", "--json");
    assertEquals(0, r.exitCode(), r.toString());
    List<String> ids = new ArrayList<>();
    new ObjectMapper().readTree(r.out()).forEach(t -> ids.add(t.get("id").asText()));
    assertTrue(ids.containsAll(STABLE_IDS), ids.toString());
  }

  @Test
  void scanApplyScan_everyRegionWideRemediation_endsWithNothingToDo(AwsEmulator aws)
      throws Exception {
    EmulatorFixtures.vpcWithAwsDefaultGroup(aws.client(Ec2Client.class, Ec2Client::builder));
    aws.client(S3Client.class, S3Client::builder).createBucket(b -> b.bucket("org-flow-logs"));
    Path config = dir.resolve("remediate.yaml");
    Files.writeString(config, """
        flowLogs:
          s3Bucket: org-flow-logs
        securityGroups:
          ports: [22, 3389]
        trail:
          s3Bucket: org-trail
          cloudWatchLogs: org-trail-logs
        config:
          s3Bucket: org-config
        alarms:
          snsTopic: arn:aws:sns:us-east-1:123456789012:security-alarms
        """);
    Path plans = dir.resolve("plans.json");
    // one scan plans everything, the alarms against the log group the trail's plan creates; one
    // apply of the saved plan set makes everything compliant
    Remediate.Result scan = Remediate.run(CliTesting.real(aws), "scan", "--region", "us-east-1",
        "--config", config.toString(), "--out", plans.toString());
    assertEquals(Remediate.EXIT_CHANGES, scan.exitCode(), scan.toString());
    assertTrue(scan.err().contains(" 0 failed"), scan.err());
    Remediate.Result apply = Remediate.run(CliTesting.real(aws), "apply", "--yes",
        "--allow-disruptive", "--allow-destructive", "--allow-downtime", plans.toString());
    assertEquals(Remediate.EXIT_OK, apply.exitCode(), apply.toString());
    Remediate.Result last = Remediate.run(CliTesting.real(aws), "scan", "--region", "us-east-1", "--config",
        config.toString(), "--json");
    assertEquals(Remediate.EXIT_OK, last.exitCode(), last.toString());
    JsonNode array = new ObjectMapper().readTree(last.out()).get("plans");
    List<String> scanned = new ArrayList<>();
    array.forEach(p -> scanned.add(p.get("remediation").get("id").asText()));
    assertTrue(scanned.containsAll(List.of("ec2.vpc-flow-logs", "ec2.default-security-group",
        "ec2.security-group-open-ports", "ec2.ebs-encryption-by-default", "cloudtrail.trail",
        "config.recorder", "cloudwatch.cis-alarms")), scanned.toString());
  }
}
