package dev.remediate.cli;

import java.io.PrintWriter;

/**
 * Progress of a long operation on standard error: a bar redrawn in place on a terminal, one plain
 * line per item otherwise (logs, pipes, tests).
 *
 * <pre>{@code
 * Progress progress = new Progress(err, terminal.isInteractive(), "scan", 20);
 * progress.advance("ec2.vpc-flow-logs in eu-west-1");
 * progress.done();
 * }</pre>
 */
public final class Progress {
  private static final int WIDTH = 24;

  private final PrintWriter err;
  private final boolean bar;
  private final String label;
  private final int total;
  private int done;

  /**
   * Starts progress reporting.
   *
   * @param err where to report
   * @param bar true to draw a bar (a terminal)
   * @param label what is progressing, e.g. {@code scan}
   * @param total how many items
   */
  public Progress(PrintWriter err, boolean bar, String label, int total) {
    this.err = err;
    this.bar = bar;
    this.label = label;
    this.total = Math.max(total, 1);
  }

  /**
   * Reports that an item is starting.
   *
   * @param item what is being worked on
   */
  public void advance(String item) {
    done++;
    if (bar) {
      int filled = WIDTH * (done - 1) / total;
      err.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] "
          + done + "/" + total + " " + item + "\u001b[K");
      err.flush();
    } else {
      err.println(label + " " + done + "/" + total + ": " + item);
    }
  }

  /**
   * Prints a line (e.g. an error) without garbling the bar: the bar is cleared first and redrawn
   * by the next {@link #advance}.
   *
   * @param line the line
   */
  public void println(String line) {
    if (bar) {
      err.print("\r\u001b[K");
    }
    err.println(line);
  }

  /** Ends the report (clears the bar). */
  public void done() {
    if (bar) {
      err.print("\r\u001b[K");
      err.flush();
    }
  }
}
