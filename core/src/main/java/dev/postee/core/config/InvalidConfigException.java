package dev.postee.core.config;

/** A config file with errors; a user mistake, so the message is meant for the user as is. */
public final class InvalidConfigException extends RuntimeException {
  private final transient ConfigLoadResult result;

  public InvalidConfigException(ConfigLoadResult result) {
    super(result.source() + " is not a valid config (" + result.errors().size() + " error(s)):\n"
        + result.formatProblems());
    this.result = result;
  }

  public ConfigLoadResult result() {
    return result;
  }
}
