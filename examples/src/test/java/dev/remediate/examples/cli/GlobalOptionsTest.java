package dev.remediate.examples.cli;

import static dev.remediate.examples.cli.CliTesting.assertBadInput;
import static dev.remediate.examples.cli.CliTesting.offline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AwsEmulatorExtension.class)
class GlobalOptionsTest {
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
    assertTrue(debug.err().contains("\tat dev.remediate.examples.cli.Selection.select"),
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
}
