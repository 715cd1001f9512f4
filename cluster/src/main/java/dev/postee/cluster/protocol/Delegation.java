package dev.postee.cluster.protocol;

import java.util.Map;

/**
 * Work for a runner: run one action for one rendered message. Published on the runner's delegation
 * subject with header {@code Nats-Msg-Id} = executionId (JetStream drops a duplicate publish).
 *
 * @param executionId stable id of the execution (runner ledger key: a redelivery is a no-op)
 * @param runner the runner it is for
 * @param route route name
 * @param action action name (the runner's configuration has it)
 * @param eventId the controller's event (or batch) id
 * @param title rendered title
 * @param result rendered result
 * @param url rendered url, or null
 * @param extra other template fields, as JSON text per field
 * @param event the event as JSON text (for event.input.* substitutions), or null for batches
 * @param createdAtMillis when the controller delegated it
 * @param ttlMillis how long the runner may take to pick it up before it counts as failed
 * @param controller id of the controller that delegated it
 * @param configVersion version of the runner configuration the controller had
 */
public record Delegation(
    String executionId,
    String runner,
    String route,
    String action,
    String eventId,
    String title,
    String result,
    String url,
    Map<String, String> extra,
    String event,
    long createdAtMillis,
    long ttlMillis,
    String controller,
    String configVersion) {

  public boolean expiredAt(long nowMillis) {
    return ttlMillis > 0 && nowMillis > createdAtMillis + ttlMillis;
  }
}
