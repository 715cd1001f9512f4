package dev.postee.core.action;

import dev.postee.core.http.Http11Client;
import java.io.IOException;
import java.io.PrintStream;
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
public record ActionEnvironment(Http11Client httpClient, Path workDirectory, Clock clock, PrintStream standardOutput)
    implements AutoCloseable {

  /** Connection establishment limit; the whole exchange is further bounded by each attempt's deadline. */
  public static final Duration CONNECT_TIMEOUT = Http11Client.DEFAULT_CONNECT_TIMEOUT;

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
   * The client every HTTP action uses ({@link Http11Client}): HTTP/1.1, because plain-http endpoints
   * (webhook receivers, internal tools) often mishandle the h2c upgrade; redirects are followed
   * except https to http; certificates and host names are verified against the JDK's trust store.
   */
  public static Http11Client newHttpClient() {
    return new Http11Client();
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
