package dev.postee.core.store;

/**
 * The ingest queue holds as many unfinished events as it may ({@link StoreOptions#maxQueuedEvents});
 * the event was not accepted. The HTTP layer answers 503 with a Retry-After header so the producer
 * retries later instead of the event being lost.
 */
public final class QueueFullException extends StoreException {
  private final int limit;

  public QueueFullException(int limit) {
    super("the ingest queue is full (" + limit + " unfinished events); retry later or raise the queue"
        + " limit if actions keep up too slowly");
    this.limit = limit;
  }

  public int limit() {
    return limit;
  }
}
