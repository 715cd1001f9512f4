package dev.postee.core.action;

import dev.postee.core.template.RenderedMessage;
import dev.postee.rego.value.Value;
import java.time.Instant;

/**
 * What an action receives: the rendered message of one route for one event (or an aggregated
 * batch), plus the event itself for actions that resolve {@code event.input.<path>} values.
 *
 * @param executionId stable id of this action execution (same across retries and redeliveries)
 * @param eventId id of the event (or of the batch for aggregated messages)
 * @param route route name
 * @param message rendered title/result/url/extra fields
 * @param event the event as received (JSON value), or null for aggregated batches
 * @param attempt 1 for the first attempt
 * @param deadline when this attempt must give up
 */
public record ActionRequest(
    String executionId,
    String eventId,
    String route,
    RenderedMessage message,
    Value event,
    int attempt,
    Instant deadline) {}
