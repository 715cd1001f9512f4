package dev.postee.core.store;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of the embedded store. {@link #defaults()} is what a production instance uses; the
 * {@code with...} methods return modified copies.
 *
 * @param synchronous SQLite's {@code synchronous} setting. {@code FULL} (default) fsyncs the
 *     write-ahead log on every commit, so an acknowledged event survives power loss; {@code NORMAL}
 *     survives a process crash but may lose the last commits on power loss
 * @param busyTimeout how long a connection waits for a lock held by another connection
 * @param maxQueuedEvents unfinished events (queued, not yet {@link Store#complete completed}) at
 *     which {@link Store#enqueue} refuses new ones with {@link QueueFullException}
 * @param maxBatch most writes committed in one group-commit transaction
 * @param maxDbSizeBytes {@code max-db-size}: the file size above which maintenance prunes the
 *     execution log and expired keys; null = unlimited
 * @param verifyInterval {@code db-verify-interval}: how often maintenance runs in the background;
 *     null or zero = never (call {@link Store#maintenance()} yourself)
 * @param readConnections connections reserved for reads, which run beside the writer (WAL mode)
 * @param executionLogBacklog execution records accepted but not yet written, beyond which {@link
 *     Store#record} waits for the writer (up to {@code writeTimeout}) before dropping a record
 * @param writeTimeout how long a caller waits for its write to be committed before giving up with
 *     a {@link StoreException} (a stalled disk must not hang request threads forever)
 * @param clock source of "now" for receive times, event ids, key expiry and maintenance
 */
public record StoreOptions(
    Synchronous synchronous,
    Duration busyTimeout,
    int maxQueuedEvents,
    int maxBatch,
    Long maxDbSizeBytes,
    Duration verifyInterval,
    int readConnections,
    int executionLogBacklog,
    Duration writeTimeout,
    Clock clock) {

  /** SQLite's durability levels that make sense with a write-ahead log. */
  public enum Synchronous { NORMAL, FULL, EXTRA }

  public StoreOptions {
    Objects.requireNonNull(synchronous, "synchronous");
    Objects.requireNonNull(busyTimeout, "busyTimeout");
    Objects.requireNonNull(writeTimeout, "writeTimeout");
    Objects.requireNonNull(clock, "clock");
    if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("busyTimeout must be between 0 and " + Integer.MAX_VALUE + " ms: " + busyTimeout);
    }
    if (writeTimeout.isNegative() || writeTimeout.isZero()) {
      throw new IllegalArgumentException("writeTimeout must be positive: " + writeTimeout);
    }
    if (maxQueuedEvents < 1) throw new IllegalArgumentException("maxQueuedEvents must be at least 1: " + maxQueuedEvents);
    if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be at least 1: " + maxBatch);
    if (readConnections < 1) throw new IllegalArgumentException("readConnections must be at least 1: " + readConnections);
    if (executionLogBacklog < 1) {
      throw new IllegalArgumentException("executionLogBacklog must be at least 1: " + executionLogBacklog);
    }
    if (maxDbSizeBytes != null && maxDbSizeBytes <= 0) maxDbSizeBytes = null; // Postee: 0 = unlimited
    if (verifyInterval != null && (verifyInterval.isZero() || verifyInterval.isNegative())) verifyInterval = null;
  }

  public static StoreOptions defaults() {
    return new StoreOptions(Synchronous.FULL, Duration.ofSeconds(10), 100_000, 1_000, null,
        Duration.ofHours(1), 2, 10_000, Duration.ofSeconds(30), Clock.systemUTC());
  }

  public StoreOptions withSynchronous(Synchronous value) {
    return new StoreOptions(value, busyTimeout, maxQueuedEvents, maxBatch, maxDbSizeBytes, verifyInterval,
        readConnections, executionLogBacklog, writeTimeout, clock);
  }

  public StoreOptions withBusyTimeout(Duration value) {
    return new StoreOptions(synchronous, value, maxQueuedEvents, maxBatch, maxDbSizeBytes, verifyInterval,
        readConnections, executionLogBacklog, writeTimeout, clock);
  }

  public StoreOptions withMaxQueuedEvents(int value) {
    return new StoreOptions(synchronous, busyTimeout, value, maxBatch, maxDbSizeBytes, verifyInterval,
        readConnections, executionLogBacklog, writeTimeout, clock);
  }

  public StoreOptions withMaxBatch(int value) {
    return new StoreOptions(synchronous, busyTimeout, maxQueuedEvents, value, maxDbSizeBytes, verifyInterval,
        readConnections, executionLogBacklog, writeTimeout, clock);
  }

  public StoreOptions withMaxDbSizeBytes(Long value) {
    return new StoreOptions(synchronous, busyTimeout, maxQueuedEvents, maxBatch, value, verifyInterval,
        readConnections, executionLogBacklog, writeTimeout, clock);
  }

  public StoreOptions withVerifyInterval(Duration value) {
    return new StoreOptions(synchronous, busyTimeout, maxQueuedEvents, maxBatch, maxDbSizeBytes, value,
        readConnections, executionLogBacklog, writeTimeout, clock);
  }

  public StoreOptions withReadConnections(int value) {
    return new StoreOptions(synchronous, busyTimeout, maxQueuedEvents, maxBatch, maxDbSizeBytes, verifyInterval,
        value, executionLogBacklog, writeTimeout, clock);
  }

  public StoreOptions withExecutionLogBacklog(int value) {
    return new StoreOptions(synchronous, busyTimeout, maxQueuedEvents, maxBatch, maxDbSizeBytes, verifyInterval,
        readConnections, value, writeTimeout, clock);
  }

  public StoreOptions withWriteTimeout(Duration value) {
    return new StoreOptions(synchronous, busyTimeout, maxQueuedEvents, maxBatch, maxDbSizeBytes, verifyInterval,
        readConnections, executionLogBacklog, value, clock);
  }

  public StoreOptions withClock(Clock value) {
    return new StoreOptions(synchronous, busyTimeout, maxQueuedEvents, maxBatch, maxDbSizeBytes, verifyInterval,
        readConnections, executionLogBacklog, writeTimeout, value);
  }
}
