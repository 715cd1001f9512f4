package dev.postee.core.store;

import dev.postee.core.template.RenderedMessage;
import java.time.Instant;

/**
 * One rendered message waiting in a route's aggregation buffer.
 *
 * @param eventId the event it was rendered from
 * @param message title, result, url and extra fields; extra values round-trip through JSON, so a
 *     set comes back as an array
 * @param bufferedAt when it entered the buffer
 */
public record BufferedMessage(String eventId, RenderedMessage message, Instant bufferedAt) {}
