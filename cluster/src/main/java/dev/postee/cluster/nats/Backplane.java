package dev.postee.cluster.nats;

import dev.postee.cluster.protocol.Subjects;
import io.nats.client.AuthHandler;
import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.support.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's connection to the NATS backplane, kept up for as long as the process runs.
 *
 * <p>Connection attempts never stop: the first connection is retried with backoff until it
 * succeeds; a lost connection is re-established by the client with the same backoff; and if the
 * client ever closes the connection on its own (jnats documents doing so after repeated
 * authentication errors), a fresh connection is made. Listeners registered
 * with {@link #onConnection} are told about every fresh connection object (not about the client's
 * own reconnects, after which subscriptions are restored by the client).
 *
 * <p>Runners should take work and report results through {@link #subscribeDelegations} and
 * {@link #putResult}: those use only what {@link NatsAuth#runnerPermissions} allows.
 */
public final class Backplane implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Backplane.class);
  private static final Duration OUTAGE_REMINDER = Duration.ofMinutes(1);

  private final BackplaneOptions options;
  private final Options natsOptions;
  private final String where;
  private final Object lock = new Object();
  private final List<java.util.function.Consumer<Connection>> listeners = new ArrayList<>();
  private final Thread connector;
  private Connection current; // guarded by lock
  /** The JetStream context of {@link #current}, made once per connection. */
  private volatile JetStreamContext jetStreamContext;

  private record JetStreamContext(Connection connection, JetStream jetStream) {}
  private Connection closedByClient; // guarded by lock: the current connection, once the client closed it
  private Connection announced; // guarded by lock: the connection every listener has been told about
  private boolean closed; // guarded by lock
  private volatile String lastProblem;
  private volatile String attemptProblem; // what went wrong during the current first-connection attempt
  private volatile boolean linkUp; // false while the client is reconnecting: then failures are logged sparingly
  private volatile long lastOutageLog;

  private Backplane(BackplaneOptions options) {
    this.options = options;
    this.where = String.join(",", options.urls());
    this.natsOptions = natsOptions(options);
    this.connector = Thread.ofPlatform().daemon().name("postee-backplane-connector").unstarted(this::connectForever);
  }

  /** Starts connecting in the background and returns at once; see {@link #awaitConnected}. */
  public static Backplane start(BackplaneOptions options) {
    Backplane b = new Backplane(options);
    b.connector.start();
    return b;
  }

  /**
   * Connects, waiting up to {@code timeout} for the first connection; the connection is then kept
   * up as by {@link #start}.
   *
   * @throws BackplaneException when not connected in time, with the last problem (refused, TLS, auth)
   */
  public static Backplane connect(BackplaneOptions options, Duration timeout) throws InterruptedException {
    Backplane b = start(options);
    if (!b.awaitConnected(timeout)) {
      String problem = b.lastProblem();
      b.close();
      throw new BackplaneException("cannot connect to the NATS backplane at " + b.where + " within "
          + timeout.toSeconds() + "s" + (problem != null ? ": " + problem : ""));
    }
    return b;
  }

  public BackplaneOptions options() {
    return options;
  }

  /** The current connection; it may be reconnecting. */
  public Connection connection() {
    synchronized (lock) {
      if (current == null) {
        throw new BackplaneException("not connected to the NATS backplane at " + where + " yet"
            + (lastProblem != null ? " (" + lastProblem + ")" : ""));
      }
      return current;
    }
  }

  public Optional<Connection> currentConnection() {
    synchronized (lock) {
      return Optional.ofNullable(current);
    }
  }

  public boolean isConnected() {
    synchronized (lock) {
      return current != null && current.getStatus() == Connection.Status.CONNECTED;
    }
  }

  /**
   * Waits until connected (now or within {@code timeout}) and the {@link #onConnection} listeners
   * have been told about the connection, so their subscriptions exist.
   */
  public boolean awaitConnected(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!closed && !(current != null && announced == current && current.getStatus() == Connection.Status.CONNECTED)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return false;
        // bounded: the client's status may turn CONNECTED a moment after the event that woke us
        lock.wait(Math.clamp(left / 1_000_000, 1, 100));
      }
      return !closed;
    }
  }

  /** What went wrong last (refused, TLS, authentication, permission violation), or null. */
  public String lastProblem() {
    return lastProblem;
  }

  /**
   * Calls {@code listener} with the current connection, if any, and with every fresh connection
   * made later — the place to create subscriptions.
   */
  public void onConnection(java.util.function.Consumer<Connection> listener) {
    Connection now;
    synchronized (lock) {
      listeners.add(listener);
      now = current;
    }
    if (now != null) listener.accept(now);
  }

  /** The JetStream context of the current connection (made once per connection: jnats checks the server's version for each). */
  public JetStream jetStream() {
    Connection c = connection();
    JetStreamContext cached = jetStreamContext;
    if (cached != null && cached.connection() == c) return cached.jetStream();
    try {
      JetStream js = c.jetStream();
      jetStreamContext = new JetStreamContext(c, js);
      return js;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }


  public JetStreamManagement jetStreamManagement() {
    try {
      return connection().jetStreamManagement();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The results bucket, for controllers (opening it asks the server for the bucket's stream, which
   * runners may not; keep the returned object rather than opening it per read).
   */
  public KeyValue results() {
    try {
      return connection().keyValue(Subjects.RESULTS_BUCKET);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A pull subscription bound to the runner's durable delegation consumer (created by the
   * controller's {@link JetStreamSetup}); fetch from it, ack after the action ran, and send
   * {@code inProgress()} during long actions.
   */
  public JetStreamSubscription subscribeDelegations(String runnerName) throws IOException, JetStreamApiException {
    return jetStream().subscribe(Subjects.delegate(runnerName),
        PullSubscribeOptions.bind(Subjects.DELEGATIONS_STREAM, Subjects.delegationConsumer(runnerName)));
  }

  /**
   * Stores a delegated execution's result under {@link Subjects#resultKey} — a KV put done as a
   * JetStream publish, so that a runner needs no access to the bucket's stream API.
   */
  public PublishAck putResult(String runnerName, String executionId, byte[] value) throws IOException, JetStreamApiException {
    return jetStream().publish(Subjects.resultSubject(runnerName, executionId), value);
  }

  @Override
  public void close() {
    Connection toClose;
    synchronized (lock) {
      if (closed) return;
      closed = true;
      toClose = current;
      lock.notifyAll();
    }
    connector.interrupt();
    if (toClose != null) {
      try {
        toClose.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      connector.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void connectForever() {
    int failures = 0;
    String lastLoggedProblem = null;
    while (true) {
      Connection c;
      attemptProblem = null;
      try {
        c = Nats.connect(natsOptions);
      } catch (IOException e) {
        if (isClosed()) return; // close() interrupted the attempt
        // the client's own exception only says "Unable to connect"; the listener heard why
        String problem = attemptProblem != null ? attemptProblem : describe(e);
        Duration wait = backoff(++failures);
        if (failures == 1 || !problem.equals(lastLoggedProblem)
            || System.nanoTime() - lastOutageLog > OUTAGE_REMINDER.toNanos()) {
          lastOutageLog = System.nanoTime();
          lastLoggedProblem = problem;
          LOG.warn("backplane: cannot connect to {}: {}; trying again (attempt {}, next in {} ms)", where, problem,
              failures, wait.toMillis());
        } else {
          LOG.debug("backplane: cannot connect to {}: {}", where, problem);
        }
        lastProblem = problem;
        if (!sleep(wait)) return;
        continue;
      } catch (InterruptedException | RuntimeException e) {
        if (isClosed()) return;
        if (e instanceof InterruptedException) return;
        lastProblem = describe(e);
        LOG.warn("backplane: cannot connect to {}: {}", where, lastProblem, e);
        if (!sleep(backoff(++failures))) return;
        continue;
      }
      failures = 0;
      List<java.util.function.Consumer<Connection>> toTell;
      synchronized (lock) {
        if (closed) {
          closeQuietly(c);
          return;
        }
        current = c;
        toTell = List.copyOf(listeners);
        lock.notifyAll();
      }
      for (var l : toTell) {
        try {
          l.accept(c);
        } catch (RuntimeException e) {
          LOG.error("backplane: a connection listener failed", e);
        }
      }
      synchronized (lock) {
        announced = c;
        lock.notifyAll();
        try {
          while (!closed && closedByClient != c) lock.wait();
        } catch (InterruptedException e) {
          return;
        }
        if (closed) return;
        current = null;
      }
      LOG.warn("backplane: the NATS client gave up its connection to {}{}; connecting anew", where,
          lastProblem != null ? " (" + lastProblem + ")" : "");
      if (!sleep(backoff(1))) return;
    }
  }

  private boolean isCurrent(Connection conn) {
    synchronized (lock) {
      return conn != null && conn == current;
    }
  }

  private boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /** Waits {@code d} unless closed first; true = go on. */
  private boolean sleep(Duration d) {
    long deadline = System.nanoTime() + d.toNanos();
    synchronized (lock) {
      try {
        while (!closed) {
          long left = deadline - System.nanoTime();
          if (left <= 0) return true;
          lock.wait(Math.max(1, left / 1_000_000));
        }
      } catch (InterruptedException e) {
        return false;
      }
      return false;
    }
  }

  private Duration backoff(long round) {
    long min = options.reconnectWaitMin().toMillis();
    long max = Math.max(min, options.reconnectWaitMax().toMillis());
    long wait = min << Math.min(20, Math.max(0, round - 1));
    if (wait <= 0 || wait > max) wait = max;
    long jitter = wait / 5;
    return Duration.ofMillis(wait - jitter + (jitter > 0 ? ThreadLocalRandom.current().nextLong(2 * jitter + 1) : 0));
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Options natsOptions(BackplaneOptions o) {
    Options.Builder b = new Options.Builder()
        .servers(o.urls().toArray(String[]::new))
        .connectionName(o.connectionName())
        .maxReconnects(-1)
        .reconnectDelayHandler(this::backoff)
        .connectionTimeout(o.connectTimeout())
        .pingInterval(o.pingInterval())
        .maxPingsOut(2)
        .connectionListener(this::connectionEvent)
        .errorListener(new LoggingErrorListener(o.errorListener()));
    if (o.inboxPrefix() != null) b.inboxPrefix(o.inboxPrefix());
    if (o.tls()) {
      b.sslContext(PemTls.clientContext(o.caFile(), o.certFile(), o.keyFile()));
      // verify the certificate against the host name in the URL: by default jnats connects to (and
      // hands the TLS layer) the addresses the name resolves to, and a DNS-only certificate fails.
      // Happy eyeballs resolves inside the socket connect and keeps the name ("Unresolved" would
      // hand an unresolved address to a plain socket, which cannot connect to it).
      b.hostnameResolveMode(Options.HostnameResolveMode.HappyEyeballs);
    }
    if (o.seedFile() != null) b.authHandler(new SeedAuthHandler(NatsAuth.readCredentials(o.seedFile())));
    return b.build();
  }

  private void connectionEvent(Connection conn, ConnectionListener.Events event) {
    switch (event) {
      case CONNECTED -> {
        linkUp = true;
        LOG.info("backplane: connected to {} as '{}' (server {} {})", url(conn), options.connectionName(),
            conn.getServerInfo().getServerName(), conn.getServerInfo().getVersion());
      }
      case RECONNECTED -> {
        linkUp = true;
        LOG.info("backplane: reconnected to {} (server {})", url(conn), conn.getServerInfo().getServerName());
        lastProblem = null;
      }
      case DISCONNECTED -> {
        // the client reports every failed reconnect attempt as another disconnect: log the outage once
        if (linkUp) {
          linkUp = false;
          lastOutageLog = System.nanoTime();
          LOG.warn("backplane: disconnected from {}{}; reconnecting until it is back", where,
              lastProblem != null ? " (" + lastProblem + ")" : "");
        }
      }
      case LAME_DUCK -> LOG.warn("backplane: server {} is shutting down (lame duck mode); moving to another when it goes",
          conn.getServerInfo().getServerName());
      case DISCOVERED_SERVERS -> LOG.info("backplane: servers of the cluster: {}", conn.getServers());
      case RESUBSCRIBED -> LOG.debug("backplane: subscriptions restored");
      case CLOSED -> {
        boolean wasCurrent;
        synchronized (lock) {
          wasCurrent = conn == current;
          if (wasCurrent) linkUp = false;
          if (!closed) closedByClient = conn;
          lock.notifyAll();
        }
        // failed first attempts close too: only a connection that was in use is news
        if (wasCurrent) LOG.info("backplane: connection to {} closed", where);
      }
    }
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  private String url(Connection conn) {
    String u = conn.getConnectedUrl();
    return u != null ? u : where;
  }

  /** A short explanation of a connection failure, with the likely cause where it is a common one. */
  static String describe(Throwable e) {
    Throwable root = e;
    String text = String.valueOf(e.getMessage());
    for (Throwable t = e; t != null; t = t.getCause()) {
      root = t;
      if (t instanceof SSLException) break;
    }
    String msg = String.valueOf(root.getMessage());
    if (root instanceof SSLException) {
      if (msg.contains("PKIX") || msg.contains("unable to find valid certification path")) {
        return "TLS: the server's certificate is not signed by the configured CA (" + msg + ")";
      }
      if (msg.contains("No subject alternative") || msg.contains("No name matching")) {
        return "TLS: the server's certificate does not name the host in the URL (" + msg + ")";
      }
      if (msg.contains("bad_certificate") || msg.contains("certificate_required") || msg.contains("unknown_ca")) {
        return "TLS: the server refused this client's certificate (" + msg + ")";
      }
      return "TLS: " + msg;
    }
    if (e instanceof AuthenticationException || text.contains("Authorization Violation")) {
      return "the server refused the credentials (NKey seed or certificate): " + text;
    }
    if (e instanceof TimeoutException) {
      return "timed out waiting for the server (over TLS this is how a server refusing the client's certificate shows)";
    }
    return e.getClass().getSimpleName() + ": " + text;
  }

  private final class LoggingErrorListener implements ErrorListener {
    private final ErrorListener next;

    LoggingErrorListener(ErrorListener next) {
      this.next = next;
    }

    @Override
    public void errorOccurred(Connection conn, String error) {
      lastProblem = error.contains("Authorization Violation")
          ? "the server refused the credentials (NKey seed or certificate): " + error : error;
      if (!linkUp) attemptProblem = lastProblem;
      LOG.warn("backplane: the server reports: {}", error);
      if (next != null) next.errorOccurred(conn, error);
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
      lastProblem = describe(exp);
      if (!linkUp && (attemptProblem == null || !(exp instanceof TimeoutException))) attemptProblem = lastProblem;
      if (isCurrent(conn) && linkUp) {
        // a broken link is reported once more as the disconnect that follows; other failures only here
        if (exp instanceof IOException) LOG.debug("backplane: {}", lastProblem);
        else LOG.warn("backplane: {}", lastProblem);
      } else if (isCurrent(conn) && System.nanoTime() - lastOutageLog > OUTAGE_REMINDER.toNanos()) {
        lastOutageLog = System.nanoTime();
        LOG.warn("backplane: still reconnecting to {}: {}", where, lastProblem);
      }
      LOG.debug("backplane: client exception", exp);
      if (next != null) next.exceptionOccurred(conn, exp);
    }

    @Override
    public void slowConsumerDetected(Connection conn, Consumer consumer) {
      LOG.warn("backplane: a subscriber falls behind and messages are being dropped (slow consumer)");
      if (next != null) next.slowConsumerDetected(conn, consumer);
    }

    @Override
    public void messageDiscarded(Connection conn, Message msg) {
      LOG.warn("backplane: outgoing message to {} discarded (buffer full while disconnected)", msg.getSubject());
      if (next != null) next.messageDiscarded(conn, msg);
    }

    @Override
    public void heartbeatAlarm(Connection conn, JetStreamSubscription sub, long lastStreamSequence, long lastConsumerSequence) {
      LOG.warn("backplane: no heartbeat from JetStream for consumer {}", sub.getConsumerName());
      if (next != null) next.heartbeatAlarm(conn, sub, lastStreamSequence, lastConsumerSequence);
    }

    @Override
    public void unhandledStatus(Connection conn, JetStreamSubscription sub, Status status) {
      LOG.debug("backplane: unhandled status {} on {}", status, sub.getConsumerName());
      if (next != null) next.unhandledStatus(conn, sub, status);
    }

    @Override
    public void pullStatusWarning(Connection conn, JetStreamSubscription sub, Status status) {
      LOG.debug("backplane: pull warning {} on {}", status, sub.getConsumerName());
      if (next != null) next.pullStatusWarning(conn, sub, status);
    }

    @Override
    public void pullStatusError(Connection conn, JetStreamSubscription sub, Status status) {
      LOG.warn("backplane: pull error {} on {}", status, sub.getConsumerName());
      if (next != null) next.pullStatusError(conn, sub, status);
    }

    @Override
    public void socketWriteTimeout(Connection conn) {
      LOG.warn("backplane: writing to the server timed out");
      if (next != null) next.socketWriteTimeout(conn);
    }
  }

  /** Answers the server's nonce with the seed's signature (and the JWT of a .creds file). */
  private static final class SeedAuthHandler implements AuthHandler {
    private final NKey key;
    private final char[] publicKey;
    private final char[] jwt;

    SeedAuthHandler(NatsAuth.Credentials credentials) {
      this.key = NKey.fromSeed(credentials.key().seed().toCharArray());
      this.publicKey = credentials.key().publicKey().toCharArray();
      this.jwt = credentials.jwt() != null ? credentials.jwt().toCharArray() : null;
    }

    @Override
    public byte[] sign(byte[] nonce) {
      try {
        return key.sign(nonce);
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("cannot sign the server's nonce with the NKey", e);
      }
    }

    @Override
    public char[] getID() {
      return publicKey.clone();
    }

    @Override
    public char[] getJWT() {
      return jwt != null ? jwt.clone() : null;
    }
  }
}
