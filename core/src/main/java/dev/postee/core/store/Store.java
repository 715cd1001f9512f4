package dev.postee.core.store;

import dev.postee.core.action.ExecutionRecord;
import dev.postee.core.action.ExecutionRecorder;
import dev.postee.core.template.RenderedMessage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store (SPEC §10): one SQLite file in WAL mode holding the ingest queue, per-event
 * progress, dedup keys, aggregation buffers, the execution log with per-action totals, and a small
 * key-value table for other modules.
 *
 * <h2>Durability</h2>
 * All writes go through one writer thread that commits whatever is queued in one transaction
 * (group commit) and completes the callers' futures only after COMMIT returned. With the default
 * {@code synchronous=FULL} the write-ahead log is fsynced on every commit, so an event whose {@link
 * #enqueue} future completed survives a crash of the process or of the machine. The HTTP layer
 * answers 2xx only after that future completes. Synchronous write methods ({@link #markActionDone},
 * {@link #firstSeen}, ...) return after their commit, and give up with a {@link StoreException}
 * after {@link StoreOptions#writeTimeout()}. Reads use separate connections and never wait for the
 * writer.
 *
 * <h2>Processing an event so that a crash never repeats finished work</h2>
 * <ol>
 *   <li>Take events from {@link #enqueue}'s result, and at start-up from {@link #unfinished}
 *       (oldest first; page with {@link #unfinishedAfter}).
 *   <li>For each route the event matches, skip the route if {@link #isRouteDone}.
 *   <li>Dedup: {@link #firstSeen(String, String, String, Instant, Instant)} with the event's id; the
 *       key stays owned by that event, so a redelivered event is not mistaken for its own duplicate.
 *       A duplicate: {@link #markRouteDone} and go on with the next route.
 *   <li>Aggregation: {@link #appendToBuffer} stores the rendered message <em>and</em> marks the route
 *       done in one transaction. Batches are taken with {@link #takeBatchIfSize} / {@link
 *       #takeBatchIfDue}, delivered with the batch id as event id, then {@link #completeBatch}; at
 *       start-up {@link #unfinishedBatches} returns batches taken but not completed.
 *   <li>Otherwise for each action: skip it if {@link #isActionDone} (or look it up once in {@link
 *       #doneActions}); run it; then {@link #markActionDone} once it is finished for good
 *       (succeeded, or failed permanently after its retries). Then {@link #markRouteDone}.
 *   <li>When every route is done, {@link #complete} removes the event and its progress rows.
 * </ol>
 * Nothing marked is ever repeated. The one window left is between an action's success and its
 * {@code markActionDone}: a crash there runs that one action again after the restart (at-least-once
 * delivery; actions that must not repeat use their execution id for idempotency).
 *
 * <h2>Threads</h2>
 * Every method may be called from any thread. {@link #enqueue}'s futures complete on virtual
 * threads, never on the writer. Close the store once, after the components using it stopped;
 * closing commits every write accepted before, including pending execution records.
 */
public final class Store implements ExecutionRecorder, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Store.class);
  /** The first maintenance run after start waits at most this long, so that a full disk is seen early. */
  private static final Duration FIRST_MAINTENANCE_DELAY = Duration.ofMinutes(1);

  private final Path file;
  private final StoreOptions options;
  private final FileChannel lockChannel;
  private final Connection writerConnection;
  private final Writer writer;
  private final Readers readers;
  private final IngestQueue queue;
  private final Progress progress;
  private final DedupKeys dedupKeys;
  private final AggregationBuffers buffers;
  private final ExecutionLog executionLog;
  private final KeyValues keyValues;
  private final Maintenance maintenance;
  private final ScheduledExecutorService scheduler;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Store(Path file, StoreOptions options, FileChannel lockChannel, Connection writerConnection,
                Readers readers, int storedEvents) {
    this.file = file;
    this.options = options;
    this.lockChannel = lockChannel;
    this.writerConnection = writerConnection;
    this.readers = readers;
    this.writer = new Writer(file, writerConnection, options.maxBatch(), options.writeTimeout());
    EventIds ids = new EventIds(options.clock());
    this.queue = new IngestQueue(writer, readers, ids, options.clock(), options.maxQueuedEvents(), storedEvents);
    this.progress = new Progress(writer, readers, options.clock());
    this.dedupKeys = new DedupKeys(writer);
    this.buffers = new AggregationBuffers(writer, readers, ids);
    this.executionLog = new ExecutionLog(file, writer, readers, options.executionLogBacklog(), options.writeTimeout());
    try {
      this.keyValues = new KeyValues(writer, readers, options.clock()); // reads the keys of the table
    } catch (RuntimeException e) {
      writer.close(); // its thread is running already
      throw e;
    }
    this.maintenance = new Maintenance(file, writer, readers, dedupKeys, keyValues, executionLog,
        queue::unfinishedCount, options);
    this.scheduler = options.verifyInterval() == null ? null : startMaintenance(options.verifyInterval());
  }

  /**
   * Opens (creating it and its parent directories if needed) the database at {@code file}, brings
   * its schema up to date, and starts the writer and, when {@link StoreOptions#verifyInterval()} is
   * set, the maintenance schedule.
   *
   * @throws StoreException when the file cannot be created or opened, is used by another process,
   *     belongs to another application, or has a schema newer than this version knows
   */
  public static Store open(Path file, StoreOptions options) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(options, "options");
    Path path = file.toAbsolutePath().normalize();
    FileChannel lock = lockExclusively(path);
    Connection connection = null;
    Readers readers = null;
    try {
      connection = Sql.connect(path, options);
      prepareFile(connection, path);
      Migrations.migrate(connection, path, Migrations.ALL);
      readers = new Readers(path, options);
      int storedEvents = (int) Sql.queryLong(connection, "SELECT count(*) FROM events");
      Store store = new Store(path, options, lock, connection, readers, storedEvents);
      LOG.info("Store {} opened: {} unfinished events, synchronous={}, max-db-size={}", path, storedEvents,
          options.synchronous(), options.maxDbSizeBytes() == null ? "unlimited" : options.maxDbSizeBytes() + " bytes");
      return store;
    } catch (SQLException | RuntimeException e) {
      if (readers != null) readers.close();
      closeQuietly(connection);
      closeQuietly(lock);
      if (e instanceof StoreException storeException) throw storeException;
      throw new StoreException("cannot open the database " + path + ": " + e.getMessage()
          + ". Check that PATH_TO_DB points at a writable Postee database file.", e);
    }
  }

  /**
   * One process per database file: two instances draining the same queue would run every action
   * twice. The lock is a sidecar file so that SQLite's own locking of the database is untouched; the
   * operating system releases it when the process dies, even by SIGKILL.
   */
  private static FileChannel lockExclusively(Path path) {
    Path lockFile = Path.of(path + ".lock");
    FileChannel channel = null;
    try {
      Path parent = path.getParent();
      if (parent != null) Files.createDirectories(parent);
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) throw new OverlappingFileLockException();
      return channel;
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel);
      throw new StoreException("the database " + path + " is in use by another Postee (lock " + lockFile
          + " is held); stop it, or give this instance its own PATH_TO_DB");
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StoreException("cannot create the database " + path + " (" + e + "); check that its directory"
          + " is writable or set PATH_TO_DB to another location", e);
    }
  }

  /** Settings that must be made before the first table exists, and WAL mode (persistent in the file). */
  private static void prepareFile(Connection connection, Path path) throws SQLException {
    boolean empty = Sql.queryLong(connection, "SELECT count(*) FROM sqlite_schema") == 0;
    if (empty) {
      // Lets maintenance give pages freed by pruning back to the file system without a full VACUUM.
      Sql.exec(connection, "PRAGMA auto_vacuum = INCREMENTAL");
    }
    String mode = Sql.queryString(connection, "PRAGMA journal_mode = WAL");
    if (!"wal".equalsIgnoreCase(mode)) {
      throw new StoreException("cannot put the database " + path + " in WAL mode (SQLite answered '" + mode
          + "'); put PATH_TO_DB on a local file system");
    }
  }

  private ScheduledExecutorService startMaintenance(Duration interval) {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("postee-store-maintenance").daemon(true).factory());
    long first = Math.min(interval.toMillis(), FIRST_MAINTENANCE_DELAY.toMillis());
    executor.scheduleWithFixedDelay(() -> {
      try {
        maintenance.run();
      } catch (RuntimeException e) {
        LOG.error("Store {}: maintenance failed; it runs again in {}", file, interval, e);
      }
    }, first, interval.toMillis(), TimeUnit.MILLISECONDS);
    return executor;
  }

  public Path file() {
    return file;
  }

  public StoreOptions options() {
    return options;
  }

  // ---- ingest queue ----

  /**
   * Stores an event durably. The future completes after the event's transaction committed; only
   * then may the producer be told it was accepted.
   *
   * @param jsonBody the request body as received (copied)
   * @param targetRoute the only route to consider, or null for all routes
   * @throws QueueFullException at once, without storing, when {@link StoreOptions#maxQueuedEvents()}
   *     events are unfinished
   * @throws StoreException when the store is closed; the future fails with it when the write fails
   */
  public CompletableFuture<StoredEvent> enqueue(byte[] jsonBody, String targetRoute) {
    return queue.enqueue(jsonBody, targetRoute, null);
  }

  /**
   * Like {@link #enqueue(byte[], String)} for an event a runner received and reported upstream:
   * {@code origin} (the runner) already ran its own actions for it.
   */
  public CompletableFuture<StoredEvent> enqueue(byte[] jsonBody, String targetRoute, String origin) {
    return queue.enqueue(jsonBody, targetRoute, origin);
  }

  /** Events stored (or being stored) and not yet completed: the queue depth. */
  public int unfinishedCount() {
    return queue.unfinishedCount();
  }

  /** The oldest {@code limit} unfinished events, oldest first. */
  public List<StoredEvent> unfinished(int limit) {
    return queue.unfinished(null, limit);
  }

  /** The next {@code limit} unfinished events after {@code afterId} (exclusive), oldest first. */
  public List<StoredEvent> unfinishedAfter(String afterId, int limit) {
    return queue.unfinished(Objects.requireNonNull(afterId, "afterId"), limit);
  }

  public Optional<StoredEvent> event(String eventId) {
    return queue.find(eventId);
  }

  /**
   * Removes a fully handled event and its progress rows, durably.
   *
   * @return false when no such event was queued (completed before)
   */
  public boolean complete(String eventId) {
    return queue.complete(eventId);
  }

  /**
   * Like {@link #complete} without waiting for the commit. The single writer commits in
   * submission order, so every mark submitted before is committed first; a crash before this
   * commit only means the event is looked at again after the restart (its finished actions are
   * skipped).
   */
  public CompletableFuture<Boolean> completeSoon(String eventId) {
    return queue.completeSoon(eventId);
  }

  // ---- progress ----

  /** Records, durably, that {@code action} of {@code route} is finished for the event (or batch). */
  public void markActionDone(String eventId, String route, String action) {
    progress.markActionDone(eventId, route, action);
  }

  /**
   * Like {@link #markActionDone} without waiting for the commit: used on the hot path. A crash
   * before the commit repeats that action after the restart, as a crash just before the mark would.
   */
  public CompletableFuture<Integer> markActionDoneSoon(String eventId, String route, String action) {
    return progress.markActionDoneSoon(eventId, route, action);
  }

  public boolean isActionDone(String eventId, String route, String action) {
    return progress.isActionDone(eventId, route, action);
  }

  /** The actions finished for the event (or batch), by route and action name. */
  public Set<RouteAction> doneActions(String eventId) {
    return progress.doneActions(eventId);
  }

  /** Records, durably, that the event (or batch) is fully handled for {@code route}. */
  public void markRouteDone(String eventId, String route) {
    progress.markRouteDone(eventId, route);
  }

  public boolean isRouteDone(String eventId, String route) {
    return progress.isRouteDone(eventId, route);
  }

  public Set<String> doneRoutes(String eventId) {
    return progress.doneRoutes(eventId);
  }

  // ---- dedup ----

  /**
   * Atomically records a dedup key of {@code route} and says whether it is new. A key is new when
   * it was never recorded, or its record expired: {@code expiresAt <= now}, compared to the
   * millisecond. Keys of one route never affect another route.
   *
   * @param expiresAtOrNull when this record stops suppressing duplicates; null = never
   * @return true if the message is to be sent (the key is now recorded), false for a duplicate
   */
  public boolean firstSeen(String route, String key, Instant expiresAtOrNull, Instant now) {
    return dedupKeys.firstSeen(route, key, null, expiresAtOrNull, now);
  }

  /**
   * As {@link #firstSeen(String, String, Instant, Instant)}, and the key remembers the event that
   * recorded it: the same event asking again (redelivered after a crash) gets true again instead of
   * being dropped as its own duplicate.
   */
  public boolean firstSeen(String route, String key, String eventId, Instant expiresAtOrNull, Instant now) {
    return dedupKeys.firstSeen(route, key, Objects.requireNonNull(eventId, "eventId"), expiresAtOrNull, now);
  }

  // ---- aggregation ----

  /**
   * Appends a rendered message to {@code route}'s buffer and marks the route done for the event,
   * in one transaction, so that a redelivered event is not buffered twice.
   *
   * @return false when the event was already handled for this route (nothing appended)
   */
  public boolean appendToBuffer(String route, String eventId, RenderedMessage message, Instant now) {
    return buffers.append(route, eventId, message, now);
  }

  /** When at least {@code size} messages are buffered, atomically takes the oldest {@code size}. */
  public Optional<AggregationBatch> takeBatchIfSize(String route, int size) {
    return buffers.takeIfSize(route, size);
  }

  /**
   * When the oldest buffered message is at least {@code window} old at {@code now}, atomically takes
   * the whole buffer.
   */
  public Optional<AggregationBatch> takeBatchIfDue(String route, Duration window, Instant now) {
    return buffers.takeIfDue(route, window, now);
  }

  /**
   * Routes whose buffer is due at {@code now}: non-empty and the oldest message at least the route's
   * window old. The windows come from the current configuration; routes with a null window (size
   * aggregation only) are never due.
   */
  public List<String> dueRoutes(Instant now, Function<String, Duration> windowOfRoute) {
    return buffers.dueRoutes(Objects.requireNonNull(now, "now"), Objects.requireNonNull(windowOfRoute, "windowOfRoute"));
  }

  /** Every non-empty buffer, by route (for scheduling the next due time and for metrics). */
  public List<BufferState> buffers() {
    return buffers.states();
  }

  /** Batches taken but not completed (a crash interrupted their delivery), oldest first. */
  public List<AggregationBatch> unfinishedBatches() {
    return buffers.unfinishedBatches();
  }

  /** Removes a delivered batch and its progress rows, durably. */
  public boolean completeBatch(String batchId) {
    return buffers.completeBatch(batchId);
  }

  // ---- execution log ----

  /**
   * Appends an attempt to the execution log and the action's totals. Asynchronous: the record is
   * committed with the next group commit, and at the latest by {@link #flush()} or {@link #close()}.
   * Never throws for a storage problem; a record that cannot be stored is logged and dropped.
   */
  @Override
  public void record(ExecutionRecord record) {
    executionLog.record(record);
  }

  /** Waits until every write accepted before this call, execution records included, is committed. */
  public void flush() {
    writer.call(c -> null);
  }

  /** The newest execution-log rows matching the query, newest first. */
  public List<ExecutionRecord> recentExecutions(ExecutionQuery query) {
    return executionLog.recent(query);
  }

  /** Totals per action, by action name. */
  public List<ActionStats> actionStats() {
    return executionLog.stats();
  }

  /** Execution records that could not be stored since start (the writer fell behind or failed). */
  public long droppedExecutionRecords() {
    return executionLog.droppedRecords();
  }

  // ---- key-value ----

  /** Stores {@code value} (copied) under {@code namespace}/{@code key}, replacing any previous entry. */
  public void kvPut(String namespace, String key, byte[] value, Instant expiresAtOrNull) {
    keyValues.put(namespace, key, value, expiresAtOrNull);
  }

  /**
   * {@link #kvPut} without waiting, for a write whose commit nobody needs at once: it is committed in
   * submission order (so a later write or delete of the same key wins) with the next write that
   * somebody waits for, or, when there is none, after at most {@link #LAZY_COMMIT_DELAY} together
   * with whatever else came meanwhile (an execution-log row is written that way too), so that a
   * stream of such writes costs a disk flush per batch rather than per write. The future completes
   * once it is committed. A caller that needs read-your-write before then must remember the value
   * itself: {@link #kvGet} sees it only after the commit.
   */
  public CompletableFuture<Void> kvPutSoon(String namespace, String key, byte[] value, Instant expiresAtOrNull) {
    return keyValues.putSoon(namespace, key, value, expiresAtOrNull, true);
  }

  /** {@link #kvDelete} without waiting, committed like {@link #kvPutSoon}; true if a live entry went. */
  public CompletableFuture<Boolean> kvDeleteSoon(String namespace, String key) {
    return keyValues.deleteSoon(namespace, key, true);
  }

  /** The longest a {@link #kvPutSoon} or {@link #kvDeleteSoon} waits for company before its commit. */
  public static final Duration LAZY_COMMIT_DELAY = Writer.LAZY_DELAY;

  /** The live entry (not expired by the store's clock), if any. */
  public Optional<byte[]> kvGet(String namespace, String key) {
    return keyValues.get(namespace, key);
  }

  /** @return whether a live entry was removed */
  public boolean kvDelete(String namespace, String key) {
    return keyValues.delete(namespace, key);
  }

  /**
   * Atomically stores the entry unless a live one exists (an expired one is replaced).
   *
   * @return true if this call stored it
   */
  public boolean kvPutIfAbsent(String namespace, String key, byte[] value, Instant expiresAtOrNull) {
    return keyValues.putIfAbsent(namespace, key, value, expiresAtOrNull);
  }

  /**
   * Live entries of {@code namespace} in key order: at most {@code limit}, with keys after
   * {@code afterKey} (exclusive; null = from the first). Page by passing the last key seen.
   */
  public List<KvEntry> kvEntries(String namespace, String afterKey, int limit) {
    return keyValues.entries(namespace, afterKey, limit);
  }

  // ---- maintenance ----

  /**
   * Purges expired dedup and key-value entries, prunes the oldest execution-log rows while the file
   * is above {@code max-db-size}, and runs {@code PRAGMA quick_check}. Runs on its own every {@link
   * StoreOptions#verifyInterval()}; callable directly.
   */
  public MaintenanceReport maintenance() {
    return maintenance.run();
  }

  /** Size of the database file plus its write-ahead log. */
  public long sizeOnDisk() {
    return maintenance.sizeOnDisk();
  }

  /**
   * Stops maintenance, commits every write accepted so far, and closes the file (SQLite folds the
   * write-ahead log back into it). Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    if (scheduler != null) {
      scheduler.shutdown(); // cancels future runs; a running one finishes
      try {
        if (!scheduler.awaitTermination(options.writeTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.warn("Store {}: maintenance still running at close", file);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    writer.close();
    readers.close(); // before the writer's connection, so that its close checkpoints the WAL
    Sql.releaseStatements(writerConnection);
    closeQuietly(writerConnection);
    closeQuietly(lockChannel);
    LOG.info("Store {} closed", file);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) return;
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.warn("closing {} failed: {}", closeable, e.toString());
    }
  }
}
