package dev.remediate.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * No log level of the CLI, the Lambda handler or the example programs prints a secret key, a
 * session token or a request signature. Each runs in its own JVM (logging is configured once per
 * process, before any logger exists) at the most verbose level, with known fake temporary
 * credentials, against the emulator, and its whole output is searched for them.
 */
@ExtendWith(AwsEmulatorExtension.class)
class LogSecretsTest {
  static final String ACCESS_KEY = "ASIAFAKEFAKEFAKE7777";
  static final String SECRET_KEY = "fakeSecretKey/0123456789abcdefFAKEFAKEFAKE";
  static final String SESSION_TOKEN = "FwoGZXIvYXdzEFAKEsessionTOKEN0123456789xyz";

  @TempDir
  Path dir;

  private String run(AwsEmulator aws, List<String> jvmArgs, String main, String... args)
      throws Exception {
    return runJava(aws, dir, jvmArgs, main, args);
  }

  /**
   * Runs a main class in its own JVM with this test's class path, against the emulator, with the
   * fake temporary credentials.
   *
   * @return standard output and standard error, merged
   */
  static String runJava(AwsEmulator aws, Path dir, List<String> jvmArgs, String main,
      String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main);
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("output.txt").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("AWS_"));
    env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    env.put("AWS_SESSION_TOKEN", SESSION_TOKEN);
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ENDPOINT_URL", aws.endpoint().toString());
    env.put("AWS_CONFIG_FILE", dir.resolve("none").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("none").toString());
    Process process = pb.start();
    assertTrue(process.waitFor(180, TimeUnit.SECONDS), "finished in time");
    String output = Files.readString(dir.resolve("output.txt"), StandardCharsets.UTF_8);
    assertTrue(process.exitValue() != 1 || !output.contains("Exception in thread"), output);
    return output;
  }

  private static void assertNoSecrets(String output) {
    // proof that the run was verbose and signed requests: the SDK's own DEBUG lines are there
    assertTrue(output.contains("DEBUG software.amazon.awssdk.request"), output);
    assertTrue(!output.contains(SECRET_KEY), "secret key printed");
    assertTrue(!output.contains(SESSION_TOKEN), "session token printed");
    assertTrue(!output.contains("Signature="), "signature printed");
    assertTrue(!output.toLowerCase(java.util.Locale.ROOT).contains("x-amz-security-token:"),
        "security token header printed");
  }

  @Test
  void cli_traceWithTemporaryCredentials_printsNoSecret(AwsEmulator aws) throws Exception {
    String output = run(aws, List.of(), Remediate.class.getName(), "scan", "--only",
        "ec2.default-security-group", "--log-level", "trace");
    assertTrue(output.contains("ec2.default-security-group on "), output);
    assertNoSecrets(output);
  }

  @Test
  void lambdaHandler_traceWithTemporaryCredentials_printsNoSecret(AwsEmulator aws)
      throws Exception {
    Path event = dir.resolve("event.json");
    Files.writeString(event, "{\"version\":\"0\",\"id\":\"e\",\"detail-type\":\"AWS API Call via "
        + "CloudTrail\",\"source\":\"aws.ec2\",\"account\":\"123456789012\",\"time\":"
        + "\"2026-11-27T05:00:00Z\",\"region\":\"us-east-1\",\"resources\":[],\"detail\":"
        + Records.createVpc("vpc-0a1b2c3d", "e-1") + "}");
    String output = run(aws, List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=trace"),
        LambdaAtTrace.class.getName(), event.toString());
    assertTrue(output.contains("handled") || output.contains("handler failed"), output);
    assertNoSecrets(output);
  }

  @Test
  void exampleProgram_traceWithTemporaryCredentials_printsNoSecret(AwsEmulator aws)
      throws Exception {
    String output = run(aws, List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=trace"),
        "dev.remediate.examples.programs.EnableEbsEncryptionByDefaultExample", "--endpoint",
        aws.endpoint().toString(), "--region", "us-east-1");
    assertTrue(output.contains("Plan only: nothing changed."), output);
    assertNoSecrets(output);
  }

  @Test
  void withoutTheQuietLoggers_theSignerWouldPrintTheToken(AwsEmulator aws) throws Exception {
    // the same run with the signer's logger explicitly allowed: shows the test can fail
    String output = run(aws, List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=trace"),
        LambdaAtTrace.Unsafe.class.getName(), dir.resolve("none.json").toString());
    assertEquals(true, output.contains(SESSION_TOKEN), output);
  }
}
