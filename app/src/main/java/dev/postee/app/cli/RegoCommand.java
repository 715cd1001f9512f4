package dev.postee.app.cli;

import dev.postee.rego.cli.RegoCli;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code postee rego eval|test|bench|conformance}: the Rego engine's own tool. {@link Cli#run}
 * hands {@code rego ...} straight to it, arguments in order; this declaration lists the command in
 * the help.
 */
@Command(name = "rego", description = "Rego tools: eval, test, bench, conformance (postee rego --help).")
final class RegoCommand implements Callable<Integer> {
  private final Cli cli;

  RegoCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    return new RegoCli(cli.out(), cli.err()).run(new String[0]);
  }
}
