package dev.remediate.examples.programs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.SecretFreeLogs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * No log level of the example programs prints a secret key, a session token or a request
 * signature: one program at TRACE in its own JVM with known fake temporary credentials, its whole
 * output searched ({@link SecretFreeLogs}).
 */
@ExtendWith(AwsEmulatorExtension.class)
class ProgramLogSecretsTest {
  @TempDir
  Path dir;

  @Test
  void exampleProgram_traceWithTemporaryCredentials_printsNoSecret(AwsEmulator aws)
      throws Exception {
    String output = SecretFreeLogs.runJava(aws, dir,
        List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=trace"),
        EnableEbsEncryptionByDefaultExample.class.getName(), "--endpoint",
        aws.endpoint().toString(), "--region", "us-east-1");
    assertTrue(output.contains("Plan only: nothing changed."), output);
    SecretFreeLogs.assertNoSecrets(output);
  }
}
