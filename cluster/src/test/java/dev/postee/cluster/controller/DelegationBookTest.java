package dev.postee.cluster.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postee.cluster.protocol.DelegationResult;
import dev.postee.core.action.ExecutionRecord;
import dev.postee.core.store.Store;
import dev.postee.core.store.StoreOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The controller's book of delegations, on a real store. */
@Timeout(60)
class DelegationBookTest {
  @TempDir Path dir;
  Store store;
  DelegationBook book;
  final List<ExecutionRecord> logged = new CopyOnWriteArrayList<>();

  @BeforeEach
  void open() {
    store = Store.open(dir.resolve("postee.db"), StoreOptions.defaults().withVerifyInterval(null));
    book = new DelegationBook(store, Clock.systemUTC(), Duration.ofDays(8));
    book.useRecorder(logged::add);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static DelegationResult result(String executionId, String status, int attempts) {
    return new DelegationResult(executionId, "runner-1", "route", "kill", "exec", "event-1", status, attempts, null, 0,
        System.currentTimeMillis(), 5, "ok", null);
  }

  private static PendingDelegation pending(String executionId) {
    return new PendingDelegation(executionId, "runner-1", "route", "kill", "exec", "event-1", System.currentTimeMillis(),
        Duration.ofHours(1).toMillis(), 0);
  }

  @Test
  void aResultIsLoggedOncePerAttemptCountReachesItsWaiterAndEndsThePendingDelegation() throws Exception {
    book.putPending(pending("x"));
    CompletableFuture<DelegationResult> waiter = book.waiter("x");

    CompletableFuture<Boolean> written = book.record(result("x", "DELIVERED", 1));
    assertThat(waiter.get(5, TimeUnit.SECONDS).status()).isEqualTo("DELIVERED");
    assertThat(book.done("x")).as("seen before and after its commit").isPresent();
    assertThat(written.get(5, TimeUnit.SECONDS)).isTrue();
    store.flush();
    assertThat(book.pending("x")).isEmpty();
    assertThat(book.done("x")).hasValueSatisfying(r -> assertThat(r.attempts()).isOne());

    assertThat(book.record(result("x", "DELIVERED", 1)).get(5, TimeUnit.SECONDS)).as("the same result again (a replay)")
        .isFalse();
    assertThat(book.record(result("x", "EXHAUSTED", 3)).get(5, TimeUnit.SECONDS))
        .as("another attempt count is another result").isTrue();
    assertThat(logged).extracting(ExecutionRecord::attempt).containsExactly(1, 3);
  }

  @Test
  void theNoteOfAPublicationThatComesAfterItsResultDoesNotListTheDelegationAgain() {
    PendingDelegation p = pending("y");
    book.record(result("y", "DELIVERED", 1));
    book.notePublished(p, 42, System.currentTimeMillis());
    store.flush();
    assertThat(book.pending("y")).isEmpty();
    assertThat(book.allPending()).isEmpty();
  }

  @Test
  void aResultWaitingForItsCommitDoesNotHoldUpAnotherExecutionsResult() throws Exception {
    CountDownLatch slowEntered = new CountDownLatch(1);
    CountDownLatch releaseSlow = new CountDownLatch(1);
    book.useRecorder(r -> {
      if (r.executionId().equals("slow")) {
        slowEntered.countDown();
        try {
          releaseSlow.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      logged.add(r);
    });
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Boolean> slow = threads.submit(() -> book.record(result("slow", "DELIVERED", 1)).get());
      assertThat(slowEntered.await(10, TimeUnit.SECONDS)).isTrue();
      try {
        Future<Boolean> fast = threads.submit(() -> book.record(result("fast", "DELIVERED", 1)).get());
        assertThat(fast.get(10, TimeUnit.SECONDS)).as("recorded while the other execution's result is held up").isTrue();
      } finally {
        releaseSlow.countDown();
      }
      assertThat(slow.get(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(logged).extracting(ExecutionRecord::executionId).containsExactly("fast", "slow");
  }

  @Test
  void aCopyOfAResultStillBeingCommittedCountsOnlyOnceThatCommitIsDone() throws Exception {
    CompletableFuture<Boolean> first = book.record(result("c", "DELIVERED", 1));
    CompletableFuture<Boolean> copy = book.record(result("c", "DELIVERED", 1));
    assertThat(copy.get(5, TimeUnit.SECONDS)).isFalse();
    assertThat(store.kvGet(DelegationBook.DONE, "c")).as("committed when the copy counts as recorded").isPresent();
    assertThat(first.get(5, TimeUnit.SECONDS)).isTrue();
    assertThat(logged).hasSize(1);
  }

  @Test
  void aResultTheStoreCannotTakeIsNotRememberedAsDone() {
    book.useRecorder(r -> {
      throw new IllegalStateException("the store is closed");
    });
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> book.record(result("z", "DELIVERED", 1)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(book.done("z")).as("read again after the next start, then recorded").isEmpty();
  }
}
