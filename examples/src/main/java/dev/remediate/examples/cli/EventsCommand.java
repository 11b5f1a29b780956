package dev.remediate.examples.cli;

import dev.remediate.core.event.EventSummaries;
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
 * {@code remediate events [--summary|--count] FILE...}: reads CloudTrail records in any shape
 * (S3 log files, gzip, arrays, NDJSON, EventBridge envelopes, lookup-events output; {@code -} for
 * standard input) and prints one JSON line per record ({@link EventSummaries#line}), counts by event
 * source and name ({@code --summary}), or the number of records ({@code --count}). On malformed
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
    boolean summary = mode != null && mode.summary;
    boolean count = mode != null && mode.count;
    EventSummaries.Tally tally = EventSummaries.tally();
    // A count or summary of input that could not be read would be a wrong number: on failure,
    // nothing is printed on standard output (the records before it are, one line each).
    EventInputs.Read read = EventInputs.forEach(files, env().stdin(), event -> {
      tally.add(event);
      if (!summary && !count) {
        out.println(EventSummaries.line(event));
      }
    });
    if (summary) {
      printSummary(out, tally);
    } else if (count) {
      out.println(tally.total());
    }
    out.flush();
    if (read.digests() > 0) {
      err().println("remediate: " + read.skippedNote().substring(2) + " (hashes of log files, "
          + "not records)");
    }
    return Remediate.EXIT_OK;
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
    out.printf("%8d  records%n", total);
  }
}
