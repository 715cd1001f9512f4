package dev.postee.app.cli;

import dev.postee.app.Version;
import dev.postee.rego.cli.RegoCli;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine;

/**
 * The {@code postee} command line: the server (root command) and the subcommands. Returns exit
 * codes (see {@link ExitCodes}) instead of exiting, so that tests run it in-process.
 */
public final class Cli {
  private final Env env;
  private final PrintStream out;
  private final PrintStream err;

  public Cli(Map<String, String> environment, PrintStream out, PrintStream err) {
    this.env = new Env(Map.copyOf(environment));
    this.out = out;
    this.err = err;
  }

  public int run(String... args) {
    if (args.length > 0 && args[0].equals("rego")) {
      // the Rego tool parses its own arguments (they may look like options of ours)
      return new RegoCli(out, err).run(Arrays.copyOfRange(args, 1, args.length));
    }
    return commandLine().execute(args);
  }

  CommandLine commandLine() {
    CommandLine cl = new CommandLine(new PosteeCommand(this));
    cl.addSubcommand("validate", new ValidateCommand(this));
    cl.addSubcommand("test", new TestCommand(this));
    cl.addSubcommand("rego", new RegoCommand(this));
    cl.addSubcommand("version", new VersionCommand(this));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler((e, args) -> {
      CommandLine cmd = e.getCommandLine();
      err.println("postee: " + e.getMessage());
      err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the flags.");
      return ExitCodes.USAGE;
    });
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof UsageException) {
        err.println("postee " + cmd.getCommandName() + ": " + e.getMessage());
        return ExitCodes.USAGE;
      }
      // not a user mistake: a bug, shown with its stack trace
      err.println("postee: internal error: " + e);
      e.printStackTrace(err);
      return ExitCodes.RUNTIME_ERROR;
    });
    return cl;
  }

  Env env() { return env; }

  PrintStream out() { return out; }

  PrintStream err() { return err; }

  static String versionLine() {
    return "postee " + Version.get() + " (Java " + Runtime.version() + ")";
  }
}
