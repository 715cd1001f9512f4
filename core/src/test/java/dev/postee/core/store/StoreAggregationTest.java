package dev.postee.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postee.core.template.RenderedMessage;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.Value;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreAggregationTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir Path dir;

  private Store open() {
    return Store.open(dir.resolve("postee.db"), StoreOptions.defaults().withVerifyInterval(null));
  }

  private static RenderedMessage message(int n) {
    return new RenderedMessage("title " + n, "<p>result " + n + "</p>", "https://aqua/#/images/" + n, Map.of());
  }

  @Test
  void takeBySizeTakesTheOldestNOnlyWhenNAreBuffered() {
    try (Store store = open()) {
      for (int i = 1; i <= 5; i++) store.appendToBuffer("route-a", "E" + i, message(i), T0.plusSeconds(i));
      store.appendToBuffer("route-b", "E1", message(100), T0);

      AggregationBatch batch = store.takeBatchIfSize("route-a", 3).orElseThrow();
      assertThat(batch.route()).isEqualTo("route-a");
      assertThat(batch.messages()).extracting(BufferedMessage::eventId).containsExactly("E1", "E2", "E3");
      assertThat(batch.messages().getFirst().message()).isEqualTo(message(1));
      assertThat(batch.messages().getFirst().bufferedAt()).isEqualTo(T0.plusSeconds(1));

      assertThat(store.takeBatchIfSize("route-a", 3)).as("only 2 left").isEmpty();
      assertThat(store.takeBatchIfSize("route-b", 2)).isEmpty();
      store.appendToBuffer("route-a", "E6", message(6), T0.plusSeconds(6));
      AggregationBatch next = store.takeBatchIfSize("route-a", 3).orElseThrow();
      assertThat(next.messages()).extracting(BufferedMessage::eventId).containsExactly("E4", "E5", "E6");
      assertThat(next.batchId()).isNotEqualTo(batch.batchId());
      assertThat(store.buffers()).containsExactly(new BufferState("route-b", 1, T0));
    }
  }

  @Test
  void takeByTimeTakesTheWholeBufferOnceTheFirstItemIsAWindowOld() {
    Duration window = Duration.ofMinutes(1);
    try (Store store = open()) {
      store.appendToBuffer("route-a", "E1", message(1), T0);
      store.appendToBuffer("route-a", "E2", message(2), T0.plusSeconds(50));
      store.appendToBuffer("route-b", "E3", message(3), T0.plusSeconds(30));
      Instant almost = T0.plus(window).minusMillis(1);

      assertThat(store.takeBatchIfDue("route-a", window, almost)).isEmpty();
      assertThat(store.dueRoutes(almost, route -> window)).isEmpty();
      assertThat(store.dueRoutes(T0.plus(window), route -> window)).containsExactly("route-a");
      assertThat(store.dueRoutes(T0.plus(window), route -> null)).as("no window configured").isEmpty();

      AggregationBatch batch = store.takeBatchIfDue("route-a", window, T0.plus(window)).orElseThrow();
      assertThat(batch.messages()).extracting(BufferedMessage::eventId).containsExactly("E1", "E2");
      assertThat(store.takeBatchIfDue("route-a", window, T0.plus(window))).isEmpty();
      assertThat(store.dueRoutes(T0.plusSeconds(90), route -> window)).containsExactly("route-b");
    }
  }

  @Test
  void buffersAndTheirFirstTimestampSurviveARestart() {
    try (Store store = open()) {
      store.appendToBuffer("route-a", "E1", message(1), T0);
      store.appendToBuffer("route-a", "E2", message(2), T0.plusSeconds(20));
    }
    try (Store store = open()) {
      assertThat(store.buffers()).containsExactly(new BufferState("route-a", 2, T0));
      assertThat(store.takeBatchIfDue("route-a", Duration.ofSeconds(30), T0.plusSeconds(29))).isEmpty();
      assertThat(store.takeBatchIfDue("route-a", Duration.ofSeconds(30), T0.plusSeconds(30)).orElseThrow()
          .messages()).extracting(BufferedMessage::eventId).containsExactly("E1", "E2");
    }
  }

  @Test
  void aTakenBatchStaysStoredUntilCompletedSoACrashDoesNotLoseIt() throws Exception {
    String batchId;
    try (Store store = open()) {
      store.appendToBuffer("route-a", "E1", message(1), T0);
      store.appendToBuffer("route-a", "E2", message(2), T0);
      batchId = store.takeBatchIfSize("route-a", 2).orElseThrow().batchId();
      store.markActionDone(batchId, "route-a", "slack");
    }
    try (Store store = open()) {
      assertThat(store.buffers()).isEmpty();
      assertThat(store.unfinishedBatches()).singleElement().satisfies(batch -> {
        assertThat(batch.batchId()).isEqualTo(batchId);
        assertThat(batch.route()).isEqualTo("route-a");
        assertThat(batch.messages()).extracting(BufferedMessage::eventId).containsExactly("E1", "E2");
      });
      assertThat(store.isActionDone(batchId, "route-a", "slack")).isTrue();

      assertThat(store.completeBatch(batchId)).isTrue();
      assertThat(store.unfinishedBatches()).isEmpty();
      assertThat(store.isActionDone(batchId, "route-a", "slack")).isFalse();
      assertThat(store.completeBatch(batchId)).isFalse();
    }
    assertThat(RawDb.queryLong(dir.resolve("postee.db"), "SELECT count(*) FROM aggregation_items")).isZero();
  }

  @Test
  void appendingMarksTheRouteDoneSoARedeliveredEventIsNotBufferedTwice() {
    try (Store store = open()) {
      assertThat(store.appendToBuffer("route-a", "E1", message(1), T0)).isTrue();
      assertThat(store.isRouteDone("E1", "route-a")).isTrue();
      assertThat(store.appendToBuffer("route-a", "E1", message(1), T0.plusSeconds(1))).isFalse();
      String batchId = store.takeBatchIfSize("route-a", 1).orElseThrow().batchId();
      store.completeBatch(batchId);
      assertThat(store.appendToBuffer("route-a", "E1", message(1), T0.plusSeconds(2)))
          .as("still done for the event after its batch went out").isFalse();
      assertThat(store.appendToBuffer("route-b", "E1", message(1), T0)).as("another route").isTrue();
    }
  }

  @Test
  void extraFieldsRoundTripAsJson() {
    Map<String, Value> extra = Map.of(
        "result_severity", Json.parse("\"critical\""),
        "blocks", Json.parse("[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"*x*\"}}]"),
        "count", Json.parse("12.50"),
        "aggregation_pkg", Json.parse("\"postee.vuls.slack.aggregation\""));
    RenderedMessage message = new RenderedMessage("t", "r", null, extra);
    try (Store store = open()) {
      store.appendToBuffer("route-a", "E1", message, T0);
    }
    try (Store store = open()) {
      RenderedMessage back = store.takeBatchIfSize("route-a", 1).orElseThrow().messages().getFirst().message();
      assertThat(back).isEqualTo(message);
      assertThat(back.url()).isNull();
    }
  }
}
