package dev.postee.core.config;

/** The shape a config field's value must have; {@link #expected} completes "must be ...". */
public enum FieldKind {
  STRING("a string"),
  INTEGER("a whole number"),
  BOOLEAN("true or false"),
  /** A list of strings; a single string is accepted as a one-element list. */
  STRING_LIST("a list of strings"),
  /** Names to strings (docker-volume-mounts, jira unknowns, kubernetes labels). */
  STRING_MAP("a mapping of names to strings"),
  /** Names to lists of strings (http headers); a single string is a one-element list. */
  STRING_LIST_MAP("a mapping of names to lists of strings"),
  /** A block with its own fields (kubernetes kube-actions). */
  NESTED("a mapping");

  private final String expected;

  FieldKind(String expected) {
    this.expected = expected;
  }

  public String expected() {
    return expected;
  }
}
