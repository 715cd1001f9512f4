package dev.postee.app.cluster;

import dev.postee.cluster.nats.BackplaneException;
import dev.postee.cluster.nats.NatsServerOptions;
import dev.postee.cluster.nats.NatsServerSupervisor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/** What the cluster end-to-end tests share: a real nats-server (skipped visibly without one), ports, marker files. */
final class ClusterTesting {
  private ClusterTesting() {}

  /** Skips the calling test, with the reason on stderr and in the report, when nats-server is not installed. */
  static void assumeNatsServer() {
    try {
      NatsServerSupervisor.findBinary(NatsServerOptions.of("nats://127.0.0.1:4222", Path.of(".")));
    } catch (BackplaneException e) {
      System.err.println("SKIPPED (nats-server not installed; .ci/run installs it): " + e.getMessage());
      Assumptions.abort("nats-server not installed (.ci/run installs it with apt): " + e.getMessage());
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A URL for the controller's own nats-server on a free port of 127.0.0.1. */
  static String natsUrl() {
    return "nats://127.0.0.1:" + freePort();
  }

  /** The lines of a marker file that exec scripts append to (none when it does not exist yet). */
  static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }

  /** How often each line occurs in a marker file. */
  static Map<String, Long> counts(Path file) throws IOException {
    return lines(file).stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  /** An exec script line appending {@code <runner> <text>} to {@code marker}, the runner's name from its environment. */
  static String markLine(Path marker, String text) {
    return "printf '%s %s\\n' \"$MARK_RUNNER\" \"" + text + "\" >> '" + marker + "'";
  }
}
