package dev.remediate.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.EmulatorFixtures;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The deployment jar the SAM template points at ({@code target/remediate-lambda-<version>-all.jar})
 * runs the handler on its own: a JVM whose class path is that jar and this module's test classes
 * (for {@link LambdaAtTrace}, which calls the handler as the Lambda runtime does) handles a
 * CreateVpc event against the emulator and restricts the new VPC's default group. Runs in the
 * {@code integration-test} phase, after {@code package} made the jar.
 */
@ExtendWith(AwsEmulatorExtension.class)
class DeploymentJarIT {
  @TempDir
  Path dir;

  @Test
  void handler_fromTheDeploymentJarAlone_remediatesANewVpc(AwsEmulator aws) throws Exception {
    Path jar = Path.of(System.getProperty("remediate.lambdaJar"));
    assertTrue(Files.isRegularFile(jar), "the deployment jar exists: " + jar);
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String vpcId = EmulatorFixtures.vpcWithAwsDefaultGroup(ec2);
    Path event = dir.resolve("event.json");
    Files.writeString(event, RemediateHandlerTest.envelope(vpcId, "123456789012"));
    Path testClasses = Path.of(LambdaAtTrace.class.getProtectionDomain().getCodeSource()
        .getLocation().toURI());
    ProcessBuilder pb = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        jar + File.pathSeparator + testClasses, LambdaAtTrace.class.getName(), event.toString()))
        .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("REMEDIATE_"));
    pb.environment().put("AWS_ENDPOINT_URL", aws.endpoint().toString());
    pb.environment().put("AWS_REGION", "us-east-1");
    pb.environment().put("AWS_ACCESS_KEY_ID", "testing");
    pb.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
    pb.environment().put(LambdaSettings.DRY_RUN, "false");
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished in time");
    String output = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), output);
    int ingressRules = ec2.describeSecurityGroups(q -> q.filters(
        f -> f.name("vpc-id").values(vpcId), f -> f.name("group-name").values("default")))
        .securityGroups().get(0).ipPermissions().size();
    assertEquals(0, ingressRules, "the default group lost its ingress rule: " + output);
  }
}
