package dev.postee.core.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import org.sqlite.SQLiteConfig;

/** Small JDBC helpers shared by the store's parts. */
final class Sql {
  static final long WAL_SIZE_LIMIT_BYTES = 16L * 1024 * 1024;
  /** Statements kept compiled per connection that caches them; more than the store's distinct writes. */
  static final int CACHED_STATEMENTS = 64;

  /**
   * Compiled statements of connections registered with {@link #cacheStatements}: the writer's, which
   * runs every write of every event, and the readers' (key-value lookups on every delegation). Compiling a statement cost SQLite about as much as running it
   * (the action-stats upsert much more), on the one thread all writes go through. A connection is
   * used by one thread at a time, so each cache is too; the map only guards registration.
   */
  private static final Map<Connection, Map<String, PreparedStatement>> CACHES =
      Collections.synchronizedMap(new WeakHashMap<>());

  private Sql() {}

  /** One unit of work on a connection (a write inside the group-commit transaction, or a read). */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  static Connection connect(Path file, StoreOptions options) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout((int) options.busyTimeout().toMillis());
    // nothing here reads generated keys: without this, the driver compiles and runs a
    // "SELECT last_insert_rowid()" after every INSERT
    config.setGetGeneratedKeys(false);
    Connection connection = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try {
      exec(connection, "PRAGMA synchronous = " + options.synchronous().name());
      // After a burst the write-ahead log is cut back to this size at the next checkpoint instead of
      // keeping its peak size on disk (it counts towards max-db-size).
      exec(connection, "PRAGMA journal_size_limit = " + WAL_SIZE_LIMIT_BYTES);
      return connection;
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
  }

  static void exec(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      boolean hasRows = statement.execute(sql);
      if (hasRows) {
        // Some pragmas (incremental_vacuum, wal_checkpoint) do their work row by row: step to the end.
        try (ResultSet rows = statement.getResultSet()) {
          while (rows.next()) {
            // drained
          }
        }
      }
    }
  }

  static long queryLong(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      return rows.next() ? rows.getLong(1) : 0;
    }
  }

  static String queryString(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      return rows.next() ? rows.getString(1) : null;
    }
  }

  /** Binds parameters in order; Instants become epoch milliseconds, byte arrays blobs. */
  static PreparedStatement prepare(Connection connection, String sql, Object... parameters) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    try {
      bind(statement, parameters);
      return statement;
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
  }

  private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
    for (int i = 0; i < parameters.length; i++) {
      Object p = parameters[i];
      if (p instanceof Instant instant) {
        statement.setLong(i + 1, instant.toEpochMilli());
      } else if (p instanceof byte[] bytes) {
        statement.setBytes(i + 1, bytes);
      } else {
        statement.setObject(i + 1, p);
      }
    }
  }

  /**
   * From now on {@link #update} and {@link #query} keep the statements they run on {@code connection} compiled (the
   * {@value #CACHED_STATEMENTS} most recently used); they are closed with the connection. Only for a
   * connection that one thread uses at a time.
   */
  static void cacheStatements(Connection connection) {
    CACHES.put(connection, new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
        if (size() <= CACHED_STATEMENTS) return false;
        closeQuietly(eldest.getValue());
        return true;
      }
    });
  }

  /** Closes the compiled statements kept for {@code connection} and forgets them (before the connection closes). */
  static void releaseStatements(Connection connection) {
    Map<String, PreparedStatement> cache = CACHES.remove(connection);
    if (cache != null) cache.values().forEach(Sql::closeQuietly);
  }

  static int update(Connection connection, String sql, Object... parameters) throws SQLException {
    return withStatement(connection, sql, parameters, PreparedStatement::executeUpdate);
  }

  /** What is done with a statement once its parameters are bound. */
  @FunctionalInterface
  private interface Use<T> {
    T run(PreparedStatement statement) throws SQLException;
  }

  /** Runs {@code use} on the statement, compiled once per connection registered with {@link #cacheStatements}. */
  private static <T> T withStatement(Connection connection, String sql, Object[] parameters, Use<T> use)
      throws SQLException {
    Map<String, PreparedStatement> cache = CACHES.get(connection);
    if (cache == null) {
      try (PreparedStatement statement = prepare(connection, sql, parameters)) {
        return use.run(statement);
      }
    }
    PreparedStatement statement = cache.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      cache.put(sql, statement);
    }
    try {
      bind(statement, parameters);
      T result = use.run(statement);
      statement.clearParameters(); // no blob or text of this statement stays referenced until the next use
      return result;
    } catch (SQLException | RuntimeException e) {
      // A failed statement is not reused: compiled again next time, from a clean state.
      cache.remove(sql);
      closeQuietly(statement);
      throw e;
    }
  }

  private static void closeQuietly(PreparedStatement statement) {
    try {
      statement.close();
    } catch (SQLException ignored) {
      // closing a statement of a connection that is itself failing: nothing more to do
    }
  }

  static boolean exists(Connection connection, String sql, Object... parameters) throws SQLException {
    return query(connection, sql, ResultSet::next, parameters);
  }

  /** Reads what a query's rows give. */
  @FunctionalInterface
  interface Rows<T> {
    T read(ResultSet rows) throws SQLException;
  }

  /**
   * Runs a query and reads its rows with {@code reader}, with the statement kept compiled when the
   * connection is registered with {@link #cacheStatements} (the rows are closed before this returns,
   * which resets the statement: it holds no read snapshot between calls).
   */
  static <T> T query(Connection connection, String sql, Rows<T> reader, Object... parameters) throws SQLException {
    return withStatement(connection, sql, parameters, statement -> {
      try (ResultSet rows = statement.executeQuery()) {
        return reader.read(rows);
      }
    });
  }


  /** An epoch-millisecond column as an Instant, or null when the column is NULL. */
  static Instant instant(ResultSet rows, String column) throws SQLException {
    long millis = rows.getLong(column);
    return rows.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  static Integer nullableInt(ResultSet rows, String column) throws SQLException {
    int value = rows.getInt(column);
    return rows.wasNull() ? null : value;
  }

  static Long millis(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }
}
