package dev.postee.cluster.runner;

import dev.postee.core.action.DeliveryOutcome;
import dev.postee.core.config.ActionConfig;
import dev.postee.core.config.RunnerConfig;
import dev.postee.core.routing.ActionDispatcher;
import dev.postee.core.routing.LocalDispatcher;

/**
 * The dispatcher of a runner's engine (the runner-local flow): an action whose runs-on resolves to
 * this runner runs here; every other one is {@link DeliveryOutcome.Status#SKIPPED} — it belongs to
 * the controller or another runner, which run it when the controller handles the event this runner
 * reported upstream.
 */
public final class RunnerDispatcher implements ActionDispatcher {
  private final String runner;
  private final LocalDispatcher local;

  /** @param local runs actions here, recording this runner's name as where they ran */
  public RunnerDispatcher(String runner, LocalDispatcher local) {
    this.runner = runner;
    this.local = local;
  }

  /**
   * The actions a runner instantiates: those whose runs-on names it, and those whose runs-on picks
   * the runner from the event (known only per event). A runner's configuration sets each action's
   * effective runs-on, so the action's own field is enough.
   */
  public static boolean runsHere(String runner, ActionConfig action) {
    String runsOn = action.runsOn();
    return runner.equals(runsOn) || RunnerConfig.isEventSelector(runsOn);
  }

  @Override
  public DeliveryOutcome dispatch(Dispatch d) {
    if (runner.equals(d.runsOn())) return local.dispatch(d);
    String elsewhere = d.runsOn() == null ? "the controller" : "runner '" + d.runsOn() + "'";
    return new DeliveryOutcome(DeliveryOutcome.Status.SKIPPED, 0, null, "runs on " + elsewhere);
  }
}
