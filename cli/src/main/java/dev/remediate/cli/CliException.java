package dev.remediate.cli;

/**
 * A failure the command-line tool reports as one line on standard error with a given exit code,
 * never with a stack trace (unless {@code --log-level debug}).
 *
 * <pre>{@code
 * throw CliException.badInput("cannot read plans.json: no such file");
 * }</pre>
 */
public final class CliException extends RuntimeException {
  /** Serialization version. */
  private static final long serialVersionUID = 1L;

  /** The process exit code. */
  private final int exitCode;

  /**
   * Creates an exception.
   *
   * @param exitCode the process exit code, e.g. {@link Remediate#EXIT_BAD_INPUT}
   * @param message one line naming what was wrong
   */
  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  /**
   * Bad input: an unreadable file, a malformed document, an unknown id; exit code 2.
   *
   * @param message one line naming the bad value
   * @return the exception
   */
  public static CliException badInput(String message) {
    return new CliException(Remediate.EXIT_BAD_INPUT, message);
  }

  /** @return the process exit code */
  public int exitCode() {
    return exitCode;
  }
}
