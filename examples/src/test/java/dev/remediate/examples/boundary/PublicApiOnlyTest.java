package dev.remediate.examples.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The command-line tool, the Lambda adapter and the example programs use the library as a user
 * does: no {@code internal} package and no generated {@code Immutable*} type of another module.
 * Fails the build when one is imported.
 */
class PublicApiOnlyTest {
  private static final Pattern FORBIDDEN = Pattern.compile(
      "^import\\s+(static\\s+)?dev\\.remediate\\.[\\w.]*(\\.internal\\.|\\.Immutable)\\w*",
      Pattern.MULTILINE);

  /** The main sources of the command-line tool, the Lambda adapter and the examples. */
  private static final List<Path> SOURCES = List.of(Path.of("..", "cli", "src", "main", "java"),
      Path.of("..", "lambda", "src", "main", "java"), Path.of("src", "main", "java"));

  @Test
  void mainSources_importNoInternalPackageAndNoGeneratedType() throws IOException {
    List<String> offenders = new java.util.ArrayList<>();
    for (Path main : SOURCES) {
      assertEquals(true, Files.isDirectory(main), "sources found: " + main.toAbsolutePath());
      try (Stream<Path> files = Files.walk(main)) {
        files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
          try {
            FORBIDDEN.matcher(Files.readString(f)).results()
                .forEach(m -> offenders.add(main.relativize(f) + ": " + m.group()));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
      }
    }
    assertEquals(List.of(), offenders);
  }
}
