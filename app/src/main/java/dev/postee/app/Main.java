package dev.postee.app;

import dev.postee.app.cli.Cli;

/** Entry point of the postee launcher and the shaded jar. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    boolean debug = isTrue(System.getenv("POSTEE_DEBUG"));
    // commands other than the server only log warnings; the server raises this once it starts
    Logging.configure(debug ? Logging.Verbosity.DEBUG : Logging.Verbosity.QUIET);
    int code = new Cli(System.getenv(), System.out, System.err).run(args);
    System.out.flush();
    Logging.stop();
    System.exit(code);
  }

  private static boolean isTrue(String v) {
    return v != null && switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      default -> false;
    };
  }
}
