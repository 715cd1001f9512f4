package dev.postee.cluster.runner;

import dev.postee.cluster.protocol.Codec;
import dev.postee.cluster.protocol.RunnerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's configuration on disk, {@code <data>/runner-config/{cfg.yaml, filters/, templates/,
 * runner-config.json}}: the engine runs on these files, and they are the last good configuration
 * the runner starts from when no controller answers.
 *
 * <p>A new configuration is written beside the live one and swapped in by renaming directories;
 * the previous one is kept until the engine accepted the new one ({@link Swap#commit}) and comes
 * back when it did not ({@link Swap#rollback}). A crash in between leaves the previous, known good
 * configuration in place at the next start. The files hold resolved secrets: owner-only access.
 */
final class RunnerConfigFiles {
  private static final Logger LOG = LoggerFactory.getLogger(RunnerConfigFiles.class);
  static final String CONFIG_FILE = "cfg.yaml";
  static final String META_FILE = "runner-config.json";

  /** What is known about a stored configuration (written last: a directory without it is incomplete). */
  record Meta(String runner, String version, long issuedAtMillis, long receivedAtMillis) {}

  private final Path live;
  private final Path next;
  private final Path previous;

  RunnerConfigFiles(Path dataDir) {
    this.live = dataDir.resolve("runner-config");
    this.next = dataDir.resolve("runner-config.next");
    this.previous = dataDir.resolve("runner-config.previous");
  }

  Path directory() { return live; }

  Path configFile() { return live.resolve(CONFIG_FILE); }

  Path filtersDir() { return live.resolve("filters"); }

  Path templatesDir() { return live.resolve("templates"); }

  /** The stored configuration, after repairing what a crash during a swap left behind. */
  Optional<Meta> load() {
    try {
      recover();
      Path meta = live.resolve(META_FILE);
      if (!Files.isRegularFile(meta) || !Files.isRegularFile(configFile())) return Optional.empty();
      return Optional.of(Codec.decode(Files.readAllBytes(meta), Meta.class));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the runner's stored configuration under " + live + ": " + e.getMessage(), e);
    } catch (Codec.ProtocolException e) {
      LOG.warn("the stored configuration under {} is unreadable ({}); waiting for the controller's", live, e.getMessage());
      return Optional.empty();
    }
  }

  private void recover() throws IOException {
    if (Files.exists(next)) deleteRecursively(next); // a write that did not finish
    if (Files.exists(previous)) {
      // a swap whose outcome is unknown: the previous configuration is the one known to work
      if (Files.exists(live)) deleteRecursively(live);
      Files.move(previous, live, StandardCopyOption.ATOMIC_MOVE);
      LOG.info("restored the previous runner configuration under {} (a change was interrupted)", live);
    }
  }

  /** A configuration swapped in and not yet accepted or refused. */
  interface Swap {
    /** The engine accepted it: forget the previous one. */
    void commit();

    /** The engine refused it: the previous one (if any) is live again. */
    void rollback();
  }

  /** Writes {@code config} and makes it the live configuration; settle it with the returned swap. */
  Swap install(RunnerConfig config, long receivedAtMillis) throws IOException {
    recover();
    privateDirectory(next);
    privateDirectory(next.resolve("filters"));
    privateDirectory(next.resolve("templates"));
    write(next.resolve(CONFIG_FILE), config.yaml());
    Map<String, String> files = config.files() == null ? Map.of() : config.files();
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path target = supportingFile(f.getKey());
      if (target == null) {
        LOG.warn("ignoring file '{}' of configuration version {}: only filters/ and templates/ files are accepted",
            f.getKey(), config.version());
        continue;
      }
      privateDirectories(target.getParent());
      write(target, f.getValue());
    }
    write(next.resolve(META_FILE), new String(Codec.encode(
        new Meta(config.runner(), config.version(), config.issuedAtMillis(), receivedAtMillis)), StandardCharsets.UTF_8));
    boolean hadLive = Files.exists(live);
    if (hadLive) Files.move(live, previous, StandardCopyOption.ATOMIC_MOVE);
    Files.move(next, live, StandardCopyOption.ATOMIC_MOVE);
    return new Swap() {
      @Override
      public void commit() {
        if (Files.exists(previous)) deleteQuietly(previous);
      }

      @Override
      public void rollback() {
        try {
          deleteRecursively(live);
          if (hadLive) Files.move(previous, live, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot restore the previous runner configuration under " + live + ": "
              + e.getMessage(), e);
        }
      }
    };
  }

  /** Where a supporting file goes, or null when its name leaves filters/ or templates/. */
  private Path supportingFile(String relative) {
    if (relative == null || relative.isEmpty() || relative.startsWith("/") || relative.contains("\\")) return null;
    Path target = next.resolve(relative).normalize();
    boolean inside = target.startsWith(next.resolve("filters")) || target.startsWith(next.resolve("templates"));
    return inside && !target.equals(next.resolve("filters")) && !target.equals(next.resolve("templates")) ? target : null;
  }

  private void privateDirectories(Path dir) throws IOException {
    if (dir.equals(next) || Files.isDirectory(dir)) return;
    privateDirectories(dir.getParent());
    privateDirectory(dir);
  }

  private static void privateDirectory(Path dir) throws IOException {
    Files.createDirectories(dir);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  /** Written and forced to disk: the swap that follows must not expose a half-written file after a power loss. */
  private static void write(Path file, String text) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) ch.write(buf);
      ch.force(true);
    }
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      deleteRecursively(dir);
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", dir, e.getMessage());
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
