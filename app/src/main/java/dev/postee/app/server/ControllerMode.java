package dev.postee.app.server;

import dev.postee.app.Version;
import dev.postee.app.http.Backend;
import dev.postee.app.tls.TlsMaterial;
import dev.postee.cluster.controller.Controller;
import dev.postee.cluster.controller.ControllerOptions;
import dev.postee.cluster.nats.Backplane;
import dev.postee.cluster.nats.BackplaneException;
import dev.postee.cluster.nats.BackplaneOptions;
import dev.postee.cluster.nats.NatsAuth;
import dev.postee.cluster.nats.NatsServerOptions;
import dev.postee.cluster.nats.NatsServerSupervisor;
import dev.postee.core.engine.Engine;
import dev.postee.core.engine.EngineOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --controller-mode}: the NATS backplane (the controller's own supervised nats-server at
 * {@code --controller-url}, or the servers of {@code --nats-url}), the controller with its engine,
 * then the HTTP API (plus {@code GET /api/runners}). The call sequence is {@link Controller}'s.
 */
final class ControllerMode {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerMode.class);
  /** Longer than a graceful stop takes: ingest drain (10 s) plus the engine's shutdown timeout (30 s). */
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(90);

  private ControllerMode() {}

  static PosteeServer start(ServerSettings settings, Map<String, String> environment, TlsMaterial tls)
      throws PosteeServer.StartException {
    ServerSettings.ControllerSettings c = settings.controller();
    String controllerKey;
    try {
      controllerKey = c.seedFile() == null ? null : NatsAuth.publicKeyOfSeedFile(c.seedFile());
    } catch (BackplaneException e) {
      throw backplaneProblem("--controller-seed-file " + c.seedFile(), e);
    }
    NatsServerSupervisor nats = null;
    List<String> urls = c.natsUrls();
    if (c.supervisesNats()) {
      nats = startNats(settings, environment, controllerKey);
      urls = List.of(nats.clientUrl());
    }
    LOG.info("postee {} starting as controller: configuration {}, database {}, backplane {}{}", Version.get(),
        settings.configFile(), settings.databaseFile(), String.join(",", urls),
        nats != null ? " (its own nats-server, listening on " + c.url() + ")" : " (--nats-url)");

    Backplane backplane;
    try {
      backplane = Backplane.start(BackplaneOptions.forController(connectionName(c), urls.toArray(String[]::new))
          .withTls(c.caRoot(), c.tlsCert(), c.tlsKey())
          .withSeedFile(c.seedFile()));
    } catch (BackplaneException e) {
      if (nats != null) nats.close();
      throw backplaneProblem("the backplane connection", e);
    }

    ControllerOptions options = ControllerOptions.defaults()
        .withControllerId(c.controllerId())
        .withDelegationTtl(c.delegationTtl());
    options = options.withJetStream(options.jetStream().withAckWait(c.ackWait()));
    // the controller gives its own server one user per runner key in the configuration
    if (controllerKey != null && nats != null) options = options.withNkeys(controllerKey, List.of());
    EngineOptions engineOptions = PosteeServer.engineOptions(settings, environment)
        .withRole("controller")
        .withRunsHere(Controller.runsHere());

    Controller controller;
    try {
      controller = Controller.start(options, backplane, nats, dispatcher -> Engine.start(engineOptions.withDispatcher(dispatcher)));
    } catch (Engine.StartException e) {
      throw PosteeServer.engineFailed(e);
    } catch (BackplaneException e) {
      throw backplaneProblem("the backplane", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PosteeServer.StartException("interrupted while starting the controller", List.of(), false);
    }
    return PosteeServer.listen(settings, Backend.controller(controller, backplane), tls, controller);
  }

  private static NatsServerSupervisor startNats(ServerSettings settings, Map<String, String> environment,
      String controllerKey) throws PosteeServer.StartException {
    ServerSettings.ControllerSettings c = settings.controller();
    try {
      NatsServerOptions options = NatsServerOptions.of(c.url(), settings.dataDir())
          .withEnvironment(environment)
          .withTls(c.tlsCert(), c.tlsKey(), c.caRoot())
          .withAuthorization(controllerKey == null ? NatsAuth.Authorization.NONE
              : NatsAuth.Authorization.sharedSeed(controllerKey));
      NatsServerSupervisor nats = NatsServerSupervisor.start(options);
      // SIGTERM: the server stays up until the controller has drained its engine and closes it
      nats.deferStopOnJvmExit(SHUTDOWN_GRACE);
      return nats;
    } catch (BackplaneException e) {
      String message = e.getMessage();
      if (!message.contains("--nats-url")) {
        message += " (or use an existing NATS server or cluster with --nats-url nats://host:4222 instead of"
            + " --controller-url)";
      }
      throw new PosteeServer.StartException("cannot start the controller's NATS server: " + message, List.of(), false);
    }
  }

  /** Shown by the NATS server for this connection ({@code /connz}): the controller id, else the host. */
  private static String connectionName(ServerSettings.ControllerSettings c) {
    return c.controllerId() != null ? c.controllerId() : RunnerMode.hostname();
  }

  private static PosteeServer.StartException backplaneProblem(String what, BackplaneException e) {
    return new PosteeServer.StartException("controller: " + what + ": " + e.getMessage(), List.of(), false);
  }
}
