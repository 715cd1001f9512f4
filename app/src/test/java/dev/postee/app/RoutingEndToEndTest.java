package dev.postee.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.app.server.PosteeServer;
import dev.postee.app.server.TestSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §5 through the real server: events posted over HTTP are filtered by Rego, deduplicated and
 * aggregated per route, and reach real HTTP sinks through webhook and http actions.
 */
class RoutingEndToEndTest {
  @TempDir Path dir;
  Sink sink;
  PosteeServer server;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void setUp() throws Exception {
    sink = new Sink();
    Path cfg = dir.resolve("cfg.yaml");
    Files.writeString(cfg, """
        name: routing
        routes:
        - name: critical-alpine
          input: |
            contains(input.image, "alpine")
            input.vulnerability_summary.critical > 0
          actions: [notify]
          template: raw-json
        - name: once-per-digest
          input: input.kind == "scan"
          actions: [first, second]
          plugins:
            unique-message-props: [digest, "resources.name"]
        - name: three-at-a-time
          input: input.kind == "batched"
          actions: [batch]
          template: html
          plugins:
            aggregate-message-number: 3
        - name: windowed
          input: input.kind == "windowed"
          actions: [window]
          plugins:
            aggregate-message-timeout: 2s
        templates:
        - name: raw-json
          rego-package: postee.rawmessage.json
        - name: html
          rego-package: postee.rawmessage.html
        actions:
        - name: notify
          type: http
          enable: true
          url: SINK/notify
          method: POST
          headers:
            X-Team: ["security"]
          body-content: "image event.input.image has event.input.vulnerability_summary.critical critical"
        - name: first
          type: webhook
          enable: true
          url: SINK/first
        - name: second
          type: webhook
          enable: true
          url: SINK/second
        - name: batch
          type: webhook
          enable: true
          url: SINK/batch
        - name: window
          type: webhook
          enable: true
          url: SINK/window
        """.replace("SINK", sink.url("")));
    TestSettings s = new TestSettings(dir, cfg);
    s.https = null;
    server = PosteeServer.start(s.build(), Map.of());
  }

  @AfterEach
  void tearDown() {
    if (server != null) server.close();
    sink.close();
  }

  private void post(String json) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/"))
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  void regoFilterSelectsEventsAndTheHttpActionSubstitutesEventValues() throws Exception {
    post("{\"image\":\"alpine:3.10\",\"vulnerability_summary\":{\"critical\":2}}");
    post("{\"image\":\"alpine:3.10\",\"vulnerability_summary\":{\"critical\":0}}");
    post("{\"image\":\"ubuntu:22.04\",\"vulnerability_summary\":{\"critical\":5}}");
    await().atMost(Duration.ofSeconds(10)).until(() -> server.engine().queueDepth() == 0);
    List<Sink.Request> got = sink.at("/notify");
    assertThat(got).hasSize(1);
    assertThat(got.get(0).body()).isEqualTo("image alpine:3.10 has 2 critical");
    assertThat(got.get(0).headers().get("X-team")).containsExactly("security");
    String message = new String(Base64.getDecoder().decode(got.get(0).headers().get("Postee-event").get(0)), StandardCharsets.UTF_8);
    assertThat(message).contains("\"image\":\"alpine:3.10\"");
  }

  @Test
  void dedupDropsARepeatedMessageForEveryActionOfTheRoute() throws Exception {
    post("{\"kind\":\"scan\",\"digest\":\"sha256:aa\",\"resources\":[{\"name\":\"api\"},{\"name\":\"db\"}]}");
    post("{\"kind\":\"scan\",\"digest\":\"sha256:aa\",\"resources\":[{\"name\":\"api\"}]}");
    post("{\"kind\":\"scan\",\"digest\":\"sha256:aa\",\"resources\":[{\"name\":\"web\"}]}");
    post("{\"kind\":\"scan\",\"digest\":\"sha256:bb\",\"resources\":[{\"name\":\"api\"}]}");
    await().atMost(Duration.ofSeconds(10)).until(() -> server.engine().queueDepth() == 0);
    // first element of an array: (aa, api) twice, (aa, web), (bb, api)
    assertThat(sink.at("/first")).hasSize(3);
    assertThat(sink.at("/second")).hasSize(3);
  }

  @Test
  void aggregationByNumberAndByTimeWindow() throws Exception {
    for (int i = 1; i <= 4; i++) post("{\"kind\":\"batched\",\"n\":" + i + "}");
    post("{\"kind\":\"windowed\",\"n\":1}");
    post("{\"kind\":\"windowed\",\"n\":2}");
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/batch").size() == 1);
    String batch = sink.at("/batch").get(0).body();
    assertThat(batch).contains("\"n\": 1").contains("\"n\": 2").contains("\"n\": 3").doesNotContain("\"n\": 4");
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/window").size() == 1);
    assertThat(sink.at("/window").get(0).body()).contains("\"n\":1").contains("\"n\":2");
    Thread.sleep(500); // the fourth batched event waits for two more; nothing else arrives
    assertThat(sink.at("/batch")).hasSize(1);
  }
}
