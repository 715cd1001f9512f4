package dev.postee.rego.ast;

/** A syntax error, with where it happened and what was expected. */
public final class ParseException extends RuntimeException {
  private final Location location;
  private final String detail;

  public ParseException(Location location, String detail) {
    super(location + ": rego_parse_error: " + detail);
    this.location = location;
    this.detail = detail;
  }

  public Location location() { return location; }

  /** The message without the location prefix. */
  public String detail() { return detail; }
}
