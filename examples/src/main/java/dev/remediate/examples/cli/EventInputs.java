package dev.remediate.examples.cli;

import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.CloudTrailParseException;
import dev.remediate.core.event.CloudTrailReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Streams the CloudTrail records of the files a command names ({@code -} is standard input; a
 * folder stands for the {@code .json} and {@code .json.gz} files below it, digest files left out),
 * in any shape {@link CloudTrailReader} reads. Malformed input ends the stream with a
 * {@link CliException} (exit 2) naming the file and the position, after every record before it
 * was handed out.
 *
 * <p>A folder synced from a trail's bucket holds, next to {@code AWSLogs/<account>/CloudTrail/},
 * {@code AWSLogs/<account>/CloudTrail-Digest/} when log file validation is on: digest files hold
 * hashes of log files, not records, and are skipped and counted ({@link Read#digests()}). A
 * digest file named on the command line is still refused by the reader.
 */
final class EventInputs {
  static final String STDIN = "-";
  /** The folder CloudTrail writes digest files to, and the part of their names that says so. */
  static final String DIGEST = "CloudTrail-Digest";

  private EventInputs() {}

  /** The files to read and how many digest files the folders held. */
  record Read(List<String> names, int digests) {
    /** @return e.g. {@code "; skipped 2 digest files"}, or nothing */
    String skippedNote() {
      return digests == 0 ? "" : "; skipped " + digests + " digest file" + (digests == 1 ? "" : "s");
    }
  }

  /**
   * Hands every record of the named inputs to {@code action}, in order.
   *
   * @return the files read
   */
  static Read forEach(List<String> names, InputStream stdin, Consumer<CloudTrailEvent> action) {
    Read files = expand(names);
    for (String file : files.names()) {
      if (!file.equals(STDIN) && !Files.exists(Path.of(file))) {
        throw CliException.badInput("no such file: " + file);
      }
      try (CloudTrailReader reader = file.equals(STDIN) ? CloudTrailReader.open(stdin, "<stdin>")
          : CloudTrailReader.open(Path.of(file))) {
        while (reader.hasNext()) {
          action.accept(reader.next());
        }
      } catch (CloudTrailParseException e) {
        throw CliException.badInput(e.getMessage());
      }
    }
    return files;
  }

  /**
   * Replaces each folder by the {@code .json} and {@code .json.gz} files below it, sorted, digest
   * files left out and counted.
   */
  static Read expand(List<String> names) {
    List<String> files = new ArrayList<>();
    int digests = 0;
    for (String name : names) {
      Path path = Path.of(name);
      if (name.equals(STDIN) || !Files.isDirectory(path)) {
        files.add(name);
        continue;
      }
      List<Path> found;
      try (Stream<Path> walk = Files.walk(path)) {
        found = walk.filter(Files::isRegularFile)
            .filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".json.gz"))
            .sorted().toList();
      } catch (IOException | UncheckedIOException e) {
        throw CliException.badInput("cannot list " + name + ": " + e.getMessage());
      }
      for (Path file : found) {
        if (isDigest(path.relativize(file))) {
          digests++;
        } else {
          files.add(file.toString());
        }
      }
    }
    return new Read(files, digests);
  }

  /**
   * A digest file as CloudTrail names it: below a {@code CloudTrail-Digest} folder, or named
   * {@code <account>_CloudTrail-Digest_<region>_...json.gz}.
   */
  static boolean isDigest(Path relative) {
    for (Path part : relative) {
      if (part.toString().equals(DIGEST) || part.toString().contains("_" + DIGEST + "_")) {
        return true;
      }
    }
    return false;
  }
}
