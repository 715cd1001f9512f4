package dev.postee.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreProgressTest {
  @TempDir Path dir;

  private Store open() {
    return Store.open(dir.resolve("postee.db"), StoreOptions.defaults().withVerifyInterval(null));
  }

  @Test
  void actionAndRouteMarksAreRecordedPerEventAndSurviveARestart() {
    String event;
    String other;
    try (Store store = open()) {
      event = store.enqueue("{}".getBytes(StandardCharsets.UTF_8), null).join().id();
      other = store.enqueue("{}".getBytes(StandardCharsets.UTF_8), null).join().id();
      store.markActionDone(event, "route-a", "slack");
      store.markActionDone(event, "route-a", "slack"); // idempotent
      store.markActionDone(event, "route-b", "slack");
      store.markActionDone(event, "route-a", "webhook");
      store.markRouteDone(event, "route-a");

      assertThat(store.isActionDone(event, "route-a", "slack")).isTrue();
      assertThat(store.isActionDone(event, "route-a", "email")).isFalse();
      assertThat(store.isActionDone(other, "route-a", "slack")).as("another event").isFalse();
      assertThat(store.isRouteDone(event, "route-a")).isTrue();
      assertThat(store.isRouteDone(event, "route-b")).isFalse();
    }
    try (Store store = open()) {
      assertThat(store.doneActions(event)).containsExactly(
          new RouteAction("route-a", "slack"), new RouteAction("route-a", "webhook"),
          new RouteAction("route-b", "slack"));
      assertThat(store.doneRoutes(event)).containsExactly("route-a");
      assertThat(store.doneActions(other)).isEmpty();
    }
  }

  @Test
  void completingAnEventRemovesItsProgressRows() throws Exception {
    try (Store store = open()) {
      String event = store.enqueue("{}".getBytes(StandardCharsets.UTF_8), null).join().id();
      store.markActionDone(event, "route-a", "slack");
      store.markRouteDone(event, "route-a");
      assertThat(store.complete(event)).isTrue();

      assertThat(store.isActionDone(event, "route-a", "slack")).isFalse();
      assertThat(store.doneRoutes(event)).isEmpty();
    }
    Path file = dir.resolve("postee.db");
    assertThat(RawDb.queryLong(file, "SELECT count(*) FROM action_progress")).isZero();
    assertThat(RawDb.queryLong(file, "SELECT count(*) FROM route_progress")).isZero();
  }
}
