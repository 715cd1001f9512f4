package dev.postee.core.store;

import dev.postee.core.action.ActionResult;

/**
 * Which execution-log rows {@link Store#recentExecutions} returns: the newest {@code limit} rows
 * matching every non-null filter.
 */
public record ExecutionQuery(int limit, String route, String action, String eventId, ActionResult.Outcome outcome) {
  public ExecutionQuery {
    if (limit < 1) throw new IllegalArgumentException("limit must be at least 1: " + limit);
  }

  public static ExecutionQuery latest(int limit) {
    return new ExecutionQuery(limit, null, null, null, null);
  }

  public ExecutionQuery withRoute(String value) {
    return new ExecutionQuery(limit, value, action, eventId, outcome);
  }

  public ExecutionQuery withAction(String value) {
    return new ExecutionQuery(limit, route, value, eventId, outcome);
  }

  public ExecutionQuery withEventId(String value) {
    return new ExecutionQuery(limit, route, action, value, outcome);
  }

  public ExecutionQuery withOutcome(ActionResult.Outcome value) {
    return new ExecutionQuery(limit, route, action, eventId, value);
  }
}
