package dev.postee.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.app.Sink;
import dev.postee.app.server.PosteeServer;
import dev.postee.app.server.TestSettings;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.Values;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API against a real server on 127.0.0.1 with a real webhook sink. */
class HttpApiTest {
  static final String CONFIG = """
      name: http-test
      routes:
      - name: all
        template: raw
        actions: [to-all]
      - name: critical
        input: input.severity == "critical"
        template: raw
        actions: [to-critical]
      templates:
      - name: raw
        rego-package: postee.rawmessage.json
      actions:
      - name: to-all
        type: webhook
        enable: true
        url: SINK/all
      - name: to-critical
        type: webhook
        enable: true
        url: SINK/critical
      """;

  @TempDir Path dir;
  Sink sink;
  PosteeServer server;
  Path cfg;

  @BeforeEach
  void setUp() throws IOException {
    sink = new Sink();
    cfg = dir.resolve("cfg.yaml");
    Files.writeString(cfg, CONFIG.replace("SINK", sink.url("")));
  }

  @AfterEach
  void tearDown() {
    if (server != null) server.close();
    sink.close();
  }

  private void start(Consumer<TestSettings> customize) throws Exception {
    TestSettings s = new TestSettings(dir, cfg);
    s.https = null;
    customize.accept(s);
    server = PosteeServer.start(s.build(), Map.of());
  }

  private void start() throws Exception {
    start(s -> {});
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.httpPort() + path;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> json(HttpResponse<String> r) {
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    return (Map<String, Object>) Values.toJava(Json.parse(r.body()));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> json(String rawResponse) {
    return (Map<String, Object>) Values.toJava(Json.parse(rawResponse.substring(rawResponse.indexOf("\r\n\r\n") + 4)));
  }

  @SuppressWarnings("unchecked")
  @Test
  void ingestAnswersWithTheEventIdAndTheEventIsDeliveredAndLogged() throws Exception {
    start();
    HttpResponse<String> r = Http.post(url("/"), "{\"severity\":\"critical\",\"image\":\"alpine\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    String id = (String) json(r).get("id");
    assertThat(id).matches("[0-9A-Z]{26}");
    assertThat(Http.post(url("/scan"), "{\"severity\":\"low\"}").statusCode()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/all").size() == 2 && sink.at("/critical").size() == 1);
    assertThat(sink.at("/critical").getFirst().body()).contains("\"image\":\"alpine\"");

    await().atMost(Duration.ofSeconds(10)).until(() -> {
      List<?> rows = (List<?>) json(Http.get(url("/api/executions?event=" + id))).get("executions");
      return rows.size() == 2;
    });
    List<Map<String, Object>> rows = (List<Map<String, Object>>) json(Http.get(url("/api/executions?event=" + id + "&action=to-critical")))
        .get("executions");
    assertThat(rows).singleElement().satisfies(row -> {
      assertThat(row).containsEntry("route", "critical").containsEntry("action", "to-critical").containsEntry("action_type", "webhook")
          .containsEntry("event_id", id).containsEntry("where", "standalone").containsEntry("outcome", "ok")
          .containsEntry("attempt", 1L).containsEntry("http_status", 200L).containsKeys("started_at", "duration_ms");
    });
    List<Map<String, Object>> failed = (List<Map<String, Object>>) json(Http.get(url("/api/executions?outcome=failed"))).get("executions");
    assertThat(failed).isEmpty();

    List<Map<String, Object>> events = (List<Map<String, Object>>) json(Http.get(url("/events"))).get("events");
    assertThat(events).hasSize(2);
    assertThat(events.get(1)).containsEntry("id", id).containsEntry("bytes", 40L);
    await().atMost(Duration.ofSeconds(5)).until(() ->
        ((List<Map<String, Object>>) json(Http.get(url("/events?limit=1"))).get("events")).getFirst().get("status").equals("processed"));
  }

  @Test
  void tenantIngestReachesOnlyTheNamedRouteAndAnUnknownRouteIs404() throws Exception {
    start();
    assertThat(Http.post(url("/tenant/all"), "{\"severity\":\"critical\"}").statusCode()).isEqualTo(200);
    HttpResponse<String> unknown = Http.post(url("/tenant/nope"), "{}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown)).containsEntry("error",
        "no route named 'nope' in the configuration; POST /tenant/{route} needs the name of a configured route");
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/all").size() == 1);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> sink.at("/critical").isEmpty());
  }

  @Test
  void pingAnswersAsPosteeDoes() throws Exception {
    start();
    HttpResponse<String> r = Http.get(url("/ping"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("\"Postee alive!\"");
  }

  @Test
  void healthAndReadiness() throws Exception {
    start();
    HttpResponse<String> health = Http.get(url("/healthz"));
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(json(health)).containsEntry("status", "up");
    HttpResponse<String> ready = Http.get(url("/readyz"));
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(json(ready)).containsEntry("ready", true).containsEntry("queue_depth", 0L);
  }

  @Test
  void malformedJsonIs400WithTheParsersMessageAndPosition() throws Exception {
    start();
    HttpResponse<String> r = Http.post(url("/"), "{\"severity\":\n  critical}");
    assertThat(r.statusCode()).isEqualTo(400);
    Map<String, Object> body = json(r);
    assertThat((String) body.get("error")).startsWith("the body is not valid JSON: ").contains("line 2, column");
    assertThat(body).containsEntry("line", 2L).containsKeys("column", "offset");
    assertThat(Http.post(url("/"), "").statusCode()).isEqualTo(400);
    assertThat(Http.get(url("/metrics")).body()).contains("postee_events_rejected_total{reason=\"malformed_json\"} 2.0");
  }

  @Test
  void unknownEndpointsAndMethodsAnswerJson() throws Exception {
    start();
    HttpResponse<String> notFound = Http.get(url("/nothing/here"));
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(json(notFound)).containsEntry("error", "no endpoint GET /nothing/here (see the README for the API)");
    HttpResponse<String> method = Http.post(url("/ping"), "{}");
    assertThat(method.statusCode()).isEqualTo(405);
    assertThat(json(method)).containsEntry("error", "method POST is not allowed on /ping");
  }

  @Test
  void requestsJettyRefusesItselfAnswerJsonToo() throws Exception {
    start();
    String response = Http.raw(server.httpPort(), "GET /ping HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(response).startsWith("HTTP/1.1 400 ");
    assertThat(json(response)).containsKey("error");
  }

  @Test
  void aDeclaredBodyAboveTheLimitIs413BeforeAnyOfItIsRead() throws Exception {
    start(s -> s.maxBodyBytes = 1024);
    // the body is never sent: the server must answer from the headers alone
    String response = Http.raw(server.httpPort(), ("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Content-Length: 50000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    assertThat(response).startsWith("HTTP/1.1 413 ");
    assertThat(json(response)).containsEntry("max_bytes", 1024L)
        .containsEntry("error", "the request body is 50000000 bytes; at most 1024 bytes are accepted"
            + " (raise --max-body-size if such events are expected)");
    assertThat(Http.get(url("/metrics")).body()).contains("postee_events_rejected_total{reason=\"too_large\"} 1.0");
  }

  @Test
  void aChunkedBodyIsCutOffAsSoonAsItPassesTheLimit() throws Exception {
    start(s -> s.maxBodyBytes = 4096);
    try (Socket s = new Socket("127.0.0.1", server.httpPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = "x".repeat(1000).getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 5; i++) {
        out.write(("3e8\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(chunk);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.flush(); // 5000 bytes sent and the body not finished: the server must not wait for the rest
      String response = Http.readResponse(s.getInputStream());
      assertThat(response).startsWith("HTTP/1.1 413 ");
      assertThat((String) json(response).get("error")).startsWith("the request body is more than 4096 bytes");
    }
  }

  @Test
  void aBodyOfExactlyTheLimitIsAccepted() throws Exception {
    start(s -> s.maxBodyBytes = 64);
    String body = "{\"pad\":\"" + "p".repeat(64 - 10) + "\"}";
    assertThat(body).hasSize(64);
    assertThat(Http.post(url("/"), body).statusCode()).isEqualTo(200);
    assertThat(Http.post(url("/"), body + " ").statusCode()).isEqualTo(413);
  }

  @Test
  void aFullQueueIs503WithRetryAfter() throws Exception {
    start(s -> s.maxQueuedEvents = 1);
    sink.holdRequests(); // the first event stays in flight
    assertThat(Http.post(url("/"), "{\"n\":1}").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> !sink.all().isEmpty() || server.engine().queueDepth() == 1);
    HttpResponse<String> full = Http.post(url("/"), "{\"n\":2}");
    assertThat(full.statusCode()).isEqualTo(503);
    assertThat(full.headers().firstValue("Retry-After")).hasValue("5");
    assertThat((String) json(full).get("error")).startsWith("the ingest queue is full (1 unfinished events)");
    sink.release();
    await().atMost(Duration.ofSeconds(10)).until(() -> server.engine().queueDepth() == 0);
    assertThat(Http.post(url("/"), "{\"n\":3}").statusCode()).isEqualTo(200);
  }

  @SuppressWarnings("unchecked")
  @Test
  void reloadAppliesAGoodFileAndRejectsABadOneKeepingTheOldRoutes() throws Exception {
    start();
    Files.writeString(cfg, CONFIG.replace("SINK", sink.url("")).replace("name: all\n", "name: everything\n"));
    HttpResponse<String> applied = Http.post(url("/reload"), "");
    assertThat(applied.statusCode()).isEqualTo(200);
    assertThat(json(applied)).containsEntry("applied", true).containsEntry("routes", 2L);
    assertThat(Http.post(url("/tenant/everything"), "{}").statusCode()).isEqualTo(200);

    Files.writeString(cfg, CONFIG.replace("SINK", sink.url("")).replace("actions: [to-all]", "actions: [to-nowhere]"));
    HttpResponse<String> rejected = Http.get(url("/reload"));
    assertThat(rejected.statusCode()).isEqualTo(422);
    Map<String, Object> body = json(rejected);
    assertThat(body).containsEntry("applied", false)
        .containsEntry("error", "configuration rejected; the running configuration stays");
    List<Map<String, Object>> problems = (List<Map<String, Object>>) body.get("problems");
    assertThat(problems).anySatisfy(p -> {
      assertThat(p).containsEntry("severity", "error").containsEntry("file", cfg.toString()).containsEntry("line", 5L);
      assertThat((String) p.get("message")).contains("to-nowhere");
      assertThat((String) p.get("text")).startsWith(cfg + ":5:");
    });
    // the previous configuration still routes
    assertThat(Http.post(url("/tenant/everything"), "{}").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/all").size() == 2);
    assertThat(Http.get(url("/metrics")).body())
        .contains("postee_config_reloads_total{result=\"applied\"} 1.0")
        .contains("postee_config_reloads_total{result=\"rejected\"} 1.0");
  }

  @Test
  void metricsArePrometheusText() throws Exception {
    start();
    assertThat(Http.post(url("/"), "{\"severity\":\"critical\"}").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/critical").size() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(url("/metrics")).body().contains("postee_events_processed_total 1.0"));
    HttpResponse<String> r = Http.get(url("/metrics"));
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain; version=0.0.4"));
    assertThat(r.body())
        .contains("# TYPE postee_events_received_total counter")
        .contains("postee_events_received_total 1.0")
        .contains("postee_route_matches_total{route=\"critical\"} 1.0")
        .contains("postee_action_attempts_total{action=\"to-critical\",outcome=\"ok\",type=\"webhook\",where=\"standalone\"} 1.0")
        .contains("postee_queue_depth 0.0")
        .contains("postee_ready 1.0");
  }

  @Test
  void executionQueriesValidateTheirParameters() throws Exception {
    start();
    HttpResponse<String> outcome = Http.get(url("/api/executions?outcome=great"));
    assertThat(outcome.statusCode()).isEqualTo(400);
    assertThat(json(outcome)).containsEntry("error", "outcome must be one of ok, failed, retry; not 'great'");
    HttpResponse<String> limit = Http.get(url("/api/executions?limit=0"));
    assertThat(limit.statusCode()).isEqualTo(400);
    assertThat(json(limit)).containsEntry("error", "limit must be a whole number from 1 to 1000; not '0'");
    assertThat(Http.get(url("/events?limit=x")).statusCode()).isEqualTo(400);
  }
}
