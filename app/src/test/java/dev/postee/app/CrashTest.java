package dev.postee.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under a steady stream of events the process is killed with SIGKILL and started again on the same
 * database: every event that got a 2xx reaches the sink. A copy can arrive twice only for an
 * execution that was in flight at the kill (the sink answered, the process died before recording
 * it); such copies carry the same X-Postee-Execution-Id, so a receiver can drop them.
 */
class CrashTest {
  private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

  @TempDir Path dir;
  private final List<ChildProcess> processes = new ArrayList<>();

  @AfterEach
  void tearDown() {
    processes.forEach(ChildProcess::close);
  }

  private ChildProcess start(Path cfg) throws Exception {
    ChildProcess p = ChildProcess.start(ChildProcess.javaMain("--cfgfile", cfg.toString(), "--url", "127.0.0.1:0",
        "--tls", "off"), dir, Map.of("PATH_TO_DB", dir.resolve("data/postee.db").toString()));
    processes.add(p);
    return p;
  }

  @Test
  void everyAcknowledgedEventIsDeliveredAfterSigkillAndRestart() throws Exception {
    try (Sink sink = new Sink()) {
      Path cfg = dir.resolve("cfg.yaml");
      Files.writeString(cfg, """
          name: crash
          routes:
          - name: all
            actions: [hook]
          actions:
          - name: hook
            type: webhook
            enable: true
            url: %s
          """.formatted(sink.url("/hook")));
      ChildProcess first = start(cfg);
      AtomicInteger port = new AtomicInteger(first.awaitHttpPort());

      Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
      AtomicInteger nextSeq = new AtomicInteger();
      AtomicBoolean producing = new AtomicBoolean(true);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      List<Thread> producers = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        producers.add(Thread.ofVirtual().start(() -> {
          while (producing.get()) {
            int seq = nextSeq.getAndIncrement();
            try {
              HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + "/"))
                  .timeout(Duration.ofSeconds(10))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"seq\":" + seq + ",\"image\":\"alpine\"}")).build(),
                  HttpResponse.BodyHandlers.discarding());
              if (r.statusCode() / 100 == 2) acknowledged.add(seq);
            } catch (Exception e) {
              // the process is down: not acknowledged, so not owed
              try {
                Thread.sleep(20);
              } catch (InterruptedException ie) {
                return;
              }
            }
          }
        }));
      }

      await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 300 && sink.all().size() >= 100);
      int acknowledgedBeforeKill = acknowledged.size();
      first.process().destroyForcibly(); // SIGKILL: no shutdown hook runs
      first.process().waitFor();
      int deliveredAtKill = sink.all().size();

      ChildProcess second = start(cfg);
      port.set(second.awaitHttpPort());
      await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= acknowledgedBeforeKill + 300);
      producing.set(false);
      for (Thread t : producers) t.join();

      // every acknowledged event reaches the sink
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
        Set<Integer> delivered = delivered(sink);
        return delivered.containsAll(acknowledged);
      });

      Map<Integer, List<String>> executionsBySeq = new HashMap<>();
      for (Sink.Request r : sink.all()) {
        Matcher m = SEQ.matcher(r.body());
        if (!m.find()) continue;
        executionsBySeq.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new ArrayList<>())
            .add(r.headers().getOrDefault("X-postee-execution-id", List.of("?")).get(0));
      }
      Set<Integer> duplicated = new TreeSet<>();
      executionsBySeq.forEach((seq, ids) -> {
        if (ids.size() > 1) duplicated.add(seq);
      });
      System.out.printf("crash test: %d acknowledged (%d before the kill), %d delivered before the kill, %d delivered, %d delivered twice%n",
          acknowledged.size(), acknowledgedBeforeKill, deliveredAtKill, executionsBySeq.size(), duplicated.size());
      // a copy can only repeat an execution that was in flight at the kill: the same execution id, and
      // no more of them than events can be in flight (workers)
      for (int seq : duplicated) assertThat(Set.copyOf(executionsBySeq.get(seq))).as("seq " + seq).hasSize(1);
      assertThat(duplicated.size()).isLessThanOrEqualTo(32);
      assertThat(delivered(sink)).containsAll(acknowledged);
      second.terminate();
    }
  }

  private static Set<Integer> delivered(Sink sink) {
    Set<Integer> out = new TreeSet<>();
    for (Sink.Request r : sink.all()) {
      Matcher m = SEQ.matcher(r.body());
      if (m.find()) out.add(Integer.parseInt(m.group(1)));
    }
    return out;
  }
}
