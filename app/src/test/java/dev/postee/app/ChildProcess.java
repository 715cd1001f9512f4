package dev.postee.app;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A postee process started as the user would start it, with its output captured. */
public final class ChildProcess implements AutoCloseable {
  private static final Pattern HTTP = Pattern.compile("HTTP listening on http://[^:]+:(\\d+)");
  private static final Pattern HTTPS = Pattern.compile("HTTPS listening on https://[^:]+:(\\d+)");

  private final Process process;
  private final StringBuffer out = new StringBuffer();
  private final StringBuffer err = new StringBuffer();

  private final Thread outReader;
  private final Thread errReader;

  private ChildProcess(Process process) {
    this.process = process;
    outReader = drain(process.getInputStream(), out);
    errReader = drain(process.getErrorStream(), err);
  }

  /**
   * Starts {@code command} in {@code workDir} with the inherited environment minus Postee's own
   * variables, plus {@code env}.
   */
  public static ChildProcess start(List<String> command, Path workDir, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("POSTEE_") || k.startsWith("AQUAALERT_")
        || k.equals("PATH_TO_DB") || k.equals("REGO_FILTERS_PATH"));
    pb.environment().putAll(env);
    return new ChildProcess(pb.start());
  }

  /** {@code java -cp <this test classpath> dev.postee.app.Main args...}. */
  public static List<String> javaMain(String... args) {
    return javaMain(List.of(), args);
  }

  /** {@code java <jvmOptions> -cp <this test classpath> dev.postee.app.Main args...}. */
  public static List<String> javaMain(List<String> jvmOptions, String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new java.util.ArrayList<>(List.of(java));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.postee.app.Main"));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static Thread drain(InputStream in, StringBuffer into) {
    return Thread.ofVirtual().start(() -> {
      byte[] buf = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buf)) != -1) into.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      } catch (IOException e) {
        // the process ended
      }
    });
  }

  public String out() { return out.toString(); }

  public String err() { return err.toString(); }

  public Process process() { return process; }

  /** Waits for the listeners to be up and returns the HTTP port. */
  public int awaitHttpPort() {
    return awaitPort(HTTP);
  }

  public int awaitHttpsPort() {
    return awaitPort(HTTPS);
  }

  private int awaitPort(Pattern p) {
    await().atMost(Duration.ofSeconds(60)).until(() -> p.matcher(err).find() || !process.isAlive());
    Matcher m = p.matcher(err);
    if (!m.find()) throw new AssertionError("postee did not start; exit " + process.exitValue() + ", output:\n" + err);
    return Integer.parseInt(m.group(1));
  }

  /** SIGTERM, then the exit code (and everything the process wrote while stopping). */
  public int terminate() throws InterruptedException {
    // Process.destroy() would also close our ends of its pipes, losing what it logs while stopping
    process.toHandle().destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("postee did not stop within 60 s of SIGTERM; output:\n" + err);
    }
    awaitOutput();
    return process.exitValue();
  }

  /** After the process ended: until everything it wrote has been read. */
  public void awaitOutput() throws InterruptedException {
    outReader.join(10_000);
    errReader.join(10_000);
  }

  @Override
  public void close() {
    if (process.isAlive()) process.destroyForcibly();
  }
}
