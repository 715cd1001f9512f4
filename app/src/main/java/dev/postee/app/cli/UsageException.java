package dev.postee.app.cli;

/** A command line that cannot be used (exit code 2); the message says what to change. */
final class UsageException extends Exception {
  UsageException(String message) {
    super(message, null, false, false);
  }
}
