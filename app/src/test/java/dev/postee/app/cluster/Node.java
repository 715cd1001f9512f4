package dev.postee.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.app.ChildProcess;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.Values;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A controller or a runner in a child JVM, started as a user starts it ({@code postee
 * --controller-mode ...}, {@code postee --runner-name ...}), with its own data directory; it can be
 * stopped (SIGTERM), killed (SIGKILL) and started again on the same data. Runners get the
 * environment variable {@code MARK_RUNNER=<name>}, so that an exec script can write where it ran.
 */
final class Node implements AutoCloseable {
  /** Small heap, quick start: several of these share two cores. */
  private static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final String name;
  final Path dir;
  private final List<String> args;
  private final Map<String, String> env;
  private final StringBuilder earlierRuns = new StringBuilder();
  private ChildProcess process;
  private int port;

  private Node(String name, Path dir, List<String> args, Map<String, String> env) {
    this.name = name;
    this.dir = dir;
    this.args = args;
    this.env = env;
  }

  /** A controller running its own nats-server at {@code natsUrl}, on configuration {@code cfg}. */
  static Node controller(Path dir, Path cfg, String natsUrl, String... extra) {
    List<String> a = new ArrayList<>(List.of("--controller-mode", "--controller-url", natsUrl, "--cfgfile", cfg.toString()));
    a.addAll(List.of(extra));
    return new Node("controller", dir, a, Map.of());
  }

  /** A controller on the NATS servers of {@code natsUrls} (--nats-url): no nats-server of its own. */
  static Node controllerOnNats(Path dir, Path cfg, String natsUrls) {
    return new Node("controller", dir, List.of("--controller-mode", "--nats-url", natsUrls, "--cfgfile", cfg.toString()),
        Map.of());
  }

  /** Runner {@code name} connecting to {@code natsUrl}. */
  static Node runner(Path dir, String name, String natsUrl, String... extra) {
    List<String> a = new ArrayList<>(List.of("--runner-name", name, "--controller-url", natsUrl));
    a.addAll(List.of(extra));
    return new Node(name, dir, a, Map.of("MARK_RUNNER", name));
  }

  /** Starts the process (again, on the same data directory) without waiting for it. */
  Node launch() throws Exception {
    if (process != null) {
      process.awaitOutput();
      earlierRuns.append(process.err());
    }
    List<String> full = new ArrayList<>(args);
    full.addAll(List.of("--url", "127.0.0.1:0", "--tls", "off"));
    Map<String, String> e = new HashMap<>(env);
    e.put("PATH_TO_DB", dir.resolve("data/postee.db").toString());
    process = ChildProcess.start(ChildProcess.javaMain(JVM, full.toArray(String[]::new)), dir.getParent(), e);
    port = 0;
    return this;
  }

  /** Starts the process and waits for its HTTP listener. */
  Node start() throws Exception {
    launch();
    return awaitListening();
  }

  Node awaitListening() {
    port = process.awaitHttpPort();
    return this;
  }

  /** Waits until {@code /readyz} answers 200 (a runner: its configuration arrived and its engine runs). */
  Node awaitReady() {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      assertThat(process.process().isAlive()).as(name + " is running; its log:\n" + log()).isTrue();
      assertThat(get("/readyz").statusCode()).as(name + " ready").isEqualTo(200);
    });
    return this;
  }

  int port() {
    return port;
  }

  long pid() {
    return process.process().pid();
  }

  boolean alive() {
    return process.process().isAlive();
  }

  /** Everything the node logged, over all its runs. */
  String log() {
    return earlierRuns + (process == null ? "" : process.err());
  }

  /** SIGTERM: a graceful stop; returns the exit code. */
  int terminate() throws InterruptedException {
    return process.terminate();
  }

  /** SIGKILL: no shutdown at all. */
  void kill() throws InterruptedException {
    process.process().destroyForcibly();
    process.process().waitFor();
  }

  HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Posts an event to {@code POST /} and returns its id; fails unless the answer is 200. */
  String ingest(String event) throws Exception {
    HttpResponse<String> r = post("/", event);
    assertThat(r.statusCode()).as(name + " ingest: " + r.body()).isEqualTo(200);
    return (String) json(r.body()).get("id");
  }

  /** The controller's execution log rows of one event. */
  @SuppressWarnings("unchecked")
  List<Map<String, Object>> executions(String eventId) throws Exception {
    return (List<Map<String, Object>>) json(get("/api/executions?event=" + eventId).body()).get("executions");
  }

  /** {@code GET /api/runners} of a controller. */
  @SuppressWarnings("unchecked")
  List<Map<String, Object>> runners() throws Exception {
    HttpResponse<String> r = get("/api/runners");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return (List<Map<String, Object>>) json(r.body()).get("runners");
  }

  /** One runner's row of {@code GET /api/runners}, or an empty map. */
  Map<String, Object> runner(String runnerName) throws Exception {
    return runners().stream().filter(r -> runnerName.equals(r.get("name"))).findFirst().orElse(Map.of());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> json(String text) {
    return (Map<String, Object>) Values.toJava(Json.parse(text));
  }

  private URI uri(String path) {
    if (port == 0) throw new IllegalStateException(name + " is not listening");
    return URI.create("http://127.0.0.1:" + port + path);
  }

  @Override
  public void close() {
    if (process != null) process.close();
  }
}
