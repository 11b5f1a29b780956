package dev.remediate.cli;

import static dev.remediate.cli.CliTesting.emulator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.Remediation;
import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.EventKey;
import dev.remediate.core.event.EventRouter;
import dev.remediate.core.event.EventRule;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * docs/cli.md's exit-code table is the contract: every row is a case this test runs, and every
 * case here is a row of the table.
 */
@ExtendWith(AwsEmulatorExtension.class)
class ExitCodeContractTest {
  private static final String CURRENT_VERSION =
      "\"formatVersion\" : \"" + dev.remediate.core.plan.Plan.FORMAT_VERSION + "\"";
  private static final Pattern ROW = Pattern.compile("^\\| ([0-3]) \\| (.+) \\|$",
      Pattern.MULTILINE);

  @TempDir
  Path dir;

  private record Case(int code, Function<AwsEmulator, Remediate.Result> run) {}

  /** The documented rows: code and case text, from docs/cli.md. */
  static Map<String, Integer> documented() throws Exception {
    String doc = Files.readString(Path.of("../docs/cli.md"));
    String section = doc.substring(doc.indexOf("## Exit codes"),
        doc.indexOf("## Settings: flags and the config file"));
    Map<String, Integer> rows = new LinkedHashMap<>();
    Matcher row = ROW.matcher(section);
    while (row.find()) {
      rows.put(row.group(2), Integer.parseInt(row.group(1)));
    }
    return rows;
  }

  private Path scan(AwsEmulator aws) {
    Path out = dir.resolve("plans-" + System.nanoTime() + ".json");
    Remediate.Result r = Remediate.run(emulator(aws).build(), "scan", "--region", "us-east-1",
        "--set", "test.tagValue=x", "--out", out.toString());
    assertEquals(3, r.exitCode(), r.toString());
    return out;
  }

  private Path write(String name, String text) {
    try {
      return Files.writeString(dir.resolve(name), text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static CliEnvironment reacting(AwsEmulator aws) {
    EventRule tag = new EventRule() {
      @Override
      public String id() {
        return "test.create-vpc";
      }

      @Override
      public Set<EventKey> triggers() {
        return Set.of(EventKey.of("ec2.amazonaws.com", "CreateVpc"));
      }

      @Override
      public List<Remediation> remediationsFor(CloudTrailEvent event) {
        return List.of(new VpcTag("owner", "auto", Set.of()));
      }
    };
    return emulator(aws).router(EventRouter.of(tag)).build();
  }

  private Map<String, Case> cases() {
    Map<String, Case> cases = new LinkedHashMap<>();
    cases.put("`scan`: nothing needs doing", new Case(0, aws -> {
      Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
      ec2.describeVpcs().vpcs().forEach(v -> ec2.createTags(t -> t.resources(v.vpcId())
          .tags(tag -> tag.key("owner").value("x"))));
      return Remediate.run(emulator(aws).build(), "scan", "--region", "us-east-1", "--set",
          "test.tagValue=x");
    }));
    cases.put("`apply`: every target applied, already done or compliant", new Case(0, aws ->
        Remediate.run(emulator(aws).build(), "apply", "--yes", scan(aws).toString())));
    cases.put("`react`: nothing left to do", new Case(0, aws -> Remediate.run(reacting(aws),
        "react", write("describe.json", Records.logFile(Records.record("DescribeVpcs", "e-1",
            "null"))).toString())));
    cases.put("`scan`: a remediation could not be planned", new Case(1, aws -> {
      aws.faults().failAll("DescribeVpcs", Fault.of("UnauthorizedOperation"));
      return Remediate.run(emulator(aws).build(), "scan", "--region", "us-east-1", "--set",
          "test.tagValue=x");
    }));
    cases.put("`apply`: a target failed, was refused as stale, or was skipped", new Case(1,
        aws -> {
          Path plans = scan(aws);
          Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
          String vpc = ec2.describeVpcs().vpcs().get(0).vpcId();
          ec2.createTags(t -> t.resources(vpc).tags(tag -> tag.key("owner").value("other")));
          return Remediate.run(emulator(aws).build(), "apply", "--yes", plans.toString());
        }));
    cases.put("`apply`: the person at the terminal did not answer `yes`", new Case(1, aws ->
        Remediate.run(emulator(aws).terminal(Terminal.answering("y")).build(), "apply",
            scan(aws).toString())));
    cases.put("`apply`: the plans hold more changes than `--max-changes`", new Case(1, aws -> {
      aws.client(Ec2Client.class, Ec2Client::builder).createVpc(r -> r.cidrBlock("10.9.0.0/16"));
      return Remediate.run(emulator(aws).build(), "apply", "--yes", "--max-changes", "1",
          scan(aws).toString());
    }));
    cases.put("unknown flag or subcommand", new Case(2, aws ->
        Remediate.run(emulator(aws).build(), "scan", "--no-such-flag")));
    cases.put("malformed config or plan file", new Case(2, aws ->
        Remediate.run(emulator(aws).build(), "apply", "--yes",
            write("broken.json", "[{\"format\": ").toString())));
    cases.put("no such file", new Case(2, aws -> Remediate.run(emulator(aws).build(), "apply",
        "--yes", dir.resolve("none.json").toString())));
    cases.put("a plan of another format major version", new Case(2, aws -> {
      try {
        return Remediate.run(emulator(aws).build(), "apply", "--yes", write("v3.json",
            Files.readString(scan(aws)).replace(CURRENT_VERSION,
                "\"formatVersion\" : \"3.0\"")).toString());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }));
    cases.put("unknown remediation id (`--only`, `--skip`, or in a plan file)", new Case(2, aws ->
        Remediate.run(emulator(aws).build(), "scan", "--only", "ec2.nope")));
    cases.put("a region AWS does not have, an undefined `--profile`, an unknown `--log-level`",
        new Case(2, aws -> Remediate.run(emulator(aws).build(), "scan", "--region",
            "xx-yyyy-1")));
    cases.put("`--only` names a remediation whose settings are missing", new Case(2, aws ->
        Remediate.run(emulator(aws).build(), "scan", "--region", "us-east-1", "--only",
            "test.vpc-tag")));
    cases.put("`apply` without `--yes` and no terminal to ask on", new Case(2, aws ->
        Remediate.run(emulator(aws).build(), "apply", scan(aws).toString())));
    cases.put("`scan`: changes are planned", new Case(3, aws ->
        Remediate.run(emulator(aws).build(), "scan", "--region", "us-east-1", "--set",
            "test.tagValue=x")));
    cases.put("`react`: changes are planned and not applied (also `--apply --dry-run`)",
        new Case(3, aws -> Remediate.run(reacting(aws), "react", "--apply", "--dry-run",
            write("create.json", Records.logFile(Records.createVpc("vpc-0a1b2c3d", "e-1")))
                .toString())));
    return cases;
  }

  @Test
  void everyDocumentedCaseIsRunAndEveryRunCaseIsDocumented() throws Exception {
    Map<String, Integer> documented = documented();
    Map<String, Integer> tested = new LinkedHashMap<>();
    cases().forEach((text, c) -> tested.put(text, c.code()));
    assertEquals(tested, documented);
  }

  @Test
  void everyCase_exitsWithItsDocumentedCode(AwsEmulator aws) throws Exception {
    Map<String, Integer> documented = documented();
    for (Map.Entry<String, Case> entry : cases().entrySet()) {
      aws.reset();
      Remediate.Result r = entry.getValue().run().apply(aws);
      assertEquals((int) documented.getOrDefault(entry.getKey(), -1), r.exitCode(),
          entry.getKey() + ": " + r);
      if (r.exitCode() == Remediate.EXIT_BAD_INPUT) {
        assertEquals(1, r.err().strip().lines().count(), entry.getKey() + ": " + r.err());
      }
      assertTrue(!r.err().contains("\tat "), r.err());
    }
  }
}
