package dev.remediate.examples.cli;

import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.CloudTrailParseException;
import dev.remediate.core.event.CloudTrailReader;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Streams the CloudTrail records of the files a command names ({@code -} is standard input), in
 * any shape {@link CloudTrailReader} reads. Malformed input ends the stream with a
 * {@link CliException} (exit 2) naming the file and the position, after every record before it
 * was handed out.
 */
final class EventInputs {
  static final String STDIN = "-";

  private EventInputs() {}

  static void forEach(List<String> files, InputStream stdin, Consumer<CloudTrailEvent> action) {
    for (String file : files) {
      try (CloudTrailReader reader = file.equals(STDIN) ? CloudTrailReader.open(stdin, "<stdin>")
          : CloudTrailReader.open(Path.of(file))) {
        while (reader.hasNext()) {
          action.accept(reader.next());
        }
      } catch (CloudTrailParseException e) {
        throw CliException.badInput(e.getMessage());
      }
    }
  }
}
