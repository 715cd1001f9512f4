package dev.postee.core.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import org.sqlite.SQLiteConfig;

/** Small JDBC helpers shared by the store's parts. */
final class Sql {
  static final long WAL_SIZE_LIMIT_BYTES = 16L * 1024 * 1024;

  private Sql() {}

  /** One unit of work on a connection (a write inside the group-commit transaction, or a read). */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  static Connection connect(Path file, StoreOptions options) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout((int) options.busyTimeout().toMillis());
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
      return statement;
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
  }

  static int update(Connection connection, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement statement = prepare(connection, sql, parameters)) {
      return statement.executeUpdate();
    }
  }

  static boolean exists(Connection connection, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement statement = prepare(connection, sql, parameters);
         ResultSet rows = statement.executeQuery()) {
      return rows.next();
    }
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
