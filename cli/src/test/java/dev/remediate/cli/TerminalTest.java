package dev.remediate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** "Terminal" means standard input (the answer) and standard error (the question). */
@ExtendWith(AwsEmulatorExtension.class)
class TerminalTest {
  @TempDir
  Path dir;

  @Test
  void system_interactiveWhenStdinAndStderrAreTerminals_whateverStdoutIs() {
    assertTrue(Terminal.system(fd -> fd != 1).isInteractive(), "stdout piped to tee");
    assertFalse(Terminal.system(fd -> fd != 0).isInteractive(), "stdin is a pipe");
    assertFalse(Terminal.system(fd -> fd != 2).isInteractive(), "stderr redirected");
    assertTrue(Terminal.system(fd -> true).isInteractive());
  }

  @Test
  void system_inAPipeline_isNotInteractive() {
    // surefire's forked JVM reads and writes pipes
    assertFalse(Terminal.system().isInteractive());
  }

  /** {@code remediate apply plans.json | cat > log} in a pseudo-terminal asks, and applies. */
  @Test
  void apply_stdoutPipedFromATerminal_asksAndApplies(AwsEmulator aws) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script is needed");
    CliEnvironment env = CliTesting.real(aws);
    Path plans = dir.resolve("plans.json");
    Remediate.Result scan = Remediate.run(env, "scan", "--region", "us-east-1", "--only",
        "ec2.default-security-group", "--out", plans.toString());
    assertEquals(Remediate.EXIT_CHANGES, scan.exitCode(), scan.toString());
    Path log = dir.resolve("log.txt");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command = "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' "
        + Remediate.class.getName() + " apply --region us-east-1 --endpoint "
        + aws.endpoint() + " '" + plans + "' | cat > '" + log + "'";
    Path answer = Files.writeString(dir.resolve("answer.txt"), "yes\n");
    ProcessBuilder pb = new ProcessBuilder("script", "-qec", command, "/dev/null")
        .redirectInput(answer.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("terminal.txt").toFile());
    pb.environment().put("AWS_ACCESS_KEY_ID", "testing");
    pb.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
    Process process = pb.start();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS));
    String terminal = Files.readString(dir.resolve("terminal.txt"), StandardCharsets.UTF_8);
    String logged = Files.readString(log, StandardCharsets.UTF_8);
    assertTrue(terminal.contains("Only 'yes' is accepted"), "asked on the terminal: " + terminal);
    assertTrue(logged.contains("APPLIED: ec2.default-security-group"), logged + terminal);
    assertTrue(!logged.contains("Only 'yes' is accepted"), "the question is not in the log");
    assertEquals(Remediate.EXIT_OK, Remediate.run(env, "scan", "--region", "us-east-1",
        "--only", "ec2.default-security-group").exitCode());
    assertTrue(List.of(0).contains(process.exitValue()), terminal);
  }
}
