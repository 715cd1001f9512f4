package dev.postee.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** Log levels: the server logs at INFO (DEBUG with POSTEE_DEBUG), other commands only warnings. */
public final class Logging {
  private Logging() {}

  public enum Verbosity { QUIET, NORMAL, DEBUG }

  /**
   * Writes out what the asynchronous appender still holds and stops logging; called last on the
   * way out (the JVM's shutdown hooks run in no particular order, so logback's own hook is not used).
   */
  public static void flush() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) context.stop();
  }

  public static void configure(Verbosity verbosity) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) return;
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger ours = context.getLogger("dev.postee");
    switch (verbosity) {
      case QUIET -> {
        root.setLevel(Level.WARN);
        ours.setLevel(Level.WARN);
      }
      case NORMAL -> {
        root.setLevel(Level.INFO);
        ours.setLevel(Level.INFO);
      }
      case DEBUG -> {
        root.setLevel(Level.INFO);
        ours.setLevel(Level.DEBUG);
      }
    }
  }
}
