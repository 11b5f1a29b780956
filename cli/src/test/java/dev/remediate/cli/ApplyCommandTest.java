package dev.remediate.cli;

import static dev.remediate.cli.CliTesting.assertBadInput;
import static dev.remediate.cli.CliTesting.emulator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

@ExtendWith(AwsEmulatorExtension.class)
class ApplyCommandTest {
  private static final String CURRENT_VERSION =
      "\"formatVersion\" : \"" + dev.remediate.core.plan.Plan.FORMAT_VERSION + "\"";

  @TempDir
  Path dir;

  private Path scan(AwsEmulator aws, String... extra) {
    Path out = dir.resolve("plans.json");
    List<String> args = new java.util.ArrayList<>(List.of("scan", "--region", "us-east-1",
        "--set", "test.tagValue=team-a", "--out", out.toString()));
    args.addAll(List.of(extra));
    Remediate.Result r = Remediate.run(emulator(aws).build(), args.toArray(String[]::new));
    assertEquals(Remediate.EXIT_CHANGES, r.exitCode(), r.toString());
    return out;
  }

  private static long tagged(AwsEmulator aws) {
    return aws.client(Ec2Client.class, Ec2Client::builder).describeVpcs().vpcs().stream()
        .filter(v -> v.tags().stream().anyMatch(t -> t.key().equals("owner")
            && Objects.equals(t.value(), "team-a")))
        .count();
  }

  private static int vpcs(AwsEmulator aws) {
    return aws.client(Ec2Client.class, Ec2Client::builder).describeVpcs().vpcs().size();
  }

  @Test
  void apply_yes_appliesThenScanIsClean(AwsEmulator aws) {
    Path plans = scan(aws);
    aws.recorder().reset();
    Remediate.Result r = Remediate.run(emulator(aws).build(), "apply", "--yes",
        plans.toString());
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    assertTrue(r.out().startsWith("APPLIED: test.vpc-tag"), r.out());
    assertTrue(r.err().contains("step 1/1: CreateTags"), r.err());
    // staleness check, one CreateTags per VPC (moto's default VPC only), verification
    assertEquals(2, aws.recorder().count("DescribeVpcs"));
    assertEquals(1, aws.recorder().count("CreateTags"));
    assertEquals(vpcs(aws), tagged(aws));
    Remediate.Result again = Remediate.run(emulator(aws).build(), "scan", "--region",
        "us-east-1", "--set", "test.tagValue=team-a");
    assertEquals(Remediate.EXIT_OK, again.exitCode(), again.toString());
  }

  @Test
  void apply_withoutYesAndNoTerminal_refusesAndChangesNothing(AwsEmulator aws) {
    Path plans = scan(aws);
    aws.recorder().reset();
    assertBadInput(Remediate.run(emulator(aws).build(), "apply", plans.toString()),
        "refusing to apply without --yes");
    assertEquals(0, aws.recorder().total());
    assertEquals(0, tagged(aws));
  }

  @Test
  void apply_terminalAnswersYes_showsThePlanBeforeAskingThenApplies(AwsEmulator aws) {
    Path plans = scan(aws);
    // One transcript: standard output and the question, in the order a person sees them.
    StringWriter transcript = new StringWriter();
    PrintWriter out = new PrintWriter(transcript, true);
    Terminal terminal = new Terminal() {
      @Override
      public boolean isInteractive() {
        return true;
      }

      @Override
      public String ask(String prompt) {
        transcript.append("<ASKED>").append(prompt).append('\n');
        return "yes";
      }
    };
    StringWriter err = new StringWriter();
    int code = Remediate.execute(emulator(aws).terminal(terminal).build(), out,
        new PrintWriter(err, true), "apply", plans.toString());
    String text = transcript.toString();
    assertEquals(Remediate.EXIT_OK, code, text + err);
    int planLine = text.indexOf("  + CreateTags ");
    int planSummary = text.indexOf("Plan: 1 to add, 0 to change, 0 to remove.");
    int prompt = text.indexOf(
        "<ASKED>Apply 1 plan(s) with 1 change(s)? Only 'yes' is accepted: ");
    int applied = text.indexOf("APPLIED: test.vpc-tag");
    assertTrue(planLine >= 0 && planSummary >= 0 && prompt >= 0 && applied >= 0, text);
    assertTrue(planLine < prompt, "the plan line comes before the question:\n" + text);
    assertTrue(planSummary < prompt, "the plan summary comes before the question:\n" + text);
    assertTrue(prompt < applied, "nothing is applied before the answer:\n" + text);
    assertEquals(1, text.split("<ASKED>", -1).length - 1, "asked once:\n" + text);
    assertEquals(vpcs(aws), tagged(aws));
  }

  @Test
  void apply_terminalAnswersNo_changesNothing(AwsEmulator aws) {
    Path plans = scan(aws);
    Remediate.Result r = Remediate.run(emulator(aws).terminal(Terminal.answering("n")).build(),
        "apply", plans.toString());
    assertEquals(Remediate.EXIT_FAILURE, r.exitCode(), r.toString());
    assertTrue(r.err().contains("apply cancelled; nothing was changed"), r.err());
    assertEquals(0, tagged(aws));
  }

  @Test
  void apply_reviewedTargetChanged_isRefusedAloneAndTheOthersApplied(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String second = ec2.createVpc(r -> r.cidrBlock("10.8.0.0/16")).vpc().vpcId();
    Path plans = scan(aws);
    ec2.createTags(r -> r.resources(second).tags(t -> t.key("owner").value("team-b")));
    Remediate.Result r = Remediate.run(emulator(aws).build(), "apply", "--yes",
        plans.toString());
    assertEquals(Remediate.EXIT_FAILURE, r.exitCode(), r.toString());
    assertTrue(r.err().contains("remediate: refused stale test.vpc-tag AWS::EC2::VPC " + second),
        r.err());
    assertEquals(1, r.err().lines().filter(l -> l.startsWith("remediate: refused stale")).count(),
        r.err());
    assertEquals(vpcs(aws) - 1, tagged(aws), "every other VPC is tagged");
  }

  @Test
  void apply_unrelatedChangesBetweenScanAndApply_applyEverythingReviewed(AwsEmulator aws) {
    Path plans = scan(aws);
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String created = ec2.createVpc(r -> r.cidrBlock("10.9.0.0/16")).vpc().vpcId();
    String reviewed = ec2.describeVpcs().vpcs().stream().map(v -> v.vpcId())
        .filter(id -> !id.equals(created)).findFirst().orElseThrow();
    ec2.createTags(r -> r.resources(reviewed).tags(t -> t.key("cost-center").value("42")));
    Remediate.Result r = Remediate.run(emulator(aws).build(), "apply", "--yes",
        plans.toString());
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    assertEquals(vpcs(aws) - 1, tagged(aws), "the VPC made after the scan is left alone");
    assertTrue(r.out().contains("not reviewed: test.vpc-tag on AWS::EC2::VPC " + created),
        r.out());
  }

  @Test
  void apply_flaggedStep_needsConsent(AwsEmulator aws) {
    Path plans = scan(aws, "--set", "test.flag=DOWNTIME");
    Remediate.Result refused = Remediate.run(emulator(aws).build(), "apply", "--yes",
        plans.toString());
    assertEquals(Remediate.EXIT_FAILURE, refused.exitCode(), refused.toString());
    assertTrue(refused.err().contains("needs consent to [DOWNTIME]"), refused.err());
    assertTrue(refused.err().contains("--allow-downtime"), refused.err());
    assertEquals(0, tagged(aws));
    Remediate.Result applied = Remediate.run(emulator(aws).build(), "apply", "--yes",
        "--allow-downtime", plans.toString());
    assertEquals(Remediate.EXIT_OK, applied.exitCode(), applied.toString());
    assertEquals(vpcs(aws), tagged(aws));
  }

  @Test
  void apply_moreChangesThanMax_isRefused(AwsEmulator aws) {
    aws.client(Ec2Client.class, Ec2Client::builder).createVpc(r -> r.cidrBlock("10.9.0.0/16"));
    Path plans = scan(aws);
    Remediate.Result r = Remediate.run(emulator(aws).build(), "apply", "--yes",
        "--max-changes", "1", plans.toString());
    assertEquals(Remediate.EXIT_FAILURE, r.exitCode(), r.toString());
    assertTrue(r.err().contains("more than --max-changes 1"), r.err());
    assertEquals(0, tagged(aws));
  }

  @Test
  void apply_dryRun_changesNothing(AwsEmulator aws) {
    Path plans = scan(aws);
    Remediate.Result r = Remediate.run(emulator(aws).build(), "apply", "--dry-run",
        plans.toString());
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    assertTrue(r.out().startsWith("DRY_RUN: test.vpc-tag"), r.out());
    assertEquals(0, tagged(aws));
  }

  @Test
  void apply_badInput_exits2(AwsEmulator aws) throws Exception {
    CliEnvironment env = emulator(aws).build();
    Path plans = scan(aws);
    Path future = dir.resolve("future.json");
    Files.writeString(future, Files.readString(plans)
        .replace(CURRENT_VERSION, "\"formatVersion\" : \"3.0\""));
    assertBadInput(Remediate.run(env, "apply", "--yes", future.toString()),
        "future.json: Plan file format version '3.0' is not supported");
    assertBadInput(Remediate.run(env, "apply", "--yes", dir.resolve("none.json").toString()),
        "no such file: " + dir.resolve("none.json"));
    Path binary = dir.resolve("plans.json.gz");
    Files.write(binary, new byte[] {0x1f, (byte) 0x8b, 8, 0, (byte) 0xff, (byte) 0xfe});
    assertBadInput(Remediate.run(env, "apply", "--yes", binary.toString()),
        "plans.json.gz: not UTF-8 text");
    Path garbage = dir.resolve("garbage.json");
    Files.writeString(garbage, "[{\"format\": ");
    assertBadInput(Remediate.run(env, "apply", "--yes", garbage.toString()),
        "garbage.json: Not a plan file: invalid JSON at line 1");
    assertBadInput(Remediate.run(env, "apply", "--yes", "--max-changes", "0", plans.toString()),
        "maxChanges must be at least 1, was 0");
    assertBadInput(Remediate.run(env, "apply"), "no remediation is configured");
    assertEquals(0, tagged(aws));
  }

  @Test
  void apply_wrapperOfAnotherMajorFormatVersion_isRefusedInOneLine(AwsEmulator aws)
      throws Exception {
    Path plans = scan(aws);
    String array = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(Files.readString(plans)).get("plans").toString();
    CliEnvironment env = emulator(aws).build();
    for (String version : List.of("99", "\"3.0\"", "\"10\"", "{\"major\":1}")) {
      Path wrapped = dir.resolve("wrapped.json");
      Files.writeString(wrapped, "{\"formatVersion\":" + version + ",\"plans\":" + array + "}");
      aws.recorder().reset();
      assertBadInput(Remediate.run(env, "apply", "--yes", wrapped.toString()),
          "wrapped.json: Plan file format version '");
      assertEquals(0, aws.recorder().total(), "nothing is called for version " + version);
    }
    assertBadInput(Remediate.run(env, "apply", "--yes", dir.resolve("wrapped.json").toString()),
        "is not supported: this library reads 2.x (writes "
            + dev.remediate.core.plan.Plan.FORMAT_VERSION + "); plan again");
    assertEquals(0, tagged(aws));
    // the same wrapper of format 2.x (or without a version) is read
    Path current = dir.resolve("current.json");
    Files.writeString(current, "{\"formatVersion\":\"2.0\",\"plans\":" + array + "}");
    Remediate.Result r = Remediate.run(env, "apply", "--yes", current.toString());
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    assertEquals(vpcs(aws), tagged(aws));
  }

  @Test
  void apply_stdin_readsPlans(AwsEmulator aws) throws Exception {
    Path plans = scan(aws);
    CliEnvironment env = emulator(aws)
        .stdin(new java.io.ByteArrayInputStream(Files.readAllBytes(plans))).build();
    Remediate.Result r = Remediate.run(env, "apply", "--yes", "-");
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    assertEquals(vpcs(aws), tagged(aws));
  }

  private static long taggedIn(AwsEmulator aws, String region) {
    try (var scope = aws.scopeBuilder(software.amazon.awssdk.regions.Region.of(region)).build()) {
      return scope.client(Ec2Client.class, Ec2Client::builder).describeVpcs().vpcs().stream()
          .filter(v -> v.tags().stream().anyMatch(t -> t.key().equals("owner"))).count();
    }
  }

  @Test
  void apply_region_appliesOnlyThatRegionsPlansOfTheFile(AwsEmulator aws) {
    Path plans = scan(aws, "--region", "us-west-2");
    Remediate.Result r = Remediate.run(emulator(aws).build(), "apply", "--yes", "--region",
        "us-west-2", plans.toString());
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    assertTrue(taggedIn(aws, "us-west-2") > 0, "us-west-2 applied");
    assertEquals(0, taggedIn(aws, "us-east-1"), "us-east-1 left alone: " + r.out());
    assertTrue(!r.out().contains("us-east-1"), r.out());
  }

  @Test
  void apply_onlyAndSkip_applyOnlyTheMatchingPlansOfTheFile(AwsEmulator aws) {
    CliEnvironment env = CliTesting.real(aws);
    Path plans = dir.resolve("two.json");
    Remediate.Result scanned = Remediate.run(env, "scan", "--region", "us-east-1", "--only",
        "ec2.ebs-encryption-by-default,ec2.default-security-group", "--out", plans.toString());
    assertEquals(Remediate.EXIT_CHANGES, scanned.exitCode(), scanned.toString());
    Remediate.Result only = Remediate.run(env, "apply", "--yes", "--only",
        "ec2.ebs-encryption-by-default", plans.toString());
    assertEquals(Remediate.EXIT_OK, only.exitCode(), only.toString());
    assertTrue(only.out().contains("ec2.ebs-encryption-by-default"), only.out());
    assertTrue(!only.out().contains("ec2.default-security-group"), only.out());
    assertEquals(Remediate.EXIT_OK, Remediate.run(env, "scan", "--region", "us-east-1",
        "--only", "ec2.ebs-encryption-by-default").exitCode());
    assertEquals(Remediate.EXIT_CHANGES, Remediate.run(env, "scan", "--region", "us-east-1",
        "--only", "ec2.default-security-group").exitCode(), "the other plan was not applied");
    Remediate.Result skip = Remediate.run(env, "apply", "--yes", "--skip",
        "ec2.ebs-encryption-by-default", plans.toString());
    assertEquals(Remediate.EXIT_OK, skip.exitCode(), skip.toString());
    assertTrue(!skip.out().contains("ec2.ebs-encryption-by-default"), skip.out());
    assertEquals(Remediate.EXIT_OK, Remediate.run(env, "scan", "--region", "us-east-1",
        "--only", "ec2.default-security-group").exitCode());
  }

  @Test
  void apply_unknownRemediationIdInThePlanFile_isBadInputBeforeAnyCall(AwsEmulator aws)
      throws Exception {
    Path plans = scan(aws);
    Path unknown = dir.resolve("unknown.json");
    Files.writeString(unknown, Files.readString(plans).replace("\"test.vpc-tag\"",
        "\"test.no-such-remediation\""));
    aws.recorder().reset();
    assertBadInput(Remediate.run(emulator(aws).build(), "apply", "--yes", unknown.toString()),
        "Unknown remediation id 'test.no-such-remediation'");
    assertEquals(0, aws.recorder().total());
    Path badParameter = dir.resolve("bad-parameter.json");
    Files.writeString(badParameter, Files.readString(plans).replace("\"flag\"", "\"x\"")
        .replace("\"key\" : \"owner\"", "\"key\" : \" \""));
    assertBadInput(Remediate.run(emulator(aws).build(), "apply", "--yes",
        badParameter.toString()), "tag key must not be blank");
    assertEquals(0, aws.recorder().total());
  }

  @Test
  void apply_unknownIdInTheScannedRemediations_isBadInputBeforeAnyCall(AwsEmulator aws)
      throws Exception {
    String saved = Files.readString(scan(aws));
    int scanned = saved.lastIndexOf("\"test.vpc-tag\"");
    assertTrue(scanned > saved.indexOf("\"scanned\""), "the scan recorded what it scanned: "
        + saved);
    Path unknown = dir.resolve("unknown-scanned.json");
    Files.writeString(unknown, saved.substring(0, scanned) + "\"test.no-such-remediation\""
        + saved.substring(scanned + "\"test.vpc-tag\"".length()));
    aws.recorder().reset();

    assertBadInput(Remediate.run(emulator(aws).build(), "apply", "--yes", unknown.toString()),
        "scanned 1 (test.no-such-remediation");
    assertEquals(0, aws.recorder().total());
  }

  @Test
  void apply_savedTrailPlanWithValidationTure_isBadInputNamingItBeforeAnyCall(AwsEmulator aws)
      throws Exception {
    Path plans = dir.resolve("trail.json");
    Remediate.Result scan = Remediate.run(CliTesting.real(aws), "scan", "--region", "us-east-1",
        "--only", "cloudtrail.trail", "--set", "trail.s3Bucket=ture-trail-logs", "--set",
        "trail.name=org-trail", "--out", plans.toString());
    assertEquals(Remediate.EXIT_CHANGES, scan.exitCode(), scan.toString());
    String saved = Files.readString(plans);
    java.util.regex.Pattern validation =
        java.util.regex.Pattern.compile("\"validation\"\\s*:\\s*\"true\"");
    assertTrue(validation.matcher(saved).find(), "the trail plan carries validation: " + saved);
    Path typo = dir.resolve("ture.json");
    Files.writeString(typo, validation.matcher(saved).replaceAll("\"validation\" : \"ture\""));
    aws.recorder().reset();

    Remediate.Result r = Remediate.run(CliTesting.real(aws), "apply", "--yes", typo.toString());

    assertBadInput(r, "'validation'");
    assertTrue(r.err().contains("'ture'"), r.err());
    assertEquals(0, aws.recorder().total(), "refused before any AWS call");
    assertTrue(aws.client(software.amazon.awssdk.services.cloudtrail.CloudTrailClient.class,
        software.amazon.awssdk.services.cloudtrail.CloudTrailClient::builder).describeTrails()
        .trailList().isEmpty(), "no trail created with validation off");
  }

  @Test
  void consentAdvice_ofTheLibrary_namesTheFlagsThisToolDeclares() {
    java.util.Set<String> declared = new java.util.TreeSet<>();
    new picocli.CommandLine(new ConsentOptions()).getCommandSpec().options()
        .forEach(o -> declared.add(o.longestName()));
    for (dev.remediate.core.plan.Flag flag : dev.remediate.core.plan.Flag.values()) {
      String advice = dev.remediate.core.Guardrails.consentAdvice(List.of(flag));
      String option = advice.substring(advice.indexOf("command line: ") + "command line: ".length());
      assertTrue(declared.contains(option), advice + " names " + option + ", declared: "
          + declared);
    }
  }

  @Test
  void apply_stale_saysPlanAgainOnce(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.describeVpcs().vpcs().get(0).vpcId();
    Path plans = scan(aws);
    ec2.createTags(r -> r.resources(vpc).tags(t -> t.key("owner").value("team-b")));
    Remediate.Result r = Remediate.run(emulator(aws).build(), "apply", "--yes",
        plans.toString());
    assertEquals(Remediate.EXIT_FAILURE, r.exitCode(), r.toString());
    String all = r.out() + r.err();
    assertEquals(1, all.split("(?i)plan again", -1).length - 1, all);
    assertTrue(r.err().contains("--opt-out-tag"), r.err());
  }
}
