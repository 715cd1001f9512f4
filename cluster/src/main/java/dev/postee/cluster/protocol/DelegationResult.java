package dev.postee.cluster.protocol;

/**
 * What a runner reports for a delegation (KV POSTEE_RESULTS, key {@link Subjects#resultKey}).
 *
 * @param status DELIVERED, FAILED, EXHAUSTED (every retry failed), EXPIRED (picked up after its TTL,
 *     not run), UNKNOWN_ACTION (the runner has no such action)
 * @param attempts attempts made on the runner
 * @param output excerpt of the response or process output (secrets masked by the action)
 */
public record DelegationResult(
    String executionId,
    String runner,
    String route,
    String action,
    String actionType,
    String eventId,
    String status,
    int attempts,
    Integer httpStatus,
    Integer exitCode,
    long startedAtMillis,
    long durationMillis,
    String output,
    String error) {

  public boolean ok() { return "DELIVERED".equals(status); }
}
