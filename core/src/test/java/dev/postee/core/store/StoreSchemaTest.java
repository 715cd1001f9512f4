package dev.postee.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.core.store.Migrations.Migration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreSchemaTest {
  @TempDir Path dir;

  private static StoreOptions options() {
    return StoreOptions.defaults().withVerifyInterval(null);
  }

  @Test
  void createsParentDirectoriesAndTheLatestSchemaInWalMode() throws Exception {
    Path file = dir.resolve("nested/deeper/postee.db");
    try (Store store = Store.open(file, options())) {
      assertThat(store.file()).isEqualTo(file.toAbsolutePath());
      assertThat(RawDb.queryLong(file, "PRAGMA user_version")).isEqualTo(Migrations.latestVersion(Migrations.ALL));
      assertThat(RawDb.queryLong(file, "PRAGMA application_id")).isEqualTo(Migrations.APPLICATION_ID);
      assertThat(RawDb.queryString(file, "PRAGMA journal_mode")).isEqualTo("wal");
      assertThat(RawDb.queryLong(file, "PRAGMA auto_vacuum")).as("2 = incremental").isEqualTo(2);
      assertThat(RawDb.queryLong(file, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN"
          + " ('events', 'action_progress', 'route_progress', 'dedup_keys', 'aggregation_items', 'execution_log',"
          + " 'action_stats', 'kv')")).isEqualTo(8);
    }
  }

  @Test
  void reopeningKeepsDataAndDoesNotMigrateAgain() throws Exception {
    Path file = dir.resolve("postee.db");
    String id;
    try (Store store = Store.open(file, options())) {
      id = store.enqueue("{\"a\":1}".getBytes(StandardCharsets.UTF_8), "route-1").join().id();
    }
    try (Store store = Store.open(file, options())) {
      assertThat(store.unfinishedCount()).isEqualTo(1);
      StoredEvent event = store.event(id).orElseThrow();
      assertThat(event.bodyText()).isEqualTo("{\"a\":1}");
      assertThat(event.targetRoute()).isEqualTo("route-1");
    }
    assertThat(RawDb.queryLong(file, "PRAGMA user_version")).isEqualTo(Migrations.latestVersion(Migrations.ALL));
  }

  @Test
  void aSchemaNewerThanKnownIsAClearError() throws Exception {
    Path file = dir.resolve("postee.db");
    Store.open(file, options()).close();
    RawDb.exec(file, "PRAGMA user_version = 99");
    assertThatThrownBy(() -> Store.open(file, options()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toAbsolutePath().toString())
        .hasMessageContaining("schema version 99")
        .hasMessageContaining("newer");
    // the failed open released the file: a later open (after a downgrade is undone) works
    RawDb.exec(file, "PRAGMA user_version = " + Migrations.latestVersion(Migrations.ALL));
    Store.open(file, options()).close();
  }

  @Test
  void anotherApplicationsDatabaseIsRefused() throws Exception {
    Path file = dir.resolve("other.db");
    RawDb.exec(file, "CREATE TABLE customers (id INTEGER)");
    assertThatThrownBy(() -> Store.open(file, options()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("another application");
  }

  @Test
  void aFileThatIsNotADatabaseIsAClearError() throws Exception {
    Path file = dir.resolve("garbage.db");
    Files.write(file, "this is not sqlite, but long enough to look like a header ......".repeat(100)
        .getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> Store.open(file, options()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toAbsolutePath().toString())
        .hasMessageContaining("PATH_TO_DB");
  }

  @Test
  void aSecondStoreOnTheSameFileIsRefused() {
    Path file = dir.resolve("postee.db");
    try (Store first = Store.open(file, options())) {
      assertThat(first.file()).isEqualTo(file.toAbsolutePath());
      assertThatThrownBy(() -> Store.open(file, options()))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("in use by another Postee");
    }
    Store.open(file, options()).close();
  }

  @Test
  void migrationStepsRunOnceEachInOrderAndAFailedStepLeavesThePreviousVersion() throws Exception {
    Path file = dir.resolve("steps.db");
    Migration one = new Migration(1, "first", List.of("CREATE TABLE a (x INTEGER)"));
    Migration two = new Migration(2, "second", List.of("CREATE TABLE b (y INTEGER)", "INSERT INTO b VALUES (7)"));
    Migration broken = new Migration(3, "broken", List.of("CREATE TABLE c (z INTEGER)", "INSERT INTO nowhere VALUES (1)"));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      Migrations.migrate(c, file, List.of(one));
      Sql.exec(c, "INSERT INTO a VALUES (1)");
      assertThat(Sql.queryLong(c, "PRAGMA user_version")).isEqualTo(1);

      Migrations.migrate(c, file, List.of(one, two));
      assertThat(Sql.queryLong(c, "PRAGMA user_version")).isEqualTo(2);
      assertThat(Sql.queryLong(c, "SELECT count(*) FROM a")).as("step 1 not re-run").isEqualTo(1);
      assertThat(Sql.queryLong(c, "SELECT y FROM b")).isEqualTo(7);

      Migrations.migrate(c, file, List.of(one, two)); // nothing to do
      assertThat(Sql.queryLong(c, "SELECT count(*) FROM b")).isEqualTo(1);

      assertThatThrownBy(() -> Migrations.migrate(c, file, List.of(one, two, broken)))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("version 3 (broken)")
          .hasMessageContaining("left at version 2");
      assertThat(Sql.queryLong(c, "PRAGMA user_version")).isEqualTo(2);
      assertThat(Sql.queryLong(c, "SELECT count(*) FROM sqlite_schema WHERE name = 'c'"))
          .as("the failed step's first statement is rolled back too").isZero();
    }
  }

  @Test
  void migrationStepsMustBeNumberedWithoutGaps() throws Exception {
    Path file = dir.resolve("gaps.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      assertThatThrownBy(() -> Migrations.migrate(c, file, List.of(new Migration(2, "two", List.of()))))
          .isInstanceOf(IllegalStateException.class);
    }
  }
}
