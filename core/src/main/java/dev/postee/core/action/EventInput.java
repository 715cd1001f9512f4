package dev.postee.core.action;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Postee's {@code event.input.<path>} references: a dotted path into the event, where a numeric
 * segment indexes an array. Strings are inserted raw, other values as compact JSON, and a path
 * that does not exist yields the empty string (as Postee's gjson lookup did).
 */
final class EventInput {
  /** A reference is {@code event.input.} plus segments of letters, digits, '_' and '-'; a trailing dot ends it. */
  private static final Pattern REFERENCE =
      Pattern.compile("(?<![\\p{L}\\p{N}_.])event\\.input\\.([\\p{L}\\p{N}_-]+(?:\\.[\\p{L}\\p{N}_-]+)*)");

  private EventInput() {}

  /** Replaces every reference in {@code text} with its value in {@code event} (null = no event). */
  static String substitute(String text, Value event) {
    Matcher m = REFERENCE.matcher(text);
    if (!m.find()) return text;
    StringBuilder out = new StringBuilder(text.length() + 64);
    do {
      Value v = event == null ? null : resolve(event, m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(v == null ? "" : text(v)));
    } while (m.find());
    m.appendTail(out);
    return out.toString();
  }

  /** The value at a dotted path, or null when the path does not exist. */
  static Value resolve(Value root, String path) {
    Value current = root;
    for (String segment : path.split("\\.", -1)) {
      current = switch (current) {
        case ObjectValue o -> o.get(segment);
        case ArrayValue a -> element(a, segment);
        default -> null;
      };
      if (current == null) return null;
    }
    return current;
  }

  private static Value element(ArrayValue array, String segment) {
    if (segment.isEmpty() || segment.length() > 9 || !segment.chars().allMatch(c -> c >= '0' && c <= '9')) return null;
    int i = Integer.parseInt(segment);
    return i < array.size() ? array.get(i) : null;
  }

  private static String text(Value v) {
    return v instanceof StringValue s ? s.value() : Json.write(v);
  }

  /**
   * What references resolve against: the event, or for an aggregated batch (which has no single
   * event) the rendered result when it is JSON, which is what Postee resolved against.
   */
  static Value source(ActionRequest request) {
    if (request.event() != null) return request.event();
    String result = request.message() == null ? "" : request.message().result();
    if (result.isBlank()) return null;
    try {
      return Json.parse(result);
    } catch (Json.ParseException notJson) {
      return null;
    }
  }
}
