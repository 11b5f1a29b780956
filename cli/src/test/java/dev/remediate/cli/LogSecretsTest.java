package dev.remediate.cli;

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
 * No log level of the CLI prints a secret key, a session token or a request signature: a scan at
 * {@code --log-level trace} in its own JVM with known fake temporary credentials, its whole output
 * searched ({@link SecretFreeLogs}; the Lambda handler's and the example programs' runs are tested
 * in their modules).
 */
@ExtendWith(AwsEmulatorExtension.class)
class LogSecretsTest {
  @TempDir
  Path dir;

  @Test
  void cli_traceWithTemporaryCredentials_printsNoSecret(AwsEmulator aws) throws Exception {
    String output = SecretFreeLogs.runJava(aws, dir, List.of(), Remediate.class.getName(), "scan",
        "--only", "ec2.default-security-group", "--log-level", "trace");
    assertTrue(output.contains("ec2.default-security-group on "), output);
    SecretFreeLogs.assertNoSecrets(output);
  }
}
