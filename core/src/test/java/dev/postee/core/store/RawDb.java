package dev.postee.core.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Looks into a database file with a plain connection, beside (or after) the store under test. */
final class RawDb {
  private RawDb() {}

  static long queryLong(Path file, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
         Statement s = c.createStatement();
         ResultSet rows = s.executeQuery(sql)) {
      return rows.next() ? rows.getLong(1) : 0;
    }
  }

  static String queryString(Path file, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
         Statement s = c.createStatement();
         ResultSet rows = s.executeQuery(sql)) {
      return rows.next() ? rows.getString(1) : null;
    }
  }

  static java.util.List<String> queryStrings(Path file, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
         Statement s = c.createStatement();
         ResultSet rows = s.executeQuery(sql)) {
      java.util.List<String> values = new java.util.ArrayList<>();
      while (rows.next()) values.add(rows.getString(1));
      return values;
    }
  }

  static void exec(Path file, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
         Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
