package dev.postee.app.cluster;

import static dev.postee.app.cluster.ClusterTesting.assumeNatsServer;
import static dev.postee.app.cluster.ClusterTesting.lines;
import static dev.postee.app.cluster.ClusterTesting.markLine;
import static dev.postee.app.cluster.ClusterTesting.natsUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coupled runners: {@code runs-on: event.input.Context.hostName} sends each Tracee finding to the
 * runner on the node that produced it, among three runner processes.
 */
@Timeout(240)
class CoupledRunnersTest {
  private static final List<String> NODES = List.of("node-a", "node-b", "node-c");

  @TempDir Path dir;
  Node controller;
  final List<Node> runners = new ArrayList<>();

  @AfterEach
  void tearDown() {
    runners.forEach(Node::close);
    if (controller != null) controller.close();
  }

  @Test
  void eachFindingRunsOnTheRunnerNamedByItsHostName() throws Exception {
    assumeNatsServer();
    Path marker = dir.resolve("killed.log");
    Path cfg = dir.resolve("controller/cfg.yaml");
    Files.createDirectories(cfg.getParent());
    Files.writeString(cfg, """
        name: coupled
        routes:
        - name: tracee
          input: contains(input.SigMetadata.ID, "TRC-2")
          actions: [kill-process]
        actions:
        - name: kill-process
          type: exec
          enable: true
          runs-on: event.input.Context.hostName
          exec-script: |
            MARK
        """.replace("MARK", markLine(marker, "$(printf '%s' \"$POSTEE_EVENT\" | grep -o '\"seq\":[0-9]*')")));
    String nats = natsUrl();
    controller = Node.controller(dir.resolve("controller"), cfg, nats).start();
    for (String node : NODES) {
      runners.add(Node.runner(dir.resolve(node), node, nats, "--runner-label", "zone=" + node.substring(5)).launch());
    }
    for (Node r : runners) r.awaitListening().awaitReady();

    List<String> order = List.of("node-b", "node-c", "node-a", "node-b");
    for (int i = 0; i < order.size(); i++) {
      controller.ingest("{\"seq\":" + i + ",\"SigMetadata\":{\"ID\":\"TRC-2\"},\"Context\":{\"hostName\":\"" + order.get(i)
          + "\",\"processName\":\"strace\"}}");
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> lines(marker).size() == order.size());
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) expected.add(order.get(i) + " \"seq\":" + i);
    assertThat(lines(marker)).as("each finding handled by the runner of its host, once").containsExactlyInAnyOrderElementsOf(expected);

    List<Map<String, Object>> listed = controller.runners();
    assertThat(listed).extracting(r -> r.get("name")).containsExactlyInAnyOrderElementsOf(NODES);
    assertThat(listed).allSatisfy(r -> {
      assertThat(r).containsEntry("state", "online");
      @SuppressWarnings("unchecked")
      Map<String, Object> labels = (Map<String, Object>) r.get("labels");
      assertThat(labels).containsKey("host").containsEntry("zone", ((String) r.get("name")).substring(5));
      assertThat((String) r.get("webhook_url")).startsWith("http://127.0.0.1:");
    });
  }
}
