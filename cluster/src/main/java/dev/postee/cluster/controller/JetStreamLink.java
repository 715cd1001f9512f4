package dev.postee.cluster.controller;

import dev.postee.cluster.nats.Backplane;
import dev.postee.cluster.nats.BackplaneException;
import dev.postee.cluster.nats.JetStreamSettings;
import dev.postee.cluster.nats.JetStreamSetup;
import dev.postee.cluster.protocol.Subjects;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's JetStream side: provisioning (streams, consumers, results bucket) and publishing
 * delegations until JetStream has acknowledged them, however long NATS is unreachable.
 *
 * <p>What was provisioned is remembered per connection and forgotten after any failure, so that a
 * NATS server that lost its storage gets its streams back with the next attempt.
 */
final class JetStreamLink {
  private static final Logger LOG = LoggerFactory.getLogger(JetStreamLink.class);
  private static final Duration RETRY_MIN = Duration.ofMillis(250);
  private static final Duration OUTAGE_REMINDER = Duration.ofMinutes(1);

  /** A delegation NATS can never take (larger than the server's max_payload). */
  static final class UndeliverableException extends Exception {
    UndeliverableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Backplane backplane;
  private final JetStreamSettings settings;
  private final Duration retryMax;
  private final Set<String> runnerConsumers = ConcurrentHashMap.newKeySet();
  private volatile Connection provisionedOn;

  JetStreamLink(Backplane backplane, JetStreamSettings settings, Duration retryMax) {
    this.backplane = backplane;
    this.settings = settings;
    this.retryMax = retryMax.compareTo(RETRY_MIN) < 0 ? RETRY_MIN : retryMax;
  }

  Backplane backplane() {
    return backplane;
  }

  /**
   * Creates or checks the streams, the controllers' events consumer and the results bucket on the
   * current connection (once per connection).
   *
   * @throws BackplaneException when they exist in a shape Postee cannot use, or NATS is unreachable
   */
  void provision() throws IOException {
    Connection c = backplane.connection();
    if (provisionedOn == c) return;
    synchronized (this) {
      if (provisionedOn == c) return;
      JetStreamSetup.of(c, settings).provision();
      runnerConsumers.clear();
      provisionedOn = c;
    }
  }

  /** The runner's durable delegation consumer, created when missing (once per connection). */
  void ensureRunnerConsumer(String runner) throws IOException {
    provision();
    if (runnerConsumers.contains(runner)) return;
    JetStreamSetup.of(backplane.connection(), settings).ensureRunnerConsumer(runner);
    runnerConsumers.add(runner);
  }

  /** Provisioning is redone with the next use (after a failure that may mean the streams are gone). */
  void forget() {
    provisionedOn = null;
    runnerConsumers.clear();
  }

  /**
   * Publishes a delegation to the runner's subject with {@code Nats-Msg-Id} = the execution id and
   * waits for JetStream's acknowledgement; on failure tries again with backoff until it succeeds or
   * {@code stop} says to give up. A publish repeated after a lost acknowledgement is stored once
   * (duplicate window).
   *
   * @param payload the message, built for each attempt (a delegation is stamped with the time it
   *     became available to the runner)
   * @param beforeRetrying run once, when the first attempt failed
   * @return the acknowledgement, or null when stopped (the interrupt flag is kept)
   * @throws UndeliverableException when NATS can never take it
   */
  PublishAck publishDelegation(String runner, String executionId, Supplier<byte[]> payload, BooleanSupplier stop,
      Runnable beforeRetrying) throws UndeliverableException {
    int failures = 0;
    long lastLog = 0;
    String lastProblem = null;
    while (true) {
      if (stop.getAsBoolean()) return null;
      byte[] data = null;
      try {
        ensureRunnerConsumer(runner);
        data = payload.get();
        NatsMessage msg = NatsMessage.builder().subject(Subjects.delegate(runner)).data(data).build();
        PublishAck ack = backplane.jetStream().publish(msg, PublishOptions.builder()
            .messageId(executionId).expectedStream(Subjects.DELEGATIONS_STREAM).build());
        if (failures > 0) {
          LOG.info("delegation {} to runner {} published after {} failed attempt(s)", executionId, runner, failures);
        }
        return ack;
      } catch (IllegalArgumentException e) {
        // the client refuses a message above the server's max_payload: retrying cannot help
        throw new UndeliverableException("the delegation (" + (data == null ? "?" : data.length) + " bytes) cannot be"
            + " sent over NATS: "
            + e.getMessage() + "; raise max_payload on the NATS server or send smaller events", e);
      } catch (IOException | JetStreamApiException | RuntimeException e) {
        forget();
        failures++;
        String problem = describe(e);
        long now = System.nanoTime();
        if (failures == 1 || !problem.equals(lastProblem) || now - lastLog > OUTAGE_REMINDER.toNanos()) {
          LOG.warn("cannot delegate execution {} to runner {} yet: {}; the event stays queued and this is tried again"
              + " until NATS takes it (attempt {})", executionId, runner, problem, failures);
          lastLog = now;
          lastProblem = problem;
        }
        if (failures == 1) beforeRetrying.run();
      }
      if (!pause(backoff(failures), stop)) return null;
    }
  }

  /** Waits {@code d} unless stopped or interrupted first; true = go on. */
  static boolean pause(Duration d, BooleanSupplier stop) {
    long end = System.nanoTime() + d.toNanos();
    try {
      while (true) {
        if (stop.getAsBoolean()) return false;
        long left = end - System.nanoTime();
        if (left <= 0) return true;
        Thread.sleep(Math.max(1, Math.min(100, left / 1_000_000)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  Duration backoff(int failures) {
    long min = RETRY_MIN.toMillis();
    long wait = min << Math.min(16, Math.max(0, failures - 1));
    return Duration.ofMillis(Math.min(wait, retryMax.toMillis()));
  }

  static String describe(Throwable e) {
    if (e instanceof JetStreamApiException j) {
      if (j.getApiErrorCode() == 10059 || j.getApiErrorCode() == 10060) {
        return "the stream " + Subjects.DELEGATIONS_STREAM + " is missing (" + j.getMessage() + "); it is created again";
      }
      return "JetStream refused: " + j.getMessage();
    }
    String m = String.valueOf(e.getMessage());
    if (m.contains("503") || m.toLowerCase(java.util.Locale.ROOT).contains("no responders")) {
      return "JetStream does not answer (no responders: is JetStream enabled on the NATS server?)";
    }
    if (e instanceof java.util.concurrent.TimeoutException || m.toLowerCase(java.util.Locale.ROOT).contains("timeout")
        || m.toLowerCase(java.util.Locale.ROOT).contains("timed out")) {
      return "NATS did not acknowledge in time (" + m + ")";
    }
    return e.getClass().getSimpleName() + ": " + m;
  }
}
