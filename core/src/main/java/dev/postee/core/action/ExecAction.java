package dev.postee.core.action;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
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
  /** How long after the script exits its output may stay open before the holders are killed. */
  private static final Duration OUTPUT_GRACE = Duration.ofSeconds(1);
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
    Path runDirectory;
    try {
      // Private (owner-only) directory: the script and the message may hold secrets.
      runDirectory = Files.createTempDirectory(workDirectory, "exec-");
    } catch (IOException e) {
      return ActionResult.retry("cannot create a temporary directory under " + workDirectory + ": " + e.getMessage());
    }
    try {
      return run(request, runDirectory);
    } finally {
      deleteRecursively(runDirectory);
    }
  }

  private ActionResult run(ActionRequest request, Path runDirectory) throws InterruptedException {
    String message = request.message().result();
    Path script;
    Path eventFile = runDirectory.resolve("event");
    try {
      Files.writeString(eventFile, message, StandardCharsets.UTF_8);
      script = scriptFile;
      if (inlineScript != null) {
        script = runDirectory.resolve("script.sh");
        Files.writeString(script, inlineScript, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      return ActionResult.retry("cannot write the script's files under " + runDirectory + ": " + e.getMessage());
    }

    ProcessBuilder builder = new ProcessBuilder(ProcessTree.inOwnSession(List.of(SHELL, script.toString())))
        .redirectErrorStream(true);
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
    OutputTail output = new OutputTail(OUTPUT_LIMIT);
    Thread reader = Thread.ofVirtual().name("exec-output-" + name).start(() -> output.drain(process.getInputStream()));
    try {
      process.getOutputStream().close(); // a script reading stdin sees end of input, not a hang
    } catch (IOException alreadyGone) {
      // The script exited before we closed its input: nothing to do.
    }

    try {
      if (!process.waitFor(remainingNanos(request), TimeUnit.NANOSECONDS)) {
        ProcessTree.kill(process.toHandle(), ownSession);
        awaitOutput(reader, process, KILL_GRACE);
        return new ActionResult(ActionResult.Outcome.FAILED, null, null, output(output),
            "script timed out after " + Messages.duration(timeout) + " and was killed with the processes it started", null);
      }
      int exitCode = process.exitValue();
      String captured = collectAfterExit(reader, process, ownSession, output);
      if (exitCode == 0) return new ActionResult(ActionResult.Outcome.OK, null, 0, captured, null, null);
      ActionResult.Outcome outcome = retryExitCodes.contains(exitCode) ? ActionResult.Outcome.RETRY : ActionResult.Outcome.FAILED;
      return new ActionResult(outcome, null, exitCode, captured, "script exited with code " + exitCode, null);
    } catch (InterruptedException e) {
      ProcessTree.kill(process.toHandle(), ownSession);
      throw e;
    }
  }

  private static boolean fitsInEnvironment(String message) {
    return message.indexOf('\0') < 0
        && message.getBytes(StandardCharsets.UTF_8).length + "POSTEE_EVENT=".length() <= MAX_ENV_STRING_BYTES;
  }

  private String output(OutputTail tail) {
    return redactor.scrub(tail.text());
  }

  /**
   * The script has exited: its output ends when every process holding it lets go. Processes it
   * left in the background without redirecting their output would hold it (and this execution)
   * indefinitely; after {@link #OUTPUT_GRACE} they are killed, as the JDK cuts their output off
   * anyway once the script is gone. Daemons started with their output redirected are left alone.
   */
  private String collectAfterExit(Thread reader, Process process, boolean ownSession, OutputTail output)
      throws InterruptedException {
    if (reader.join(OUTPUT_GRACE)) return output(output);
    int killed = ProcessTree.kill(process.toHandle(), ownSession);
    awaitOutput(reader, process, KILL_GRACE);
    if (killed == 0) return output(output);
    log.warn("action \"{}\": {} background process(es) started by the script kept its output open after it exited "
        + "and were killed", name, killed);
    return output(output) + "\n[" + killed + " background process(es) kept the script's output open after it exited "
        + "and were killed; start them with their output redirected (cmd >/dev/null 2>&1 &) to keep them running]";
  }

  /** Waits briefly for killed processes to release the output; closes it if something escaped the kill. */
  private void awaitOutput(Thread reader, Process process, Duration grace) throws InterruptedException {
    process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
    if (!reader.join(grace)) {
      log.warn("action \"{}\": a process started by the script survived the kill and holds its output open", name);
      try {
        process.getInputStream().close();
      } catch (IOException ignored) {
        // Nothing more can be done from here.
      }
    }
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
