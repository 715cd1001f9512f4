package dev.postee.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreKeyValueTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);

  private Store open() {
    return Store.open(dir.resolve("postee.db"), StoreOptions.defaults().withVerifyInterval(null).withClock(clock));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  void putGetReplaceAndDeleteWithinNamespaces() {
    try (Store store = open()) {
      store.kvPut("runner-config", "node-1", bytes("v1"), null);
      store.kvPut("other", "node-1", bytes("elsewhere"), null);
      assertThat(store.kvGet("runner-config", "node-1").map(StoreKeyValueTest::text)).contains("v1");

      store.kvPut("runner-config", "node-1", bytes("v2"), null);
      assertThat(store.kvGet("runner-config", "node-1").map(StoreKeyValueTest::text)).contains("v2");
      assertThat(store.kvGet("other", "node-1").map(StoreKeyValueTest::text)).contains("elsewhere");
      assertThat(store.kvGet("runner-config", "node-2")).isEmpty();

      assertThat(store.kvDelete("runner-config", "node-1")).isTrue();
      assertThat(store.kvDelete("runner-config", "node-1")).isFalse();
      assertThat(store.kvGet("runner-config", "node-1")).isEmpty();
    }
  }

  @Test
  void entriesSurviveARestart() {
    try (Store store = open()) {
      store.kvPut("ns", "k", new byte[] {0, 1, 2, (byte) 255}, null);
    }
    try (Store store = open()) {
      assertThat(store.kvGet("ns", "k")).hasValueSatisfying(v -> assertThat(v).containsExactly(0, 1, 2, 255));
    }
  }

  @Test
  void putIfAbsentInsertsOnceAndReplacesOnlyAnExpiredEntry() {
    try (Store store = open()) {
      assertThat(store.kvPutIfAbsent("delegations", "D1", bytes("ran"), T0.plusSeconds(60))).isTrue();
      assertThat(store.kvPutIfAbsent("delegations", "D1", bytes("again"), T0.plusSeconds(120))).isFalse();
      assertThat(store.kvGet("delegations", "D1").map(StoreKeyValueTest::text)).contains("ran");

      clock.set(T0.plusSeconds(60));
      assertThat(store.kvGet("delegations", "D1")).as("expired at its expiry time").isEmpty();
      assertThat(store.kvDelete("delegations", "D1")).as("nothing live to delete").isFalse();
      store.kvPut("delegations", "D1", bytes("ran"), T0.plusSeconds(60));
      assertThat(store.kvPutIfAbsent("delegations", "D1", bytes("new"), null)).isTrue();
      assertThat(store.kvGet("delegations", "D1").map(StoreKeyValueTest::text)).contains("new");
    }
  }

  @Test
  void entriesOfANamespaceAreListedLiveOnlyInKeyOrderAndPaged() {
    try (Store store = open()) {
      store.kvPut("pending", "b", bytes("2"), null);
      store.kvPut("pending", "a", bytes("1"), T0.plusSeconds(100));
      store.kvPut("pending", "c", bytes("3"), null);
      store.kvPut("pending", "gone", bytes("x"), T0.plusSeconds(5));
      store.kvPut("other", "a0", bytes("elsewhere"), null);
      clock.set(T0.plusSeconds(5));

      assertThat(store.kvEntries("pending", null, 10)).extracting(KvEntry::key).containsExactly("a", "b", "c");
      assertThat(store.kvEntries("pending", null, 10).get(0).expiresAt()).isEqualTo(T0.plusSeconds(100));
      assertThat(store.kvEntries("other", null, 10).get(0).expiresAt()).as("no expiry").isNull();
      assertThat(store.kvEntries("pending", null, 2)).extracting(KvEntry::key).containsExactly("a", "b");
      assertThat(store.kvEntries("pending", "b", 2)).extracting(e -> text(e.value())).containsExactly("3");
      assertThat(store.kvEntries("nothing", null, 2)).isEmpty();
    }
  }

  @Test
  void maintenancePurgesExpiredEntriesOnly() throws Exception {
    try (Store store = open()) {
      store.kvPut("ns", "expiring", bytes("x"), T0.plusSeconds(5));
      store.kvPut("ns", "later", bytes("x"), T0.plusSeconds(500));
      store.kvPut("ns", "forever", bytes("x"), null);
      clock.set(T0.plusSeconds(5));
      assertThat(store.maintenance().expiredKvEntriesPurged()).isEqualTo(1);
    }
    assertThat(RawDb.queryLong(dir.resolve("postee.db"), "SELECT count(*) FROM kv")).isEqualTo(2);
  }

  @Test
  void writesThatAreNotWaitedForApplyInSubmissionOrderAndAreReadableOnceCommitted() throws Exception {
    try (Store store = open()) {
      var put = store.kvPutSoon("ns", "k", bytes("first"), null);
      var delete = store.kvDeleteSoon("ns", "k");
      var again = store.kvPutSoon("ns", "k", bytes("second"), null);
      again.get(5, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(put).isDone();
      assertThat(delete).isCompletedWithValue(true);
      assertThat(store.kvGet("ns", "k").map(StoreKeyValueTest::text)).contains("second");
      assertThat(store.kvDeleteSoon("ns", "missing").get(5, java.util.concurrent.TimeUnit.SECONDS)).isFalse();
    }
  }
}
