package dev.postee.core.store;

import java.util.List;

/**
 * What one {@link Store#maintenance()} run did and found.
 *
 * @param sizeBeforeBytes database file plus write-ahead log before the run
 * @param sizeAfterBytes the same after the run
 * @param maxDbSizeBytes the configured limit, or null
 * @param expiredDedupKeysPurged dedup keys removed because they had expired
 * @param expiredKvEntriesPurged key-value entries removed because they had expired
 * @param executionRowsPruned execution-log rows removed to get under the size limit
 * @param overLimit still above the limit although nothing prunable is left (queued work is kept)
 * @param integrityProblems what {@code PRAGMA quick_check} reported; empty when the file is sound
 */
public record MaintenanceReport(
    long sizeBeforeBytes,
    long sizeAfterBytes,
    Long maxDbSizeBytes,
    int expiredDedupKeysPurged,
    int expiredKvEntriesPurged,
    int executionRowsPruned,
    boolean overLimit,
    List<String> integrityProblems) {

  public MaintenanceReport {
    integrityProblems = List.copyOf(integrityProblems);
  }

  public boolean integrityOk() {
    return integrityProblems.isEmpty();
  }
}
