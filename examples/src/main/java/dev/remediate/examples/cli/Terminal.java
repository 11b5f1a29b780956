package dev.remediate.examples.cli;

import java.io.Console;
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
  /** @return true when a person can answer (standard input and output are a terminal) */
  boolean isInteractive();

  /**
   * Asks a question and reads one line.
   *
   * @param prompt the question
   * @return the answer, or null at end of input
   */
  @Nullable String ask(String prompt);

  /** @return the process's console, interactive only when there is one */
  static Terminal system() {
    return new Terminal() {
      @Override
      public boolean isInteractive() {
        return System.console() != null;
      }

      @Override
      public @Nullable String ask(String prompt) {
        Console console = System.console();
        return console == null ? null : console.readLine("%s", prompt);
      }
    };
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
