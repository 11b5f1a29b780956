package dev.remediate.core.event;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The shared corpus of real CloudTrail records: {@code ../shared/cloudtrail-corpus} next to the
 * project root (or {@code shared/cloudtrail-corpus} in a directory further up, for worktrees). Missing corpus: a failure under {@code CI=true}, else the test is skipped.
 */
final class Corpus {
  /** Records in the corpus, per its README. */
  static final int RECORDS = 3210;

  private Corpus() {}

  static Path dir() {
    Path root = projectRoot();
    Path corpus = root.resolve("../shared/cloudtrail-corpus").normalize();
    // A git worktree may sit one level deeper (e.g. <dir>/wt/<branch>): look further up too.
    for (Path dir = root.getParent(); !Files.isDirectory(corpus) && dir != null;
        dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/cloudtrail-corpus");
      if (Files.isDirectory(candidate)) {
        corpus = candidate;
      }
    }
    if (!Files.isDirectory(corpus)) {
      String why = "CloudTrail corpus not found at " + corpus
          + " (expected ../shared/cloudtrail-corpus next to the project root " + root + ")";
      if ("true".equals(System.getenv("CI"))) {
        fail(why);
      }
      assumeTrue(false, why + ": skipping");
    }
    return corpus;
  }

  static Path projectRoot() {
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null;
        dir = dir.getParent()) {
      Path pom = dir.resolve("pom.xml");
      try {
        if (Files.isRegularFile(pom) && Files.readString(pom)
            .replaceAll("(?s)<parent>.*?</parent>", "")
            .contains("<artifactId>remediate-parent</artifactId>")) {
          return dir;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("No remediate-parent pom.xml above " + System.getProperty("user.dir"));
  }

  static List<Path> files(String folder, String suffix) {
    try (Stream<Path> files = Files.list(dir().resolve(folder))) {
      return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Path> invictus() {
    return files("invictus-ir-aws-dataset", ".json");
  }

  static List<Path> stratus() {
    return files("stratus-red-team-detonation-logs", ".json");
  }

  static List<Path> gzip() {
    return files("gzip", ".json.gz");
  }

  static List<Path> plainFiles() {
    return Stream.concat(invictus().stream(), stratus().stream()).collect(Collectors.toList());
  }

  static List<CloudTrailEvent> read(Path file) {
    try (CloudTrailReader reader = CloudTrailReader.open(file)) {
      return reader.stream().collect(Collectors.toList());
    }
  }

  private static List<CloudTrailEvent> all;

  static synchronized List<CloudTrailEvent> all() {
    if (all == null) {
      all = plainFiles().stream().flatMap(f -> read(f).stream()).collect(Collectors.toList());
    }
    return all;
  }

  static CloudTrailEvent byId(String eventId) {
    return all().stream().filter(e -> e.eventId().orElseThrow().equals(eventId)).findFirst()
        .orElseThrow(() -> new AssertionError("No record " + eventId + " in the corpus"));
  }
}
