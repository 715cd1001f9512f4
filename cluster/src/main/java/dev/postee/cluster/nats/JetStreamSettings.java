package dev.postee.cluster.nats;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of the streams and consumers {@link JetStreamSetup} provisions.
 *
 * @param delegationMaxAge how long an undelivered delegation is kept: the delegation TTL plus a
 *     margin, so that a delegation still exists (to be dead-lettered) when its TTL has passed
 * @param duplicateWindow publishes with the same {@code Nats-Msg-Id} within this window are stored once
 * @param ackWait how long a consumer waits for an ack (or an in-progress ack) before redelivering
 * @param eventsMaxAge how long a reported event nobody consumed is kept
 * @param resultsMaxAge how long a delegated execution's result is kept in the results bucket
 * @param replicas copies of every stream (1 for the local server; 3 on a cluster)
 */
public record JetStreamSettings(
    Duration delegationMaxAge,
    Duration duplicateWindow,
    Duration ackWait,
    Duration eventsMaxAge,
    Duration resultsMaxAge,
    int replicas) {

  /** Added to the delegation TTL for the stream's max age. */
  public static final Duration DELEGATION_TTL_MARGIN = Duration.ofHours(1);

  public JetStreamSettings {
    Objects.requireNonNull(delegationMaxAge, "delegationMaxAge");
    Objects.requireNonNull(duplicateWindow, "duplicateWindow");
    Objects.requireNonNull(ackWait, "ackWait");
    Objects.requireNonNull(eventsMaxAge, "eventsMaxAge");
    Objects.requireNonNull(resultsMaxAge, "resultsMaxAge");
    if (replicas < 1 || replicas > 5) throw new BackplaneException("stream replicas must be 1 to 5, not " + replicas);
  }

  /** Delegation TTL 24 h, duplicate window 1 h, ack wait 60 s, events and results kept 7 days, 1 replica. */
  public static JetStreamSettings defaults() {
    return forDelegationTtl(Duration.ofHours(24));
  }

  public static JetStreamSettings forDelegationTtl(Duration ttl) {
    return new JetStreamSettings(ttl.plus(DELEGATION_TTL_MARGIN), Duration.ofHours(1), Duration.ofSeconds(60),
        Duration.ofDays(7), Duration.ofDays(7), 1);
  }

  public JetStreamSettings withDelegationTtl(Duration ttl) {
    return new JetStreamSettings(ttl.plus(DELEGATION_TTL_MARGIN), duplicateWindow, ackWait, eventsMaxAge, resultsMaxAge,
        replicas);
  }

  public JetStreamSettings withAckWait(Duration wait) {
    return new JetStreamSettings(delegationMaxAge, duplicateWindow, wait, eventsMaxAge, resultsMaxAge, replicas);
  }

  public JetStreamSettings withReplicas(int n) {
    return new JetStreamSettings(delegationMaxAge, duplicateWindow, ackWait, eventsMaxAge, resultsMaxAge, n);
  }

  /** The duplicate window of a stream may not exceed its max age. */
  Duration duplicateWindowFor(Duration maxAge) {
    return duplicateWindow.compareTo(maxAge) > 0 ? maxAge : duplicateWindow;
  }
}
