package dev.postee.app;

import dev.postee.core.config.ConfigProblem;
import dev.postee.core.config.SourceLocation;
import java.nio.file.Path;

/** Presentation of configuration problems. */
public final class ConfigProblems {
  private ConfigProblems() {}

  /**
   * A problem without a position (e.g. Rego that parses but does not compile, whose message carries
   * its own position) is shown against the configuration file rather than as {@code <unknown>}.
   */
  public static ConfigProblem located(ConfigProblem p, Path configFile) {
    if (!p.location().equals(SourceLocation.UNKNOWN)) return p;
    return new ConfigProblem(p.severity(), new SourceLocation(configFile.toString(), 0, 0), p.message());
  }
}
