package dev.remediate.examples.programs;

import dev.remediate.testing.EmulatorFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyResult;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.Remediator;
import dev.remediate.ec2.RestrictDefaultSecurityGroup;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;

@ExtendWith(AwsEmulatorExtension.class)
class ProgramsOnEmulatorTest {
  private static Set<String> tempEntries() throws Exception {
    try (Stream<Path> list = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("remediate-"))
          .collect(Collectors.toSet());
    }
  }

  @Test
  void savedPlan_appliedLater_refusedWhenAReviewedTargetChanged_andLeavesNoFiles(AwsEmulator aws)
      throws Exception {
    Set<String> before = tempEntries();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SavedPlanExample.run(ExampleSupport.onEmulator(aws.scope(),
        new PrintStream(bytes, true, StandardCharsets.UTF_8)));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("Refused as stale: ec2.default-security-group"), out);
    assertTrue(out.indexOf("Refused as stale") < out.lastIndexOf("APPLIED: "
        + "ec2.default-security-group"), out);
    assertTrue(Remediator.builder().scope(aws.scope()).build()
        .planSet(List.of(RestrictDefaultSecurityGroup.forAllVpcs())).isEmpty(), out);
    assertEquals(before, tempEntries(), "the example leaves nothing in the temporary folder");
  }

  @Test
  void savedPlan_story_onlyTheChangedTargetIsStale(AwsEmulator aws) throws Exception {
    Remediator remediator = Remediator.builder().scope(aws.scope()).build();
    Path file = Files.createTempFile("remediate-test-plan-", ".json");
    try {
      List<PlanSetResult> results = SavedPlanExample.story(remediator,
          aws.client(Ec2Client.class, Ec2Client::builder), file,
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      assertEquals(1, results.get(0).results().stream()
          .filter(r -> r.status() == ApplyResult.Status.STALE).count(), results.toString());
      assertTrue(results.get(1).results().stream().noneMatch(ApplyResult::isProblem),
          results.toString());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void exampleSupport_planAndApply_endsCompliant(AwsEmulator aws) {
    String vpcId = EmulatorFixtures.vpcWithAwsDefaultGroup(
        aws.client(Ec2Client.class, Ec2Client::builder));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ExampleSupport example = ExampleSupport.onEmulator(aws.scope(),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    example.planAndApply(RestrictDefaultSecurityGroup.forVpc(vpcId));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("APPLIED: ec2.default-security-group"), out);
    assertTrue(out.contains("Second plan: empty, compliant"), out);
  }

  /** Runs an example's command line against the emulator as if it were an account. */
  private static ExampleRun against(AwsEmulator aws, String usage, Consumer<ExampleSupport> body,
      String... own) {
    List<String> args = new java.util.ArrayList<>(List.of("--region", "us-east-1",
        "--endpoint", aws.endpoint().toString()));
    args.addAll(List.of(own));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ExampleSupport.execute(usage, args.toArray(String[]::new), body,
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new ExampleRun(code, err.toString(StandardCharsets.UTF_8));
  }

  private record ExampleRun(int exitCode, String err) {}

  @Test
  void examples_againstAnAccountWithArgumentsMissing_createNothingAndExit2(AwsEmulator aws) {
    System.setProperty("aws.accessKeyId", "testing");
    System.setProperty("aws.secretAccessKey", "testing");
    try {
      Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
      int vpcs = ec2.describeVpcs().vpcs().size();
      record Case(String usage, Consumer<ExampleSupport> body, String[] own, String missing) {}
      List<Case> cases = List.of(
          new Case(BlockIpAddressExample.USAGE, BlockIpAddressExample::run,
              new String[] {"203.0.113.7"}, "missing VPC_ID"),
          new Case(EncryptVolumeExample.USAGE, EncryptVolumeExample::run,
              new String[] {"i-0123456789abcdef0"}, "missing KMS_KEY"),
          new Case(QuarantineInstanceExample.USAGE, QuarantineInstanceExample::run,
              new String[0], "missing INSTANCE_ID"),
          new Case(DeactivateAccessKeyExample.USAGE, DeactivateAccessKeyExample::run,
              new String[0], "missing ACCESS_KEY_ID"),
          new Case(QuarantineUserExample.USAGE, QuarantineUserExample::run,
              new String[0], "missing USER_NAME"),
          new Case(CisAlarmsExample.USAGE, CisAlarmsExample::run, new String[0],
              "missing LOG_GROUP"),
          new Case(EnableVpcFlowLogsExample.USAGE, EnableVpcFlowLogsExample::run,
              new String[] {"--apply"}, "missing BUCKET"),
          new Case(SavedPlanExample.USAGE, SavedPlanExample::run, new String[0],
              "missing PLAN_FILE"));
      for (Case c : cases) {
        ExampleRun run = against(aws, c.usage(), c.body(), c.own());
        assertEquals(2, run.exitCode(), c.usage() + ": " + run.err());
        assertTrue(run.err().startsWith("usage: " + c.usage() + "\n"), run.err());
        assertTrue(run.err().contains(c.missing()), run.err());
      }
      assertEquals(vpcs, ec2.describeVpcs().vpcs().size(), "no VPC created");
      assertEquals(0, ec2.describeInstances().reservations().size(), "no instance launched");
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }

  @Test
  void examples_ownArgumentsWithoutAnAccount_areRefusedNotIgnored() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ExampleSupport.execute(RestrictDefaultSecurityGroupExample.USAGE,
        new String[] {"vpc-0123456789abcdef0"}, e -> {
          throw new AssertionError("must not run");
        }, new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("give --region or --profile (or "
        + "--endpoint) with them"), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void example_endpoint_sendsCallsThereAndOnlyPlans(AwsEmulator aws) {
    System.setProperty("aws.accessKeyId", "testing");
    System.setProperty("aws.secretAccessKey", "testing");
    try {
      ExampleRun run = against(aws, RestrictDefaultSecurityGroupExample.USAGE,
          RestrictDefaultSecurityGroupExample::run);
      assertEquals(0, run.exitCode(), run.err());
      // plan only: moto's default VPC keeps its default group's rules
      assertTrue(!Remediator.builder().scope(aws.scope()).build()
          .planSet(List.of(RestrictDefaultSecurityGroup.forAllVpcs())).isEmpty());
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }
}
