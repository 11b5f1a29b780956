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

  @Test
  void mainSources_importNoInternalPackageAndNoGeneratedType() throws IOException {
    Path main = Path.of("src", "main", "java");
    List<String> offenders;
    try (Stream<Path> files = Files.walk(main)) {
      offenders = files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> {
        try {
          return FORBIDDEN.matcher(Files.readString(f)).results()
              .map(m -> main.relativize(f) + ": " + m.group());
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
    assertEquals(List.of(), offenders);
  }
}
