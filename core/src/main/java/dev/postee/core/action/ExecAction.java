package dev.postee.core.action;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code exec}: runs a shell script with {@code /bin/sh}, either inline ({@code exec-script}) or
 * from a file ({@code input-file}). The environment is the server's plus {@code env} entries plus
 * {@code POSTEE_EVENT} (the rendered result) and {@code POSTEE_EVENT_FILE} (a file holding it, for
 * messages too large for an environment variable). Output (stdout and stderr) is captured, its
 * last {@value #OUTPUT_LIMIT} bytes kept. Exit code 0 is success; any other code is a permanent
 * failure unless listed in {@code retry-exit-codes}. A script still running at the deadline is
 * killed with everything it started (a timeout is a permanent failure: the script may have acted).
 */
public final class ExecAction implements Action {
  public static final String TYPE = "exec";
  /** Postee had no limit; five minutes lets uploads and cluster calls finish but stops hangs. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
  static final int OUTPUT_LIMIT = 64 * 1024;
  /** Linux refuses (E2BIG) an environment string longer than 32 pages. */
  static final int MAX_ENV_STRING_BYTES = 128 * 1024 - 1;
  /** How long a killed script gets to disappear and to let go of its output. */
  private static final Duration KILL_GRACE = Duration.ofSeconds(1);
  private static final String SHELL = "/bin/sh";

  private static final Logger log = LoggerFactory.getLogger(ExecAction.class);

  private final String name;
  private final String inlineScript;
  private final Path scriptFile;
  private final Map<String, String> env;
  private final Set<Integer> retryExitCodes;
  private final Duration timeout;
  private final Path workDirectory;
  private final Clock clock;
  private final Redactor redactor;

  public ExecAction(ActionSpec spec, ActionEnvironment environment) {
    this.name = spec.name();
    this.inlineScript = spec.text("exec-script").orElse(null);
    String file = spec.text("input-file").orElse(null);
    if (inlineScript == null && file == null) {
      throw spec.configError("exec-script", "is required unless input-file is set: the action needs a script to run");
    }
    if (inlineScript != null && file != null) {
      throw spec.configError("input-file", "cannot be used together with exec-script; keep one of them");
    }
    this.scriptFile = file == null ? null : scriptPath(spec, file);
    this.env = env(spec);
    this.retryExitCodes = retryExitCodes(spec);
    this.timeout = spec.timeoutOr(DEFAULT_TIMEOUT);
    this.workDirectory = environment.workDirectory();
    this.clock = environment.clock();
    this.redactor = new Redactor(env.values());
  }

  private static Path scriptPath(ActionSpec spec, String file) {
    try {
      return Path.of(file);
    } catch (InvalidPathException e) {
      throw spec.configError("input-file", "is not a valid file path: " + e.getReason());
    }
  }

  private static Map<String, String> env(ActionSpec spec) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> entries = spec.settings().strings("env");
    for (int i = 0; i < entries.size(); i++) {
      String entry = entries.get(i);
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        // Only the position: the entry's value part may be a secret.
        throw spec.configError("env", "entry " + (i + 1) + " is not of the form NAME=value");
      }
      if (entry.indexOf('\0') >= 0) throw spec.configError("env", "entry " + (i + 1) + " contains a NUL character");
      out.put(entry.substring(0, eq), entry.substring(eq + 1));
    }
    return Map.copyOf(out);
  }

  private static Set<Integer> retryExitCodes(ActionSpec spec) {
    Set<Integer> out = new TreeSet<>();
    Object raw = spec.settings().raw("retry-exit-codes");
    List<?> codes = raw == null ? List.of() : raw instanceof List<?> l ? l : List.of(raw);
    for (Object code : codes) {
      try {
        int c = Integer.parseInt(String.valueOf(code).trim());
        if (c < 1 || c > 255) throw new NumberFormatException();
        out.add(c);
      } catch (NumberFormatException e) {
        throw spec.configError("retry-exit-codes", "\"" + code + "\" is not an exit code between 1 and 255");
      }
    }
    return Set.copyOf(out);
  }

  @Override public String name() { return name; }

  @Override public String type() { return TYPE; }

  @Override public Duration timeout() { return timeout; }

  @Override
  public ActionResult execute(ActionRequest request) throws InterruptedException {
    if (scriptFile != null && !Files.isReadable(scriptFile)) {
      return ActionResult.failed("input-file " + scriptFile + " does not exist or is not readable");
    }
    Path journal = journalDirectory(request.executionId());
    try {
      Files.createDirectories(journal.getParent());
      if (Files.isDirectory(journal)) {
        ActionResult adopted = adopt(request, journal);
        if (adopted != null) return adopted;
        deleteRecursively(journal);
      }
      // Private (owner-only) directory: the script and the message may hold secrets.
      Files.createDirectory(journal, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      return ActionResult.retry("cannot create the run directory " + journal + ": " + e.getMessage());
    }
    boolean handedOver = false;
    try {
      ActionResult result = run(request, journal);
      handedOver = true;
      return result;
    } finally {
      // The caller has the result (or the run was stopped on purpose): nothing left to adopt.
      deleteRecursively(journal);
      if (!handedOver) log.debug("action \"{}\": run directory {} removed after an interrupted run", name, journal);
    }
  }

  /**
   * The run directory of one execution. While a script runs, its directory holds its pid, output
   * and, once it exits, its exit code; the directory is removed when the result has been returned.
   * A directory found at the start of an execution therefore belongs to a run whose result nobody
   * received (the process crashed or was killed): that run is adopted instead of starting the
   * script again, so a redelivered execution acts once.
   */
  private Path journalDirectory(String executionId) {
    String id = executionId == null || executionId.isBlank() ? "anon-" + java.util.UUID.randomUUID() : executionId;
    return workDirectory.resolve("exec").resolve(name.replaceAll("[^A-Za-z0-9_-]", "_") + "-" + id.replaceAll("[^A-Za-z0-9_-]", "_"));
  }

  /** The result of an earlier run of this execution, waiting for it if it still runs; null if there is none. */
  private ActionResult adopt(ActionRequest request, Path journal) throws InterruptedException {
    Path exit = journal.resolve("exit");
    if (Files.exists(exit)) {
      log.info("action \"{}\": execution {} already ran to completion before a restart; using its result", name, request.executionId());
      return finished(journal, exit, " (result of the run started before a restart)");
    }
    ProcessHandle earlier = earlierProcess(journal);
    if (earlier == null) return null;
    log.info("action \"{}\": execution {} is still running from before a restart (pid {}); waiting for it instead of starting it again",
        name, request.executionId(), earlier.pid());
    while (earlier.isAlive() && !Files.exists(exit)) {
      if (remainingNanos(request) <= 0) {
        ProcessTree.kill(earlier, ProcessTree.sessionsSupported());
        return new ActionResult(ActionResult.Outcome.FAILED, null, null, output(tail(journal.resolve("output"))),
            "script (started before a restart) timed out after " + Messages.duration(timeout) + " and was killed", null);
      }
      Thread.sleep(100);
    }
    if (Files.exists(exit)) return finished(journal, exit, " (result of the run started before a restart)");
    return null; // died without finishing: run it again
  }

  private static ProcessHandle earlierProcess(Path journal) {
    try {
      String[] pid = Files.readString(journal.resolve("pid")).trim().split(" ");
      ProcessHandle h = ProcessHandle.of(Long.parseLong(pid[0])).orElse(null);
      if (h == null || !h.isAlive()) return null;
      long recordedStart = Long.parseLong(pid[1]);
      long actualStart = h.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(recordedStart);
      // the same pid reused by an unrelated process after a reboot is not ours
      return Math.abs(actualStart - recordedStart) < 2000 ? h : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private ActionResult finished(Path journal, Path exit, String note) {
    int exitCode;
    try {
      exitCode = Integer.parseInt(Files.readString(exit).trim());
    } catch (IOException | NumberFormatException e) {
      return ActionResult.retry("cannot read the exit code of the script from " + exit + ": " + e.getMessage());
    }
    String captured = output(tail(journal.resolve("output")));
    if (exitCode == 0) return new ActionResult(ActionResult.Outcome.OK, null, 0, captured, null, null);
    ActionResult.Outcome outcome = retryExitCodes.contains(exitCode) ? ActionResult.Outcome.RETRY : ActionResult.Outcome.FAILED;
    return new ActionResult(outcome, null, exitCode, captured, "script exited with code " + exitCode + note, null);
  }

  private static OutputTail tail(Path file) {
    OutputTail t = new OutputTail(OUTPUT_LIMIT);
    try (java.io.InputStream in = Files.newInputStream(file)) {
      t.drain(in);
    } catch (IOException e) {
      // no output file: no output
    }
    return t;
  }

  /**
   * Runs the script under a small wrapper that sends its output to a file in the run directory and
   * records its exit code there, so both survive this process (the script runs in its own session
   * and keeps running if Postee is killed; the next delivery adopts it).
   */
  private ActionResult run(ActionRequest request, Path journal) throws InterruptedException {
    String message = request.message().result();
    Path script;
    Path eventFile = journal.resolve("event");
    Path outputFile = journal.resolve("output");
    Path exitFile = journal.resolve("exit");
    try {
      Files.writeString(eventFile, message, StandardCharsets.UTF_8);
      script = scriptFile;
      if (inlineScript != null) {
        script = journal.resolve("script.sh");
        Files.writeString(script, inlineScript, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      return ActionResult.retry("cannot write the script's files under " + journal + ": " + e.getMessage());
    }
    String wrapper = SHELL + " \"$0\" </dev/null >\"$1\" 2>&1; code=$?; printf %s \"$code\" >\"$2.tmp\" && mv \"$2.tmp\" \"$2\"; exit $code";
    ProcessBuilder builder = new ProcessBuilder(ProcessTree.inOwnSession(
        List.of(SHELL, "-c", wrapper, script.toString(), outputFile.toString(), exitFile.toString())))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> environment = builder.environment();
    environment.putAll(env);
    environment.put("POSTEE_EVENT_FILE", eventFile.toString());
    if (fitsInEnvironment(message)) {
      environment.put("POSTEE_EVENT", message);
    } else {
      environment.remove("POSTEE_EVENT");
      log.warn("action \"{}\": the message is too large for the POSTEE_EVENT variable (or holds a NUL character); "
          + "the script gets it in the file named by POSTEE_EVENT_FILE only", name);
    }
    boolean ownSession = ProcessTree.sessionsSupported();

    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return ActionResult.failed("cannot start " + SHELL + ": " + e.getMessage());
    }
    try {
      long started = process.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(System.currentTimeMillis());
      Files.writeString(journal.resolve("pid"), process.pid() + " " + started);
    } catch (IOException e) {
      log.warn("action \"{}\": cannot record the script's pid in {}: {}", name, journal, e.getMessage());
    }
    try {
      if (!process.waitFor(remainingNanos(request), TimeUnit.NANOSECONDS)) {
        ProcessTree.kill(process.toHandle(), ownSession);
        process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        return new ActionResult(ActionResult.Outcome.FAILED, null, null, output(tail(outputFile)),
            "script timed out after " + Messages.duration(timeout) + " and was killed with the processes it started", null);
      }
      if (!Files.exists(exitFile)) {
        return new ActionResult(ActionResult.Outcome.FAILED, null, process.exitValue(), output(tail(outputFile)),
            "the script's shell ended without recording an exit code (exit status " + process.exitValue() + ")", null);
      }
      return finished(journal, exitFile, "");
    } catch (InterruptedException e) {
      ProcessTree.kill(process.toHandle(), ownSession);
      throw e;
    }
  }

  /** Removes run directories left by runs nobody will adopt any more (older than a day). */
  public static void removeStaleRuns(Path workDirectory) {
    Path root = workDirectory.resolve("exec");
    if (!Files.isDirectory(root)) return;
    java.time.Instant cutoff = java.time.Instant.now().minus(Duration.ofDays(1));
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path d : dirs.toList()) {
        if (Files.getLastModifiedTime(d).toInstant().isBefore(cutoff) && earlierProcess(d) == null) deleteRecursively(d);
      }
    } catch (IOException e) {
      log.warn("could not clean old exec run directories under {}: {}", root, e.getMessage());
    }
  }

  private static boolean fitsInEnvironment(String message) {
    return message.indexOf('\0') < 0
        && message.getBytes(StandardCharsets.UTF_8).length + "POSTEE_EVENT=".length() <= MAX_ENV_STRING_BYTES;
  }

  private String output(OutputTail tail) {
    return redactor.scrub(tail.text());
  }

  private long remainingNanos(ActionRequest request) {
    return Math.max(0, Duration.between(clock.instant(), request.deadline()).toNanos());
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
      for (Path p : all) Files.deleteIfExists(p);
    } catch (IOException | UncheckedIOException e) {
      log.warn("could not delete the temporary directory {}: {}", dir, e.getMessage());
    }
  }
}
