package dev.remediate.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The baseline of the whole-process comparison: a bare Jackson token pass over a file (gunzipped
 * through {@link GZIPInputStream} when its name ends in {@code .gz}), printing the number of
 * tokens. What a user could write in ten lines; nothing is built from the tokens.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.remediate.benchmarks.TokenPass FILE</pre>
 */
public final class TokenPass {
  private TokenPass() {}

  /**
   * Entry point.
   *
   * @param args the file
   * @throws IOException when it cannot be read
   */
  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    long tokens = 0;
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
        JsonParser parser = new JsonFactory().createParser(in)) {
      while (parser.nextToken() != null) {
        tokens++;
      }
    }
    System.out.println(tokens);
  }
}
