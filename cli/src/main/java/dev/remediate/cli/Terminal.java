package dev.remediate.cli;

import org.jspecify.annotations.Nullable;

/**
 * Where the command-line tool asks a person for confirmation. {@link #system()} uses the process's
 * console; tests pass a scripted one.
 *
 * <pre>{@code
 * Terminal scripted = Terminal.answering("yes");
 * }</pre>
 */
public interface Terminal {
  /** @return true when a person can answer (standard input and standard error are a terminal) */
  boolean isInteractive();

  /**
   * Asks a question and reads one line.
   *
   * @param prompt the question
   * @return the answer, or null at end of input
   */
  @Nullable String ask(String prompt);

  /**
   * The process's terminal: interactive when standard input (where the answer is read) and
   * standard error (where the question and progress go) are a terminal, whatever standard output
   * is, so that {@code remediate apply plans.json | tee log} still asks.
   *
   * @return the terminal
   */
  static Terminal system() {
    return system(Terminal::isTty);
  }

  /**
   * The process's terminal, with a given test of which standard streams are terminals.
   *
   * @param isTty tells whether file descriptor 0, 1 or 2 is a terminal
   * @return the terminal: it asks on standard error and reads standard input
   */
  static Terminal system(java.util.function.IntPredicate isTty) {
    return new Terminal() {
      private @Nullable Boolean interactive;
      private java.io.@Nullable BufferedReader in;

      @Override
      public synchronized boolean isInteractive() {
        if (interactive == null) {
          interactive = isTty.test(0) && isTty.test(2);
        }
        return interactive;
      }

      @Override
      public synchronized @Nullable String ask(String prompt) {
        System.err.print(prompt);
        System.err.flush();
        if (in == null) {
          in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
              java.nio.charset.Charset.defaultCharset()));
        }
        try {
          return in.readLine();
        } catch (java.io.IOException e) {
          return null;
        }
      }
    };
  }

  /**
   * Whether a standard stream of this process is a terminal: {@code test -t FD} run with that
   * stream inherited; where that cannot run (no POSIX shell), the JVM's console.
   *
   * @param fd 0, 1 or 2
   * @return true for a terminal
   */
  static boolean isTty(int fd) {
    ProcessBuilder test = new ProcessBuilder("sh", "-c", "test -t " + fd);
    switch (fd) {
      case 0 -> test.redirectInput(ProcessBuilder.Redirect.INHERIT);
      case 1 -> test.redirectOutput(ProcessBuilder.Redirect.INHERIT);
      default -> test.redirectError(ProcessBuilder.Redirect.INHERIT);
    }
    try {
      return test.start().waitFor() == 0;
    } catch (java.io.IOException e) {
      return System.console() != null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** @return a terminal that is not interactive (scripts, pipes, tests) */
  static Terminal none() {
    return new Terminal() {
      @Override
      public boolean isInteractive() {
        return false;
      }

      @Override
      public @Nullable String ask(String prompt) {
        return null;
      }
    };
  }

  /**
   * A scripted interactive terminal for tests.
   *
   * @param answer the answer given to every question
   * @return the terminal
   */
  static Terminal answering(String answer) {
    return new Terminal() {
      @Override
      public boolean isInteractive() {
        return true;
      }

      @Override
      public String ask(String prompt) {
        return answer;
      }
    };
  }
}
