package dev.postee.cluster.nats;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the controller's local {@code nats-server} (a controller given only {@code --controller-url},
 * as Go Postee embeds one) and keeps it running.
 *
 * <p>The configuration is generated into {@code dataDir/nats/nats-server.conf} (owner-only): listen
 * address, JetStream with file storage in {@code dataDir/nats/jetstream}, TLS and client
 * verification, NKey users with their permissions, and a monitoring port on 127.0.0.1 used for the
 * readiness check (server up and JetStream enabled and healthy). {@link #start} returns once the
 * server is ready or throws with the server's own words. A server that dies afterwards is restarted
 * with backoff, its last output logged. {@link #close} stops it with SIGTERM, then SIGKILL after
 * the stop timeout. {@link #applyAuthorization} changes the users at run time (config reload, no
 * restart, connections stay up).
 */
public final class NatsServerSupervisor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NatsServerSupervisor.class);
  private static final Logger SERVER_LOG = LoggerFactory.getLogger("nats-server");
  private static final int TAIL_LINES = 40;
  private static final Duration STABLE_AFTER = Duration.ofMinutes(1);
  private static final Pattern LOAD_TIME = Pattern.compile("\"config_load_time\"\\s*:\\s*\"([^\"]+)\"");
  private static final List<String> BINARY_DIRS = List.of("/usr/sbin", "/usr/local/sbin", "/usr/local/bin", "/usr/bin");

  private final Object lock = new Object();
  private final Path binary;
  private final Path natsDir;
  private final Path configFile;
  private final Path pidFile;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final ScheduledExecutorService scheduler;
  private final ArrayDeque<String> tail = new ArrayDeque<>();
  private final Thread shutdownHook;

  private NatsServerOptions options; // guarded by lock
  private volatile Process process; // written under lock; read by the JVM shutdown hook without it
  private Thread outputPump; // guarded by lock
  private long startedAt; // guarded by lock
  private int monitorPort; // guarded by lock
  private int failures; // guarded by lock
  private int restarts; // guarded by lock
  private ScheduledFuture<?> pendingRestart; // guarded by lock
  private volatile boolean closing;
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile Duration exitGrace = Duration.ZERO;

  private NatsServerSupervisor(NatsServerOptions options, Path binary) {
    this.options = options;
    this.binary = binary;
    this.natsDir = options.dataDir().resolve("nats").toAbsolutePath();
    this.configFile = natsDir.resolve("nats-server.conf");
    this.pidFile = natsDir.resolve("nats-server.pid");
    this.scheduler = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("postee-nats-supervisor").factory());
    this.shutdownHook = new Thread(this::stopOnJvmExit, "postee-nats-server-stop");
  }

  /**
   * Starts the server and waits until it and JetStream are ready.
   *
   * @throws BackplaneException when the binary is missing, or the server exits or does not get ready
   *     (with its last output: a port in use, a bad certificate, …)
   */
  public static NatsServerSupervisor start(NatsServerOptions options) {
    options.checkComplete();
    NatsServerSupervisor s = new NatsServerSupervisor(options, findBinary(options));
    try {
      Files.createDirectories(s.natsDir);
      restrictToOwner(s.natsDir, "rwx------");
      synchronized (s.lock) {
        s.stopLeftover();
        s.launch();
      }
    } catch (IOException e) {
      s.shutdown();
      throw new BackplaneException("cannot prepare " + s.natsDir + " for the NATS server: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      s.shutdown();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(s.shutdownHook);
    return s;
  }

  /**
   * The {@code nats-server} to run: the option, else {@code $POSTEE_NATS_SERVER}, else the first on
   * {@code PATH} or in the usual system directories.
   */
  public static Path findBinary(NatsServerOptions options) {
    return findBinary(options, BINARY_DIRS);
  }

  static Path findBinary(NatsServerOptions options, List<String> systemDirs) {
    if (options.binary() != null) return executable(options.binary(), "the configured nats-server");
    String env = options.environment().get(NatsServerOptions.BINARY_ENV);
    if (env != null && !env.isBlank()) return executable(Path.of(env), NatsServerOptions.BINARY_ENV + "=" + env);
    List<String> dirs = new ArrayList<>();
    String path = options.environment().getOrDefault("PATH", "");
    for (String d : path.split(java.io.File.pathSeparator)) if (!d.isBlank()) dirs.add(d);
    dirs.addAll(systemDirs);
    for (String d : dirs) {
      Path candidate = Path.of(d, "nats-server");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return candidate;
    }
    throw new BackplaneException("nats-server is not installed (looked on PATH and in " + String.join(", ", BINARY_DIRS)
        + "). A controller given only --controller-url runs its own NATS server: install it with"
        + " 'apt-get install nats-server' (or from https://github.com/nats-io/nats-server/releases), or set "
        + NatsServerOptions.BINARY_ENV + " to the binary's path. Or connect to an existing NATS server or cluster"
        + " with --nats-url nats://host:4222 instead.");
  }

  private static Path executable(Path p, String what) {
    if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
      throw new BackplaneException(what + " (" + p + ") is not an executable file; install nats-server"
          + " ('apt-get install nats-server') or point " + NatsServerOptions.BINARY_ENV + " at it");
    }
    return p;
  }

  /** Where clients on this host connect: the listen URL, with a wildcard address replaced by 127.0.0.1. */
  public String clientUrl() {
    NatsServerOptions o = options();
    String host = NatsServerConfig.unbracket(o.host());
    boolean wildcard = host.isEmpty() || host.equals("0.0.0.0") || host.equals("::");
    String h = wildcard ? "127.0.0.1" : (host.contains(":") ? "[" + host + "]" : host);
    return o.listenUrl().getScheme() + "://" + h + ":" + o.port();
  }

  public URI monitoringUrl() {
    synchronized (lock) {
      return URI.create("http://127.0.0.1:" + monitorPort);
    }
  }

  public NatsServerOptions options() {
    synchronized (lock) {
      return options;
    }
  }

  public Path configFile() {
    return configFile;
  }

  /** JetStream's store: {@code dataDir/nats/jetstream}. */
  public Path storeDir() {
    return natsDir.resolve("jetstream");
  }

  /** The running server's process id. */
  public Optional<Long> pid() {
    synchronized (lock) {
      return process != null && process.isAlive() ? Optional.of(process.pid()) : Optional.empty();
    }
  }

  /** How often the server was restarted after it died. */
  public int restartCount() {
    synchronized (lock) {
      return restarts;
    }
  }

  /** True when the server answers its health check with JetStream enabled. */
  public boolean isReady() {
    URI mon;
    synchronized (lock) {
      if (process == null || !process.isAlive()) return false;
      mon = monitoringUrl();
    }
    return healthy(mon);
  }

  /** The server's last lines of output. */
  public List<String> recentOutput() {
    synchronized (tail) {
      return List.copyOf(tail);
    }
  }

  /**
   * Replaces the NKey users: rewrites the config and has the running server reload it; returns once
   * the server has loaded it. A server restarted later starts with it too.
   *
   * @throws BackplaneException when the server rejects the configuration (the old one stays in force)
   */
  public void applyAuthorization(NatsAuth.Authorization authorization) {
    synchronized (lock) {
      if (closing) throw new IllegalStateException("the NATS server supervisor is closed");
      NatsServerOptions next = options.withAuthorization(authorization);
      writeConfig(next, monitorPort, true);
      options = next;
      if (process == null || !process.isAlive()) {
        LOG.info("NATS server: new authorization ({} users) written; the server is down and starts with it",
            authorization.users().size());
        return;
      }
      URI mon = monitoringUrl();
      String before = configLoadTime(mon);
      runSignal("reload=" + process.pid());
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        String now = configLoadTime(mon);
        if (now != null && !now.equals(before)) {
          LOG.info("NATS server: authorization reloaded ({} users)", authorization.users().size());
          return;
        }
        pause(Duration.ofMillis(50));
      }
      throw new BackplaneException("nats-server did not load the new authorization within 10s; its last output:\n"
          + String.join("\n", recentOutput()));
    }
  }

  /**
   * For an owner that closes this supervisor from a JVM shutdown hook of its own, after work that
   * still needs the server (a controller drains its engine first): JVM shutdown hooks run
   * concurrently, so the supervisor's own hook, which stops the server when the JVM exits without
   * {@link #close}, waits up to {@code grace} for that close before it stops the server itself.
   */
  public void deferStopOnJvmExit(Duration grace) {
    this.exitGrace = grace;
  }

  /** Stops the server: SIGTERM, then SIGKILL after the stop timeout. */
  @Override
  public void close() {
    shutdown();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down already
    }
  }

  private void shutdown() {
    closing = true;
    Process p;
    Thread pump;
    synchronized (lock) {
      if (pendingRestart != null) pendingRestart.cancel(false);
      p = process;
      pump = outputPump;
    }
    scheduler.shutdownNow();
    if (p != null) {
      stop(p, options().stopTimeout());
      awaitOutput(pump);
    }
    closed.countDown();
  }

  private void stopOnJvmExit() {
    Duration grace = exitGrace;
    if (!grace.isZero()) {
      try {
        if (closed.await(grace.toMillis(), TimeUnit.MILLISECONDS)) return;
        LOG.warn("NATS server: not stopped by its owner within {}s of the JVM's exit; stopping it now", grace.toSeconds());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    closing = true;
    Process p = process;
    if (p != null && p.isAlive()) stop(p, Duration.ofSeconds(5));
  }

  private static void stop(Process p, Duration timeout) {
    if (!p.isAlive()) return;
    // SIGTERM through the handle: Process.destroy() would also close the output pipe, and the server,
    // logging its shutdown into a closed pipe, would die of SIGPIPE before JetStream is flushed
    p.toHandle().destroy();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("NATS server (pid {}) did not stop within {}s of SIGTERM; killing it", p.pid(), timeout.toSeconds());
        p.toHandle().destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      } else {
        LOG.info("NATS server (pid {}) stopped", p.pid());
      }
    } catch (InterruptedException e) {
      p.toHandle().destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Starts the process and waits for readiness; on failure the process is gone and this throws. */
  private void launch() {
    monitorPort = freePort(options.port());
    writeConfig(options, monitorPort, false);
    synchronized (tail) {
      tail.clear();
    }
    Process p;
    try {
      p = new ProcessBuilder(binary.toString(), "-c", configFile.toString())
          .directory(natsDir.toFile())
          .redirectErrorStream(true)
          .start();
    } catch (IOException e) {
      throw new BackplaneException("cannot run " + binary + ": " + e.getMessage(), e);
    }
    Thread pump = Thread.ofVirtual().name("nats-server-output-" + p.pid()).start(() -> pump(p));
    URI mon = URI.create("http://127.0.0.1:" + monitorPort);
    long deadline = System.nanoTime() + options.readyTimeout().toNanos();
    try {
      while (true) {
        if (!p.isAlive()) {
          awaitOutput(pump);
          throw new BackplaneException("nats-server " + exitText(p) + " while starting (" + options.listenUrl()
              + ", config " + configFile + "); its last output:\n" + String.join("\n", recentOutput()));
        }
        if (closing) throw new BackplaneException("the NATS server supervisor was closed while the server started");
        if (healthy(mon)) break;
        if (System.nanoTime() > deadline) {
          throw new BackplaneException("nats-server (pid " + p.pid() + ") was not ready within "
              + options.readyTimeout().toSeconds() + "s; its last output:\n" + String.join("\n", recentOutput()));
        }
        p.waitFor(50, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException | RuntimeException e) {
      stop(p, Duration.ofSeconds(5));
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        throw new BackplaneException("interrupted while the NATS server started");
      }
      throw (RuntimeException) e;
    }
    process = p;
    outputPump = pump;
    startedAt = System.nanoTime();
    LOG.info("NATS server ready: {} (pid {}, JetStream in {}, monitoring on 127.0.0.1:{})", options.listenUrl(),
        p.pid(), storeDir(), monitorPort);
    p.onExit().thenAccept(this::exited);
  }

  private void exited(Process p) {
    synchronized (lock) {
      if (closing || p != process) return;
      process = null;
      if (System.nanoTime() - startedAt > STABLE_AFTER.toNanos()) failures = 0;
      scheduleRestart(p);
    }
  }

  private void scheduleRestart(Process died) {
    Duration wait = restartDelay(++failures);
    awaitOutput(outputPump);
    LOG.warn("NATS server (pid {}) {}; restarting it in {} ms. Its last output:\n{}", died.pid(), exitText(died),
        wait.toMillis(), String.join("\n", recentOutput()));
    pendingRestart = scheduler.schedule(this::restart, wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void restart() {
    synchronized (lock) {
      if (closing) return;
      try {
        stopLeftover();
        launch();
        restarts++;
        LOG.info("NATS server restarted (restart {}, pid {})", restarts, process.pid());
      } catch (RuntimeException e) {
        if (closing) return;
        Duration wait = restartDelay(++failures);
        LOG.error("NATS server failed to restart: {}; trying again in {} ms", e.getMessage(), wait.toMillis());
        pendingRestart = scheduler.schedule(this::restart, wait.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  private Duration restartDelay(int failureCount) {
    long min = options.restartBackoffMin().toMillis();
    long max = Math.max(min, options.restartBackoffMax().toMillis());
    long wait = min << Math.min(20, Math.max(0, failureCount - 1));
    return Duration.ofMillis(wait <= 0 || wait > max ? max : wait);
  }

  /** A nats-server of a previous run of this controller (the JVM was killed) still holds the port. */
  private void stopLeftover() {
    long pid;
    try {
      if (!Files.exists(pidFile)) return;
      pid = Long.parseLong(Files.readString(pidFile).strip());
    } catch (IOException | NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty() || !h.get().isAlive()) return;
    String cmd = h.get().info().commandLine().orElse("");
    if (!cmd.contains("nats-server") || !cmd.contains(configFile.toString())) return;
    LOG.warn("NATS server: stopping pid {} left over from a previous run ({})", pid, cmd);
    h.get().destroy();
    try {
      h.get().onExit().get(options.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      h.get().destroyForcibly();
    }
  }

  private void writeConfig(NatsServerOptions o, int port, boolean validate) {
    String text = NatsServerConfig.render(o, port, natsDir, pidFile);
    try {
      Files.createDirectories(natsDir);
      Path tmp = Files.createTempFile(natsDir, "nats-server", ".conf.tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        if (validate) validate(tmp);
        try {
          Files.move(tmp, configFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, configFile, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new BackplaneException("cannot write the NATS server config " + configFile + ": " + e.getMessage(), e);
    }
  }

  /** {@code nats-server -t}: the server checks a config without starting. */
  private void validate(Path config) {
    try {
      Process p = new ProcessBuilder(binary.toString(), "-t", "-c", config.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0) throw new BackplaneException("nats-server rejects the new configuration: " + out);
    } catch (IOException e) {
      throw new BackplaneException("cannot run " + binary + " -t: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackplaneException("interrupted while checking the NATS server configuration");
    }
  }

  private void runSignal(String signal) {
    try {
      Process p = new ProcessBuilder(binary.toString(), "--signal", signal).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0) throw new BackplaneException("nats-server --signal " + signal + " failed: " + out);
    } catch (IOException e) {
      throw new BackplaneException("cannot run " + binary + " --signal " + signal + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackplaneException("interrupted while signalling the NATS server");
    }
  }

  private boolean healthy(URI mon) {
    // js-enabled-only: JetStream is on; plain healthz: the server and JetStream are healthy
    return get(mon.resolve("/healthz?js-enabled-only=true")) != null && get(mon.resolve("/healthz")) != null;
  }

  private String configLoadTime(URI mon) {
    String varz = get(mon.resolve("/varz"));
    if (varz == null) return null;
    Matcher m = LOAD_TIME.matcher(varz);
    return m.find() ? m.group(1) : null;
  }

  /** The body of a 200 answer, or null. */
  private String get(URI uri) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private void pump(Process p) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        synchronized (tail) {
          if (tail.size() == TAIL_LINES) tail.removeFirst();
          tail.addLast(line);
        }
        if (line.contains("[FTL]") || line.contains("[ERR]")) SERVER_LOG.error("{}", line);
        else if (line.contains("[WRN]")) SERVER_LOG.warn("{}", line);
        else if (line.contains("[INF]") || line.contains("[DBG]") || line.contains("[TRC]")) SERVER_LOG.debug("{}", line);
        else SERVER_LOG.warn("{}", line); // panics and messages printed before logging is set up
      }
    } catch (IOException e) {
      // the process is gone
    }
  }

  /** Lets the output pump read what a dead process wrote last (it ends at the pipe's end). */
  private static void awaitOutput(Thread pump) {
    if (pump == null) return;
    try {
      pump.join(Duration.ofSeconds(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String exitText(Process p) {
    int code = p.exitValue();
    return code > 128 ? "was killed by signal " + (code - 128) : "exited with code " + code;
  }

  /**
   * A port free on 127.0.0.1 now, other than {@code clientPort}: the clients' port is bound by the
   * server after its monitoring port, so while it is free (before the first start, or during a
   * restart) the system may hand out that very number, and the server would then fail to listen.
   */
  private static int freePort(int clientPort) {
    int port = clientPort;
    while (port == clientPort) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      } catch (IOException e) {
        throw new BackplaneException("no free port on 127.0.0.1 for the NATS server's monitoring: " + e.getMessage(), e);
      }
    }
    return port;
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackplaneException("interrupted while waiting for the NATS server");
    }
  }

  private static void restrictToOwner(Path p, String perms) {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system
    }
  }
}
