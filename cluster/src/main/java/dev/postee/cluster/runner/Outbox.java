package dev.postee.cluster.runner;

import dev.postee.core.store.KvEntry;
import dev.postee.core.store.Store;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages a runner owes the controllers (results, reported events), kept in its store until the
 * backplane confirmed them: an entry is written before anything is sent and deleted only after the
 * PubAck, so neither a backplane outage nor a restart loses one. A background thread sends what is
 * pending, in key order, whenever the backplane is connected. A sender whose message survives a
 * crash elsewhere until it is confirmed may instead try at once and store it only when that fails
 * ({@link #sendOrKeep}). An entry can be sent twice (a crash between the PubAck and the delete):
 * the receivers deduplicate by key.
 */
final class Outbox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
  private static final int PAGE = 100;

  /** Sends one entry; returns only once the backplane confirmed it, throws otherwise. */
  @FunctionalInterface
  interface Publisher {
    void publish(String key, byte[] value) throws Exception;
  }

  private final String what;
  private final Store store;
  private final String namespace;
  private final Publisher publisher;
  private final BooleanSupplier connected;
  private final Duration retryMin;
  private final Duration retryMax;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final Semaphore wake = new Semaphore(0);
  private final Thread thread;
  private volatile boolean closed;
  private volatile String outage; // why sending failed, while it does

  /**
   * @param what what the entries are, for log lines ("results", "events for the controller")
   * @param namespace the store's key-value namespace of the entries
   * @param connected whether sending is worth trying
   */
  Outbox(String what, Store store, String namespace, Publisher publisher, BooleanSupplier connected, Duration retryMin,
      Duration retryMax) {
    this.what = what;
    this.store = store;
    this.namespace = namespace;
    this.publisher = publisher;
    this.connected = connected;
    this.retryMin = retryMin;
    this.retryMax = retryMax;
    this.thread = Thread.ofPlatform().daemon().name("postee-outbox-" + namespace).unstarted(this::run);
  }

  /** Starts sending what is pending, including what an earlier run left. */
  void start() {
    String after = null;
    while (true) {
      List<KvEntry> page = store.kvEntries(namespace, after, 1000);
      if (page.isEmpty()) break;
      for (KvEntry e : page) pending.add(e.key());
      after = page.getLast().key();
    }
    if (!pending.isEmpty()) LOG.info("{} {} from before the restart are still to be sent; sending them", pending.size(), what);
    thread.start();
  }

  /** Stores an entry (replacing one with the same key) to be sent. */
  void add(String key, byte[] value) {
    store.kvPut(namespace, key, value, null);
    pending.add(key);
    wake.release();
  }

  /** Stores an entry unless one with the same key is pending; true when stored. */
  boolean addIfAbsent(String key, byte[] value) {
    boolean added = store.kvPutIfAbsent(namespace, key, value, null);
    if (added) {
      pending.add(key);
      wake.release();
    }
    return added;
  }

  /**
   * Sends an entry now, on the caller's thread, without storing it; when the backplane does not
   * confirm it, stores it for the background thread (as {@link #add}). Only for a message the
   * caller can send again after a crash before this returns (a delegation's result: the ledger
   * holds it and the unacknowledged delegation is redelivered): the store write is saved for the
   * usual case.
   *
   * @return true when sent now, false when stored to be sent later
   */
  boolean sendOrKeep(String key, byte[] value) {
    if (connected.getAsBoolean()) {
      try {
        publisher.publish(key, value);
        return true;
      } catch (Exception e) {
        LOG.debug("sending {} entry {} failed; it goes to the outbox: {}", what, key, e.toString());
      }
    }
    add(key, value);
    return false;
  }

  /** Entries not yet confirmed. */
  int pending() {
    return pending.size();
  }

  private void run() {
    Duration backoff = retryMin;
    while (!closed) {
      boolean failed = false;
      if (connected.getAsBoolean() && !pending.isEmpty()) {
        try {
          failed = !sendPending();
        } catch (RuntimeException e) {
          if (closed) return;
          LOG.error("sending pending {} failed", what, e);
          failed = true;
        }
      }
      if (failed) {
        pause(backoff, false);
        backoff = backoff.multipliedBy(2).compareTo(retryMax) > 0 ? retryMax : backoff.multipliedBy(2);
      } else {
        backoff = retryMin;
        // woken by add(); rescans now and then in case the link came back without anything new
        pause(pending.isEmpty() ? retryMax : retryMin, true);
      }
    }
  }

  /** One pass over the stored entries; false when sending failed (the rest waits for the next pass). */
  private boolean sendPending() {
    String after = null;
    int sent = 0;
    while (!closed) {
      List<KvEntry> page = store.kvEntries(namespace, after, PAGE);
      if (page.isEmpty()) break;
      for (KvEntry e : page) {
        after = e.key();
        if (closed) return true;
        if (!pending.contains(e.key())) continue;
        try {
          publisher.publish(e.key(), e.value());
          store.kvDelete(namespace, e.key());
          pending.remove(e.key());
          sent++;
        } catch (Exception ex) {
          String why = ex.getMessage() != null ? ex.getMessage() : ex.toString();
          if (outage == null) {
            LOG.warn("cannot send {} to the backplane ({}); {} kept in the store and sent when it is back", what, why,
                pending.size());
          } else {
            LOG.debug("still cannot send {}: {}", what, why);
          }
          outage = why;
          return false;
        }
      }
    }
    if (outage != null && sent > 0) {
      LOG.info("sent {} {} that waited in the store", sent, what);
      outage = null;
    }
    return true;
  }

  /** Waits {@code d}; a new entry ends the wait early when {@code wakeable} (a backoff runs its course). */
  private void pause(Duration d, boolean wakeable) {
    long deadline = System.nanoTime() + d.toNanos();
    try {
      while (!closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return;
        if (wake.tryAcquire(left, TimeUnit.NANOSECONDS)) {
          wake.drainPermits();
          if (wakeable) return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  /** Stops sending; what is pending stays in the store for the next start. */
  @Override
  public void close() {
    closed = true;
    wake.release();
    if (thread.isAlive()) {
      try {
        thread.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
