package dev.postee.rego.builtins;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Formatter;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import dev.postee.rego.value.Values;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * base64, base64url, hex and urlquery builtins. Decoders follow Go's encoding/base64,
 * encoding/hex and net/url exactly, including which inputs they reject and the error texts.
 */
public final class EncodingBuiltins implements BuiltinRegistrar {
  private static final String STD_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  private static final String URL_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final byte[] STD_DECODE = decodeMap(STD_ALPHABET);
  private static final byte[] URL_DECODE = decodeMap(URL_ALPHABET);
  private static final char[] UPPER_HEX = "0123456789ABCDEF".toCharArray();
  private static final char[] LOWER_HEX = "0123456789abcdef".toCharArray();

  @Override
  public void register(BuiltinRegistry r) {
    r.function("base64.encode", (ctx, a) ->
        StringValue.of(Base64.getEncoder().encodeToString(utf8(Args.string(a, 0)))));
    r.function("base64.decode", (ctx, a) ->
        StringValue.of(goString(base64Decode(utf8(Args.string(a, 0)), STD_DECODE))));
    r.functionCheckingOwnOperands("base64.is_valid", (ctx, a) -> {
      if (!(a[0] instanceof StringValue s)) return BooleanValue.FALSE;
      try {
        base64Decode(utf8(s.value()), STD_DECODE);
        return BooleanValue.TRUE;
      } catch (BuiltinException e) {
        return BooleanValue.FALSE;
      }
    });
    r.function("base64url.encode", (ctx, a) ->
        StringValue.of(Base64.getUrlEncoder().encodeToString(utf8(Args.string(a, 0)))));
    r.function("base64url.encode_no_pad", (ctx, a) ->
        StringValue.of(Base64.getUrlEncoder().withoutPadding().encodeToString(utf8(Args.string(a, 0)))));
    r.function("base64url.decode", (ctx, a) -> StringValue.of(goString(base64UrlDecode(Args.string(a, 0)))));
    r.function("hex.encode", (ctx, a) -> StringValue.of(hexEncode(utf8(Args.string(a, 0)))));
    r.function("hex.decode", (ctx, a) -> StringValue.of(goString(hexDecode(utf8(Args.string(a, 0))))));
    r.function("urlquery.encode", (ctx, a) -> StringValue.of(queryEscape(Args.string(a, 0))));
    r.function("urlquery.decode", (ctx, a) -> StringValue.of(queryUnescape(Args.string(a, 0))));
    r.function("urlquery.encode_object", (ctx, a) -> StringValue.of(encodeObject(Args.object(a, 0))));
    r.function("urlquery.decode_object", (ctx, a) -> decodeObject(Args.string(a, 0)));
  }

  static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

  /**
   * A Go byte string as text. Go counts every byte of an invalid UTF-8 sequence as one rune
   * (U+FFFD), so each such byte becomes one U+FFFD here and count() agrees with OPA.
   */
  static String goString(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length);
    for (int i = 0; i < b.length; ) {
      int len = utf8SequenceLength(b, i);
      if (len == 0) {
        sb.append('\ufffd');
        i++;
      } else {
        sb.append(new String(b, i, len, StandardCharsets.UTF_8));
        i += len;
      }
    }
    return sb.toString();
  }

  /** Go's strconv.Quote of a byte string: bytes that are not valid UTF-8 appear as \xNN. */
  static String goQuoteBytes(byte[] b) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < b.length; ) {
      int len = utf8SequenceLength(b, i);
      if (len == 0) {
        sb.append(String.format("\\x%02x", b[i] & 0xff));
        i++;
      } else {
        String q = Formatter.goQuote(new String(b, i, len, StandardCharsets.UTF_8));
        sb.append(q, 1, q.length() - 1);
        i += len;
      }
    }
    return sb.append('"').toString();
  }

  /** Length of the valid UTF-8 sequence starting at i, or 0 when the byte starts none. */
  static int utf8SequenceLength(byte[] b, int i) {
    int c = b[i] & 0xff;
    int len;
    int min;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      min = 0x10000;
    } else {
      return 0;
    }
    if (i + len > b.length) return 0;
    int cp = c & (0xff >> (len + 1));
    for (int k = 1; k < len; k++) {
      int x = b[i + k] & 0xff;
      if ((x & 0xc0) != 0x80) return 0;
      cp = cp << 6 | (x & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return len;
  }

  private static byte[] decodeMap(String alphabet) {
    byte[] m = new byte[256];
    Arrays.fill(m, (byte) -1);
    for (int i = 0; i < alphabet.length(); i++) m[alphabet.charAt(i)] = (byte) i;
    return m;
  }

  private static BuiltinException corrupt(long offset) {
    return BuiltinException.error("illegal base64 data at input byte " + offset);
  }

  /**
   * Go's padded (non-strict) base64 decoding: CR and LF are skipped anywhere, padding must be
   * complete, and the error names the offending input byte offset as Go computes it.
   */
  static byte[] base64Decode(byte[] src, byte[] decodeMap) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(src.length * 3 / 4 + 3);
    int si = 0;
    while (true) {
      int[] dbuf = new int[4];
      int dlen = 4;
      boolean end = false;
      for (int j = 0; j < 4; j++) {
        if (si == src.length) {
          if (j == 0) return out.toByteArray();
          throw corrupt(si - j);
        }
        int in = src[si] & 0xff;
        si++;
        int d = decodeMap[in];
        if (d >= 0) {
          dbuf[j] = d;
          continue;
        }
        if (in == '\n' || in == '\r') {
          j--;
          continue;
        }
        if (in != '=') throw corrupt(si - 1);
        // Padding reached.
        if (j == 0 || j == 1) throw corrupt(si - 1);
        if (j == 2) {
          while (si < src.length && (src[si] == '\n' || src[si] == '\r')) si++;
          if (si == src.length) throw corrupt(src.length);
          if (src[si] != '=') throw corrupt(si - 1);
          si++;
        }
        while (si < src.length && (src[si] == '\n' || src[si] == '\r')) si++;
        if (si < src.length) throw corrupt(si);
        dlen = j;
        end = true;
        break;
      }
      int val = dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3];
      out.write((val >> 16) & 0xff);
      if (dlen >= 3) out.write((val >> 8) & 0xff);
      if (dlen == 4) out.write(val & 0xff);
      if (end) return out.toByteArray();
    }
  }

  /** OPA adds missing padding (RFC 7515 appendix C) before decoding with the URL alphabet. */
  private static byte[] base64UrlDecode(String s) {
    if (!s.endsWith("=")) {
      switch (utf8(s).length % 4) {
        case 0 -> { }
        case 2 -> s += "==";
        case 3 -> s += "=";
        default -> throw BuiltinException.error("illegal base64url string: " + s);
      }
    }
    return base64Decode(utf8(s), URL_DECODE);
  }

  private static String hexEncode(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length * 2);
    for (byte x : b) sb.append(LOWER_HEX[(x >> 4) & 0xf]).append(LOWER_HEX[x & 0xf]);
    return sb.toString();
  }

  private static int hexValue(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  /** Go's hex.DecodeString, with its error order: bad bytes are reported before an odd length. */
  private static byte[] hexDecode(byte[] src) {
    byte[] out = new byte[src.length / 2];
    int j = 1;
    for (; j < src.length; j += 2) {
      int a = hexValue(src[j - 1] & 0xff);
      int b = hexValue(src[j] & 0xff);
      if (a < 0) throw invalidHexByte(src[j - 1] & 0xff);
      if (b < 0) throw invalidHexByte(src[j] & 0xff);
      out[j / 2] = (byte) (a << 4 | b);
    }
    if (src.length % 2 == 1) {
      if (hexValue(src[j - 1] & 0xff) < 0) throw invalidHexByte(src[j - 1] & 0xff);
      throw BuiltinException.error("encoding/hex: odd length hex string");
    }
    return out;
  }

  /** Go formats the byte with %#U: "U+0067 'g'", the quoted character only when printable. */
  private static BuiltinException invalidHexByte(int b) {
    String text = String.format("U+%04X", b);
    if (isPrintableLatin1(b)) text += " '" + (char) b + "'";
    return BuiltinException.error("encoding/hex: invalid byte: " + text);
  }

  private static boolean isPrintableLatin1(int c) {
    return (c >= 0x20 && c < 0x7f) || (c > 0xa0 && c != 0xad);
  }

  // --- net/url query encoding --------------------------------------------------------------

  private static boolean isUnreserved(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '_' || c == '.' || c == '~';
  }

  /** Go's url.QueryEscape. */
  static String queryEscape(String s) {
    byte[] b = utf8(s);
    StringBuilder sb = new StringBuilder(b.length + 8);
    for (byte x : b) {
      int c = x & 0xff;
      if (isUnreserved(c)) {
        sb.append((char) c);
      } else if (c == ' ') {
        sb.append('+');
      } else {
        sb.append('%').append(UPPER_HEX[c >> 4]).append(UPPER_HEX[c & 0xf]);
      }
    }
    return sb.toString();
  }

  /** Go's url.QueryUnescape: '+' is a space, every '%' must start a two-digit hex escape. */
  static String queryUnescape(String s) {
    byte[] b = utf8(s);
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length);
    for (int i = 0; i < b.length; ) {
      int c = b[i] & 0xff;
      if (c == '%') {
        if (i + 2 >= b.length || hexValue(b[i + 1] & 0xff) < 0 || hexValue(b[i + 2] & 0xff) < 0) {
          int end = Math.min(b.length, i + 3);
          throw BuiltinException.error("invalid URL escape " + goQuoteBytes(Arrays.copyOfRange(b, i, end)));
        }
        out.write(hexValue(b[i + 1] & 0xff) << 4 | hexValue(b[i + 2] & 0xff));
        i += 3;
      } else if (c == '+') {
        out.write(' ');
        i++;
      } else {
        out.write(c);
        i++;
      }
    }
    return goString(out.toByteArray());
  }

  private static BuiltinException encodeObjectError() {
    return BuiltinException.typeError("operand 1 values must be string, array[string], or set[string]");
  }

  /** Go's url.Values.Encode over the object: keys sorted, array/set values repeated in order. */
  private static String encodeObject(ObjectValue obj) {
    Map<String, List<String>> values = new HashMap<>();
    for (int i = 0; i < obj.size(); i++) {
      Value k = obj.keyAt(i);
      String key = k instanceof StringValue s ? s.value() : k.toJson();
      Value v = obj.valueAt(i);
      List<String> list = new ArrayList<>();
      switch (v) {
        case StringValue s -> list.add(s.value());
        case ArrayValue a -> {
          for (Value e : a.asList()) list.add(stringElement(e));
        }
        case SetValue set -> {
          for (Value e : set.elements()) list.add(stringElement(e));
        }
        default -> throw encodeObjectError();
      }
      // Keys that collide as JSON text (1 and "1") collapse to the later one, as in OPA's ast.JSON.
      values.put(key, list);
    }
    // Go sorts the keys as byte strings (UTF-8 order), which is code point order.
    List<String> keys = new ArrayList<>(values.keySet());
    keys.sort(Values::compareStrings);
    StringBuilder sb = new StringBuilder();
    for (String k : keys) {
      String ek = queryEscape(k);
      for (String v : values.get(k)) {
        if (!sb.isEmpty()) sb.append('&');
        sb.append(ek).append('=').append(queryEscape(v));
      }
    }
    return sb.toString();
  }

  private static String stringElement(Value e) {
    if (e instanceof StringValue s) return s.value();
    throw encodeObjectError();
  }

  /** Go's url.ParseQuery: the first error wins, but only after every pair has been looked at. */
  private static Value decodeObject(String query) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    BuiltinException firstError = null;
    String rest = query;
    while (!rest.isEmpty()) {
      String key;
      int amp = rest.indexOf('&');
      if (amp >= 0) {
        key = rest.substring(0, amp);
        rest = rest.substring(amp + 1);
      } else {
        key = rest;
        rest = "";
      }
      if (key.contains(";")) {
        if (firstError == null) firstError = BuiltinException.error("invalid semicolon separator in query");
        continue;
      }
      if (key.isEmpty()) continue;
      String value = "";
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      }
      String k;
      String v;
      try {
        k = queryUnescape(key);
        v = queryUnescape(value);
      } catch (BuiltinException e) {
        if (firstError == null) firstError = e;
        continue;
      }
      m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    if (firstError != null) throw firstError;
    ObjectValue.Builder b = ObjectValue.builder();
    m.forEach((k, vs) -> {
      Value[] arr = new Value[vs.size()];
      for (int i = 0; i < arr.length; i++) arr[i] = StringValue.of(vs.get(i));
      b.put(StringValue.of(k), ArrayValue.wrap(arr));
    });
    return b.build();
  }
}
