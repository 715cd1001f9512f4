package dev.postee.cluster.controller;

import dev.postee.cluster.nats.Backplane;
import dev.postee.cluster.protocol.Codec;
import dev.postee.cluster.protocol.Heartbeat;
import dev.postee.cluster.protocol.RunnerConfig;
import dev.postee.cluster.protocol.Subjects;
import dev.postee.core.engine.Engine;
import dev.postee.core.routing.CompiledConfig;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runners' configurations: answers their requests (queue group: one controller answers), pushes
 * the new configuration to every known runner after a reload, and re-pushes to a runner whose
 * heartbeat shows an old version (a push it missed). Also answers Go Postee runners on
 * {@code postee.config}.
 *
 * <p>A request is answered with the runner's whole configuration, also when the runner already has
 * that version: a runner ignores a configuration of the version it runs.
 */
final class ConfigService {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigService.class);
  /** A runner whose heartbeat shows an old configuration gets it again at most this often. */
  private static final Duration REPUSH_EVERY = Duration.ofSeconds(10);

  private final Engine engine;
  private final Backplane backplane;
  private final RunnerConfigCache configs;
  private final RunnerRegistry registry;
  private final JetStreamLink link;
  private final Executor background;
  private final Clock clock;
  private final Map<String, Long> lastPush = new ConcurrentHashMap<>();

  ConfigService(Engine engine, Backplane backplane, RunnerConfigCache configs, RunnerRegistry registry, JetStreamLink link,
      Executor background, Clock clock) {
    this.engine = engine;
    this.backplane = backplane;
    this.configs = configs;
    this.registry = registry;
    this.link = link;
    this.background = background;
    this.clock = clock;
  }

  RunnerConfig current(String runner) {
    return configs.forRunner(engine.compiledConfig(), runner);
  }

  /** {@code postee.v1.config.<runner>}: payload a {@link Heartbeat} (or the runner name as text). */
  void onRequest(Connection c, Message m) {
    if (m.getReplyTo() == null) return;
    String token = m.getSubject().substring(m.getSubject().lastIndexOf('.') + 1);
    String runner = requester(m.getData());
    RunnerConfig reply;
    if (runner == null || !Subjects.token(runner).equals(token)) {
      reply = new RunnerConfig(runner, "", null, Map.of(), clock.millis(), "a configuration request on " + m.getSubject()
          + " must name the runner of that subject (got '" + runner + "')");
      LOG.warn("refused a configuration request on {} naming runner '{}'", m.getSubject(), runner);
    } else {
      registry.askedForConfig(runner);
      reply = current(runner);
      if (reply.error() != null) {
        LOG.warn("runner {} asked for its configuration: {}", runner, reply.error());
      } else {
        LOG.debug("runner {} asked for its configuration: version {}", runner, reply.version());
        ensureConsumerLater(runner);
      }
    }
    c.publish(m.getReplyTo(), Codec.encode(reply));
  }

  /** {@code postee.config} (Go Postee runner): payload the runner name; reply its YAML configuration. */
  void onLegacyRequest(Connection c, Message m) {
    if (m.getReplyTo() == null) return;
    String runner = m.getData() == null ? "" : new String(m.getData(), StandardCharsets.UTF_8).strip();
    if (runner.isEmpty()) {
      LOG.warn("a Go Postee runner asked on {} without its name; not answered", Subjects.LEGACY_CONFIG);
      return;
    }
    RunnerConfig rc = current(runner);
    if (rc.error() != null) {
      // a Go Postee runner writes whatever it receives as its configuration: no answer makes it fail visibly
      LOG.warn("Go Postee runner {} asked for its configuration on {}: {}; not answered", runner, Subjects.LEGACY_CONFIG,
          rc.error());
      return;
    }
    registry.askedForConfig(runner);
    LOG.info("Go Postee runner {} got its configuration (version {}) on {}", runner, rc.version(), Subjects.LEGACY_CONFIG);
    c.publish(m.getReplyTo(), rc.yaml().getBytes(StandardCharsets.UTF_8));
  }

  /** After an applied reload: every known runner gets its new configuration. */
  void onConfigChange(CompiledConfig config) {
    for (String runner : registry.known(config.config())) {
      RunnerConfig rc = configs.forRunner(config, runner);
      if (rc.error() == null) ensureConsumerLater(runner);
      push(runner, rc);
    }
  }

  /** A heartbeat showing an older configuration than the current one: push it again (rate-limited). */
  void checkVersion(Heartbeat hb) {
    if (hb.configVersion() == null) return;
    RunnerConfig rc = current(hb.runner());
    if (rc.error() != null || rc.version().equals(hb.configVersion())) return;
    long now = clock.millis();
    Long last = lastPush.get(hb.runner());
    if (last != null && now - last < REPUSH_EVERY.toMillis()) return;
    LOG.info("runner {} runs {}, the current one is {}: sending it", hb.runner(),
        hb.configVersion().isEmpty() ? "no configuration yet" : "configuration " + hb.configVersion(), rc.version());
    push(hb.runner(), rc);
  }

  private void push(String runner, RunnerConfig rc) {
    lastPush.put(runner, clock.millis());
    backplane.currentConnection().ifPresentOrElse(
        c -> c.publish(Subjects.configPush(runner), Codec.encode(rc)),
        () -> LOG.info("configuration {} of runner {} not pushed: NATS is not reachable; the runner asks again",
            rc.version(), runner));
  }

  private void ensureConsumerLater(String runner) {
    background.execute(() -> {
      try {
        link.ensureRunnerConsumer(runner);
      } catch (Exception e) {
        LOG.warn("cannot create the delegation consumer of runner {} yet: {}", runner, JetStreamLink.describe(e));
      }
    });
  }

  /** The runner a request is from: a JSON {@link Heartbeat} or the name as plain text. */
  static String requester(byte[] data) {
    if (data == null || data.length == 0) return null;
    String text = new String(data, StandardCharsets.UTF_8).strip();
    if (text.startsWith("{")) {
      try {
        Heartbeat hb = Codec.decode(data, Heartbeat.class);
        return hb.runner();
      } catch (Codec.ProtocolException e) {
        return null;
      }
    }
    return text.isEmpty() ? null : text;
  }
}
