package dev.postee.core.action;

import java.time.Duration;
import java.time.Instant;

/**
 * One attempt of one action for one event: a row of the execution log (SPEC §10).
 *
 * @param executionId id shared by all attempts of the same action execution
 * @param route route name
 * @param action action name
 * @param actionType action type
 * @param eventId event (or batch) id
 * @param where "controller", "standalone" or the runner's name
 * @param attempt 1-based attempt number
 * @param outcome OK, FAILED or RETRY (a failed attempt that will be retried)
 * @param httpStatus HTTP status, or null
 * @param exitCode exit code, or null
 * @param startedAt when the attempt started
 * @param duration how long it took
 * @param error error text, or null
 * @param output short output excerpt, or null
 */
public record ExecutionRecord(
    String executionId,
    String route,
    String action,
    String actionType,
    String eventId,
    String where,
    int attempt,
    ActionResult.Outcome outcome,
    Integer httpStatus,
    Integer exitCode,
    Instant startedAt,
    Duration duration,
    String error,
    String output) {}
