package dev.remediate.examples.programs;

import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.CloudTrailReader;
import dev.remediate.core.event.EventRouter;
import dev.remediate.core.event.RoutedRemediation;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Reads a day of CloudTrail log files from a folder (as {@code aws s3 sync} leaves them:
 * {@code AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/*.json.gz}), counts the records by
 * event, and lists the remediations the event rules call for. Reads only; needs no AWS.
 *
 * <pre>{@code
 * ReadCloudTrailFolder ~/trail/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/27
 * ReadCloudTrailFolder            # writes a small sample day to a temporary folder first
 * }</pre>
 */
public final class ReadCloudTrailFolder {
  private ReadCloudTrailFolder() {}

  /**
   * Runs the example.
   *
   * @param args {@code [FOLDER]}
   * @throws IOException when the folder cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (args.length > 0) {
      summarize(Path.of(args[0]), EventRouter.load(), System.out);
      return;
    }
    Path sample = sampleDay();
    try {
      summarize(sample, EventRouter.load(), System.out);
    } finally {
      deleteSample(sample);
    }
  }

  /**
   * Deletes a sample day written by {@link #sampleDay()}, with the temporary folder above it.
   *
   * @param day the folder {@link #sampleDay()} returned
   * @throws IOException when it cannot be deleted
   */
  static void deleteSample(Path day) throws IOException {
    Path top = day;
    for (int i = 0; i < SAMPLE_DEPTH; i++) {
      top = top.getParent();
    }
    try (Stream<Path> walk = Files.walk(top)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Folders between the temporary folder and a sample day (AWSLogs/.../2026/11/27). */
  private static final int SAMPLE_DEPTH = 7;

  /**
   * Reads every {@code .json} and {@code .json.gz} file below a folder.
   *
   * @param folder the folder
   * @param router routes each record to the remediations it calls for
   * @param out where to print
   * @return the number of records read
   * @throws IOException when the folder cannot be listed
   */
  public static long summarize(Path folder, EventRouter router, PrintStream out)
      throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    long records = 0;
    List<Path> files;
    try (Stream<Path> walk = Files.walk(folder)) {
      // digest files (CloudTrail-Digest/, when log file validation is on) hold hashes, not
      // records
      files = walk.filter(Files::isRegularFile)
          .filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".json.gz"))
          .filter(p -> !folder.relativize(p).toString().contains("CloudTrail-Digest"))
          .sorted().toList();
    }
    for (Path file : files) {
      try (CloudTrailReader reader = CloudTrailReader.open(file)) {
        while (reader.hasNext()) {
          CloudTrailEvent event = reader.next();
          records++;
          counts.merge(event.eventSource() + " " + event.eventName(), 1L, Long::sum);
          for (RoutedRemediation routed : router.route(event)) {
            out.println("calls for: " + routed.remediation().spec() + " (rule "
                + routed.ruleId() + ", " + event.eventName() + " " + event.eventId() + ")");
          }
        }
      }
    }
    counts.forEach((event, n) -> out.printf("%6d  %s%n", n, event));
    out.println(records + " record(s) in " + files.size() + " file(s) under " + folder);
    return records;
  }

  /**
   * Writes a sample day: two gzip log files, as CloudTrail delivers them.
   *
   * @return the folder
   * @throws IOException when it cannot be written
   */
  static Path sampleDay() throws IOException {
    Path day = Files.createTempDirectory("remediate-cloudtrail-")
        .resolve("AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/27");
    Files.createDirectories(day);
    write(day.resolve("123456789012_CloudTrail_us-east-1_20261127T0905Z_a1.json.gz"),
        "{\"Records\":[" + SampleRecords.createVpc("vpc-0a1b2c3d4e5f60718", "1") + ","
            + SampleRecords.describeVpcs("2") + "]}");
    write(day.resolve("123456789012_CloudTrail_us-east-1_20261127T0910Z_b2.json.gz"),
        "{\"Records\":[" + SampleRecords.describeVpcs("3") + "]}");
    return day;
  }

  private static void write(Path file, String json) {
    try (GZIPOutputStream gz = new GZIPOutputStream(Files.newOutputStream(file))) {
      gz.write(json.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
