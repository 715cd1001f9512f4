package dev.postee.app;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** ../shared (sample configs and events), read in place; tests that need it skip visibly without it. */
public final class Shared {
  private Shared() {}

  public static Path dir() {
    Path shared = Path.of(System.getProperty("postee.shared.dir", "../shared"));
    assumeTrue(Files.isDirectory(shared.resolve("samples")),
        "skipped: ../shared samples not found at " + shared.toAbsolutePath() + " (set -Dpostee.shared.dir)");
    return shared;
  }
}
