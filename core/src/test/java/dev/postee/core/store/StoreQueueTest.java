package dev.postee.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreQueueTest {
  @TempDir Path dir;

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private Store open(StoreOptions options) {
    return Store.open(dir.resolve("postee.db"), options.withVerifyInterval(null));
  }

  @Test
  void enqueuedEventsAreListedOldestFirstUntilCompleted() {
    try (Store store = open(StoreOptions.defaults())) {
      StoredEvent a = store.enqueue(json("{\"n\":1}"), null).join();
      StoredEvent b = store.enqueue(json("{\"n\":2}"), "tenant-x").join();
      StoredEvent c = store.enqueue(json("{\"n\":3}"), null).join();

      assertThat(store.unfinished(10)).extracting(StoredEvent::id).containsExactly(a.id(), b.id(), c.id());
      assertThat(store.unfinished(2)).extracting(StoredEvent::id).containsExactly(a.id(), b.id());
      assertThat(store.unfinishedAfter(a.id(), 10)).extracting(StoredEvent::id).containsExactly(b.id(), c.id());
      StoredEvent stored = store.event(b.id()).orElseThrow();
      assertThat(stored.bodyText()).isEqualTo("{\"n\":2}");
      assertThat(stored.targetRoute()).isEqualTo("tenant-x");
      assertThat(stored.receivedAt()).isEqualTo(b.receivedAt());
      assertThat(store.unfinishedCount()).isEqualTo(3);

      assertThat(store.complete(b.id())).isTrue();
      assertThat(store.complete(b.id())).as("second completion finds nothing").isFalse();
      assertThat(store.unfinished(10)).extracting(StoredEvent::id).containsExactly(a.id(), c.id());
      assertThat(store.event(b.id())).isEmpty();
      assertThat(store.unfinishedCount()).isEqualTo(2);
    }
  }

  @Test
  void theBodyIsCopiedAtEnqueue() {
    try (Store store = open(StoreOptions.defaults())) {
      byte[] body = json("{\"n\":1}");
      CompletableFuture<StoredEvent> stored = store.enqueue(body, null);
      body[2] = 'X';
      assertThat(store.event(stored.join().id()).orElseThrow().bodyText()).isEqualTo("{\"n\":1}");
    }
  }

  @Test
  void aFullQueueRejectsAtOnceAndAcceptsAgainAfterACompletion() {
    try (Store store = open(StoreOptions.defaults().withMaxQueuedEvents(3))) {
      List<StoredEvent> events = List.of(
          store.enqueue(json("{}"), null).join(), store.enqueue(json("{}"), null).join(),
          store.enqueue(json("{}"), null).join());

      assertThatThrownBy(() -> store.enqueue(json("{}"), null))
          .isInstanceOf(QueueFullException.class)
          .hasMessageContaining("3 unfinished events")
          .satisfies(e -> assertThat(((QueueFullException) e).limit()).isEqualTo(3));
      assertThat(store.unfinished(10)).hasSize(3);

      store.complete(events.getFirst().id());
      assertThat(store.enqueue(json("{}"), null).join().id()).isNotBlank();
      assertThatThrownBy(() -> store.enqueue(json("{}"), null)).isInstanceOf(QueueFullException.class);
    }
  }

  @Test
  void theQueueLimitCountsEventsStoredBeforeARestart() {
    try (Store store = open(StoreOptions.defaults().withMaxQueuedEvents(2))) {
      store.enqueue(json("{}"), null).join();
      store.enqueue(json("{}"), null).join();
    }
    try (Store store = open(StoreOptions.defaults().withMaxQueuedEvents(2))) {
      assertThat(store.unfinishedCount()).isEqualTo(2);
      assertThatThrownBy(() -> store.enqueue(json("{}"), null)).isInstanceOf(QueueFullException.class);
    }
  }

  @Test
  void writesAfterCloseFailClearlyAndCloseIsIdempotent() {
    Store store = open(StoreOptions.defaults());
    store.close();
    store.close();
    assertThatThrownBy(() -> store.enqueue(json("{}"), null))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> store.markActionDone("e", "r", "a")).isInstanceOf(StoreException.class);
  }

  @Test
  void closeCommitsEnqueuesAcceptedBeforeIt() {
    List<CompletableFuture<StoredEvent>> pending;
    try (Store store = open(StoreOptions.defaults())) {
      pending = java.util.stream.IntStream.range(0, 200).mapToObj(i -> store.enqueue(json("{}"), null)).toList();
    }
    Set<String> ids = pending.stream().map(CompletableFuture::join).map(StoredEvent::id).collect(Collectors.toSet());
    try (Store store = open(StoreOptions.defaults())) {
      assertThat(store.unfinished(1000)).extracting(StoredEvent::id).containsExactlyInAnyOrderElementsOf(ids);
    }
  }

  /**
   * A load check, not a timing assertion: 10 threads each enqueue 500 events one after another (as
   * HTTP handlers do, each waiting for its commit); all complete with distinct ids, all stored.
   */
  @Test
  void tenThreadsTimesFiveHundredEnqueuesAllCompleteWithDistinctStoredIds() throws Exception {
    int threads = 10;
    int perThread = 500;
    Set<String> ids = ConcurrentHashMap.newKeySet();
    try (Store store = open(StoreOptions.defaults().withMaxQueuedEvents(threads * perThread))) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> workers = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        workers.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            ids.add(store.enqueue(json("{\"thread\":" + thread + ",\"i\":" + i + "}"), null)
                .get(30, TimeUnit.SECONDS).id());
          }
          return null;
        }));
      }
      long began = System.nanoTime();
      start.countDown();
      for (Future<?> worker : workers) worker.get(5, TimeUnit.MINUTES);
      double seconds = (System.nanoTime() - began) / 1e9;
      pool.shutdown();
      System.out.printf("group commit load check: %d events in %.2f s = %.0f events/s (synchronous=FULL)%n",
          threads * perThread, seconds, threads * perThread / seconds);

      assertThat(ids).hasSize(threads * perThread);
      assertThat(store.unfinished(threads * perThread + 1)).extracting(StoredEvent::id)
          .containsExactlyInAnyOrderElementsOf(ids);
      assertThat(store.unfinishedCount()).isEqualTo(threads * perThread);
      assertThat(RawDb.queryStrings(store.file(), "SELECT id FROM events ORDER BY rowid"))
          .as("id order is insertion order, so paging by id never skips a later commit").isSorted();
    }
  }
}
