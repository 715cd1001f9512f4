package dev.postee.core.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only thread that writes to the database. Writes submitted by any thread queue up; the writer
 * takes everything queued (up to {@code maxBatch}) and runs it in one transaction, each write in
 * its own savepoint so one failing write does not undo the others, then commits once. Futures
 * complete only after COMMIT returned, i.e. once the data is durable at the configured
 * {@code synchronous} level. Completion runs on virtual threads, never on the writer, so a slow
 * callback cannot stall everybody's commits.
 *
 * <p>A write submitted with {@link #submitLazy} (an execution-log row: nobody waits for it) does not
 * start a commit of its own at once: when only such writes are queued, the writer waits up to
 * {@link #LAZY_DELAY} for another write to commit them with, so that they ride along with the
 * next commit instead of costing a disk flush each. Writes are still committed in submission order.
 */
final class Writer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Writer.class);

  private record Task<T>(Sql.Work<T> work, Consumer<? super T> afterCommit, boolean transactional, boolean lazy,
                         CompletableFuture<T> future) {}

  private static final Task<Void> STOP = new Task<>(c -> null, null, false, false, new CompletableFuture<>());
  /** How long lazy writes wait for company before they are committed alone. */
  static final Duration LAZY_DELAY = Duration.ofMillis(10);

  private final Path file;
  private final Connection connection;
  private final int maxBatch;
  private final Duration writeTimeout;
  private final LinkedBlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
  private final ReentrantReadWriteLock closing = new ReentrantReadWriteLock();
  private final ExecutorService completions = Executors.newVirtualThreadPerTaskExecutor();
  private final Thread thread;
  private boolean closed;
  private PreparedStatement begin;
  private PreparedStatement commit;
  private PreparedStatement savepoint;
  private PreparedStatement release;

  Writer(Path file, Connection connection, int maxBatch, Duration writeTimeout) {
    this.file = file;
    this.connection = connection;
    this.maxBatch = maxBatch;
    this.writeTimeout = writeTimeout;
    Sql.cacheStatements(connection); // every write goes through this connection: compile each statement once
    this.thread = Thread.ofPlatform().name("postee-store-writer").daemon(true).unstarted(this::run);
    thread.start();
  }

  /** Queues a write for the next group commit. */
  <T> CompletableFuture<T> submit(Sql.Work<T> work) {
    return submit(work, null, true);
  }

  /**
   * Queues a write. {@code afterCommit} runs on the writer thread after a successful commit and
   * before the future completes (bookkeeping that callers must see when their future completes).
   * A non-transactional write runs alone, outside any transaction (checkpoints, vacuum).
   */
  <T> CompletableFuture<T> submit(Sql.Work<T> work, Consumer<? super T> afterCommit, boolean transactional) {
    return enqueue(work, afterCommit, transactional, false);
  }

  /** Queues a write that nobody waits for: committed with the next write, or alone after {@link #LAZY_DELAY}. */
  <T> CompletableFuture<T> submitLazy(Sql.Work<T> work) {
    return enqueue(work, null, true, true);
  }

  private <T> CompletableFuture<T> enqueue(Sql.Work<T> work, Consumer<? super T> afterCommit, boolean transactional,
      boolean lazy) {
    CompletableFuture<T> future = new CompletableFuture<>();
    closing.readLock().lock();
    try {
      if (closed) throw new StoreException("the store " + file + " is closed");
      queue.add(new Task<>(work, afterCommit, transactional, lazy, future));
    } finally {
      closing.readLock().unlock();
    }
    return future;
  }

  /** Submits and waits for the commit, up to the write timeout. */
  <T> T call(Sql.Work<T> work) {
    return await(submit(work), "write");
  }

  <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) throw runtime;
      throw new StoreException(file + ": " + what + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new StoreException(file + ": " + what + " was not committed within " + writeTimeout
          + "; the disk may be stalled or full", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException(file + ": interrupted while waiting for a " + what, e);
    }
  }

  private void run() {
    List<Task<?>> batch = new ArrayList<>(maxBatch);
    boolean stopping = false;
    while (!stopping) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        continue; // only close() stops the writer, through STOP, so that queued writes are not lost
      }
      queue.drainTo(batch, maxBatch - 1);
      gatherCompanyForLazyWrites(batch);
      int stop = batch.indexOf(STOP);
      if (stop >= 0) {
        stopping = true;
        batch.subList(stop, batch.size()).clear(); // nothing is queued after STOP
      }
      try {
        process(batch);
      } catch (Throwable e) { // an Error from a write must not kill the only writer
        rollbackAfter(e);
        LOG.error("Store {}: unexpected failure in the writer; {} writes failed", file, batch.size(), e);
        failAll(batch, e);
      }
      batch.clear();
    }
  }

  /** When the batch holds only lazy writes, waits up to {@link #LAZY_DELAY} for a write that is not. */
  private void gatherCompanyForLazyWrites(List<Task<?>> batch) {
    if (batch.stream().anyMatch(t -> !t.lazy())) return;
    long deadline = System.nanoTime() + LAZY_DELAY.toNanos();
    while (batch.size() < maxBatch) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return;
      Task<?> next;
      try {
        next = queue.poll(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        return; // commit what there is; only STOP ends the writer
      }
      if (next == null) return;
      batch.add(next);
      queue.drainTo(batch, maxBatch - batch.size());
      if (!next.lazy() || batch.stream().anyMatch(t -> !t.lazy())) return;
    }
  }

  private void process(List<Task<?>> batch) throws SQLException {
    int start = 0;
    while (start < batch.size()) {
      Task<?> task = batch.get(start);
      if (!task.transactional()) {
        runAlone(task);
        start++;
        continue;
      }
      int end = start;
      while (end < batch.size() && batch.get(end).transactional()) end++;
      runInTransaction(batch.subList(start, end));
      start = end;
    }
  }

  private <T> void runAlone(Task<T> task) {
    try {
      T result = task.work().run(connection);
      finish(List.of(task), new Object[] {result}, new Throwable[1]);
    } catch (Throwable e) {
      task.future().completeExceptionally(wrap(e));
    }
  }

  /**
   * The statements that run with every group commit and every write, compiled once. The driver
   * finalizes a statement whose execution fails with most errors (disk full, I/O): after any
   * failure they are compiled again ({@link #forgetControlStatements}).
   */
  private void prepareControlStatements() throws SQLException {
    if (begin != null) return;
    try {
      begin = connection.prepareStatement("BEGIN IMMEDIATE");
      commit = connection.prepareStatement("COMMIT");
      savepoint = connection.prepareStatement("SAVEPOINT write");
      release = connection.prepareStatement("RELEASE write");
    } catch (SQLException e) {
      forgetControlStatements();
      throw e;
    }
  }

  private void forgetControlStatements() {
    for (PreparedStatement p : new PreparedStatement[] {begin, commit, savepoint, release}) {
      if (p == null) continue;
      try {
        p.close();
      } catch (SQLException ignored) {
        // already finalized by the failure that brought us here
      }
    }
    begin = null;
    commit = null;
    savepoint = null;
    release = null;
  }

  private void runInTransaction(List<Task<?>> tasks) throws SQLException {
    Object[] results = new Object[tasks.size()];
    Throwable[] errors = new Throwable[tasks.size()];
    try {
      prepareControlStatements();
      begin.execute();
    } catch (SQLException e) {
      forgetControlStatements();
      failAll(tasks, e);
      return;
    }
    try {
      for (int i = 0; i < tasks.size(); i++) {
        savepoint.execute();
        try {
          results[i] = tasks.get(i).work().run(connection);
          release.execute();
        } catch (SQLException | RuntimeException e) {
          errors[i] = e;
          Sql.exec(connection, "ROLLBACK TO write");
          Sql.exec(connection, "RELEASE write");
          if (e instanceof SQLException) { // RELEASE itself may have failed: compiled again
            forgetControlStatements();
            prepareControlStatements();
          }
        }
      }
      commit.execute();
    } catch (SQLException | RuntimeException e) {
      // The transaction as a whole failed (I/O error, disk full, ...): nothing of it is on disk.
      forgetControlStatements();
      rollbackAfter(e);
      LOG.error("Store {}: a group commit of {} writes failed; none of them is stored", file, tasks.size(), e);
      failAll(tasks, e);
      return;
    }
    finish(tasks, results, errors);
  }

  private void rollbackAfter(Throwable failure) {
    try {
      Sql.exec(connection, "ROLLBACK");
    } catch (SQLException e) {
      failure.addSuppressed(e); // SQLite may have rolled back by itself already (I/O errors do that)
    }
  }

  @SuppressWarnings("unchecked")
  private void finish(List<? extends Task<?>> tasks, Object[] results, Throwable[] errors) {
    for (int i = 0; i < tasks.size(); i++) {
      Task<Object> task = (Task<Object>) tasks.get(i);
      if (errors[i] == null && task.afterCommit() != null) {
        try {
          task.afterCommit().accept(results[i]);
        } catch (RuntimeException e) {
          LOG.error("Store {}: bookkeeping after a commit failed (this is a bug)", file, e);
        }
      }
    }
    List<Task<?>> done = List.copyOf(tasks);
    completions.execute(() -> {
      for (int i = 0; i < done.size(); i++) {
        @SuppressWarnings("unchecked")
        Task<Object> task = (Task<Object>) done.get(i);
        if (errors[i] == null) {
          task.future().complete(results[i]);
        } else {
          task.future().completeExceptionally(wrap(errors[i]));
        }
      }
    });
  }

  private void failAll(List<Task<?>> tasks, Throwable cause) {
    StoreException error = new StoreException(file + ": writing to the database failed: " + cause.getMessage(), cause);
    List<Task<?>> failed = List.copyOf(tasks);
    completions.execute(() -> failed.forEach(task -> task.future().completeExceptionally(error)));
  }

  private Throwable wrap(Throwable e) {
    if (e instanceof RuntimeException || e instanceof Error) return e;
    return new StoreException(file + ": writing to the database failed: " + e.getMessage(), e);
  }

  /** Commits everything queued so far, stops the thread, and waits for pending completions. */
  @Override
  public void close() {
    closing.writeLock().lock();
    try {
      if (closed) return;
      closed = true;
      queue.add(STOP);
    } finally {
      closing.writeLock().unlock();
    }
    try {
      thread.join();
      completions.shutdown();
      if (!completions.awaitTermination(writeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("Store {}: completion callbacks still running after {}", file, writeTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
