package dev.postee.cluster.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postee.cluster.controller.RunnerConfigs;
import dev.postee.cluster.protocol.Codec;
import dev.postee.cluster.protocol.Heartbeat;
import dev.postee.cluster.protocol.RunnerConfig;
import dev.postee.cluster.protocol.Subjects;
import dev.postee.core.config.ConfigLoadResult;
import dev.postee.core.config.ConfigLoader;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The controller's side of configuration for one runner, as a test double: a jnats responder on the
 * runner's request subject (queue group of the controllers) answering with {@link
 * RunnerConfigs#forRunner} of a controller configuration, and pushes.
 */
final class FakeController implements AutoCloseable {
  private final Connection connection;
  private final String runner;
  private final Dispatcher dispatcher;
  final List<Heartbeat> requests = new CopyOnWriteArrayList<>();
  private volatile RunnerConfig config;

  FakeController(Connection connection, String runner) {
    this.connection = connection;
    this.runner = runner;
    this.dispatcher = connection.createDispatcher(msg -> {
      Heartbeat asked = Codec.decode(msg.getData(), Heartbeat.class);
      requests.add(asked);
      RunnerConfig c = config;
      if (c == null) return;
      RunnerConfig answer = c.version().equals(asked.configVersion())
          ? new RunnerConfig(runner, c.version(), null, Map.of(), c.issuedAtMillis(), null) // unchanged
          : c;
      connection.publish(msg.getReplyTo(), Codec.encode(answer));
    });
    dispatcher.subscribe(Subjects.configRequest(runner), Subjects.CONTROLLERS_QUEUE);
  }

  /** Serves the runner's part of this controller configuration from now on; returns what the runner gets. */
  RunnerConfig serve(String controllerYaml) {
    ConfigLoadResult loaded = ConfigLoader.defaults().withEnvironment(Map.of()).load(controllerYaml, "controller.yaml");
    assertThat(loaded.errors()).as(loaded.formatProblems()).isEmpty();
    config = RunnerConfigs.forRunner(loaded.configOrThrow(), runner, null, null, System.currentTimeMillis());
    return config;
  }

  /** Serves a configuration as is (e.g. a broken one). */
  void serve(RunnerConfig c) {
    config = c;
  }

  RunnerConfig config() {
    return config;
  }

  /** Pushes the current configuration, as a controller does after a reload. */
  void push() {
    connection.publish(Subjects.configPush(runner), Codec.encode(config));
  }

  @Override
  public void close() {
    connection.closeDispatcher(dispatcher);
  }
}
