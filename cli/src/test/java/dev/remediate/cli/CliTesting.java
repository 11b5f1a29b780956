package dev.remediate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.remediate.core.RemediationCatalog;
import dev.remediate.testing.AwsEmulator;
import java.util.Map;
import software.amazon.awssdk.regions.Region;

/** Helpers shared by the CLI tests. */
final class CliTesting {
  private CliTesting() {}

  static RemediationCatalog testCatalog() {
    return RemediationCatalog.of(new VpcTag.Type());
  }

  static CliEnvironment offline() {
    return CliEnvironment.builder().catalog(testCatalog()).terminal(Terminal.none())
        .env(Map.of()).scopes((region, options) -> {
          throw new AssertionError("this test must not open an AWS scope");
        }).build();
  }

  static CliEnvironment.Builder emulator(AwsEmulator aws) {
    return CliEnvironment.builder().catalog(testCatalog()).terminal(Terminal.none())
        .env(Map.of())
        .scopes((region, options) -> aws.scopeBuilder(Region.of(region)).build());
  }

  /** The tool with the catalog and event rules of the class path, on the emulator. */
  static CliEnvironment real(AwsEmulator aws) {
    return CliEnvironment.builder().terminal(Terminal.none()).env(Map.of())
        .scopes((region, options) -> aws.scopeBuilder(Region.of(region)).build()).build();
  }

  /** Bad input: exit 2, exactly one line on stderr, no stack trace. */
  static void assertBadInput(Remediate.Result result, String expectedFragment) {
    assertEquals(Remediate.EXIT_BAD_INPUT, result.exitCode(), result.toString());
    String err = result.err().strip();
    assertEquals(1, err.lines().count(), "one line on stderr: " + err);
    assertFalse(err.contains("\tat "), err);
    org.junit.jupiter.api.Assertions.assertTrue(err.contains(expectedFragment),
        "stderr '" + err + "' should contain '" + expectedFragment + "'");
  }
}
