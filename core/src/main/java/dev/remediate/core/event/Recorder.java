package dev.remediate.core.event;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Sits between the data and the parser and keeps the bytes of the value being skipped, so the
 * reader can hand out an opaque part of a record as bytes ({@link OpaqueJson}) instead of a tree.
 * Keeps the last block the parser read, plus the value being captured, which may not exceed
 * {@link #MAX_CAPTURE} bytes: memory stays bounded.
 */
final class Recorder extends InputStream {
  /**
   * The largest opaque part kept as bytes; larger ones are refused as malformed. Strings inside are
   * skipped, not decoded, so this (not {@link Json#MAX_STRING}) bounds them.
   */
  static final int MAX_CAPTURE = 2 * Json.MAX_STRING;

  private final InputStream in;
  private byte[] buffer = new byte[1 << 15];
  /** Offset in the stream of {@code buffer[0]}. */
  private long bufferStart;
  private int length;
  /** Offset in the stream where the capture started, or -1 when nothing is being captured. */
  private long captureStart = -1;
  private boolean overflow;

  Recorder(InputStream in) {
    this.in = in;
  }

  /** Starts a capture at a stream offset the parser has already read (its current token). */
  void start(long offset) {
    captureStart = offset;
    overflow = false;
  }

  /**
   * Ends the capture and returns the bytes from its start to {@code end}.
   *
   * @return the bytes, or null when they grew beyond {@link #MAX_CAPTURE}
   */
  byte @Nullable [] take(long end) {
    long start = captureStart;
    captureStart = -1;
    if (overflow) {
      return null;
    }
    if (start < bufferStart || end > bufferStart + length || start > end) {
      throw new IllegalStateException("capture " + start + ".." + end + " outside the kept bytes "
          + bufferStart + ".." + (bufferStart + length));
    }
    return Arrays.copyOfRange(buffer, (int) (start - bufferStart), (int) (end - bufferStart));
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      append(b, off, n);
    }
    return n;
  }

  private void append(byte[] b, int off, int n) {
    long streamEnd = bufferStart + length;
    boolean capturing = captureStart >= 0 && !overflow;
    if (capturing && streamEnd + n - captureStart > MAX_CAPTURE) {
      overflow = true;
      capturing = false;
    }
    // Keep the capture, else only the block read now: it holds the parser's next tokens.
    int drop = (int) ((capturing ? captureStart : streamEnd) - bufferStart);
    if (drop > 0) {
      System.arraycopy(buffer, drop, buffer, 0, length - drop);
      bufferStart += drop;
      length -= drop;
    }
    if (length + n > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + n));
    }
    System.arraycopy(b, off, buffer, length, n);
    length += n;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
