package dev.remediate.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.CloudTrailReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reads one generated log file (at least 200 MiB of JSON, plain or gzip) per operation, three ways:
 * the library's reader producing full {@link CloudTrailEvent}s; {@code ObjectMapper.readTree} and a
 * walk over every record (what a user would write); and a bare {@link JsonParser} pass over every
 * token (the practical ceiling). Throughput in MB/s is the uncompressed size (printed at set-up)
 * divided by the time per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class ReaderBenchmark {
  private static final long SIZE = 200L << 20;

  /** Plain JSON or gzip. */
  @Param({"plain", "gzip"})
  public String format;

  private Path file;
  private final JsonFactory factory = new JsonFactory();
  private final ObjectMapper mapper = new ObjectMapper();

  /**
   * Makes or finds the input file.
   *
   * @throws IOException when it cannot be made
   */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    file = BenchData.logFile(SIZE, "gzip".equals(format));
    System.out.printf("%n# input %s: %,d bytes on disk, %,d bytes of JSON%n", file,
        Files.size(file), BenchData.uncompressedSize(file));
  }

  private InputStream open() throws IOException {
    InputStream in = Files.newInputStream(file);
    return "gzip".equals(format) ? new GZIPInputStream(in, 1 << 16) : in;
  }

  /**
   * The library: every record as a {@link CloudTrailEvent}.
   *
   * @param bh consumes the records
   * @return the number of records
   */
  @Benchmark
  public long libraryReader(Blackhole bh) {
    long n = 0;
    try (CloudTrailReader reader = CloudTrailReader.open(file)) {
      while (reader.hasNext()) {
        bh.consume(reader.next());
        n++;
      }
    }
    return n;
  }

  /**
   * The baseline a user would write: {@code readTree} on the file, then a walk over the records.
   *
   * @param bh consumes the records
   * @return the number of records
   * @throws IOException on read failure
   */
  @Benchmark
  public long readTree(Blackhole bh) throws IOException {
    long n = 0;
    try (InputStream in = open()) {
      JsonNode root = mapper.readTree(in);
      for (JsonNode record : root.get("Records")) {
        bh.consume(record.get("eventName"));
        n++;
      }
    }
    return n;
  }

  /**
   * The ceiling: every token, nothing built.
   *
   * @return the number of tokens
   * @throws IOException on read failure
   */
  @Benchmark
  public long bareTokenPass() throws IOException {
    long n = 0;
    try (InputStream in = open(); JsonParser p = factory.createParser(in)) {
      while (p.nextToken() != null) {
        n++;
      }
    }
    return n;
  }
}
