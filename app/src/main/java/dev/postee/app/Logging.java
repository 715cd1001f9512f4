package dev.postee.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** Log levels: the server logs at INFO (DEBUG with POSTEE_DEBUG), other commands only warnings. */
public final class Logging {
  private Logging() {}

  public enum Verbosity { QUIET, NORMAL, DEBUG }


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

  /**
   * Writes out what the asynchronous appender still holds and stops logging: the last call of a
   * process (after the server has stopped), since logback's own JVM hook would race the shutdown.
   */
  public static void stop() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) context.stop();
  }
}
