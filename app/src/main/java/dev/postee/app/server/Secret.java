package dev.postee.app.server;

import java.util.Objects;

/** A token or key from the command line or the environment; never printed. */
public record Secret(String value) {
  public Secret {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return "<redacted>";
  }
}
