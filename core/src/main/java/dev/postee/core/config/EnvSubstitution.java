package dev.postee.core.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces environment references in config strings (SPEC §4.3), without ever putting a value in a
 * message. The rule, chosen so that shell and Rego text keep working:
 *
 * <ul>
 *   <li>a whole value {@code $NAME} or {@code ${NAME}} is the variable's value (Postee's rule for
 *       user/password/token, now for every field);
 *   <li>inside a longer value only the braced form {@code ${NAME}} is replaced ("Bearer
 *       ${TOKEN}"); a bare {@code $word} inside text stays as written, as Postee left it;
 *   <li>{@code $$} is a literal {@code $};
 *   <li>a {@code $} followed by anything else ({@code $(cmd)}, {@code $1}) stays as written.
 * </ul>
 *
 * Script and Rego texts (exec-script, body-content, route input, template body) are not passed
 * here at all: {@code echo $POSTEE_EVENT} must reach the shell untouched.
 */
final class EnvSubstitution {
  private static final String NAME = "[A-Za-z_][A-Za-z0-9_]*";
  private static final Pattern WHOLE = Pattern.compile("\\$(" + NAME + ")|\\$\\{(" + NAME + ")}");
  private static final Pattern VALID_NAME = Pattern.compile(NAME);

  private final Map<String, String> environment;
  private final Problems problems;

  EnvSubstitution(Map<String, String> environment, Problems problems) {
    this.environment = environment;
    this.problems = problems;
  }

  /**
   * Returns {@code text} with its references replaced. A missing variable or a malformed reference
   * is reported (naming {@code what}, the field) and the text is returned as written.
   */
  String apply(String text, SourceLocation where, String what) {
    if (text.indexOf('$') < 0) {
      return text;
    }
    Matcher whole = WHOLE.matcher(text);
    if (whole.matches()) {
      String name = whole.group(1) != null ? whole.group(1) : whole.group(2);
      return lookup(name, where, what, text);
    }
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '$' || i + 1 == text.length()) {
        out.append(c);
        i++;
      } else if (text.charAt(i + 1) == '$') {
        out.append('$');
        i += 2;
      } else if (text.charAt(i + 1) == '{') {
        int close = text.indexOf('}', i + 2);
        String name = close < 0 ? null : text.substring(i + 2, close);
        if (name == null || !VALID_NAME.matcher(name).matches()) {
          problems.error(where, what + ": '${' does not start a variable reference; expected ${NAME} (letters,"
              + " digits and _), or $${ for a literal '${'");
          return text;
        }
        String value = lookup(name, where, what, null);
        if (value == null) {
          return text;
        }
        out.append(value);
        i = close + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private String lookup(String name, SourceLocation where, String what, String fallback) {
    String value = environment.get(name);
    if (value == null) {
      problems.error(where, what + ": environment variable '" + name + "' is not set; set it, or write $$ for a"
          + " literal $");
      return fallback;
    }
    return value;
  }
}
