package dev.postee.app.cli;

import dev.postee.app.Logging;
import dev.postee.app.server.PosteeServer;
import dev.postee.core.config.ConfigProblem;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The root command: runs the server until SIGTERM/SIGINT, then stops gracefully. */
@Command(name = "postee", mixinStandardHelpOptions = true, versionProvider = PosteeCommand.VersionProvider.class,
    sortOptions = false,
    description = {"Policy-driven router for security events, config-compatible with Aqua's Postee v2.",
        "Without a subcommand: runs the server: standalone, controller (--controller-mode) or runner (--runner-name).", "",
        "Environment (as Postee, wins over the flags): POSTEE_HTTP/AQUAALERT_URL, POSTEE_HTTPS/AQUAALERT_TLS,",
        "POSTEE_CFG/AQUAALERT_CFG, POSTEE_DEBUG, PATH_TO_DB (default ./data/postee.db),",
        "REGO_FILTERS_PATH (default ./rego-filters), AQUAALERT_CERT_PEM/AQUAALERT_KEY_PEM.", ""},
    footer = {"", "Exit codes: 0 stopped normally, 1 invalid configuration, 2 usage error,",
        "3 cannot start (port in use, database, TLS or seed files unusable, nats-server missing)."})
final class PosteeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(PosteeCommand.class);
  private final Cli cli;

  @Mixin
  ServerOptions options = new ServerOptions();

  PosteeCommand(Cli cli) {
    this.cli = cli;
  }

  static final class VersionProvider implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {Cli.versionLine()};
    }
  }

  @Override
  public Integer call() throws UsageException {
    ServerOptions.Resolved resolved = options.resolve(cli.env());
    Logging.configure(resolved.settings().debug() ? Logging.Verbosity.DEBUG : Logging.Verbosity.NORMAL);
    resolved.notices().forEach(n -> LOG.warn("{}", n));
    PosteeServer server;
    try {
      server = PosteeServer.start(resolved.settings(), cli.env().variables());
    } catch (PosteeServer.StartException e) {
      cli.err().println("postee: " + e.getMessage());
      for (ConfigProblem p : e.problems()) {
        if (p.isError()) cli.err().println("  " + p.format());
      }
      if (e.isConfiguration()) {
        cli.err().println("postee: fix the configuration (postee validate --cfgfile " + resolved.settings().configFile()
            + " lists every problem)");
        return ExitCodes.CONFIG_ERROR;
      }
      return ExitCodes.RUNTIME_ERROR;
    }
    Thread hook = new Thread(() -> {
      server.close();
      Logging.stop(); // this hook may outlive main's own Logging.stop(): write out what the server logged while stopping
    }, "postee-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      server.awaitStopped();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
    return ExitCodes.OK;
  }
}
