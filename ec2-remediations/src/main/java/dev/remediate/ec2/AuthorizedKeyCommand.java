package dev.remediate.ec2;

import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.aws.AwsErrors;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.waiters.SsmWaiter;

/**
 * The {@code SendCommand} step of {@link ReplaceSshKey}: a shell script run by
 * {@code AWS-RunShellScript} that replaces a user's {@code ~/.ssh/authorized_keys} with one public
 * key, then a bounded wait on {@code GetCommandInvocation} (the SDK's {@code CommandExecuted}
 * waiter: pending, in progress, delayed and "invocation does not exist yet" wait; success ends;
 * failed, cancelled and timed out fail the step with the status and the start of the standard
 * error).
 *
 * <p>The script writes the key to a new file created by {@code mktemp} in the same directory
 * (mode 600), gives it to the user, and renames it over {@code authorized_keys}: the swap is
 * atomic, so sshd never reads a half-written file; every other line of the old file is gone. The
 * user name and the public key are checked against strict patterns before they are quoted into the
 * script, so neither can inject shell.
 */
final class AuthorizedKeyCommand {
  /** How long the command may run on the instance, in seconds. */
  static final int EXECUTION_TIMEOUT_SECONDS = 120;
  /** How long the wait for the command lasts at most (or the scope's waiter timeout). */
  static final Duration WAIT = Duration.ofMinutes(10);
  private static final String PUBLIC_KEY = "(ssh-ed25519|ssh-rsa) [A-Za-z0-9+/]+={0,3}";

  private final SsmClient ssm;
  private final RemediationContext context;

  AuthorizedKeyCommand(SsmClient ssm, RemediationContext context) {
    this.ssm = ssm;
    this.context = context;
  }

  /**
   * Sends the script and waits for it.
   *
   * @param instanceId the instance
   * @param user the login user, already validated
   * @param keyName the key pair, for the key's comment
   * @param publicKey the key pair's public key as EC2 gives it ({@code type base64 [comment]})
   * @throws RemediationException when the command does not succeed in time
   */
  void replace(String instanceId, String user, String keyName, String publicKey) {
    List<String> script = script(user, keyLine(publicKey, keyName));
    String commandId = ssm.sendCommand(r -> r.instanceIds(instanceId)
        .documentName(ReplaceSshKey.DOCUMENT)
        .comment("Remediate " + ReplaceSshKey.ID + ": " + keyName)
        .timeoutSeconds(600)
        .parameters(Map.of("commands", script, "executionTimeout",
            List.of(String.valueOf(EXECUTION_TIMEOUT_SECONDS))))).command().commandId();
    context.progress("waiting for Run Command " + commandId + " on " + instanceId, -1);
    try (SsmWaiter waiter = SsmWaiter.builder().client(ssm)
        .overrideConfiguration(context.scope().waiterConfiguration(waitLimit())).build()) {
      waiter.waitUntilCommandExecuted(r -> r.commandId(commandId).instanceId(instanceId));
    } catch (SdkException e) {
      throw failed(commandId, instanceId, e);
    }
  }

  /** At most {@link #WAIT}, less when the scope's waiter timeout is shorter. */
  private Duration waitLimit() {
    Duration scope = context.scope().waiterTimeout();
    return scope.compareTo(WAIT) < 0 ? scope : WAIT;
  }

  private RemediationException failed(String commandId, String instanceId, SdkException e) {
    String detail;
    try {
      GetCommandInvocationResponse invocation = ssm.getCommandInvocation(r -> r
          .commandId(commandId).instanceId(instanceId));
      String err = invocation.standardErrorContent() == null ? ""
          : invocation.standardErrorContent().strip();
      detail = "status " + invocation.statusAsString() + (err.isEmpty() ? "" : ", stderr: "
          + (err.length() > 300 ? err.substring(0, 300) + "..." : err));
    } catch (RuntimeException read) {
      detail = "status unknown (" + AwsErrors.code(read) + ")";
    }
    return new RemediationException("Run Command " + commandId + " replacing the authorized "
        + "keys on " + instanceId + " did not succeed: " + detail + " (" + e.getMessage()
        + "). The key pair and its stored private key are kept: apply again", e);
  }

  /** The authorized_keys line: key type and body as EC2 gives them, our comment. */
  static String keyLine(String publicKey, String keyName) {
    String[] parts = publicKey.strip().split("\\s+");
    String line = parts.length >= 2 ? parts[0] + " " + parts[1] : publicKey.strip();
    if (!line.matches(PUBLIC_KEY)) {
      throw new RemediationException("The public key EC2 gave for " + keyName + " is not an "
          + "OpenSSH ed25519 or RSA key: refusing to write it");
    }
    return line + " remediate:" + keyName;
  }

  /**
   * The script, one command per line.
   *
   * @param user a validated user name ({@code [a-z_][a-z0-9_.-]*})
   * @param keyLine a validated key line (letters, digits, {@code +/=:._-} and spaces)
   * @return the lines
   */
  static List<String> script(String user, String keyLine) {
    return List.of(
        "set -eu",
        "user='" + user + "'",
        "key='" + keyLine + "'",
        "home=$(getent passwd \"$user\" | cut -d: -f6)",
        "if [ -z \"$home\" ]; then echo \"no user $user on this instance\" >&2; exit 3; fi",
        "group=$(id -gn \"$user\")",
        "dir=\"$home/.ssh\"",
        "mkdir -p \"$dir\"",
        "chown \"$user:$group\" \"$dir\"",
        "chmod 700 \"$dir\"",
        "old=0",
        "if [ -f \"$dir/authorized_keys\" ]; then old=$(grep -c . \"$dir/authorized_keys\" "
            + "|| true); fi",
        "tmp=$(mktemp \"$dir/.authorized_keys.remediate.XXXXXX\")",
        "printf '%s\\n' \"$key\" > \"$tmp\"",
        "chmod 600 \"$tmp\"",
        "chown \"$user:$group\" \"$tmp\"",
        "mv -f \"$tmp\" \"$dir/authorized_keys\"",
        "if command -v restorecon >/dev/null 2>&1; then restorecon \"$dir/authorized_keys\" "
            + "|| true; fi",
        "echo \"authorized_keys of $user: $old line(s) replaced by 1 key\"");
  }
}
