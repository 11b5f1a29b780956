package dev.remediate.cli;

import dev.remediate.core.event.EventSummaries;
import dev.remediate.core.event.SecurityEvent;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code remediate events [--summary|--count] FILE...}: reads CloudTrail records and GuardDuty and
 * Security Hub findings in any shape (S3 log files, gzip, arrays, NDJSON, EventBridge envelopes,
 * lookup-events and get-findings output; {@code -} for standard input; folders read by a bounded
 * pool of threads, output in file order) and prints one JSON line per record or finding
 * ({@link EventSummaries#line(SecurityEvent)}), counts by event source and name and by finding type
 * ({@code --summary}), or the number of records and findings ({@code --count}). Records without
 * {@code eventSource}, {@code eventName} or {@code awsRegion} are read, counted and reported on
 * standard error (no rule can route them). On malformed
 * input it prints the records it could read, then one line naming the file and the position on
 * standard error, and exits 2.
 *
 * <pre>{@code
 * remediate events ~/trail/2026/11/27/*.json.gz | jq 'select(.eventName == "CreateVpc")'
 * remediate events --summary logs/
 * }</pre>
 */
@Command(name = "events", mixinStandardHelpOptions = true,
    description = "Prints CloudTrail records as one JSON line each, or counts them.")
public final class EventsCommand extends BaseCommand implements Callable<Integer> {
  @ArgGroup(exclusive = true)
  Mode mode;

  @Parameters(arity = "1..*", paramLabel = "FILE",
      description = "CloudTrail files in any shape, plain or gzip ('-' for standard input; a "
          + "folder for the .json and .json.gz files below it).")
  List<String> files = new ArrayList<>();

  /** {@code --summary} or {@code --count}. */
  static final class Mode {
    @Option(names = "--summary", required = true,
        description = "Print counts by eventSource and eventName.")
    boolean summary;

    @Option(names = "--count", required = true, description = "Print only the number of records.")
    boolean count;
  }

  /** Creates the command (picocli fills its fields). */
  public EventsCommand() {}

  @Override
  public Integer call() {
    checkGlobalOptions();
    PrintWriter out = out();
    boolean lines = mode == null;
    EventSummaries.Tally tally = EventSummaries.tally();
    // A count or summary of input that could not be read would be a wrong number: on failure,
    // nothing is printed on standard output (the records before it are, one line each).
    EventInputs.Read read = EventInputs.forEach(files, env().stdin(),
        new EventInputs.Handler<Output>() {
          @Override
          public Output buffer() {
            return new Output(lines);
          }

          @Override
          public void add(Output buffer, SecurityEvent item) {
            buffer.add(item);
          }

          @Override
          public void flush(Output buffer) {
            tally.addAll(buffer.tally);
            out.print(buffer.text);
          }

          @Override
          public void direct(SecurityEvent item) {
            tally.add(item);
            if (lines) {
              out.println(EventSummaries.line(item));
            }
          }
        });
    if (mode != null && mode.summary) {
      printSummary(out, tally);
    } else if (mode != null) {
      out.println(tally.total());
    }
    out.flush();
    if (read.digests() > 0) {
      err().println("remediate: " + read.skippedNote().substring(2) + " (hashes of log files, "
          + "not records)");
    }
    if (tally.unroutable() > 0) {
      err().println("remediate: " + tally.unroutable() + " record(s) without eventSource, "
          + "eventName or awsRegion: no rule can route them");
    }
    return Remediate.EXIT_OK;
  }

  /** One file's lines and counts, made on a reading thread. */
  private static final class Output {
    final boolean lines;
    final EventSummaries.Tally tally = EventSummaries.tally();
    final StringBuilder text = new StringBuilder();

    Output(boolean lines) {
      this.lines = lines;
    }

    void add(SecurityEvent item) {
      tally.add(item);
      if (lines) {
        text.append(EventSummaries.line(item)).append(System.lineSeparator());
      }
    }
  }

  private static void printSummary(PrintWriter out, EventSummaries.Tally tally) {
    Map<String, Long> counts = new TreeMap<>();
    tally.toJson().path("eventSources").fields().forEachRemaining(source ->
        source.getValue().path("eventNames").fields().forEachRemaining(name ->
            counts.put(source.getKey() + " " + name.getKey(), name.getValue().asLong())));
    long total = tally.total();
    List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
        .thenComparing(Map.Entry.comparingByKey()));
    for (Map.Entry<String, Long> entry : entries) {
      out.printf("%8d  %s%n", entry.getValue(), entry.getKey());
    }
    tally.findings().forEach((type, n) -> out.printf("%8d  %s%n", n, type));
    if (tally.unroutable() > 0) {
      out.printf("%8d  records without eventSource, eventName or awsRegion%n", tally.unroutable());
    }
    long findings = tally.findings().values().stream().mapToLong(Long::longValue).sum();
    out.printf("%8d  records%n", total - findings);
    if (findings > 0) {
      out.printf("%8d  findings%n", findings);
    }
  }
}
