package dev.remediate.cli;

import static dev.remediate.cli.CliTesting.assertBadInput;
import static dev.remediate.cli.CliTesting.emulator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.Remediation;
import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.EventKey;
import dev.remediate.core.event.EventRouter;
import dev.remediate.core.event.EventRule;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

@ExtendWith(AwsEmulatorExtension.class)
class ReactCommandTest {
  @TempDir
  Path dir;

  /** CreateVpc: tag every VPC (no consent needed). */
  private static final EventRule TAG_ON_CREATE = rule("test.create-vpc", "CreateVpc", false,
      new VpcTag("owner", "auto", Set.of()));
  /** DeleteVpc: a rule that asks for approval. */
  private static final EventRule APPROVAL = rule("test.delete-vpc", "DeleteVpc", true,
      new VpcTag("reviewed", "yes", Set.of()));
  /** CreateSubnet: plans carry a DOWNTIME step. */
  private static final EventRule FLAGGED = rule("test.create-subnet", "CreateSubnet", false,
      new VpcTag("flagged", "yes", Set.of(Flag.DOWNTIME)));

  private static EventRule rule(String id, String eventName, boolean approval,
      Remediation remediation) {
    return new EventRule() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public Set<EventKey> triggers() {
        return Set.of(EventKey.of("ec2.amazonaws.com", eventName));
      }

      @Override
      public List<Remediation> remediationsFor(CloudTrailEvent event) {
        return List.of(remediation);
      }

      @Override
      public boolean needsApproval() {
        return approval;
      }
    };
  }

  private static CliEnvironment env(AwsEmulator aws) {
    return emulator(aws).router(EventRouter.of(TAG_ON_CREATE, APPROVAL, FLAGGED)).build();
  }

  /** The three rules, each on its own VPC (a plan set holds one plan per remediation and target). */
  private static CliEnvironment envOnThreeVpcs(AwsEmulator aws, List<String> vpcs) {
    return emulator(aws).router(EventRouter.of(
        rule("test.create-vpc", "CreateVpc", false,
            new VpcTag("owner", "auto", Set.of(), vpcs.get(0))),
        rule("test.delete-vpc", "DeleteVpc", true,
            new VpcTag("reviewed", "yes", Set.of(), vpcs.get(1))),
        rule("test.create-subnet", "CreateSubnet", false,
            new VpcTag("flagged", "yes", Set.of(Flag.DOWNTIME), vpcs.get(2))))).build();
  }

  private Path file(String... records) throws Exception {
    Path file = dir.resolve("records.json");
    Files.writeString(file, Records.logFile(records));
    return file;
  }

  private static long tagged(AwsEmulator aws, String key) {
    return aws.client(Ec2Client.class, Ec2Client::builder).describeVpcs().vpcs().stream()
        .filter(v -> v.tags().stream().anyMatch(t -> t.key().equals(key))).count();
  }

  @Test
  void react_withoutApply_printsPlansAndExits3(AwsEmulator aws) throws Exception {
    Path records = file(Records.createVpc("vpc-0a1b2c3d", "e-1"),
        Records.createVpc("vpc-0a1b2c3e", "e-2"));
    aws.recorder().reset();
    Remediate.Result r = Remediate.run(env(aws), "react", records.toString());
    assertEquals(Remediate.EXIT_CHANGES, r.exitCode(), r.toString());
    assertTrue(r.out().contains("owner=auto"), r.out());
    // two records call for the same remediation: planned once
    assertEquals(1, aws.recorder().count("DescribeVpcs"));
    assertEquals(0, aws.recorder().count("CreateTags"));
    assertTrue(r.err().contains("Read 2 record(s); 1 remediation(s) called for; 1 with changes, "
        + "0 applied, 1 not applied, 0 failed"), r.err());
  }

  @Test
  void react_apply_appliesOnlyWhatNeedsNoConsent(AwsEmulator aws) throws Exception {
    Path records = file(Records.createVpc("vpc-0a1b2c3d", "e-1"),
        Records.record("DeleteVpc", "e-2", "{\"return\":true}"),
        Records.record("CreateSubnet", "e-3", "{}"));
    Path out = dir.resolve("plans.json");
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    List<String> vpcs = List.of(ec2.createVpc(v -> v.cidrBlock("10.1.0.0/16")).vpc().vpcId(),
        ec2.createVpc(v -> v.cidrBlock("10.2.0.0/16")).vpc().vpcId(),
        ec2.createVpc(v -> v.cidrBlock("10.3.0.0/16")).vpc().vpcId());
    Remediate.Result r = Remediate.run(envOnThreeVpcs(aws, vpcs), "react", "--apply", "--out",
        out.toString(), records.toString());
    assertEquals(Remediate.EXIT_CHANGES, r.exitCode(), r.toString());
    assertTrue(r.out().contains("APPLIED: test.vpc-tag"), r.out());
    assertTrue(r.err().contains("not applied, needs approval: test.vpc-tag (rule test.delete-vpc"),
        r.err());
    assertTrue(r.err().contains("not applied, needs approval: test.vpc-tag (rule "
        + "test.create-subnet, CreateSubnet e-3) (flags [DOWNTIME])"), r.err());
    assertEquals(1, tagged(aws, "owner"));
    assertEquals(0, tagged(aws, "reviewed"));
    assertEquals(0, tagged(aws, "flagged"));
    List<Plan> saved = PlanFiles.read(out.toString(), System.in).plans();
    assertEquals(vpcs, saved.stream().map(p -> p.target().id()).toList());
  }

  @Test
  void react_recordsCallingForNothing_exit0(AwsEmulator aws) throws Exception {
    Path records = file(Records.record("DescribeVpcs", "e-1", "null"));
    aws.recorder().reset();
    Remediate.Result r = Remediate.run(env(aws), "react", records.toString());
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    assertTrue(r.err().contains("Read 1 record(s); none calls for a remediation."), r.err());
    assertEquals(0, aws.recorder().total());
  }

  @Test
  void react_otherAccount_isSkipped(AwsEmulator aws) throws Exception {
    Path records = file(Records.createVpc("vpc-0a1b2c3d", "e-1")
        .replace("\"recipientAccountId\":\"123456789012\"", "\"recipientAccountId\":\"210987654321\""));
    Remediate.Result r = Remediate.run(env(aws), "react", "--apply", records.toString());
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    assertTrue(r.err().contains("the record is for account 210987654321, these credentials are "
        + "for 123456789012"), r.err());
    assertEquals(0, tagged(aws, "owner"));
  }

  @Test
  void react_planningFails_exits1(AwsEmulator aws) throws Exception {
    aws.faults().failAll("DescribeVpcs", dev.remediate.testing.Fault.of("UnauthorizedOperation"));
    Remediate.Result r = Remediate.run(env(aws), "react", "--apply",
        file(Records.createVpc("vpc-0a1b2c3d", "e-1")).toString());
    assertEquals(Remediate.EXIT_FAILURE, r.exitCode(), r.toString());
    assertTrue(r.err().contains("remediate: planning test.vpc-tag (rule test.create-vpc, "
        + "CreateVpc e-1) failed: "), r.err());
  }

  @Test
  void react_malformedInput_exits2(AwsEmulator aws) throws Exception {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"Records\":[{\"eventVersion\":");
    assertBadInput(Remediate.run(env(aws), "react", bad.toString()), "bad.json");
  }

  @Test
  void react_syncedTrailBucket_skipsDigestFilesAndPlans(AwsEmulator aws) throws Exception {
    Path root = EventsCommandTest.syncedTrailBucket(dir.resolve("trail"));
    Remediate.Result r = Remediate.run(env(aws), "react", root.toString());
    assertEquals(Remediate.EXIT_CHANGES, r.exitCode(), r.toString());
    assertTrue(r.err().contains("Read 2 record(s); skipped 2 digest files; 1 remediation(s) "
        + "called for"), r.err());
    assertTrue(r.out().contains("owner=auto"), r.out());
  }

  @Test
  void react_otherAccount_isCountedInTheSummary(AwsEmulator aws) throws Exception {
    Path records = file(Records.createVpc("vpc-0a1b2c3d", "e-1")
        .replace("\"recipientAccountId\":\"123456789012\"",
            "\"recipientAccountId\":\"210987654321\""));
    Remediate.Result r = Remediate.run(env(aws), "react", records.toString());
    assertTrue(r.err().contains("0 failed, 1 skipped (records of another account)"), r.err());
  }

  @Test
  void react_applyDryRun_exits3AndSaysWouldApply(AwsEmulator aws) throws Exception {
    Path records = file(Records.createVpc("vpc-0a1b2c3d", "e-1"));
    Remediate.Result r = Remediate.run(env(aws), "react", "--apply", "--dry-run",
        records.toString());
    assertEquals(Remediate.EXIT_CHANGES, r.exitCode(), "changes planned, not applied: " + r);
    assertTrue(r.err().contains("1 would apply (dry run: nothing was changed)"), r.err());
    assertEquals(0, tagged(aws, "owner"));
  }

  @Test
  void react_applyWithOut_pointsAtTheSavedFile(AwsEmulator aws) throws Exception {
    Path records = file(Records.record("DeleteVpc", "e-2", "{\"return\":true}"));
    Path out = dir.resolve("saved.json");
    Remediate.Result r = Remediate.run(env(aws), "react", "--apply", "--out", out.toString(),
        records.toString());
    assertEquals(Remediate.EXIT_CHANGES, r.exitCode(), r.toString());
    assertTrue(r.err().contains("review " + out + " and run 'remediate apply " + out + "'"),
        r.err());
    assertTrue(!r.err().contains("save it with --out"), r.err());
    Remediate.Result unsaved = Remediate.run(env(aws), "react", "--apply", records.toString());
    assertTrue(unsaved.err().contains("; save it with --out and run 'remediate apply'"),
        "without --out, the hint names --out: " + unsaved.err());
  }

  @Test
  void react_moreChangesThanMax_isRefusedNamingMaxChanges(AwsEmulator aws) throws Exception {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    ec2.createVpc(v -> v.cidrBlock("10.1.0.0/16"));
    Remediate.Result r = Remediate.run(env(aws), "react", "--apply", "--max-changes", "1",
        file(Records.createVpc("vpc-0a1b2c3d", "e-1")).toString());
    assertEquals(Remediate.EXIT_FAILURE, r.exitCode(), r.toString());
    assertTrue(r.err().contains("--max-changes"), r.err());
    assertTrue(!r.err().contains("--allow-"), r.err());
    assertEquals(0, tagged(aws, "owner"));
  }
}
