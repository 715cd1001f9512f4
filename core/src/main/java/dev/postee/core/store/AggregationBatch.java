package dev.postee.core.store;

import java.util.List;

/**
 * Messages taken out of a route's buffer to be rendered and sent as one. The batch stays in the
 * store until {@link Store#completeBatch} so that a crash between taking and sending loses nothing:
 * {@link Store#unfinishedBatches()} returns it again after a restart.
 *
 * @param batchId unique id (ULID format), used as the event id of the aggregated delivery (progress
 *     marks, execution log)
 * @param route the route whose buffer it came from
 * @param messages oldest first
 */
public record AggregationBatch(String batchId, String route, List<BufferedMessage> messages) {
  public AggregationBatch {
    messages = List.copyOf(messages);
  }
}
