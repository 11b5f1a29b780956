package dev.remediate.cli;

import static dev.remediate.cli.CliTesting.assertBadInput;
import static dev.remediate.cli.CliTesting.offline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(AwsEmulatorExtension.class)
class GlobalOptionsTest {
  @Test
  void defaultScopes_useTheAdaptiveRetryStrategyWithEightAttempts() {
    GlobalOptions options = new GlobalOptions();
    new picocli.CommandLine(options).parseArgs("--endpoint", "http://127.0.0.1:9");
    try (dev.remediate.core.aws.AwsScope scope = GlobalOptions.defaultScopes(Map.of())
        .open("eu-west-1", options)) {
      var strategy = scope.client(software.amazon.awssdk.services.ec2.Ec2Client.class,
          software.amazon.awssdk.services.ec2.Ec2Client::builder).serviceClientConfiguration()
          .overrideConfiguration().retryStrategy().orElseThrow();
      org.junit.jupiter.api.Assertions.assertInstanceOf(
          software.amazon.awssdk.retries.AdaptiveRetryStrategy.class, strategy);
      org.junit.jupiter.api.Assertions.assertEquals(8, strategy.maxAttempts());
    }
  }

  @Test
  void endpointFromEnvironment_sendsCallsToTheEmulator(AwsEmulator aws) {
    System.setProperty("aws.accessKeyId", "testing");
    System.setProperty("aws.secretAccessKey", "testing");
    try {
      CliEnvironment env = CliEnvironment.builder().catalog(CliTesting.testCatalog())
          .terminal(Terminal.none())
          .env(Map.of("AWS_ENDPOINT_URL", aws.endpoint().toString())).build();
      Remediate.Result r = Remediate.run(env, "scan", "--region", "us-east-1", "--set",
          "test.tagValue=x");
      assertEquals(Remediate.EXIT_CHANGES, r.exitCode(), r.toString());
      assertTrue(r.out().contains("(123456789012, us-east-1)"), r.out());
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }

  /** Runs with the SDK's config and credentials files pointed at {@code dir}. */
  private static Remediate.Result withAwsFiles(Path dir, CliEnvironment env, String... args) {
    System.setProperty("aws.configFile", dir.resolve("config").toString());
    System.setProperty("aws.sharedCredentialsFile", dir.resolve("credentials").toString());
    try {
      return Remediate.run(env, args);
    } finally {
      System.clearProperty("aws.configFile");
      System.clearProperty("aws.sharedCredentialsFile");
    }
  }

  private static CliEnvironment testCatalog() {
    return CliEnvironment.builder().catalog(CliTesting.testCatalog()).terminal(Terminal.none())
        .env(Map.of()).build();
  }

  @Test
  void profile_givesTheCredentialsAndRegionOfThatProfile(AwsEmulator aws, @TempDir Path dir)
      throws Exception {
    // The profile's credentials come from a process that leaves a mark: proof they were used.
    Path marker = dir.resolve("credentials-used");
    Path script = dir.resolve("creds.sh");
    Files.writeString(script, "echo audit >> '" + marker + "'\n"
        + "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDAUDIT\", "
        + "\"SecretAccessKey\": \"audit-secret\"}'\n");
    Files.writeString(dir.resolve("config"), "[default]\nregion = ap-south-1\n"
        + "[profile audit]\nregion = eu-west-2\ncredential_process = /bin/sh " + script + "\n");
    Files.writeString(dir.resolve("credentials"), "[other]\naws_access_key_id = AKIDOTHER\n"
        + "aws_secret_access_key = other-secret\n");
    Remediate.Result r = withAwsFiles(dir, testCatalog(), "scan", "--profile", "audit",
        "--endpoint", aws.endpoint().toString(), "--set", "test.tagValue=x");
    assertEquals(Remediate.EXIT_CHANGES, r.exitCode(), r.toString());
    assertTrue(r.out().contains("(123456789012, eu-west-2)"), "the profile's region: " + r.out());
    assertTrue(Files.exists(marker), "the profile's credential_process was not run");
    // a profile of the credentials file works too
    Remediate.Result other = withAwsFiles(dir, testCatalog(), "scan", "--profile", "other",
        "--region", "us-east-1", "--endpoint", aws.endpoint().toString(), "--set",
        "test.tagValue=x");
    assertEquals(Remediate.EXIT_CHANGES, other.exitCode(), other.toString());
    assertTrue(other.out().contains("(123456789012, us-east-1)"), other.out());
  }

  @Test
  void unknownProfile_isOneLineOfBadInputBeforeAnyCall(AwsEmulator aws, @TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("config"), "[profile audit]\nregion = eu-west-2\n");
    Files.writeString(dir.resolve("credentials"), "[other]\naws_access_key_id = AKIDOTHER\n"
        + "aws_secret_access_key = other-secret\n");
    // the real catalog, one remediation that needs no settings: nothing else on stderr
    CliEnvironment env = CliEnvironment.builder().terminal(Terminal.none()).env(Map.of()).build();
    Remediate.Result r = withAwsFiles(dir, env, "scan", "--only", "ec2.default-security-group",
        "--profile", "adit", "--region", "us-east-1", "--endpoint", aws.endpoint().toString());
    assertBadInput(r, "profile 'adit' is not defined in " + dir.resolve("config") + " or "
        + dir.resolve("credentials") + " (known: audit, other)");
    assertEquals("", r.out());
  }

  @Test
  void badEndpoint_isBadInput() {
    CliEnvironment env = CliEnvironment.builder().catalog(CliTesting.testCatalog())
        .terminal(Terminal.none()).env(Map.of()).build();
    assertBadInput(Remediate.run(env, "scan", "--endpoint", "ftp://x", "--set",
        "test.tagValue=x"), "endpoint 'ftp://x' is not an http(s) URL");
  }

  @Test
  void homeRegion_followsFlagThenEnvironmentThenFallback() {
    GlobalOptions options = new GlobalOptions();
    assertEquals("eu-west-3", options.homeRegion(Map.of("AWS_REGION", "eu-west-3")));
    assertEquals("ap-south-1", options.homeRegion(Map.of("AWS_DEFAULT_REGION", "ap-south-1")));
    options.regions.add("us-west-2");
    assertEquals("us-west-2", options.homeRegion(Map.of("AWS_REGION", "eu-west-3")));
  }

  @Test
  void logLevelDebug_addsTheStackTrace() {
    Remediate.Result plain = Remediate.run(offline(), "catalog", "--only", "nope");
    assertEquals(1, plain.err().strip().lines().count(), plain.err());
    Remediate.Result debug = Remediate.run(offline(), "catalog", "--only", "nope",
        "--log-level", "debug");
    assertEquals(Remediate.EXIT_BAD_INPUT, debug.exitCode());
    assertTrue(debug.err().contains("\tat dev.remediate.cli.Selection.select"),
        debug.err());
  }

  @Test
  void progress_onATerminal_drawsABarInPlace() {
    StringWriter text = new StringWriter();
    Progress progress = new Progress(new PrintWriter(text, true), true, "scan", 2);
    progress.advance("a");
    progress.advance("b");
    progress.done();
    assertTrue(text.toString().startsWith("\rscan [" + " ".repeat(24) + "] 1/2 a"), text.toString());
    assertTrue(text.toString().contains("\rscan [" + "#".repeat(12) + " ".repeat(12) + "] 2/2 b"),
        text.toString());
    assertTrue(text.toString().endsWith("\r\u001b[K"));
  }

  @Test
  void unknownProfile_isBadInputForEverySubcommand(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("config"), "[profile audit]\nregion = eu-west-2\n");
    Files.writeString(dir.resolve("credentials"), "");
    Path plans = dir.resolve("plans.json");
    Files.writeString(plans, "[]");
    Path records = dir.resolve("records.json");
    Files.writeString(records, Records.logFile(Records.createVpc("vpc-0a1b2c3d", "e-1")));
    for (String[] command : List.of(new String[] {"catalog"},
        new String[] {"events", records.toString()}, new String[] {"react", records.toString()},
        new String[] {"scan", "--set", "test.tagValue=x"},
        new String[] {"apply", "--yes", plans.toString()})) {
      List<String> args = new java.util.ArrayList<>(List.of(command));
      args.addAll(List.of("--profile", "nosuch"));
      Remediate.Result r = withAwsFiles(dir, offline(), args.toArray(String[]::new));
      assertBadInput(r, "profile 'nosuch' is not defined");
      assertEquals("", r.out(), command[0]);
    }
  }

  @Test
  void logLevel_unknown_isBadInput() {
    assertBadInput(Remediate.run(offline(), "catalog", "--log-level", "bogus"),
        "'bogus' is not a log level: error, warn, info, debug, trace");
    assertEquals(0, Remediate.run(offline(), "catalog", "--log-level", "INFO").exitCode());
  }

  @Test
  void region_thatAwsDoesNotHave_isRefusedBeforeAnyCall() {
    // offline(): opening a scope fails the test, so nothing was called
    assertBadInput(Remediate.run(offline(), "scan", "--region", "xx-yyyy-1", "--set",
        "test.tagValue=x"), "'xx-yyyy-1' is not an AWS region");
    Remediate.Result fromEnvironment = Remediate.run(CliEnvironment.builder()
        .catalog(CliTesting.testCatalog()).terminal(Terminal.none())
        .env(Map.of("AWS_REGION", "xx-yyyy-1")).scopes((region, options) -> {
          throw new AssertionError("no scope may be opened");
        }).build(), "scan", "--set", "test.tagValue=x");
    assertEquals(Remediate.EXIT_BAD_INPUT, fromEnvironment.exitCode(), fromEnvironment.toString());
    assertTrue(fromEnvironment.err().contains("'xx-yyyy-1' is not an AWS region"),
        fromEnvironment.err());
    // a region this SDK does not list yet, in a known area, is let through
    GlobalOptions.checkRegion("ap-southeast-9");
    GlobalOptions.checkRegion("us-gov-east-1");
  }

  @Test
  void commandLineMistakes_readAsThisToolsWords() {
    Remediate.Result none = Remediate.run(offline());
    assertBadInput(none, "a subcommand is required");
    assertEquals(1, none.err().split("see 'remediate --help'", -1).length - 1, none.err());
    assertBadInput(Remediate.run(offline(), "frobnicate"), "unknown command 'frobnicate'");
    Remediate.Result set = Remediate.run(offline(), "scan", "--set", "foo");
    assertBadInput(set, "option '--set'");
    assertTrue(!set.err().contains("option option"), set.err());
  }
}
