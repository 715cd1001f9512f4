package dev.postee.cluster.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;

/** Real nats-server processes on 127.0.0.1 for tests; skips visibly when the binary is absent. */
final class NatsTesting {
  private NatsTesting() {}

  /** Skips the calling test (with the reason on stderr and in the report) when nats-server is not installed. */
  static void assumeNatsServer() {
    try {
      NatsServerSupervisor.findBinary(NatsServerOptions.of("nats://127.0.0.1:4222", Path.of(".")));
    } catch (BackplaneException e) {
      System.err.println("SKIPPED (nats-server not installed; CI installs it): " + e.getMessage());
      Assumptions.abort("nats-server not installed (CI installs it with apt): " + e.getMessage());
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Options for a server on a free 127.0.0.1 port with short timings. */
  static NatsServerOptions serverOptions(Path dataDir) {
    return serverOptions("nats", freePort(), dataDir);
  }

  static NatsServerOptions serverOptions(String scheme, int port, Path dataDir) {
    return NatsServerOptions.of(scheme + "://127.0.0.1:" + port, dataDir)
        .withServerName("test-" + port)
        .withRestartBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
        .withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(10));
  }

  /** Backplane options with fast reconnects, for tests. */
  static BackplaneOptions fast(BackplaneOptions o) {
    return o.withReconnectWait(Duration.ofMillis(50), Duration.ofMillis(500)).withConnectTimeout(Duration.ofSeconds(2));
  }

  /** Collects the server's error messages (permission violations) and client exceptions of a connection. */
  static final class Errors implements ErrorListener {
    final List<String> messages = new CopyOnWriteArrayList<>();

    @Override
    public void errorOccurred(Connection conn, String error) {
      messages.add(error);
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
      messages.add(String.valueOf(exp));
    }

    /** Waits until a message containing all {@code parts} arrived. */
    void expect(String... parts) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(messages)
          .as("errors reported to the client")
          .anySatisfy(m -> assertThat(m).contains(parts)));
    }
  }

  static void awaitConnected(Backplane b) {
    await().atMost(Duration.ofSeconds(20)).until(b::isConnected);
  }
}
