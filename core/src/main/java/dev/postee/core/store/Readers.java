package dev.postee.core.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Read-only connections beside the writer. In WAL mode a reader sees the last committed state and
 * never waits for the writer's transaction, so lookups stay fast during a burst of ingest.
 */
final class Readers implements AutoCloseable {
  private final Path file;
  private final Duration timeout;
  private final List<Connection> all = new ArrayList<>();
  private final BlockingQueue<Connection> idle;

  Readers(Path file, StoreOptions options) throws SQLException {
    this.file = file;
    this.timeout = options.writeTimeout();
    this.idle = new ArrayBlockingQueue<>(options.readConnections());
    try {
      for (int i = 0; i < options.readConnections(); i++) {
        Connection connection = Sql.connect(file, options);
        all.add(connection);
        Sql.exec(connection, "PRAGMA query_only = ON");
        Sql.cacheStatements(connection); // the pool hands a connection to one thread at a time
        idle.add(connection);
      }
    } catch (SQLException e) {
      close();
      throw e;
    }
  }

  <T> T read(Sql.Work<T> work) {
    Connection connection;
    try {
      connection = idle.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException(file + ": interrupted while waiting for a read connection", e);
    }
    if (connection == null) {
      throw new StoreException(file + ": no read connection became free within " + timeout
          + "; a query is stuck or readConnections is too small");
    }
    try {
      return work.run(connection);
    } catch (SQLException e) {
      throw new StoreException(file + ": reading the database failed: " + e.getMessage(), e);
    } finally {
      idle.add(connection);
    }
  }

  @Override
  public void close() {
    for (Connection connection : all) {
      Sql.releaseStatements(connection); // the cache holds its connection: it would never be collected
      try {
        connection.close();
      } catch (SQLException ignored) {
        // closing a read-only connection loses nothing
      }
    }
    all.clear();
  }
}
