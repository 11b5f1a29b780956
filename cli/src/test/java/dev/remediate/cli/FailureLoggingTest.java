package dev.remediate.cli;

import dev.remediate.testing.SecretFreeLogs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A failed step is reported once on the tool's standard error: by the tool's own
 * {@code remediate: failed ...} line, not again by the library's logger at the default level (it
 * logs at DEBUG, which {@code --log-level debug} shows). The apply runs in its own JVM, where the
 * tool configures logging as it does for a user.
 */
@ExtendWith(AwsEmulatorExtension.class)
class FailureLoggingTest {
  @TempDir
  Path dir;

  @Test
  void apply_failedStep_isOneLineOnStandardErrorAtTheDefaultLevel(AwsEmulator aws)
      throws Exception {
    aws.client(Ec2Client.class, Ec2Client::builder).createVpc(r -> r.cidrBlock("10.7.0.0/16"));
    aws.client(S3Client.class, S3Client::builder).createBucket(r -> r.bucket("fail-flow-logs"));
    Path plans = dir.resolve("plans.json");
    // moto answers flow logs to a prefixed S3 destination with Unsuccessful (AWS-FACTS.md): the
    // CreateFlowLogs step of every VPC fails
    Remediate.Result scan = Remediate.run(CliTesting.real(aws), "scan", "--region",
        "us-east-1", "--only", "ec2.vpc-flow-logs", "--set", "flowLogs.s3Bucket=fail-flow-logs",
        "--set", "flowLogs.prefix=vpc", "--out", plans.toString());
    assertEquals(Remediate.EXIT_CHANGES, scan.exitCode(), scan.toString());

    String output = SecretFreeLogs.runJava(aws, dir, List.of(), Remediate.class.getName(),
        "apply", "--yes", plans.toString());

    assertTrue(output.contains("remediate: failed "), output);
    assertFalse(output.contains("PlanSetApplier"), "the library's line duplicates the tool's: "
        + output);

    String debug = SecretFreeLogs.runJava(aws, dir, List.of(), Remediate.class.getName(),
        "apply", "--yes", "--log-level", "debug", plans.toString());
    assertTrue(debug.contains("DEBUG dev.remediate.core.PlanSetApplier - Step CreateFlowLogs on "),
        debug);
  }
}
