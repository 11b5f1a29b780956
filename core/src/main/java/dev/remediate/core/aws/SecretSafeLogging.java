package dev.remediate.core.aws;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps secrets out of the logs at every level: the AWS SDK's request signers log each canonical
 * request at DEBUG, and a canonical request carries the session token of temporary credentials
 * ({@code x-amz-security-token}); the Apache HTTP client's header and wire loggers print the
 * {@code Authorization} header (with the signature) and STS responses (with credentials). Those
 * loggers are held at WARN (SLF4J simple logger) and OFF (java.util.logging, where the Apache
 * client's commons-logging goes), whatever level is asked for.
 *
 * <p>The command-line tool, the Lambda handler and the example programs call {@link #install()}
 * before any logger exists. People paste debug output into tickets.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   SecretSafeLogging.install();
 *   ...
 * }
 * }</pre>
 */
public final class SecretSafeLogging {
  /** Loggers that print secrets at DEBUG or TRACE. */
  public static final List<String> QUIET_LOGGERS = List.of(
      // SigV4 / SigV4a signers (current and legacy): canonical request with the session token
      "software.amazon.awssdk.http.auth",
      "software.amazon.awssdk.auth.signer",
      // Apache HTTP client: headers (Authorization, X-Amz-Security-Token) and raw bytes
      "org.apache.http.headers",
      "org.apache.http.wire");

  /** Strong references: java.util.logging forgets the level of a logger nobody holds. */
  private static final List<Logger> JUL = QUIET_LOGGERS.stream().map(Logger::getLogger).toList();

  private SecretSafeLogging() {}

  /** Holds the loggers that print secrets at WARN or above; call before any logger exists. */
  public static void install() {
    for (String name : QUIET_LOGGERS) {
      System.setProperty("org.slf4j.simpleLogger.log." + name, "warn");
    }
    JUL.forEach(logger -> logger.setLevel(Level.OFF));
  }
}
