package dev.postee.core.routing;

import dev.postee.core.action.DeliveryOutcome;
import dev.postee.core.config.ActionConfig;
import dev.postee.core.template.RenderedMessage;
import dev.postee.rego.value.Value;

/**
 * Runs one action of a route for one message, wherever it must run: locally ({@link
 * LocalDispatcher}) or, in a cluster, on the runner named by runs-on. Returns when the action has
 * finished (so serialize-actions holds across machines).
 */
public interface ActionDispatcher {

  /**
   * @param executionId stable id of this action execution (same after a crash and redelivery)
   * @param eventId event id, or batch id for aggregated messages
   * @param runsOn the runner this action must run on (resolved from the event for selectors), or null for here
   * @param event the event (null for aggregated batches)
   */
  record Dispatch(String executionId, String eventId, CompiledConfig config, CompiledRoute route, ActionConfig action,
      String runsOn, RenderedMessage message, Value event) {}

  DeliveryOutcome dispatch(Dispatch d);
}
