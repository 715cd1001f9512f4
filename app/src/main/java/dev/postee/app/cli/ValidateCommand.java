package dev.postee.app.cli;

import dev.postee.core.config.ConfigProblem;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code postee validate}: every problem of a configuration, with file:line:col. */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Checks a configuration file and lists every problem.", "",
        "The file is checked as the server loads it: YAML, keys, types, references, Rego syntax, and",
        "compiling its filters, templates and actions. Each problem is printed as",
        "file:line:col: severity: message.", "",
        "Exit codes: 0 no error (warnings may be printed), 1 errors, 2 usage error."})
final class ValidateCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin
  ConfigFileOptions config = new ConfigFileOptions();

  ValidateCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    Path file = config.configFile(cli.env());
    try (ConfigCheck check = config.check(cli.env(), true)) {
      for (ConfigProblem p : check.problems()) cli.out().println(p.format());
      int errors = check.errors().size();
      int warnings = check.warnings().size();
      if (errors > 0) {
        cli.out().println(file + ": invalid: " + count(errors, "error") + ", " + count(warnings, "warning"));
        return ExitCodes.CONFIG_ERROR;
      }
      cli.out().println(file + ": valid" + (warnings == 0 ? "" : " (" + count(warnings, "warning") + ")"));
      return ExitCodes.OK;
    }
  }

  static String count(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }
}
