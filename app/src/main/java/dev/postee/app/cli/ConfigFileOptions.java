package dev.postee.app.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The configuration flags shared by {@code validate} and {@code test}. */
final class ConfigFileOptions {
  @Option(names = "--cfgfile", paramLabel = "FILE",
      description = "Configuration file (default: POSTEE_CFG, AQUAALERT_CFG, then " + ServerOptions.DEFAULT_CONFIG + ").")
  String cfgfile;

  @Option(names = "--strict", arity = "0..1", fallbackValue = "true", description = "Unknown keys are errors, not warnings.")
  boolean strict;

  @Option(names = "--rego-templates", paramLabel = "DIR",
      description = "Directory of user Rego templates (default " + ServerOptions.DEFAULT_TEMPLATES + ").")
  String regoTemplates;

  /** The flag, then POSTEE_CFG, AQUAALERT_CFG, then the default. */
  Path configFile(Env env) {
    if (cfgfile != null) return Path.of(cfgfile);
    String fromEnv = env.first("POSTEE_CFG", "AQUAALERT_CFG");
    return Path.of(fromEnv != null ? fromEnv : ServerOptions.DEFAULT_CONFIG);
  }

  /** Loads and compiles the file with the flags and REGO_FILTERS_PATH. */
  ConfigCheck check(Env env, boolean uncheckableAsWarnings) {
    String filters = env.first("REGO_FILTERS_PATH");
    return ConfigCheck.run(configFile(env), env.variables(), strict,
        Path.of(regoTemplates != null ? regoTemplates : ServerOptions.DEFAULT_TEMPLATES),
        Path.of(filters != null ? filters : ServerOptions.DEFAULT_FILTERS), uncheckableAsWarnings);
  }
}
