package dev.postee.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code postee version}. */
@Command(name = "version", description = "Prints the version.")
final class VersionCommand implements Callable<Integer> {
  private final Cli cli;

  VersionCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    cli.out().println(Cli.versionLine());
    return ExitCodes.OK;
  }
}
