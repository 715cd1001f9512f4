package dev.postee.app.cli;

import dev.postee.rego.cli.RegoCli;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code postee rego eval|test|bench|conformance}: the Rego engine's own tool. {@link Cli} hands
 * the arguments straight to it; this declaration puts the command in the help.
 */
@Command(name = "rego", description = "Rego tools: eval, test, bench, conformance (postee rego --help).")
final class RegoCommand implements Callable<Integer> {
  @Parameters(paramLabel = "ARGS", arity = "0..*", description = "eval|test|bench|conformance and their arguments")
  List<String> args = new ArrayList<>();

  @Unmatched
  List<String> unmatched = new ArrayList<>();

  @Override
  public Integer call() {
    List<String> all = new ArrayList<>(args);
    all.addAll(unmatched);
    return new RegoCli(System.out, System.err).run(all.toArray(String[]::new));
  }
}
