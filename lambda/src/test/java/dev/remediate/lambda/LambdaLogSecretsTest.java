package dev.remediate.lambda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.SecretFreeLogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * No log level of the Lambda handler prints a secret key, a session token or a request signature:
 * the handler on one CreateVpc event at TRACE in its own JVM with known fake temporary credentials,
 * its whole output searched ({@link SecretFreeLogs}).
 */
@ExtendWith(AwsEmulatorExtension.class)
class LambdaLogSecretsTest {
  private static final List<String> TRACE =
      List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=trace");

  @TempDir
  Path dir;

  @Test
  void handler_traceWithTemporaryCredentials_printsNoSecret(AwsEmulator aws) throws Exception {
    Path event = dir.resolve("event.json");
    Files.writeString(event, RemediateHandlerTest.envelope("vpc-0a1b2c3d", "123456789012"));
    String output = SecretFreeLogs.runJava(aws, dir, TRACE, LambdaAtTrace.class.getName(),
        event.toString());
    assertTrue(output.contains("handled") || output.contains("handler failed"), output);
    SecretFreeLogs.assertNoSecrets(output);
  }

  @Test
  void withoutTheQuietLoggers_theSignerWouldPrintTheToken(AwsEmulator aws) throws Exception {
    // the same kind of run with no protection installed: shows the test can fail
    String output = SecretFreeLogs.runJava(aws, dir, TRACE, LambdaAtTrace.Unsafe.class.getName());
    assertTrue(output.contains(SecretFreeLogs.SESSION_TOKEN), output);
  }
}
