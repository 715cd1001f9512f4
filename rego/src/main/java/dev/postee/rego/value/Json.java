package dev.postee.rego.value;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/** JSON reading and writing for Rego values, with Go's encoding/json escaping rules. */
public final class Json {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(10_000)
          .maxStringLength(Integer.MAX_VALUE)
          .maxNumberLength(10_000)
          .build())
      // buffers pooled across threads: the default pool is per thread, which virtual threads never reuse
      .recyclerPool(JsonRecyclerPools.newBoundedPool(64))
      .build();

  private Json() {}

  /** Thrown for malformed JSON; the message carries line and column. */
  public static final class ParseException extends RuntimeException {
    private final long line;
    private final long column;
    private final long offset;

    public ParseException(String message, long line, long column, long offset) {
      super(message);
      this.line = line;
      this.column = column;
      this.offset = offset;
    }

    public long line() { return line; }
    public long column() { return column; }
    public long offset() { return offset; }
  }

  public static Value parse(String text) {
    return parse(new StringReader(text));
  }

  public static Value parse(Reader reader) {
    try (JsonParser p = FACTORY.createParser(reader)) {
      return parseDocument(p);
    } catch (IOException e) {
      throw wrap(e);
    }
  }

  public static Value parse(byte[] utf8) {
    try (JsonParser p = FACTORY.createParser(utf8)) {
      return parseDocument(p);
    } catch (IOException e) {
      throw wrap(e);
    }
  }

  public static Value parse(InputStream in) {
    try (JsonParser p = FACTORY.createParser(in)) {
      return parseDocument(p);
    } catch (IOException e) {
      throw wrap(e);
    }
  }

  private static Value parseDocument(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == null) throw new ParseException("unexpected end of JSON input", 1, 1, 0);
    Value v = read(p, t);
    JsonToken extra = p.nextToken();
    if (extra != null) {
      JsonLocation loc = p.currentTokenLocation();
      throw new ParseException("invalid character after top-level value at line " + loc.getLineNr()
          + ", column " + loc.getColumnNr(), loc.getLineNr(), loc.getColumnNr(), loc.getCharOffset());
    }
    return v;
  }

  private static ParseException wrap(IOException e) {
    if (e instanceof JsonParseException jpe) {
      JsonLocation loc = jpe.getLocation();
      String msg = jpe.getOriginalMessage();
      int nl = msg.indexOf('\n');
      if (nl > 0) msg = msg.substring(0, nl);
      long line = loc == null ? 0 : loc.getLineNr();
      long col = loc == null ? 0 : loc.getColumnNr();
      long off = loc == null ? -1 : Math.max(loc.getCharOffset(), loc.getByteOffset());
      return new ParseException(msg + " at line " + line + ", column " + col, line, col, off);
    }
    return new ParseException(String.valueOf(e.getMessage()), 0, 0, -1);
  }

  private static Value read(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT -> {
        ObjectValue.Builder b = ObjectValue.builder();
        JsonToken k;
        while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          b.put(StringValue.of(name), read(p, p.nextToken()));
        }
        return b.build();
      }
      case START_ARRAY -> {
        List<Value> l = new ArrayList<>();
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) l.add(read(p, e));
        return ArrayValue.of(l);
      }
      case VALUE_STRING -> { return StringValue.of(p.getText()); }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> { return NumberValue.parse(p.getText()); }
      case VALUE_TRUE -> { return BooleanValue.TRUE; }
      case VALUE_FALSE -> { return BooleanValue.FALSE; }
      case VALUE_NULL -> { return NullValue.INSTANCE; }
      default -> throw new JsonParseException(p, "unexpected token " + t);
    }
  }

  /** Compact JSON without HTML escaping. */
  public static String write(Value v) {
    StringBuilder sb = new StringBuilder();
    write(sb, v, false, null, null, 0);
    return sb.toString();
  }

  /** Compact JSON as Go's json.Marshal writes it (with &lt;, &gt;, &amp; escaped). */
  public static String writeGo(Value v) {
    StringBuilder sb = new StringBuilder();
    write(sb, v, true, null, null, 0);
    return sb.toString();
  }

  /** Indented JSON as Go's json.MarshalIndent(v, prefix, indent) writes it. */
  public static String writeIndented(Value v, String prefix, String indent, boolean htmlEscape) {
    StringBuilder sb = new StringBuilder();
    write(sb, v, htmlEscape, prefix, indent, 0);
    return sb.toString();
  }

  public static void write(StringBuilder sb, Value v, boolean html, String prefix, String indent, int depth) {
    switch (v) {
      case NullValue n -> sb.append("null");
      case BooleanValue b -> sb.append(b.value());
      case NumberValue n -> sb.append(n);
      case StringValue s -> quote(sb, s.value(), html);
      case ArrayValue a -> writeSeq(sb, a.asList(), html, prefix, indent, depth);
      case SetValue s -> writeSeq(sb, s.elements(), html, prefix, indent, depth);
      case ObjectValue o -> {
        if (o.isEmpty()) {
          sb.append("{}");
          return;
        }
        // Go sorts object keys by their JSON string form.
        String[] keyTexts = new String[o.size()];
        Integer[] order = new Integer[o.size()];
        for (int i = 0; i < o.size(); i++) {
          Value k = o.keyAt(i);
          keyTexts[i] = k instanceof StringValue s ? s.value() : write(k);
          order[i] = i;
        }
        boolean allStrings = true;
        for (int i = 0; i < o.size(); i++) allStrings &= o.keyAt(i) instanceof StringValue;
        if (!allStrings) java.util.Arrays.sort(order, (x, y) -> Values.compareStrings(keyTexts[x], keyTexts[y]));
        sb.append('{');
        boolean first = true;
        for (int idx : order) {
          if (!first) sb.append(',');
          first = false;
          newline(sb, prefix, indent, depth + 1);
          quote(sb, keyTexts[idx], html);
          sb.append(':');
          if (indent != null) sb.append(' ');
          write(sb, o.valueAt(idx), html, prefix, indent, depth + 1);
        }
        newline(sb, prefix, indent, depth);
        sb.append('}');
      }
    }
  }

  private static void writeSeq(StringBuilder sb, List<Value> elems, boolean html, String prefix, String indent, int depth) {
    if (elems.isEmpty()) {
      sb.append("[]");
      return;
    }
    sb.append('[');
    for (int i = 0; i < elems.size(); i++) {
      if (i > 0) sb.append(',');
      newline(sb, prefix, indent, depth + 1);
      write(sb, elems.get(i), html, prefix, indent, depth + 1);
    }
    newline(sb, prefix, indent, depth);
    sb.append(']');
  }

  private static void newline(StringBuilder sb, String prefix, String indent, int depth) {
    if (indent == null) return;
    sb.append('\n');
    if (prefix != null) sb.append(prefix);
    for (int i = 0; i < depth; i++) sb.append(indent);
  }

  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2);
    quote(sb, s, false);
    return sb.toString();
  }

  /** Go's encoding/json string escaping; html adds &lt; &gt; &amp; as \u003c, \u003e, \u0026. */
  public static void quote(StringBuilder sb, String s, boolean html) {
    sb.append('"');
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\u2028' -> sb.append("\\u2028");
        case '\u2029' -> sb.append("\\u2029");
        default -> {
          if (c < 0x20 || (html && (c == '<' || c == '>' || c == '&'))) {
            sb.append("\\u00");
            sb.append(Character.forDigit((c >> 4) & 0xF, 16));
            sb.append(Character.forDigit(c & 0xF, 16));
          } else if (Character.isSurrogate(c)) {
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
              sb.append(c).append(s.charAt(++i));
            } else {
              sb.append('\ufffd');
            }
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
