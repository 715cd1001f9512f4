package dev.postee.core.store;

import java.time.Instant;

/**
 * Running totals of one action's attempts since the database was created (kept when the execution
 * log is pruned).
 *
 * @param action action name
 * @param actionType its type as last recorded
 * @param ok attempts that succeeded
 * @param failed attempts that failed permanently
 * @param retried attempts that failed and were to be retried
 * @param lastAttemptAt start of the latest attempt
 * @param lastSuccessAt start of the latest successful attempt, or null
 * @param lastErrorAt start of the latest failed attempt, or null
 * @param lastError error text of the latest failed attempt, or null
 */
public record ActionStats(
    String action,
    String actionType,
    long ok,
    long failed,
    long retried,
    Instant lastAttemptAt,
    Instant lastSuccessAt,
    Instant lastErrorAt,
    String lastError) {}
