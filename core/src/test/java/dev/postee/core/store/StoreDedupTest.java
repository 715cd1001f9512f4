package dev.postee.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreDedupTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.250Z");

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);

  private Store open() {
    return Store.open(dir.resolve("postee.db"), StoreOptions.defaults().withVerifyInterval(null).withClock(clock));
  }

  @Test
  void aKeyIsNewOnceAndOnlyWithinItsRoute() {
    try (Store store = open()) {
      assertThat(store.firstSeen("route-a", "image:alpine|CVE-1", null, T0)).isTrue();
      assertThat(store.firstSeen("route-a", "image:alpine|CVE-1", null, T0)).isFalse();
      assertThat(store.firstSeen("route-b", "image:alpine|CVE-1", null, T0)).as("another route").isTrue();
      assertThat(store.firstSeen("route-a", "image:alpine|CVE-2", null, T0)).isTrue();
    }
  }

  @Test
  void expiryIsExactToTheSecond() {
    Instant expiresAt = T0.plusSeconds(30);
    try (Store store = open()) {
      assertThat(store.firstSeen("r", "k", expiresAt, T0)).isTrue();
      assertThat(store.firstSeen("r", "k", T0.plusSeconds(60), T0.plusSeconds(29))).isFalse();
      assertThat(store.firstSeen("r", "k", T0.plusSeconds(60), expiresAt.minusMillis(1))).isFalse();
      assertThat(store.firstSeen("r", "k", expiresAt.plusSeconds(30), expiresAt)).as("expired at 30 s").isTrue();
      // the new record counts from its own expiry
      assertThat(store.firstSeen("r", "k", null, expiresAt.plusSeconds(29))).isFalse();
      assertThat(store.firstSeen("r", "k", null, expiresAt.plusSeconds(30))).isTrue();
    }
  }

  @Test
  void aKeyWithoutExpiryIsRememberedForeverAcrossRestarts() {
    try (Store store = open()) {
      assertThat(store.firstSeen("r", "k", null, T0)).isTrue();
    }
    try (Store store = open()) {
      assertThat(store.firstSeen("r", "k", null, T0.plus(Duration.ofDays(3650)))).isFalse();
      assertThat(store.maintenance().expiredDedupKeysPurged()).isZero();
    }
  }

  @Test
  void theEventThatRecordedAKeyStillPassesWhenRedelivered() {
    try (Store store = open()) {
      assertThat(store.firstSeen("r", "k", "EVENT-1", null, T0)).isTrue();
      assertThat(store.firstSeen("r", "k", "EVENT-1", null, T0.plusSeconds(1))).as("redelivery").isTrue();
      assertThat(store.firstSeen("r", "k", "EVENT-2", null, T0.plusSeconds(1))).as("a real duplicate").isFalse();
      assertThat(store.firstSeen("r", "k", null, T0.plusSeconds(1))).isFalse();
    }
  }

  @Test
  void concurrentCallersForOneKeySeeExactlyOneFirst() throws Exception {
    try (Store store = open()) {
      int threads = 8;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          start.await();
          return store.firstSeen("r", "same-key", null, T0);
        }));
      }
      start.countDown();
      int firsts = 0;
      for (Future<Boolean> result : results) if (result.get(30, TimeUnit.SECONDS)) firsts++;
      pool.shutdown();
      assertThat(firsts).isEqualTo(1);
    }
  }

  @Test
  void maintenancePurgesOnlyExpiredKeys() throws Exception {
    try (Store store = open()) {
      store.firstSeen("r", "short", T0.plusSeconds(10), T0);
      store.firstSeen("r", "long", T0.plusSeconds(100), T0);
      store.firstSeen("r", "forever", null, T0);
      clock.set(T0.plusSeconds(10));
      assertThat(store.maintenance().expiredDedupKeysPurged()).isEqualTo(1);
    }
    assertThat(RawDb.queryLong(dir.resolve("postee.db"), "SELECT count(*) FROM dedup_keys")).isEqualTo(2);
  }
}
