package dev.postee.rego.ast;

/** A position in Rego source: file name, 1-based line and column, 0-based char offset. */
public record Location(String file, int line, int column, int offset) {
  public static final Location NONE = new Location("", 0, 0, 0);

  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
