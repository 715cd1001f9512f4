package dev.postee.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.rego.value.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real application in a child JVM: events posted over HTTP reach a real HTTP sink through a
 * webhook action and a real exec child process through POSTEE_EVENT; SIGTERM stops it gracefully.
 */
class EndToEndTest {
  @TempDir Path dir;
  Sink sink;
  ChildProcess postee;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void setUp() throws Exception {
    sink = new Sink();
  }

  @AfterEach
  void tearDown() {
    if (postee != null) postee.close();
    sink.close();
  }

  private HttpResponse<String> post(int port, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void eventsReachAWebhookSinkAndAnExecProcessAndSigtermStopsGracefully() throws Exception {
    Path seen = dir.resolve("exec-saw");
    Path cfg = dir.resolve("cfg.yaml");
    Files.writeString(cfg, """
        name: e2e
        routes:
        - name: alpine
          input: contains(input.image, "alpine")
          template: raw
          actions: [hook, script]
        - name: everything
          template: raw
          actions: [print]
        templates:
        - name: raw
          rego-package: postee.rawmessage.json
        actions:
        - name: hook
          type: webhook
          enable: true
          url: $SINK_URL
        - name: script
          type: exec
          enable: true
          exec-script: |
            printf '%s\\n' "$POSTEE_EVENT" >> SEEN
        - name: print
          type: stdout
          enable: true
        """.replace("SEEN", seen.toString()));
    postee = ChildProcess.start(ChildProcess.javaMain("--cfgfile", cfg.toString(), "--url", "127.0.0.1:9", "--tls", "127.0.0.1:0"),
        dir, Map.of("SINK_URL", sink.url("/hook"), "PATH_TO_DB", dir.resolve("state/postee.db").toString(),
            "POSTEE_HTTP", "127.0.0.1:0"));
    int port = postee.awaitHttpPort();
    assertThat(postee.err()).contains("POSTEE_HTTP=127.0.0.1:0 overrides --url 127.0.0.1:9 (the environment wins, as in Postee)");
    assertThat(dir.resolve("state/tls/self-signed-cert.pem")).exists();

    HttpResponse<String> accepted = post(port, "/", "{\"image\":\"alpine:3.10\",\"digest\":\"sha256:a\"}");
    assertThat(accepted.statusCode()).isEqualTo(200);
    String id = (String) ((Map<?, ?>) dev.postee.rego.value.Values.toJava(Json.parse(accepted.body()))).get("id");
    assertThat(post(port, "/scan", "{\"image\":\"ubuntu:22.04\"}").statusCode()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(20)).until(() -> sink.at("/hook").size() == 1 && Files.exists(seen)
        && Files.readString(seen).contains("alpine:3.10"));
    assertThat(sink.at("/hook").getFirst().body()).contains("\"image\":\"alpine:3.10\"");
    assertThat(Files.readString(seen)).doesNotContain("ubuntu");
    // the stdout action prints on standard output; logs go to standard error
    await().atMost(Duration.ofSeconds(20)).until(() -> postee.out().contains("ubuntu:22.04") && postee.out().contains("alpine:3.10"));
    assertThat(postee.out()).doesNotContain("INFO");
    assertThat(postee.err()).contains("event " + id + " accepted: ");

    await().atMost(Duration.ofSeconds(20)).until(() -> get(port, "/api/executions?event=" + id).body().contains("\"action\":\"script\""));
    assertThat(get(port, "/api/executions?event=" + id + "&action=script").body())
        .contains("\"outcome\":\"ok\"").contains("\"exit_code\":0").contains("\"where\":\"standalone\"");
    assertThat(get(port, "/metrics").body()).contains("postee_events_received_total 2.0");

    int exit = postee.terminate();
    assertThat(exit).as("SIGTERM").isEqualTo(143);
    assertThat(postee.err()).contains("stopping: no longer accepting events").contains("postee stopped")
        .doesNotContain("Exception");
  }

  @Test
  void anInvalidConfigurationStopsTheProcessWithExitCodeOne() throws Exception {
    Path cfg = dir.resolve("cfg.yaml");
    Files.writeString(cfg, "routes:\n- name: r\n  actions: [ghost]\n");
    postee = ChildProcess.start(ChildProcess.javaMain("--cfgfile", cfg.toString(), "--url", "127.0.0.1:0", "--tls", "off"), dir,
        Map.of("PATH_TO_DB", dir.resolve("state/postee.db").toString()));
    assertThat(postee.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    postee.awaitOutput();
    assertThat(postee.process().exitValue()).isEqualTo(1);
    assertThat(postee.err()).contains(cfg + ":3:").contains("ghost").doesNotContain("\tat ");
  }
}
