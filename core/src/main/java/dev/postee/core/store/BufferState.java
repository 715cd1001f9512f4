package dev.postee.core.store;

import java.time.Instant;

/**
 * A non-empty aggregation buffer.
 *
 * @param route route name
 * @param size messages buffered (not yet taken into a batch)
 * @param firstBufferedAt when the oldest of them entered the buffer; the time window runs from here
 */
public record BufferState(String route, int size, Instant firstBufferedAt) {}
