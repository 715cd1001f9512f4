package dev.postee.app.cli;

/** Process exit codes of every postee command (also listed in the README). */
public final class ExitCodes {
  private ExitCodes() {}

  /** Success; for validate: no error (warnings may have been printed). */
  public static final int OK = 0;
  /** The configuration has errors (validate, test, server start), or a dry run hit a template/filter error. */
  public static final int CONFIG_ERROR = 1;
  /** The command line cannot be used: unknown flag, bad value, conflicting flags, unreadable event file. */
  public static final int USAGE = 2;
  /** The server could not start or failed: port in use, database, TLS or seed files unusable, nats-server missing. */
  public static final int RUNTIME_ERROR = 3;
}
