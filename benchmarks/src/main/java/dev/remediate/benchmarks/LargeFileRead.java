package dev.remediate.benchmarks;

import dev.remediate.core.event.CloudTrailReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a generated log file end to end with the library's reader and prints records, MB/s and the
 * peak heap, to show that memory does not grow with the file: run it with {@code -Xmx64m}.
 *
 * <pre>java -Xmx64m -cp benchmarks/target/benchmarks.jar dev.remediate.benchmarks.LargeFileRead 1024</pre>
 */
public final class LargeFileRead {
  private LargeFileRead() {}

  /**
   * Entry point.
   *
   * @param args the size in MiB (default 1024), then {@code gzip} for a compressed file
   * @throws IOException when the file cannot be made
   */
  public static void main(String[] args) throws IOException {
    long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    boolean gzip = args.length > 1 && "gzip".equals(args[1]);
    Path file = BenchData.logFile(mib << 20, gzip);
    long bytes = BenchData.uncompressedSize(file);
    Runtime rt = Runtime.getRuntime();
    long peak = 0;
    long records = 0;
    long start = System.nanoTime();
    try (CloudTrailReader reader = CloudTrailReader.open(file)) {
      while (reader.hasNext()) {
        reader.next();
        if ((++records & 0xFFF) == 0) {
          peak = Math.max(peak, rt.totalMemory() - rt.freeMemory());
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("file %s (%,d bytes on disk, %,d bytes of JSON)%n", file, Files.size(file), bytes);
    System.out.printf("records %,d in %.1f s: %.0f MB/s; max heap %d MiB, peak used %d MiB%n",
        records, seconds, bytes / 1e6 / seconds, rt.maxMemory() >> 20, peak >> 20);
  }
}
