package dev.remediate.benchmarks;

import java.io.IOException;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The three ways of {@link ReaderBenchmark}, run in turn in one JVM, round after round, so each
 * sees the same machine load; prints the best time of each and the ratios the goals speak of. A
 * check for shared, noisy machines, where separate JMH forks run under different loads.
 *
 * <pre>java -Xmx4g -cp benchmarks/target/benchmarks.jar dev.remediate.benchmarks.InterleavedComparison 8</pre>
 */
public final class InterleavedComparison {
  private InterleavedComparison() {}

  /** One way of reading the file. */
  private interface Way {
    long run(ReaderBenchmark benchmark, Blackhole bh) throws IOException;
  }

  /**
   * Entry point.
   *
   * @param args rounds (default 8)
   * @throws IOException when the input cannot be made or read
   */
  public static void main(String[] args) throws IOException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    Blackhole bh = new Blackhole(
        "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    String[] names = {"bareTokenPass", "libraryReader", "readTree"};
    Way[] ways = {(b, h) -> b.bareTokenPass(), ReaderBenchmark::libraryReader, ReaderBenchmark::readTree};
    for (String format : new String[] {"plain", "gzip"}) {
      ReaderBenchmark benchmark = new ReaderBenchmark();
      benchmark.format = format;
      benchmark.setUp();
      long bytes = BenchData.uncompressedSize(BenchData.logFile(200L << 20, "gzip".equals(format)));
      long[] best = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
      for (int round = 0; round < rounds; round++) {
        for (int w = 0; w < ways.length; w++) {
          long start = System.nanoTime();
          ways[w].run(benchmark, bh);
          best[w] = Math.min(best[w], System.nanoTime() - start);
        }
      }
      for (int w = 0; w < ways.length; w++) {
        System.out.printf("%-6s %-14s best %6d ms  %6.0f MB/s%n", format, names[w], best[w] / 1_000_000,
            bytes / 1e6 / (best[w] / 1e9));
      }
      System.out.printf("%-6s library / readTree speed: %.2f; library / bare token pass: %.2f%n", format,
          (double) best[2] / best[1], (double) best[0] / best[1]);
    }
    bh.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
  }
}
