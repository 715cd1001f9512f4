package dev.postee.cluster.controller;

import static dev.postee.cluster.controller.ClusterTesting.assumeNatsServer;
import static dev.postee.cluster.controller.ClusterTesting.freePort;
import static dev.postee.cluster.controller.ClusterTesting.nats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.cluster.nats.JetStreamSettings;
import dev.postee.cluster.nats.JetStreamSetup;
import dev.postee.cluster.nats.NatsServerSupervisor;
import dev.postee.cluster.protocol.Codec;
import dev.postee.cluster.protocol.DelegationResult;
import dev.postee.cluster.protocol.Subjects;
import dev.postee.core.action.ExecutionRecord;
import dev.postee.core.store.Store;
import dev.postee.core.store.StoreOptions;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The results watch on a real nats-server: every result recorded, and where to resume after a restart. */
@Timeout(60)
class ResultsWatcherTest {
  @TempDir Path dir;
  NatsServerSupervisor server;
  Connection nc;
  KeyValue results;
  Store store;
  final List<ExecutionRecord> logged = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    assumeNatsServer();
    int port = freePort();
    server = nats(dir.resolve("nats-data"), port);
    nc = Nats.connect("nats://127.0.0.1:" + port);
    JetStreamSetup.of(nc, JetStreamSettings.defaults()).provision();
    results = nc.keyValue(Subjects.RESULTS_BUCKET);
    store = Store.open(dir.resolve("postee.db"), StoreOptions.defaults().withVerifyInterval(null));
  }

  @AfterEach
  void stop() throws Exception {
    if (store != null) store.close();
    if (nc != null) nc.close();
    if (server != null) server.close();
  }

  private long put(String executionId) throws Exception {
    return put("runner-1", "runner-1", executionId);
  }

  /** A result naming runner {@code named}, written under runner {@code writer}'s key. */
  private long put(String writer, String named, String executionId) throws Exception {
    DelegationResult r = new DelegationResult(executionId, named, "route", "kill", "exec", "event-" + executionId,
        "DELIVERED", 1, null, 0, System.currentTimeMillis(), 3, "ok", null);
    return results.put(Subjects.resultKey(writer, executionId), Codec.encode(r));
  }

  private ResultsWatcher watcher(boolean failFor2) {
    DelegationBook book = new DelegationBook(store, Clock.systemUTC(), Duration.ofDays(8));
    book.useRecorder(r -> {
      if (failFor2 && r.executionId().equals("exec-2")) throw new IllegalStateException("the store is not available");
      logged.add(r);
    });
    return new ResultsWatcher(store, book);
  }

  private long storedRevision() {
    return store.kvGet(ResultsWatcher.STATE, ResultsWatcher.REVISION).map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
  }

  @Test
  void closingRecordsWhatWasTakenAndWritesTheLastRevision() throws Exception {
    ResultsWatcher w = watcher(false);
    w.start(nc);
    long last = 0;
    for (int i = 1; i <= 20; i++) last = put("exec-" + i);
    await().atMost(Duration.ofSeconds(20)).until(() -> logged.size() == 20);
    w.close();
    assertThat(storedRevision()).isEqualTo(last);
  }

  @Test
  void aResultUnderAnotherRunnersKeyIsIgnored() throws Exception {
    ResultsWatcher w = watcher(false);
    w.start(nc);
    put("runner-2", "runner-1", "forged"); // runner-2 may write only under its own key, and claims runner-1's work
    long last = put("exec-1");
    await().atMost(Duration.ofSeconds(20)).until(() -> logged.size() == 1);
    w.close();
    assertThat(logged).extracting(ExecutionRecord::executionId).containsExactly("exec-1");
    assertThat(storedRevision()).isEqualTo(last);
  }

  @Test
  void aResultWhoseRecordingFailedHoldsTheRevisionBackAndIsRecordedAfterTheNextStart() throws Exception {
    ResultsWatcher w = watcher(true);
    w.start(nc);
    long first = put("exec-1");
    put("exec-2");
    put("exec-3");
    await().atMost(Duration.ofSeconds(20)).until(() -> logged.size() == 2);
    w.close();
    assertThat(storedRevision()).as("everything before the failed result").isEqualTo(first);

    ResultsWatcher again = watcher(false);
    again.start(nc);
    await().atMost(Duration.ofSeconds(20)).until(() -> logged.stream().anyMatch(r -> r.executionId().equals("exec-2")));
    again.close();
    assertThat(logged).extracting(ExecutionRecord::executionId).as("exec-3 was recorded once")
        .containsExactlyInAnyOrder("exec-1", "exec-2", "exec-3");
  }
}
