package dev.postee.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Log levels per verbosity: INFO for the server, DEBUG with POSTEE_DEBUG, warnings only for other commands. */
class LoggingTest {
  private final Logger ours = LoggerFactory.getLogger("dev.postee.core.engine.Engine");
  private final Logger jetty = LoggerFactory.getLogger("org.eclipse.jetty.server.Server");

  @AfterEach
  void restore() {
    Logging.configure(Logging.Verbosity.NORMAL);
  }

  @Test
  void eachVerbositySetsTheLevelsItNames() {
    Logging.configure(Logging.Verbosity.NORMAL);
    assertThat(ours.isInfoEnabled()).isTrue();
    assertThat(ours.isDebugEnabled()).isFalse();
    assertThat(jetty.isInfoEnabled()).as("third-party chatter stays at WARN").isFalse();

    Logging.configure(Logging.Verbosity.DEBUG);
    assertThat(ours.isDebugEnabled()).isTrue();
    assertThat(jetty.isDebugEnabled()).as("debug is for our code only").isFalse();

    Logging.configure(Logging.Verbosity.QUIET);
    assertThat(ours.isInfoEnabled()).isFalse();
    assertThat(ours.isWarnEnabled()).isTrue();
  }
}
