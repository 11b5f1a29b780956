package dev.remediate.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Proves that a program logs no secret at its most verbose level: runs a main class in its own JVM
 * (logging is configured once per process, before any logger exists) against the emulator with
 * known fake temporary credentials, and searches its whole output for them. The command-line tool,
 * the Lambda handler and the example programs are each tested with it.
 *
 * <pre>{@code
 * String output = SecretFreeLogs.runJava(aws, tempDir,
 *     List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=trace"), MyMain.class.getName());
 * SecretFreeLogs.assertNoSecrets(output);
 * }</pre>
 */
public final class SecretFreeLogs {
  /** The fake access key id the child JVM signs with. */
  public static final String ACCESS_KEY = "ASIAFAKEFAKEFAKE7777";
  /** The fake secret key: must never be printed. */
  public static final String SECRET_KEY = "fakeSecretKey/0123456789abcdefFAKEFAKEFAKE";
  /** The fake session token: must never be printed. */
  public static final String SESSION_TOKEN = "FwoGZXIvYXdzEFAKEsessionTOKEN0123456789xyz";

  private SecretFreeLogs() {}

  /**
   * Runs a main class in its own JVM with this JVM's class path, against the emulator, with the
   * fake temporary credentials (no other {@code AWS_*} variable, no profile files).
   *
   * @param aws the emulator
   * @param dir a scratch directory (the output is written there)
   * @param jvmArgs options for the child JVM
   * @param main the main class
   * @param args its arguments
   * @return standard output and standard error, merged
   * @throws Exception when the process cannot be started or is interrupted
   */
  public static String runJava(AwsEmulator aws, Path dir, List<String> jvmArgs, String main,
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

  /**
   * Asserts the output of a verbose run shows signed requests and none of the secrets: the
   * secret key, the session token, a signature or the security-token header.
   *
   * @param output what {@link #runJava} returned
   */
  public static void assertNoSecrets(String output) {
    // proof that the run was verbose and signed requests: the SDK's own DEBUG lines are there
    assertTrue(output.contains("DEBUG software.amazon.awssdk.request"), output);
    assertTrue(!output.contains(SECRET_KEY), "secret key printed");
    assertTrue(!output.contains(SESSION_TOKEN), "session token printed");
    assertTrue(!output.contains("Signature="), "signature printed");
    assertTrue(!output.toLowerCase(Locale.ROOT).contains("x-amz-security-token:"),
        "security token header printed");
  }
}
