package dev.remediate.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.examples.programs.EmulatorFixtures;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** The tool with the catalog and event rules of the class path, not the test ones. */
@ExtendWith(AwsEmulatorExtension.class)
class RealCatalogTest {
  @TempDir
  Path dir;

  private static CliEnvironment real(AwsEmulator aws) {
    return CliEnvironment.builder().terminal(Terminal.none()).env(Map.of())
        .scopes((region, options) -> aws.scopeBuilder(Region.of(region)).build()).build();
  }

  @Test
  void catalog_listsTheStableIdsOnTheClassPath() {
    Remediate.Result r = Remediate.run(real(null), "catalog");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("ec2.default-security-group  "), r.out());
  }

  @Test
  void scanThenApply_defaultSecurityGroups_endsCompliant(AwsEmulator aws) {
    String vpc = EmulatorFixtures.vpcWithAwsDefaultGroup(
        aws.client(Ec2Client.class, Ec2Client::builder));
    Path plans = dir.resolve("plans.json");
    Remediate.Result scan = Remediate.run(real(aws), "scan", "--region", "us-east-1", "--only",
        "ec2.default-security-group", "--out", plans.toString());
    assertEquals(Remediate.EXIT_CHANGES, scan.exitCode(), scan.toString());
    assertTrue(scan.out().contains("default security group of " + vpc), scan.out());
    Remediate.Result apply = Remediate.run(real(aws), "apply", "--yes", plans.toString());
    assertEquals(Remediate.EXIT_OK, apply.exitCode(), apply.toString());
    Remediate.Result again = Remediate.run(real(aws), "scan", "--region", "us-east-1", "--only",
        "ec2.default-security-group");
    assertEquals(Remediate.EXIT_OK, again.exitCode(), again.toString());
  }

  @Test
  void react_createVpcRecord_locksDownTheNewDefaultGroup(AwsEmulator aws) throws Exception {
    String vpc = EmulatorFixtures.vpcWithAwsDefaultGroup(
        aws.client(Ec2Client.class, Ec2Client::builder));
    Path records = dir.resolve("records.json");
    java.nio.file.Files.writeString(records, Records.logFile(Records.createVpc(vpc, "e-1")));
    Remediate.Result r = Remediate.run(real(aws), "react", "--apply", records.toString());
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    assertTrue(r.out().contains("APPLIED: ec2.default-security-group"), r.out());
    assertTrue(r.err().contains("1 applied, 0 not applied, 0 failed"), r.err());
  }
}
