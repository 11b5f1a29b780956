package dev.remediate.core.event;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Reads CloudTrail records one at a time, in every shape {@link SecurityEventReader} reads (S3 log
 * file, gzip, JSON array, NDJSON, one record, EventBridge envelope, {@code lookup-events} output),
 * leniently by default ({@link #strict()} for the schema checks). Input that holds a GuardDuty or
 * Security Hub finding is refused at that point: read findings with {@link SecurityEventReader}.
 *
 * <pre>{@code
 * try (CloudTrailReader reader = CloudTrailReader.open(Path.of("log.json.gz"))) {
 *   while (reader.hasNext()) {
 *     CloudTrailEvent event = reader.next();
 *   }
 * }
 * }</pre>
 *
 * <p>Malformed input throws a {@link CloudTrailParseException} naming the source and the position,
 * after every record before the fault has been handed out. Not thread-safe.
 */
public final class CloudTrailReader implements Iterator<CloudTrailEvent>, AutoCloseable {
  private final SecurityEventReader reader;
  private long count;

  private CloudTrailReader(SecurityEventReader reader) {
    this.reader = reader;
  }

  /**
   * Opens a file.
   *
   * @param file the file, plain or gzip-compressed
   * @return a reader; close it
   * @throws CloudTrailParseException when the file cannot be opened or its first bytes not read
   */
  public static CloudTrailReader open(Path file) {
    return new CloudTrailReader(SecurityEventReader.open(file));
  }

  /**
   * Reads a stream. The reader closes it.
   *
   * @param in the data, plain or gzip-compressed
   * @param sourceName how messages name the stream, e.g. a file name or {@code <stdin>}
   * @return a reader; close it
   * @throws CloudTrailParseException when the first bytes cannot be read
   */
  public static CloudTrailReader open(InputStream in, String sourceName) {
    return new CloudTrailReader(SecurityEventReader.open(in, sourceName));
  }

  /**
   * Turns on the schema checks ({@link SecurityEventReader#strict()}). Call before reading.
   *
   * @return this reader
   */
  public CloudTrailReader strict() {
    reader.strict();
    return this;
  }

  /** @return the name messages give the input */
  public String source() {
    return reader.source();
  }

  /** @return how many records {@link #next()} has handed out */
  public long count() {
    return count;
  }

  /**
   * Reads ahead to the next record.
   *
   * @return true when there is one
   * @throws CloudTrailParseException when the input is malformed at this point, or holds a finding
   */
  @Override
  public boolean hasNext() {
    return reader.hasNext();
  }

  /**
   * Returns the next record.
   *
   * @return the record
   * @throws NoSuchElementException when there are no more records
   * @throws CloudTrailParseException when the input is malformed at this point, or holds a finding
   */
  @Override
  public CloudTrailEvent next() {
    SecurityEvent next = reader.next();
    if (!(next instanceof CloudTrailEvent)) {
      reader.close();
      throw new CloudTrailParseException(reader.source(), -1, -1, -1, "after " + count
          + " record(s), a finding (" + next.describe() + "), not a CloudTrail record: read "
          + "findings with SecurityEventReader", null);
    }
    count++;
    return (CloudTrailEvent) next;
  }

  /**
   * The remaining records as a sequential stream; closing the stream closes the reader.
   *
   * @return the stream
   */
  public Stream<CloudTrailEvent> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this,
        Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(this::close);
  }

  /** Closes the input. Idempotent; never throws. */
  @Override
  public void close() {
    reader.close();
  }
}
