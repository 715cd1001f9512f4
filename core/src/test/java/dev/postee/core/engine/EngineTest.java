package dev.postee.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.postee.core.action.ActionResult;
import dev.postee.core.action.ExecutionRecord;
import dev.postee.core.store.ExecutionQuery;
import dev.postee.rego.value.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine end to end in one process: real SQLite, real HTTP sink, real child processes. */
class EngineTest {
  @TempDir Path dir;
  Sink sink;
  Engine engine;

  @BeforeEach
  void sink() throws IOException {
    sink = new Sink();
  }

  @AfterEach
  void stop() {
    if (engine != null) engine.close();
    sink.close();
  }

  private Path config(String yaml) throws IOException {
    Path cfg = dir.resolve("cfg.yaml");
    Files.writeString(cfg, yaml.replace("SINK", sink.url("")));
    return cfg;
  }

  private Engine start(Path cfg) throws Engine.StartException {
    EngineOptions o = EngineOptions.standalone(cfg, dir.resolve("data/postee.db"))
        .withTemplatesDir(dir.resolve("templates"))
        .withFiltersDir(dir.resolve("filters"))
        .withConfigPollInterval(Duration.ofMillis(200))
        .withAggregationTick(Duration.ofMillis(100))
        .withEnvironment(Map.of());
    engine = Engine.start(o);
    return engine;
  }

  private void post(String json) {
    engine.ingest(json.getBytes(StandardCharsets.UTF_8), Json.parse(json), null).join();
  }

  @Test
  void filteredEventsReachWebhookAndExecWithTheRenderedMessage() throws Exception {
    Path marker = dir.resolve("exec-saw.txt");
    start(config("""
        name: test
        routes:
        - name: alpine
          input: contains(input.image, "alpine")
          actions: [hook, script]
          template: raw-json
        templates:
        - name: raw-json
          rego-package: postee.rawmessage.json
        actions:
        - name: hook
          type: webhook
          enable: true
          url: SINK/hook
        - name: script
          type: exec
          enable: true
          exec-script: |
            printf '%s' "$POSTEE_EVENT" > MARKER
        """.replace("MARKER", marker.toString())));
    post("{\"image\":\"alpine:3.10\",\"n\":1}");
    post("{\"image\":\"ubuntu:22.04\",\"n\":2}");
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/hook").size() == 1 && Files.exists(marker));
    String body = sink.at("/hook").get(0).body();
    assertThat(Json.parse(body).toJson()).contains("\"image\":\"alpine:3.10\"").contains("\"postee\"");
    assertThat(Files.readString(marker)).contains("alpine:3.10");
    await().atMost(Duration.ofSeconds(5)).until(() -> engine.queueDepth() == 0);
    assertThat(sink.at("/hook")).hasSize(1);
    List<ExecutionRecord> rows = engine.executions(ExecutionQuery.latest(10));
    assertThat(rows).extracting(ExecutionRecord::action).contains("hook", "script");
    assertThat(rows).allMatch(r -> r.outcome() == ActionResult.Outcome.OK && r.where().equals("standalone"));
  }

  @Test
  void dedupDropsRepeatsForEveryActionOfTheRouteAndExpires() throws Exception {
    start(config("""
        routes:
        - name: once
          actions: [a, b]
          plugins:
            unique-message-props: [digest]
            unique-message-timeout: 2s
        actions:
        - name: a
          type: webhook
          enable: true
          url: SINK/a
        - name: b
          type: webhook
          enable: true
          url: SINK/b
        """));
    post("{\"digest\":\"sha:1\"}");
    post("{\"digest\":\"sha:1\"}");
    post("{\"digest\":\"sha:2\"}");
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.queueDepth() == 0);
    assertThat(sink.at("/a")).hasSize(2);
    assertThat(sink.at("/b")).hasSize(2);
    Thread.sleep(2100); // let the dedup key expire (the behaviour under test is the expiry itself)
    post("{\"digest\":\"sha:1\"}");
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/a").size() == 3 && sink.at("/b").size() == 3);
  }

  @Test
  void aggregationByNumberSendsOneMessagePerBatchToEachAction() throws Exception {
    start(config("""
        routes:
        - name: batched
          actions: [a, b]
          template: html
          plugins:
            aggregate-message-number: 3
        templates:
        - name: html
          rego-package: postee.rawmessage.html
        actions:
        - name: a
          type: webhook
          enable: true
          url: SINK/a
        - name: b
          type: webhook
          enable: true
          url: SINK/b
        """));
    for (int i = 1; i <= 7; i++) post("{\"n\":" + i + "}");
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/a").size() == 2 && sink.at("/b").size() == 2);
    assertThat(sink.at("/a").get(0).body()).contains("\"n\": 1").contains("\"n\": 3");
    Thread.sleep(300);
    assertThat(sink.at("/a")).hasSize(2); // the 7th waits for two more
  }

  @Test
  void aggregationByTimeWindowFlushesWhenTheWindowEnds() throws Exception {
    start(config("""
        routes:
        - name: windowed
          actions: [a]
          plugins:
            aggregate-message-timeout: 1s
        actions:
        - name: a
          type: webhook
          enable: true
          url: SINK/a
        """));
    post("{\"n\":1}");
    post("{\"n\":2}");
    await().atMost(Duration.ofSeconds(5)).until(() -> sink.at("/a").size() == 1);
    String body = sink.at("/a").get(0).body();
    assertThat(body).contains("\"n\":1").contains("\"n\":2");
  }

  @Test
  void reloadWithABrokenFileKeepsTheRunningRoutes() throws Exception {
    Path cfg = config("""
        routes:
        - name: r
          actions: [a]
        actions:
        - name: a
          type: webhook
          enable: true
          url: SINK/a
        """);
    start(cfg);
    Files.writeString(cfg, "routes:\n- name: r\n  actions: [missing-action]\n");
    Engine.ReloadResult r = engine.reload();
    assertThat(r.applied()).isFalse();
    assertThat(r.problems()).anyMatch(p -> p.isError() && p.message().contains("missing-action"));
    post("{\"still\":\"works\"}");
    await().atMost(Duration.ofSeconds(5)).until(() -> sink.at("/a").size() == 1);
  }

  @Test
  void configFileChangeIsPickedUpWithoutRestart() throws Exception {
    Path cfg = config("""
        routes:
        - name: r
          actions: [a]
        actions:
        - name: a
          type: webhook
          enable: true
          url: SINK/a
        """);
    start(cfg);
    Files.writeString(cfg, Files.readString(cfg).replace("/a", "/b"));
    await().atMost(Duration.ofSeconds(5)).until(() -> engine.config().actions().get(0).settings().string("url").orElse("").endsWith("/b"));
    post("{}");
    await().atMost(Duration.ofSeconds(5)).until(() -> sink.at("/b").size() == 1);
  }

  @Test
  void unknownTenantRouteIsRefused() throws Exception {
    start(config("routes:\n- name: r\n  actions: []\n"));
    assertThatThrownBy(() -> engine.ingest("{}".getBytes(StandardCharsets.UTF_8), null, "nope"))
        .isInstanceOf(Engine.UnknownRouteException.class)
        .hasMessageContaining("nope");
  }

  @Test
  void unfinishedEventsAreProcessedAfterARestart() throws Exception {
    Path cfg = config("""
        routes:
        - name: r
          actions: [a]
        actions:
        - name: a
          type: webhook
          enable: true
          url: SINK/a
        """);
    sink.status = 500; // the sink is down: deliveries keep retrying
    start(cfg);
    post("{\"n\":1}");
    await().atMost(Duration.ofSeconds(5)).until(() -> !sink.at("/a").isEmpty());
    engine.close(); // shutdown interrupts the retrying delivery; the event stays queued
    engine = null;
    sink.status = 200;
    sink.requests.clear();
    start(cfg);
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/a").size() == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> engine.queueDepth() == 0);
  }

  @Test
  void templateWithUndefinedResultIsReportedWithTemplateRuleAndEvent() throws Exception {
    start(config("""
        routes:
        - name: r
          actions: [a]
          template: picky
        templates:
        - name: picky
          body: |
            package custom.picky
            title := "t"
            result := input.required_field
        actions:
        - name: a
          type: webhook
          enable: true
          url: SINK/a
        """));
    post("{\"other\":1}");
    await().atMost(Duration.ofSeconds(5)).until(() -> engine.queueDepth() == 0);
    List<ExecutionRecord> rows = engine.executions(ExecutionQuery.latest(10));
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).outcome()).isEqualTo(ActionResult.Outcome.FAILED);
    assertThat(rows.get(0).error()).contains("template 'picky'").contains("package custom.picky")
        .contains("rule 'result' is undefined").contains("for event " + rows.get(0).eventId());
    assertThat(sink.requests).isEmpty();
  }

  @Test
  void ingestListenersSeeTheStoredEventBeforeTheProducerIsAnswered() throws Exception {
    start(config("""
        routes:
        - name: r
          actions: [a]
        actions:
        - name: a
          type: webhook
          enable: true
          url: SINK/a
        """));
    engine.onIngest(ev -> engine.store().kvPut("outbox", ev.id(), ev.body(), null));
    var stored = engine.ingest("{\"n\":1}".getBytes(StandardCharsets.UTF_8), null, null).join();

    assertThat(engine.store().kvGet("outbox", stored.id()).map(b -> new String(b, StandardCharsets.UTF_8)))
        .as("written when ingest's future completed").contains("{\"n\":1}");
    await().atMost(Duration.ofSeconds(5)).until(() -> sink.at("/a").size() == 1);
  }
}
