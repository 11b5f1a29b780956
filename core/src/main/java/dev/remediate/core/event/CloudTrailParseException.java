package dev.remediate.core.event;

import dev.remediate.core.RemediationException;
import org.jspecify.annotations.Nullable;

/**
 * CloudTrail input could not be read: truncated gzip, invalid JSON, a field of the wrong type,
 * nesting or a string beyond the reader's limits, a digest file given as a log file. The message
 * names the source and the position; {@link #line()}, {@link #column()} and {@link #byteOffset()}
 * give it as numbers (-1 when unknown). Positions count in the decompressed data.
 *
 * <p>Records read before the failure have already been handed out.
 *
 * <pre>{@code
 * try (CloudTrailReader reader = CloudTrailReader.open(file)) {
 *   reader.forEachRemaining(event -> handle(event));
 * } catch (CloudTrailParseException e) {
 *   System.err.println(e.source() + " line " + e.line() + ": " + e.getMessage());
 * }
 * }</pre>
 */
public class CloudTrailParseException extends RemediationException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final long line;
  private final long column;
  private final long byteOffset;

  /**
   * Creates the exception.
   *
   * @param source the file name or the name the caller gave the stream
   * @param line the 1-based line, or -1
   * @param column the 1-based column, or -1
   * @param byteOffset the 0-based byte offset, or -1
   * @param problem what is wrong
   * @param cause the underlying failure
   */
  public CloudTrailParseException(String source, long line, long column, long byteOffset,
      String problem, @Nullable Throwable cause) {
    super(source + position(line, column, byteOffset) + ": " + problem, cause);
    this.source = source;
    this.line = line;
    this.column = column;
    this.byteOffset = byteOffset;
  }

  private static String position(long line, long column, long byteOffset) {
    StringBuilder sb = new StringBuilder();
    if (line > 0) {
      sb.append(" line ").append(line);
      if (column > 0) {
        sb.append(" column ").append(column);
      }
    }
    if (byteOffset >= 0) {
      sb.append(sb.length() > 0 ? "," : "").append(" byte ").append(byteOffset);
    }
    return sb.length() > 0 ? " at" + sb : "";
  }

  /** @return the file name or the name the caller gave the stream */
  public String source() {
    return source;
  }

  /** @return the 1-based line of the failure, or -1 when unknown */
  public long line() {
    return line;
  }

  /** @return the 1-based column of the failure, or -1 when unknown */
  public long column() {
    return column;
  }

  /** @return the 0-based offset of the failure in the (decompressed) bytes, or -1 when unknown */
  public long byteOffset() {
    return byteOffset;
  }
}
