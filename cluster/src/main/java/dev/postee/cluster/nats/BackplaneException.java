package dev.postee.cluster.nats;

/**
 * The NATS backplane cannot be set up as asked: a missing {@code nats-server}, an unreadable seed
 * or certificate, a stream that exists with a configuration Postee cannot use. The message names
 * the file, flag or stream and says what to do; callers show it without a stack trace.
 */
public class BackplaneException extends RuntimeException {
  public BackplaneException(String message) {
    super(message);
  }

  public BackplaneException(String message, Throwable cause) {
    super(message, cause);
  }
}
