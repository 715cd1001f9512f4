package dev.postee.core.store;

/** The embedded store could not do what was asked; the message names the database file. */
public class StoreException extends RuntimeException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
