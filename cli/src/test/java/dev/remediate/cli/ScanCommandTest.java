package dev.remediate.cli;

import static dev.remediate.cli.CliTesting.assertBadInput;
import static dev.remediate.cli.CliTesting.emulator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.plan.Plan;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Tag;

@ExtendWith(AwsEmulatorExtension.class)
class ScanCommandTest {
  @TempDir
  Path dir;

  private static String newVpc(AwsEmulator aws) {
    return aws.client(Ec2Client.class, Ec2Client::builder)
        .createVpc(r -> r.cidrBlock("10.42.0.0/16")).vpc().vpcId();
  }

  @Test
  void scan_changesNeeded_printsPlansAndExits3(AwsEmulator aws) {
    String vpc = newVpc(aws);
    aws.recorder().reset();
    Remediate.Result r = Remediate.run(emulator(aws).build(), "scan", "--region", "us-east-1",
        "--set", "test.tagValue=team-a");
    assertEquals(Remediate.EXIT_CHANGES, r.exitCode(), r.toString());
    assertTrue(r.out().contains("CreateTags"), r.out());
    assertTrue(r.out().contains(vpc), r.out());
    assertTrue(r.err().contains("scan 1/1: us-east-1"), r.err());
    assertEquals(1, aws.recorder().count("DescribeVpcs"));
    assertEquals(1, aws.recorder().total(), aws.recorder().toString());
    long vpcs = aws.client(Ec2Client.class, Ec2Client::builder).describeVpcs().vpcs().size();
    assertTrue(r.err().contains("0 target(s) compliant, " + vpcs + " with changes"), r.err());
    assertEquals(vpcs, r.out().lines().filter(l -> l.startsWith("test.vpc-tag on AWS::EC2::VPC "))
        .count(), "one plan per VPC:\n" + r.out());
  }

  @Test
  void scan_compliant_exits0(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    newVpc(aws);
    ec2.describeVpcs().vpcs().forEach(v -> ec2.createTags(t -> t.resources(v.vpcId())
        .tags(Tag.builder().key("owner").value("team-a").build())));
    Remediate.Result r = Remediate.run(emulator(aws).build(), "scan", "--region", "us-east-1",
        "--set", "test.tagValue=team-a");
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    for (var vpc : ec2.describeVpcs().vpcs()) {
      assertTrue(r.out().contains("test.vpc-tag on AWS::EC2::VPC " + vpc.vpcId()
          + " (123456789012, us-east-1): compliant"), r.out());
    }
  }

  @Test
  void scan_notConfigured_reportsItAndCallsNothing(AwsEmulator aws) {
    aws.recorder().reset();
    Remediate.Result r = Remediate.run(emulator(aws).build(), "scan", "--region", "us-east-1");
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    assertTrue(r.err().contains("not configured (settings missing, or no region-wide form: "
        + "choose a resource with --target): test.vpc-tag"), r.err());
    assertEquals(0, aws.recorder().total());
  }

  @Test
  void scan_twoRegions_oneDescribePerRegion(AwsEmulator aws) {
    aws.recorder().reset();
    Remediate.Result r = Remediate.run(emulator(aws).build(), "scan", "--region", "us-east-1",
        "--region", "eu-west-1", "--set", "test.tagValue=x");
    assertEquals(Remediate.EXIT_CHANGES, r.exitCode(), r.toString());
    assertEquals(2, aws.recorder().count("DescribeVpcs"));
    assertTrue(r.out().contains("(123456789012, eu-west-1)"), r.out());
  }

  @Test
  void scan_jsonAndOut_writeTheApplyFormat(AwsEmulator aws) throws Exception {
    newVpc(aws);
    Path out = dir.resolve("plans.json");
    Remediate.Result r = Remediate.run(emulator(aws).build(), "scan", "--region", "us-east-1",
        "--set", "test.tagValue=x", "--json", "--out", out.toString());
    assertEquals(Remediate.EXIT_CHANGES, r.exitCode(), r.toString());
    List<Plan> printed = PlanFiles.parse(r.out(), "stdout").plans();
    List<Plan> saved = PlanFiles.read(out.toString(), System.in).plans();
    assertEquals(aws.client(Ec2Client.class, Ec2Client::builder).describeVpcs().vpcs().size(),
        printed.size());
    assertEquals(printed, saved);
    assertEquals("test.vpc-tag", saved.get(0).remediation().id());
    assertTrue(Files.readString(out).contains("\"format\" : \"remediate-plan-set\""));
  }

  @Test
  void scan_configFile_suppliesSettings(AwsEmulator aws) throws Exception {
    Path config = dir.resolve("remediate.yaml");
    Files.writeString(config, "test:\n  tagValue: from-yaml\n");
    Remediate.Result r = Remediate.run(emulator(aws).build(), "scan", "--region", "us-east-1",
        "--config", config.toString());
    assertEquals(Remediate.EXIT_CHANGES, r.exitCode(), r.toString());
    assertTrue(r.out().contains("owner=from-yaml"), r.out());
  }

  @Test
  void scan_planningFails_exits1NamingRemediationAndRegion(AwsEmulator aws) {
    aws.faults().failAll("DescribeVpcs", Fault.of("UnauthorizedOperation"));
    Remediate.Result r = Remediate.run(emulator(aws).build(), "scan", "--region", "us-east-1",
        "--set", "test.tagValue=x");
    assertEquals(Remediate.EXIT_FAILURE, r.exitCode(), r.toString());
    assertTrue(r.err().contains("remediate: test.vpc-tag in us-east-1 failed: "), r.err());
    assertTrue(r.err().contains("UnauthorizedOperation"), r.err());
    assertTrue(!r.err().contains("\tat "), r.err());
  }

  @Test
  void scan_allRegions_asksEc2ForEnabledRegions(AwsEmulator aws) {
    aws.recorder().reset();
    Remediate.Result r = Remediate.run(emulator(aws).build(), "scan", "--all-regions");
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    assertEquals(1, aws.recorder().count("DescribeRegions"));
    assertTrue(r.err().startsWith("remediate: not configured"), r.err());
    assertTrue(r.err().matches("(?s).*Scanned (1[0-9]|[2-9][0-9]) region\\(s\\).*"), r.err());
  }

  @Test
  void scan_badInput_exits2WithOneLine(AwsEmulator aws) throws Exception {
    CliEnvironment env = emulator(aws).build();
    assertBadInput(Remediate.run(env, "scan", "--region", "mars-1"),
        "'mars-1' is not a region id");
    assertBadInput(Remediate.run(env, "scan", "--only", "ec2.nope"), "unknown remediation id");
    assertBadInput(Remediate.run(env, "scan", "--all-regions", "--region", "us-east-1"),
        "cannot be combined");
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"flowLogs\": ");
    assertBadInput(Remediate.run(env, "scan", "--config", bad.toString()), "is not valid JSON");
    assertBadInput(Remediate.run(env, "scan", "--config", dir.resolve("missing.yaml").toString()),
        "no such file");
  }

  @Test
  void scan_optOutTag_skipsTaggedResources(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    ec2.describeVpcs().vpcs().forEach(v -> ec2.createTags(t -> t.resources(v.vpcId())
        .tags(Tag.builder().key("hands-off").value("").build())));
    Remediate.Result defaults = Remediate.run(emulator(aws).build(), "scan", "--region",
        "us-east-1", "--set", "test.tagValue=x");
    assertEquals(Remediate.EXIT_CHANGES, defaults.exitCode(), defaults.toString());
    Remediate.Result optedOut = Remediate.run(emulator(aws).build(), "scan", "--region",
        "us-east-1", "--set", "test.tagValue=x", "--opt-out-tag", "hands-off");
    assertEquals(Remediate.EXIT_OK, optedOut.exitCode(), optedOut.toString());
  }

  @Test
  void scan_parallel_printsTheSameAsSequential(AwsEmulator aws) {
    newVpc(aws);
    String[] args = {"scan", "--region", "us-east-1", "--region", "eu-west-1", "--region",
        "ap-southeast-2", "--set", "test.tagValue=x"};
    Remediate.Result sequential = Remediate.run(emulator(aws).build(),
        concat(args, "--parallel", "1"));
    Remediate.Result parallel = Remediate.run(emulator(aws).build(),
        concat(args, "--parallel", "3"));
    assertEquals(Remediate.EXIT_CHANGES, parallel.exitCode(), parallel.toString());
    assertEquals(sequential.out().replaceAll("observed at [^\\n]*", ""),
        parallel.out().replaceAll("observed at [^\\n]*", ""));
    assertBadInput(Remediate.run(emulator(aws).build(), concat(args, "--parallel", "0")),
        "--parallel must be at least 1, was 0");
  }

  private static String[] concat(String[] args, String... more) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @Test
  void scan_everyResourceOptedOut_saysSkippedNotCompliant(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    List<String> vpcs = ec2.describeVpcs().vpcs().stream().map(v -> v.vpcId()).toList();
    vpcs.forEach(v -> ec2.createTags(t -> t.resources(v)
        .tags(Tag.builder().key("remediate:skip").value("").build())));
    Remediate.Result r = Remediate.run(emulator(aws).build(), "scan", "--region", "us-east-1",
        "--set", "test.tagValue=x");
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    for (String vpc : vpcs) {
      assertTrue(r.out().contains("  = skipped " + vpc + " (opt-out tag remediate:skip)\n"),
          r.out());
    }
    assertTrue(!r.out().contains("compliant"), r.out());
    assertTrue(r.out().contains(vpcs.size() + " resource(s) skipped."), r.out());
    assertTrue(r.err().contains("0 target(s) compliant, 0 with changes (0 change(s)), "
        + vpcs.size() + " resource(s) skipped (opt-out tag)"), r.err());
  }

  @Test
  void scan_onlyARemediationWithoutItsSettings_isBadInputNamingTheKey(AwsEmulator aws) {
    CliEnvironment env = CliTesting.real(aws);
    aws.recorder().reset();
    assertBadInput(Remediate.run(env, "scan", "--region", "us-east-1", "--only",
        "ec2.vpc-flow-logs"), "ec2.vpc-flow-logs is not configured: it needs flowLogs.s3Bucket "
            + "(--flow-logs-bucket) or flowLogs.logGroup (--flow-logs-log-group)");
    assertBadInput(Remediate.run(env, "scan", "--region", "us-east-1", "--only",
        "ec2.quarantine-instance"), "ec2.quarantine-instance has no region-wide form: choose a "
            + "resource with --target");
    assertBadInput(Remediate.run(env, "apply", "--yes", "--region", "us-east-1", "--only",
        "cloudtrail.trail"), "it needs trail.s3Bucket (--trail-bucket)");
    assertEquals(0, aws.recorder().total());
  }

  @Test
  void scan_bothFlowLogDestinations_isBadInput(AwsEmulator aws) {
    assertBadInput(Remediate.run(emulator(aws).build(), "scan", "--region", "us-east-1",
        "--flow-logs-bucket", "my-flow-logs", "--flow-logs-log-group", "flow-logs"),
        "flowLogs.s3Bucket (--flow-logs-bucket) and flowLogs.logGroup (--flow-logs-log-group) "
            + "cannot both be set");
  }
}
