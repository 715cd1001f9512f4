package dev.postee.cluster.nats;

import dev.postee.cluster.protocol.Subjects;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates what the Controller/Runner protocol needs in JetStream, idempotently; every controller
 * runs it at start-up (several controllers may do so at once) and for each runner it delegates to.
 *
 * <ul>
 *   <li>stream {@value Subjects#DELEGATIONS_STREAM} ({@code postee.v1.delegate.*}, work queue, file):
 *       with a durable pull consumer per runner filtered to that runner's subject;
 *   <li>stream {@value Subjects#EVENTS_STREAM} ({@code postee.v1.events.*}, work queue, file) with the
 *       durable pull consumer {@value Subjects#EVENTS_CONSUMER} shared by all controllers, so each
 *       reported event is handled by one controller;
 *   <li>KV bucket {@value Subjects#RESULTS_BUCKET} (history 1, file) for delegated executions' results.
 * </ul>
 *
 * <p>What exists with the wanted configuration is left alone; what differs in a setting that can be
 * changed in place (subjects, max age, duplicate window, replicas, ack wait, redeliveries) is updated
 * and logged; what differs in a setting that cannot (retention, storage, ack policy, deliver policy)
 * is reported as a {@link BackplaneException} naming the stream and what to do.
 */
public final class JetStreamSetup {
  private static final Logger LOG = LoggerFactory.getLogger(JetStreamSetup.class);
  private static final int STREAM_NOT_FOUND = 10059;
  private static final int STREAM_NAME_IN_USE = 10058;
  private static final int CONSUMER_NOT_FOUND = 10014;

  private final JetStreamManagement jsm;
  private final KeyValueManagement kvm;
  private final JetStreamSettings settings;

  public JetStreamSetup(JetStreamManagement jsm, KeyValueManagement kvm, JetStreamSettings settings) {
    this.jsm = Objects.requireNonNull(jsm, "jsm");
    this.kvm = Objects.requireNonNull(kvm, "kvm");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  public static JetStreamSetup of(Connection connection, JetStreamSettings settings) {
    try {
      return new JetStreamSetup(connection.jetStreamManagement(), connection.keyValueManagement(), settings);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The streams, the controllers' events consumer and the results bucket. */
  public void provision() throws IOException {
    ensureStream(delegationsStream(settings));
    ensureStream(eventsStream(settings));
    ensureConsumer(Subjects.EVENTS_STREAM, eventsConsumer(settings));
    ensureBucket(resultsBucket(settings));
  }

  /** The durable consumer runner {@code runnerName} takes its delegations from. */
  public void ensureRunnerConsumer(String runnerName) throws IOException {
    ensureConsumer(Subjects.DELEGATIONS_STREAM, runnerConsumer(runnerName, settings));
  }

  /** Removes a decommissioned runner's consumer (its pending delegations stay in the stream). */
  public boolean removeRunnerConsumer(String runnerName) throws IOException {
    try {
      return jsm.deleteConsumer(Subjects.DELEGATIONS_STREAM, Subjects.delegationConsumer(runnerName));
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == CONSUMER_NOT_FOUND) return false;
      throw new BackplaneException("cannot remove consumer " + Subjects.delegationConsumer(runnerName) + " of runner "
          + runnerName + ": " + e.getMessage(), e);
    }
  }

  public static StreamConfiguration delegationsStream(JetStreamSettings s) {
    return StreamConfiguration.builder()
        .name(Subjects.DELEGATIONS_STREAM)
        .description("Postee: actions delegated to runners, one subject per runner")
        .subjects(Subjects.delegateAll())
        .retentionPolicy(RetentionPolicy.WorkQueue)
        .storageType(StorageType.File)
        .maxAge(s.delegationMaxAge())
        .duplicateWindow(s.duplicateWindowFor(s.delegationMaxAge()))
        .replicas(s.replicas())
        .build();
  }

  public static StreamConfiguration eventsStream(JetStreamSettings s) {
    return StreamConfiguration.builder()
        .name(Subjects.EVENTS_STREAM)
        .description("Postee: events runners received, for the controllers")
        .subjects(Subjects.eventsAll())
        .retentionPolicy(RetentionPolicy.WorkQueue)
        .storageType(StorageType.File)
        .maxAge(s.eventsMaxAge())
        .duplicateWindow(s.duplicateWindowFor(s.eventsMaxAge()))
        .replicas(s.replicas())
        .build();
  }

  public static ConsumerConfiguration eventsConsumer(JetStreamSettings s) {
    return ConsumerConfiguration.builder()
        .durable(Subjects.EVENTS_CONSUMER)
        .description("Postee controllers (shared: each event is handled by one controller)")
        .ackPolicy(AckPolicy.Explicit)
        .deliverPolicy(DeliverPolicy.All)
        .ackWait(s.ackWait())
        .maxDeliver(-1)
        .build();
  }

  public static ConsumerConfiguration runnerConsumer(String runnerName, JetStreamSettings s) {
    return ConsumerConfiguration.builder()
        .durable(Subjects.delegationConsumer(runnerName))
        .description("Postee runner " + runnerName)
        .filterSubject(Subjects.delegate(runnerName))
        .ackPolicy(AckPolicy.Explicit)
        .deliverPolicy(DeliverPolicy.All)
        .ackWait(s.ackWait())
        .maxDeliver(-1)
        .build();
  }

  public static KeyValueConfiguration resultsBucket(JetStreamSettings s) {
    return KeyValueConfiguration.builder()
        .name(Subjects.RESULTS_BUCKET)
        .description("Postee: results of delegated executions, key {runner}.{execution}")
        .maxHistoryPerKey(1)
        .ttl(s.resultsMaxAge())
        .storageType(StorageType.File)
        .replicas(s.replicas())
        .build();
  }

  private void ensureStream(StreamConfiguration want) throws IOException {
    String name = want.getName();
    StreamInfo info;
    try {
      info = jsm.getStreamInfo(name);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NOT_FOUND) throw failure("read stream " + name, e);
      try {
        jsm.addStream(want);
        LOG.info("JetStream: created stream {} ({})", name, want.getSubjects());
        return;
      } catch (JetStreamApiException e2) {
        if (e2.getApiErrorCode() != STREAM_NAME_IN_USE) throw failure("create stream " + name, e2);
        // another controller created it a moment ago: compare with what it made
        try {
          info = jsm.getStreamInfo(name);
        } catch (JetStreamApiException e3) {
          throw failure("read stream " + name, e3);
        }
      }
    }
    StreamConfiguration have = info.getConfiguration();
    List<String> fixed = new ArrayList<>();
    differs(fixed, "retention", have.getRetentionPolicy(), want.getRetentionPolicy());
    differs(fixed, "storage", have.getStorageType(), want.getStorageType());
    if (!fixed.isEmpty()) {
      throw new BackplaneException("JetStream stream " + name + " exists with " + String.join(", ", fixed)
          + "; these cannot be changed in place. Postee needs its own stream: delete this one once it holds nothing"
          + " you need ('nats stream rm " + name + "') or use another NATS account.");
    }
    List<String> changes = new ArrayList<>();
    if (!new HashSet<>(have.getSubjects()).equals(new HashSet<>(want.getSubjects()))) {
      changes.add("subjects " + have.getSubjects() + " → " + want.getSubjects());
    }
    differs(changes, "max age", have.getMaxAge(), want.getMaxAge());
    differs(changes, "duplicate window", have.getDuplicateWindow(), want.getDuplicateWindow());
    differs(changes, "replicas", have.getReplicas(), want.getReplicas());
    if (changes.isEmpty()) {
      LOG.debug("JetStream: stream {} is up to date", name);
      return;
    }
    StreamConfiguration updated = StreamConfiguration.builder(have)
        .subjects(want.getSubjects())
        .maxAge(want.getMaxAge())
        .duplicateWindow(want.getDuplicateWindow())
        .replicas(want.getReplicas())
        .build();
    try {
      jsm.updateStream(updated);
    } catch (JetStreamApiException e) {
      throw new BackplaneException("JetStream stream " + name + " exists with other settings (" + String.join("; ", changes)
          + ") and the server refused to update it: " + e.getMessage(), e);
    }
    LOG.info("JetStream: updated stream {}: {}", name, String.join("; ", changes));
  }

  private void ensureConsumer(String stream, ConsumerConfiguration want) throws IOException {
    String name = want.getDurable();
    ConsumerInfo info;
    try {
      info = jsm.getConsumerInfo(stream, name);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != CONSUMER_NOT_FOUND) throw failure("read consumer " + name + " of " + stream, e);
      try {
        jsm.addOrUpdateConsumer(stream, want);
        LOG.info("JetStream: created consumer {} on {}", name, stream);
        return;
      } catch (JetStreamApiException e2) {
        throw failure("create consumer " + name + " on " + stream, e2);
      }
    }
    ConsumerConfiguration have = info.getConsumerConfiguration();
    List<String> fixed = new ArrayList<>();
    differs(fixed, "ack policy", have.getAckPolicy(), want.getAckPolicy());
    differs(fixed, "deliver policy", have.getDeliverPolicy(), want.getDeliverPolicy());
    if (have.getDeliverSubject() != null) fixed.add("push delivery to " + have.getDeliverSubject() + " (Postee pulls)");
    if (!fixed.isEmpty()) {
      throw new BackplaneException("JetStream consumer " + name + " on " + stream + " exists with " + String.join(", ", fixed)
          + "; these cannot be changed in place. Delete it ('nats consumer rm " + stream + " " + name
          + "') and restart the controller; the stream keeps its messages.");
    }
    List<String> changes = new ArrayList<>();
    differs(changes, "filter subject", have.getFilterSubject(), want.getFilterSubject());
    differs(changes, "ack wait", have.getAckWait(), want.getAckWait());
    differs(changes, "max deliver", have.getMaxDeliver(), want.getMaxDeliver());
    if (changes.isEmpty()) {
      LOG.debug("JetStream: consumer {} on {} is up to date", name, stream);
      return;
    }
    ConsumerConfiguration updated = ConsumerConfiguration.builder(have)
        .filterSubject(want.getFilterSubject())
        .ackWait(want.getAckWait())
        .maxDeliver(want.getMaxDeliver())
        .build();
    try {
      jsm.updateConsumer(stream, updated);
    } catch (JetStreamApiException e) {
      throw new BackplaneException("JetStream consumer " + name + " on " + stream + " exists with other settings ("
          + String.join("; ", changes) + ") and the server refused to update it: " + e.getMessage()
          + ". Delete it ('nats consumer rm " + stream + " " + name + "') and restart the controller.", e);
    }
    LOG.info("JetStream: updated consumer {} on {}: {}", name, stream, String.join("; ", changes));
  }

  private void ensureBucket(KeyValueConfiguration want) throws IOException {
    String name = want.getBucketName();
    KeyValueStatus status;
    try {
      status = kvm.getStatus(name);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NOT_FOUND) throw failure("read key-value bucket " + name, e);
      try {
        kvm.create(want);
        LOG.info("JetStream: created key-value bucket {}", name);
        return;
      } catch (JetStreamApiException e2) {
        if (e2.getApiErrorCode() != STREAM_NAME_IN_USE) throw failure("create key-value bucket " + name, e2);
        try {
          status = kvm.getStatus(name);
        } catch (JetStreamApiException e3) {
          throw failure("read key-value bucket " + name, e3);
        }
      }
    }
    if (status.getStorageType() != want.getStorageType()) {
      throw new BackplaneException("JetStream key-value bucket " + name + " exists with storage " + status.getStorageType()
          + " → " + want.getStorageType() + "; this cannot be changed in place. Delete it ('nats kv del " + name
          + "'; it holds only results of past delegations) or use another NATS account.");
    }
    List<String> changes = new ArrayList<>();
    differs(changes, "history", status.getMaxHistoryPerKey(), want.getMaxHistoryPerKey());
    differs(changes, "max age", status.getTtl(), want.getTtl());
    differs(changes, "replicas", status.getReplicas(), want.getReplicas());
    if (changes.isEmpty()) {
      LOG.debug("JetStream: key-value bucket {} is up to date", name);
      return;
    }
    KeyValueConfiguration updated = KeyValueConfiguration.builder(status.getConfiguration())
        .maxHistoryPerKey((int) want.getMaxHistoryPerKey())
        .ttl(want.getTtl())
        .replicas(want.getReplicas())
        .build();
    try {
      kvm.update(updated);
    } catch (JetStreamApiException e) {
      throw new BackplaneException("JetStream key-value bucket " + name + " exists with other settings ("
          + String.join("; ", changes) + ") and the server refused to update it: " + e.getMessage(), e);
    }
    LOG.info("JetStream: updated key-value bucket {}: {}", name, String.join("; ", changes));
  }

  private static void differs(List<String> out, String what, Object have, Object want) {
    Object h = have instanceof Duration d && d.isZero() ? null : have;
    Object w = want instanceof Duration d && d.isZero() ? null : want;
    if (!Objects.equals(h, w)) out.add(what + " " + h + " → " + w);
  }

  private static BackplaneException failure(String what, JetStreamApiException e) {
    String hint = e.getErrorCode() == 503 || e.getApiErrorCode() == 10039
        ? " (is JetStream enabled on the NATS server, and for this account?)" : "";
    return new BackplaneException("JetStream: cannot " + what + ": " + e.getMessage() + hint, e);
  }
}
