package dev.remediate.cli;

import dev.remediate.core.event.CloudTrailParseException;
import dev.remediate.core.event.SecurityEvent;
import dev.remediate.core.event.SecurityEventReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Streams the CloudTrail records and findings of the files a command names ({@code -} is standard
 * input; a folder stands for the {@code .json} and {@code .json.gz} files below it, digest files
 * left out), in any shape {@link SecurityEventReader} reads. Malformed input ends the stream with a
 * {@link CliException} (exit 2) naming the file and the position, after every item before it was
 * handed out.
 *
 * <p>Many files (a folder synced from a trail's bucket) are read by a bounded pool of threads, one
 * file per thread at a time, at most {@link #THREADS} threads; each file's items reach the command
 * in one piece, files in name order, so the output does not depend on the threads. A single input,
 * standard input and large files ({@link #LARGE} bytes and more) are streamed on the caller's
 * thread, in constant memory.
 *
 * <p>A folder synced from a trail's bucket holds, next to {@code AWSLogs/<account>/CloudTrail/},
 * {@code AWSLogs/<account>/CloudTrail-Digest/} when log file validation is on: digest files hold
 * hashes of log files, not records, and are skipped and counted ({@link Read#digests()}). A
 * digest file named on the command line is still refused by the reader.
 */
final class EventInputs {
  static final String STDIN = "-";
  /** The folder CloudTrail writes digest files to, and the part of their names that says so. */
  static final String DIGEST = "CloudTrail-Digest";
  /** Threads reading many files: the cores, at most 4; system property {@code remediate.readThreads}. */
  static final int THREADS = Math.max(1, Integer.getInteger("remediate.readThreads",
      Math.min(4, Runtime.getRuntime().availableProcessors())));
  /** Files this large are streamed, not read ahead into memory by the pool. */
  static final long LARGE = 8L << 20;

  private EventInputs() {}

  /** The files to read and how many digest files the folders held. */
  record Read(List<String> names, int digests) {
    /** @return e.g. {@code "; skipped 2 digest files"}, or nothing */
    String skippedNote() {
      return digests == 0 ? "" : "; skipped " + digests + " digest file" + (digests == 1 ? "" : "s");
    }
  }

  /**
   * What a command does with the items of its inputs: directly (streamed inputs), or through a
   * per-file buffer filled on a pool thread and handed over in file order.
   *
   * @param <B> the per-file buffer
   */
  interface Handler<B> {
    /** @return an empty buffer for one file */
    B buffer();

    /** Adds an item to a file's buffer (on a pool thread). */
    void add(B buffer, SecurityEvent item);

    /** Hands a file's buffer over (on the caller's thread, in file order). */
    void flush(B buffer);

    /** Handles an item of a streamed input (on the caller's thread). */
    void direct(SecurityEvent item);
  }

  /** A handler without buffers of its own: items are listed per file, then handed one by one. */
  static Handler<List<SecurityEvent>> each(Consumer<SecurityEvent> action) {
    return new Handler<>() {
      @Override
      public List<SecurityEvent> buffer() {
        return new ArrayList<>();
      }

      @Override
      public void add(List<SecurityEvent> buffer, SecurityEvent item) {
        buffer.add(item);
      }

      @Override
      public void flush(List<SecurityEvent> buffer) {
        buffer.forEach(action);
      }

      @Override
      public void direct(SecurityEvent item) {
        action.accept(item);
      }
    };
  }

  /**
   * Hands every item of the named inputs to {@code action}, in order.
   *
   * @return the files read
   */
  static Read forEach(List<String> names, InputStream stdin, Consumer<SecurityEvent> action) {
    return forEach(names, stdin, each(action));
  }

  /**
   * Hands every item of the named inputs to {@code handler}, files in order.
   *
   * @return the files read
   */
  static <B> Read forEach(List<String> names, InputStream stdin, Handler<B> handler) {
    Read files = expand(names);
    for (String file : files.names()) {
      if (!file.equals(STDIN) && !Files.exists(Path.of(file))) {
        throw CliException.badInput("no such file: " + file);
      }
    }
    if (files.names().size() < 2 || THREADS < 2) {
      files.names().forEach(file -> stream(file, stdin, handler));
    } else {
      pooled(files.names(), stdin, handler);
    }
    return files;
  }

  private static void stream(String file, InputStream stdin, Handler<?> handler) {
    try (SecurityEventReader reader = open(file, stdin)) {
      while (reader.hasNext()) {
        handler.direct(reader.next());
      }
    } catch (CloudTrailParseException e) {
      throw CliException.badInput(e.getMessage());
    }
  }

  private static SecurityEventReader open(String file, InputStream stdin) {
    return file.equals(STDIN) ? SecurityEventReader.open(stdin, "<stdin>")
        : SecurityEventReader.open(Path.of(file));
  }

  /** One file read ahead: its buffer, and the failure that ended it, if any. */
  private record Done<B>(B buffer, @Nullable CloudTrailParseException failure) {}

  /**
   * Reads small files on the pool, at most {@code 2 * THREADS} ahead of the file being handed
   * over; large files and standard input are streamed when their turn comes.
   */
  private static <B> void pooled(List<String> files, InputStream stdin, Handler<B> handler) {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS, runnable -> {
      Thread thread = new Thread(runnable, "remediate-read");
      thread.setDaemon(true);
      return thread;
    });
    // null stands for a file streamed on this thread when its turn comes
    Deque<@Nullable Future<Done<B>>> ahead = new java.util.LinkedList<>();
    int next = 0;
    try {
      for (int turn = 0; turn < files.size(); turn++) {
        for (; next < files.size() && ahead.size() < 2 * THREADS; next++) {
          String file = files.get(next);
          ahead.add(streamed(file) ? null : pool.submit(() -> readAhead(file, handler)));
        }
        Future<Done<B>> done = ahead.poll();
        if (done == null) {
          stream(files.get(turn), stdin, handler);
          continue;
        }
        Done<B> result = get(done);
        handler.flush(result.buffer());
        if (result.failure() != null) {
          throw CliException.badInput(result.failure().getMessage());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static boolean streamed(String file) {
    try {
      return file.equals(STDIN) || Files.size(Path.of(file)) >= LARGE;
    } catch (IOException e) {
      return true;
    }
  }

  private static <B> Done<B> readAhead(String file, Handler<B> handler) {
    B buffer = handler.buffer();
    try (SecurityEventReader reader = SecurityEventReader.open(Path.of(file))) {
      while (reader.hasNext()) {
        handler.add(buffer, reader.next());
      }
    } catch (CloudTrailParseException e) {
      return new Done<>(buffer, e);
    }
    return new Done<>(buffer, null);
  }

  private static <T> T get(Future<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(Remediate.EXIT_FAILURE, "interrupted while reading");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(cause);
    }
  }

  /**
   * Replaces each folder by the {@code .json} and {@code .json.gz} files below it, sorted, digest
   * files left out and counted.
   */
  static Read expand(List<String> names) {
    List<String> files = new ArrayList<>();
    int digests = 0;
    for (String name : names) {
      Path path = Path.of(name);
      if (name.equals(STDIN) || !Files.isDirectory(path)) {
        files.add(name);
        continue;
      }
      List<Path> found;
      try (Stream<Path> walk = Files.walk(path)) {
        found = walk.filter(Files::isRegularFile)
            .filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".json.gz"))
            .sorted().toList();
      } catch (IOException | UncheckedIOException e) {
        throw CliException.badInput("cannot list " + name + ": " + e.getMessage());
      }
      for (Path file : found) {
        if (isDigest(path.relativize(file))) {
          digests++;
        } else {
          files.add(file.toString());
        }
      }
    }
    return new Read(files, digests);
  }

  /**
   * A digest file as CloudTrail names it: below a {@code CloudTrail-Digest} folder, or named
   * {@code <account>_CloudTrail-Digest_<region>_...json.gz}.
   */
  static boolean isDigest(Path relative) {
    for (Path part : relative) {
      if (part.toString().equals(DIGEST) || part.toString().contains("_" + DIGEST + "_")) {
        return true;
      }
    }
    return false;
  }
}
