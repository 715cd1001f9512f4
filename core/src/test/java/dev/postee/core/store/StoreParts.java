package dev.postee.core.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;

/**
 * A store's writer and readers on a database file with the current schema, without the rest of
 * {@link Store}: for tests of one component (the key-values, the execution log) built on them.
 */
record StoreParts(Writer writer, Readers readers) implements AutoCloseable {
  static StoreParts open(Path file) throws Exception {
    StoreOptions options = StoreOptions.defaults();
    Connection c = Sql.connect(file, options);
    Sql.exec(c, "PRAGMA journal_mode = WAL");
    Migrations.migrate(c, file, Migrations.ALL); // a no-op on a file that has the schema
    return new StoreParts(new Writer(file, c, 100, Duration.ofSeconds(10)), new Readers(file, options));
  }

  @Override
  public void close() {
    readers.close();
    writer.close();
  }
}
