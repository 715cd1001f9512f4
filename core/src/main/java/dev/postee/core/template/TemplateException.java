package dev.postee.core.template;

/**
 * A template could not render an event: which template, which package and rule, which event, and
 * why. Thrown per event; the config itself was valid.
 */
public final class TemplateException extends RuntimeException {
  private final String template;
  private final String rule;
  private final String eventId;

  public TemplateException(String template, String pkg, String rule, String eventId, String why) {
    super("template '" + template + "' (package " + pkg + "): rule '" + rule + "' " + why
        + (eventId == null ? "" : " for event " + eventId), null, false, false);
    this.template = template;
    this.rule = rule;
    this.eventId = eventId;
  }

  public String template() { return template; }

  public String rule() { return rule; }

  public String eventId() { return eventId; }
}
