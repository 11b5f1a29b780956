package dev.remediate.core.event;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Decompresses on a daemon thread and hands the bytes over in chunks through a small queue, so that
 * inflating and parsing overlap on two cores. At most {@value #DEPTH} chunks of 64 KiB are in flight:
 * memory stays constant. A failure of the source (truncated gzip) reaches the reader as the same
 * {@link IOException} message, at the point of the input where it happened.
 */
final class BackgroundGunzip extends InputStream {
  private static final int CHUNK = 1 << 16;
  private static final int DEPTH = 8;
  private static final byte[] END = new byte[0];

  /** Chunks ({@code byte[]}), then {@link #END} or the source's {@link IOException}. */
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(DEPTH);
  private final Thread pump;
  private volatile boolean closed;
  private byte[] chunk = new byte[0];
  private int position;
  private boolean ended;

  BackgroundGunzip(InputStream source, String name) {
    pump = new Thread(() -> pump(source), "remediate-gunzip " + name);
    pump.setDaemon(true);
    pump.start();
  }

  private void pump(InputStream source) {
    try (InputStream in = source) {
      while (!closed) {
        byte[] buffer = new byte[CHUNK];
        int n = 0;
        try {
          for (int read; n < CHUNK && (read = in.read(buffer, n, CHUNK - n)) > 0; ) {
            n += read;
          }
        } finally {
          // Hand over what was decompressed before a failure: the records in it are good.
          if (n > 0) {
            queue.put(n == CHUNK ? buffer : Arrays.copyOf(buffer, n));
          }
        }
        if (n < CHUNK) {
          queue.put(END);
          return;
        }
      }
    } catch (InterruptedException e) {
      // Closed: nobody reads any more.
    } catch (IOException | RuntimeException e) {
      try {
        queue.put(e instanceof IOException ? e : new IOException(e.toString(), e));
      } catch (InterruptedException closed) {
        // Closed meanwhile: nobody reads the failure.
      }
    }
  }

  private boolean fill() throws IOException {
    if (ended) {
      return false;
    }
    Object next;
    try {
      next = queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for decompressed data");
    }
    if (next instanceof IOException) {
      ended = true;
      IOException failure = (IOException) next;
      throw new IOException(failure.getMessage(), failure);
    }
    chunk = (byte[]) next;
    position = 0;
    ended = chunk == END;
    return !ended;
  }

  @Override
  public int read() throws IOException {
    if (position == chunk.length && !fill()) {
      return -1;
    }
    return chunk[position++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (position == chunk.length && !fill()) {
      return -1;
    }
    int n = Math.min(len, chunk.length - position);
    System.arraycopy(chunk, position, b, off, n);
    position += n;
    return n;
  }

  /** Stops the decompressing thread, which closes the source as it ends. */
  @Override
  public void close() {
    closed = true;
    ended = true;
    pump.interrupt();
  }
}
