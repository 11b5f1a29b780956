package dev.remediate.lambda;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awssdk.services.sts.StsClient;

/** Runs the Lambda handler on one event file, as the Lambda runtime would (LambdaLogSecretsTest). */
final class LambdaAtTrace {
  private LambdaAtTrace() {}

  public static void main(String[] args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
      new RemediateHandler().handleRequest(in, out, null);
    } catch (IllegalStateException e) {
      // a failed remediation (the record's VPC is not in the emulator): still a signed run
      System.out.println("handler failed: " + e.getMessage());
    } finally {
      System.out.println("handled: " + out.toString(StandardCharsets.UTF_8));
    }
  }

  /** One signed call with no protection installed: what the quiet loggers prevent. */
  static final class Unsafe {
    private Unsafe() {}

    public static void main(String[] args) {
      try (StsClient sts = StsClient.create()) {
        sts.getCallerIdentity();
      }
    }
  }
}
