package dev.postee.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreDurabilityTest {
  @TempDir Path dir;

  @Test
  void everyEventAcknowledgedBeforeSigkillIsStoredAfterRestart() throws Exception {
    Path file = dir.resolve("postee.db");
    Path childErrors = dir.resolve("child-stderr.txt");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        EnqueueChild.class.getName(), file.toString())
        .redirectError(childErrors.toFile())
        .start();
    Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
    Thread reader = Thread.ofPlatform().start(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          if (line.startsWith("ID ") && line.length() == 3 + 26) acknowledged.add(line.substring(3));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    try {
      await().atMost(Duration.ofSeconds(90))
          .failFast("the child process died: " + childErrors, () -> !child.isAlive())
          .until(() -> acknowledged.size() >= 2_000);
      assertThat(child.isAlive()).as("still enqueueing when killed").isTrue();
      child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close()
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
    reader.join(Duration.ofSeconds(30));
    assertThat(reader.isAlive()).isFalse();

    List<String> ids = List.copyOf(acknowledged);
    try (Store store = Store.open(file, StoreOptions.defaults().withVerifyInterval(null))) {
      List<String> stored = store.unfinished(store.unfinishedCount() + 1).stream().map(StoredEvent::id).toList();
      List<String> missing = ids.stream().filter(id -> !stored.contains(id)).toList();
      assertThat(missing).as("acknowledged but lost, of " + ids.size() + " acknowledged").isEmpty();
      assertThat(stored.size()).isGreaterThanOrEqualTo(ids.size());
      assertThat(store.maintenance().integrityOk()).isTrue();
    }
    assertThat(Files.readAllLines(childErrors).stream().filter(l -> l.contains("Exception")).collect(Collectors.toList()))
        .as("the child had no errors").isEmpty();
  }
}
