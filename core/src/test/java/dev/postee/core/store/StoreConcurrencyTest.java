package dev.postee.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreConcurrencyTest {
  @TempDir Path dir;

  @Test
  void readsAnswerWhileTheWriterWaitsForTheWriteLock() throws Exception {
    Path file = dir.resolve("postee.db");
    try (Store store = Store.open(file, StoreOptions.defaults().withVerifyInterval(null)
        .withBusyTimeout(Duration.ofSeconds(60)).withWriteTimeout(Duration.ofSeconds(60)))) {
      String stored = store.enqueue("{\"first\":true}".getBytes(StandardCharsets.UTF_8), null).join().id();
      store.kvPut("ns", "k", new byte[] {42}, null);

      CompletableFuture<StoredEvent> blocked;
      try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
           Statement statement = other.createStatement()) {
        statement.execute("BEGIN IMMEDIATE"); // another writer holds the lock: the store's writer must wait
        blocked = store.enqueue("{\"second\":true}".getBytes(StandardCharsets.UTF_8), null);

        assertThat(store.event(stored)).isPresent();
        assertThat(store.unfinished(10)).extracting(StoredEvent::id).containsExactly(stored);
        assertThat(store.kvGet("ns", "k")).hasValueSatisfying(v -> assertThat(v).containsExactly(42));
        assertThat(store.recentExecutions(ExecutionQuery.latest(5))).isEmpty();
        assertThat(blocked).as("the reads above answered while the write still waited for the lock").isNotDone();
        statement.execute("ROLLBACK");
      }
      await().atMost(Duration.ofSeconds(30)).until(blocked::isDone);
      assertThat(store.event(blocked.join().id())).isPresent();
    }
  }
}
