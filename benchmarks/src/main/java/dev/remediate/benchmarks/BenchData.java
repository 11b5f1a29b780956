package dev.remediate.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Benchmark input: an S3-style log file {@code {"Records":[...]}} made by repeating the records of
 * the shared corpus until the file reaches a size, plain or gzip. Files are kept in
 * {@code target/bench-data} and reused while they exist.
 */
public final class BenchData {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private BenchData() {}

  /**
   * Returns a log file of at least {@code minBytes} uncompressed, making it when missing.
   *
   * @param minBytes the smallest uncompressed size
   * @param gzip whether the file is gzip-compressed
   * @return the file
   * @throws IOException when the corpus cannot be read or the file not written
   */
  public static Path logFile(long minBytes, boolean gzip) throws IOException {
    Path dir = Path.of(System.getProperty("bench.data", "target/bench-data"));
    Files.createDirectories(dir);
    Path file = dir.resolve("records-" + (minBytes >> 20) + "MiB.json" + (gzip ? ".gz" : ""));
    if (Files.exists(file)) {
      return file;
    }
    List<byte[]> records = corpusRecords();
    Path partial = dir.resolve(file.getFileName() + ".partial");
    try (OutputStream raw = Files.newOutputStream(partial);
        OutputStream out = new BufferedOutputStream(gzip ? new GZIPOutputStream(raw, 1 << 16) : raw, 1 << 16)) {
      out.write("{\"Records\":[\n".getBytes(StandardCharsets.US_ASCII));
      long written = 0;
      for (int i = 0; written < minBytes; i++) {
        if (i > 0) {
          out.write(",\n".getBytes(StandardCharsets.US_ASCII));
        }
        byte[] record = records.get(i % records.size());
        out.write(record);
        written += record.length + 2;
      }
      out.write("\n]}\n".getBytes(StandardCharsets.US_ASCII));
    }
    Files.move(partial, file);
    return file;
  }

  /**
   * The uncompressed size of a file this class made.
   *
   * @param file the file
   * @return its size in bytes once decompressed
   * @throws IOException when it cannot be read
   */
  public static long uncompressedSize(Path file) throws IOException {
    if (!file.toString().endsWith(".gz")) {
      return Files.size(file);
    }
    long size = 0;
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        size += n;
      }
    }
    return size;
  }

  private static List<byte[]> corpusRecords() throws IOException {
    Path corpus = corpus();
    List<byte[]> records = new ArrayList<>();
    for (String folder : List.of("invictus-ir-aws-dataset", "stratus-red-team-detonation-logs")) {
      try (Stream<Path> files = Files.list(corpus.resolve(folder))) {
        for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".json")).sorted()::iterator) {
          JsonNode root = MAPPER.readTree(file.toFile());
          for (JsonNode record : root.isArray() ? root : root.get("Records")) {
            records.add(MAPPER.writeValueAsBytes(record));
          }
        }
      }
    }
    return records;
  }

  /** The corpus: system property {@code corpus}, else {@code shared/cloudtrail-corpus} in a parent directory. */
  private static Path corpus() {
    String configured = System.getProperty("corpus");
    if (configured != null) {
      return Path.of(configured);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/cloudtrail-corpus");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("CloudTrail corpus not found: pass -Dcorpus=<dir>");
  }
}
