package dev.postee.core.action;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * What actions share: one HTTP client (connection pooling, certificate verification on), a private
 * work directory for temporary files, a clock and the process's standard output.
 *
 * @param httpClient shared by every HTTP-based action; per-request timeouts come from each attempt
 * @param workDirectory private (owner-only) directory for scripts and other temporary files
 * @param clock time source for deadlines and Retry-After dates
 * @param standardOutput where the stdout action prints
 */
public record ActionEnvironment(HttpClient httpClient, Path workDirectory, Clock clock, PrintStream standardOutput)
    implements AutoCloseable {

  /** Connection establishment limit; the whole exchange is further bounded by each attempt's deadline. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Runs the HTTP client's response handling: virtual threads instead of the client's default cached
   * pool of platform threads, which under load kept waking and parking dozens of threads.
   */
  private static final java.util.concurrent.Executor HTTP_CLIENT_EXECUTOR =
      java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("http-client-", 0).factory());

  public ActionEnvironment {
    Objects.requireNonNull(httpClient, "httpClient");
    Objects.requireNonNull(workDirectory, "workDirectory");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(standardOutput, "standardOutput");
  }

  /**
   * The production environment: a new HTTP client, {@code workDirectory} created owner-only when
   * missing, the system clock and {@link System#out}.
   */
  public static ActionEnvironment create(Path workDirectory) throws IOException {
    return new ActionEnvironment(newHttpClient(), privateDirectory(workDirectory), Clock.systemUTC(), System.out);
  }

  /**
   * The client every HTTP action uses. HTTP/1.1 because plain-http endpoints (webhook receivers,
   * internal tools) often mishandle the h2c upgrade; redirects are followed except https to http;
   * certificates are verified by the JDK's default trust store.
   */
  public static HttpClient newHttpClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .executor(HTTP_CLIENT_EXECUTOR)
        .build();
  }

  private static Path privateDirectory(Path dir) throws IOException {
    Files.createDirectories(dir);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      // Scripts and rendered messages (which may carry secrets) are written here.
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
    return dir;
  }

  /** Shuts the HTTP client down; in-flight requests are bounded by their own deadlines. */
  @Override
  public void close() {
    httpClient.close();
  }
}
