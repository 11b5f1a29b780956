package dev.remediate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.EmulatorFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The distribution archive as a user gets it from a release: unpacked outside the repository,
 * {@code bin/remediate} runs with nothing but Java (an environment holding only a shell and
 * {@code dirname} besides the JDK: no Maven, no repository, no AWS configuration), and scans the
 * emulator with the archive's jars alone. Runs in the
 * {@code integration-test} phase, after {@code package} made the archive.
 */
class DistributionIT {
  @TempDir
  static Path work;

  private static Path home;

  @BeforeAll
  static void unpack() throws Exception {
    Path archive = Path.of(System.getProperty("remediate.dist"));
    assertTrue(Files.isRegularFile(archive), "the archive exists: " + archive);
    Path tools = Files.createDirectories(work.resolve("tools"));
    for (String tool : List.of("sh", "dirname", "tar", "gzip")) {
      Files.createSymbolicLink(tools.resolve(tool), which(tool));
    }
    Result untar = run(List.of("tar", "-xzf", archive.toString(), "-C", work.toString()),
        Map.of("PATH", tools.toString()));
    assertEquals(0, untar.exit(), untar.output());
    home = work.resolve("remediate-" + System.getProperty("remediate.version"));
  }

  @Test
  void catalog_withJavaHomeAndNothingElse_listsTheCatalog() throws Exception {
    Result r = run(List.of(home.resolve("bin/remediate").toString(), "catalog"),
        Map.of("PATH", work.resolve("tools").toString(), "JAVA_HOME", javaHome(),
            "HOME", work.toString()));
    assertEquals(0, r.exit(), r.output());
    for (String id : List.of("ec2.vpc-flow-logs", "ec2.security-group-open-ports",
        "cloudtrail.trail", "iam.deactivate-access-key", "guardduty.detector")) {
      assertTrue(r.output().contains(id), id + " listed: " + r.output());
    }
  }

  @Test
  void version_withJavaOnThePath_isTheArchivesVersion() throws Exception {
    Result r = run(List.of(home.resolve("bin/remediate").toString(), "--version"),
        Map.of("PATH", work.resolve("tools") + ":" + Path.of(javaHome(), "bin"),
            "HOME", work.toString()));
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains(System.getProperty("remediate.version")), r.output());
  }

  @Test
  void withoutJava_saysSoAndExits2() throws Exception {
    Result r = run(List.of(home.resolve("bin/remediate").toString(), "catalog"),
        Map.of("PATH", work.resolve("tools").toString(), "HOME", work.toString()));
    assertEquals(2, r.exit(), r.output());
    assertTrue(r.output().contains("no Java found"), r.output());
  }

  @Test
  void lib_holdsTheToolAndItsRuntimeOnly() throws IOException {
    List<String> jars;
    try (Stream<Path> files = Files.list(home.resolve("lib"))) {
      jars = files.map(f -> f.getFileName().toString()).sorted().toList();
    }
    List<String> needed = new ArrayList<>(List.of("remediate-cli-", "remediate-core-",
        "remediate-ec2-", "remediate-cloudtrail-", "remediate-iam-", "picocli-", "slf4j-simple-",
        "apache-client-", "jackson-dataformat-yaml-"));
    // the SDK service clients of the catalog's remediations and of the tool itself
    for (String service : List.of("ec2", "s3", "iam", "kms", "sns", "sts", "organizations",
        "cloudwatch", "cloudwatchlogs", "autoscaling", "cloudtrail", "config", "guardduty",
        "ssm")) {
      needed.add(service + "-2.");
    }
    for (String jar : needed) {
      assertTrue(jars.stream().anyMatch(j -> j.startsWith(jar)), jar + " in " + jars);
    }
    for (String unwanted : List.of("netty", "junit", "remediate-testing", "mockito",
        "aws-lambda-java")) {
      assertTrue(jars.stream().noneMatch(j -> j.contains(unwanted)), unwanted + " in " + jars);
    }
    assertTrue(Files.isExecutable(home.resolve("bin/remediate")), "bin/remediate executable");
    assertTrue(Files.isRegularFile(home.resolve("LICENSE")), "LICENSE");
  }

  @Test
  @ExtendWith(AwsEmulatorExtension.class)
  void scan_againstTheEmulator_plansTheDefaultGroupOfANewVpc(AwsEmulator aws) throws Exception {
    String vpcId = EmulatorFixtures.vpcWithAwsDefaultGroup(
        aws.client(Ec2Client.class, Ec2Client::builder));
    Result r = run(List.of(home.resolve("bin/remediate").toString(), "scan", "--only",
        "ec2.default-security-group", "--region", "us-east-1"),
        Map.of("PATH", work.resolve("tools").toString(), "JAVA_HOME", javaHome(),
            "HOME", work.toString(), "AWS_ENDPOINT_URL", aws.endpoint().toString(),
            "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing"));
    // exit 3: changes planned, among them the new VPC's default group
    assertEquals(3, r.exit(), r.output());
    String groupId = aws.client(Ec2Client.class, Ec2Client::builder).describeSecurityGroups(
        q -> q.filters(f -> f.name("vpc-id").values(vpcId),
            f -> f.name("group-name").values("default"))).securityGroups().get(0).groupId();
    assertTrue(r.output().contains(groupId), groupId + " planned: " + r.output());
  }

  private static String javaHome() {
    return System.getProperty("java.home");
  }

  private static Path which(String tool) {
    for (String dir : List.of("/usr/bin", "/bin")) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no " + tool + " in /usr/bin or /bin");
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).directory(work.toFile())
        .redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished in time: " + command);
    return new Result(p.exitValue(), output);
  }
}
