package dev.postee.app.http;

import dev.postee.cluster.controller.Controller;
import dev.postee.cluster.nats.Backplane;
import dev.postee.cluster.runner.Runner;
import dev.postee.core.engine.Engine;
import java.util.Objects;

/**
 * What the HTTP API serves, by mode: a standalone engine, a controller (its engine plus the runner
 * registry), or a runner, whose engine exists only once the controller sent its configuration.
 */
public final class Backend {
  private final Engine standalone;
  private final Controller controller;
  private final Runner runner;
  private final Backplane backplane;

  private Backend(Engine standalone, Controller controller, Runner runner, Backplane backplane) {
    this.standalone = standalone;
    this.controller = controller;
    this.runner = runner;
    this.backplane = backplane;
  }

  public static Backend standalone(Engine engine) {
    return new Backend(Objects.requireNonNull(engine), null, null, null);
  }

  /** A controller and the backplane connection it was started with. */
  public static Backend controller(Controller controller, Backplane backplane) {
    return new Backend(null, Objects.requireNonNull(controller), null, Objects.requireNonNull(backplane));
  }

  public static Backend runner(Runner runner) {
    return new Backend(null, null, Objects.requireNonNull(runner), runner.backplane());
  }

  /** The engine, or null while a runner waits for its configuration. */
  public Engine engine() {
    if (standalone != null) return standalone;
    if (controller != null) return controller.engine();
    return runner.engine().orElse(null);
  }

  /** Why events cannot be taken now, or null when they can. */
  String notReadyReason() {
    if (runner != null) {
      String why = runner.notReadyReason();
      return why == null ? null : "runner '" + runner.name() + "' is not ready: " + why;
    }
    return engine().ready() ? null : "the engine is not running";
  }

  /** The NATS connection of a controller or runner; null standalone. */
  Backplane backplane() {
    return backplane;
  }

  /** The controller, or null in the other modes. */
  Controller controller() {
    return controller;
  }

  /** The runner, or null in the other modes. */
  Runner runner() {
    return runner;
  }
}
