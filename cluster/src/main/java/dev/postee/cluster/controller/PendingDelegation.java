package dev.postee.cluster.controller;

/**
 * A delegation handed to a runner whose result has not arrived yet; kept in the delegating
 * controller's store (key-value namespace {@value DelegationBook#PENDING}, key = execution id) so
 * that the TTL holds across restarts.
 *
 * @param createdAtMillis since when the runner can take it (JetStream stored it; a re-dispatch after a restart
 *     keeps the first time)
 * @param ttlMillis how long the runner may take to pick it up
 * @param streamSeq its sequence in the delegations stream (to remove it when it expires); 0 = not known yet
 */
public record PendingDelegation(
    String executionId,
    String runner,
    String route,
    String action,
    String actionType,
    String eventId,
    long createdAtMillis,
    long ttlMillis,
    long streamSeq) {

  public boolean expiredAt(long nowMillis) {
    return ttlMillis > 0 && nowMillis > createdAtMillis + ttlMillis;
  }

  PendingDelegation published(long seq, long availableSince) {
    return new PendingDelegation(executionId, runner, route, action, actionType, eventId, availableSince, ttlMillis, seq);
  }
}
