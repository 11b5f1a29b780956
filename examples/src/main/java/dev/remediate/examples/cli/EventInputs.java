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
 * folder stands for the {@code .json} and {@code .json.gz} files below it), in
 * any shape {@link CloudTrailReader} reads. Malformed input ends the stream with a
 * {@link CliException} (exit 2) naming the file and the position, after every record before it
 * was handed out.
 */
final class EventInputs {
  static final String STDIN = "-";

  private EventInputs() {}

  static void forEach(List<String> names, InputStream stdin, Consumer<CloudTrailEvent> action) {
    for (String file : expand(names)) {
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

  /** Replaces each folder by the {@code .json} and {@code .json.gz} files below it, sorted. */
  static List<String> expand(List<String> names) {
    List<String> files = new ArrayList<>();
    for (String name : names) {
      Path path = Path.of(name);
      if (name.equals(STDIN) || !Files.isDirectory(path)) {
        files.add(name);
        continue;
      }
      try (Stream<Path> walk = Files.walk(path)) {
        walk.filter(Files::isRegularFile)
            .map(Path::toString)
            .filter(p -> p.endsWith(".json") || p.endsWith(".json.gz"))
            .sorted()
            .forEach(files::add);
      } catch (IOException | UncheckedIOException e) {
        throw CliException.badInput("cannot list " + name + ": " + e.getMessage());
      }
    }
    return files;
  }
}
