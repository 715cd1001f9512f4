package dev.postee.rego.builtins.security;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Go's encoding/pem Decode: finds the next well-formed block and returns it with the rest. */
public final class Pem {
  private Pem() {}

  /** A decoded block; {@code rest} is the input after it. */
  public record Block(String type, Map<String, String> headers, byte[] bytes, byte[] rest) {}

  private static final byte[] BEGIN = "\n-----BEGIN ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n-----END ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DASHES = "-----".getBytes(StandardCharsets.US_ASCII);

  public static Block decode(String data) { return decode(data.getBytes(StandardCharsets.UTF_8)); }

  /** The next block, or null when none can be decoded (Go returns nil and the whole input). */
  public static Block decode(byte[] data) {
    byte[] rest = data;
    while (true) {
      if (startsWith(rest, 0, BEGIN, 1)) {
        rest = Arrays.copyOfRange(rest, BEGIN.length - 1, rest.length);
      } else {
        int at = indexOf(rest, BEGIN, 0);
        if (at < 0) return null;
        rest = Arrays.copyOfRange(rest, at + BEGIN.length, rest.length);
      }
      byte[][] lr = line(rest);
      byte[] typeLine = lr[0];
      rest = lr[1];
      if (!endsWith(typeLine, DASHES)) continue;
      String type = new String(typeLine, 0, typeLine.length - DASHES.length, StandardCharsets.UTF_8);
      byte[] typeBytes = Arrays.copyOf(typeLine, typeLine.length - DASHES.length);
      Map<String, String> headers = new LinkedHashMap<>();
      boolean truncated = false;
      while (true) {
        if (rest.length == 0) {
          truncated = true;
          break;
        }
        byte[][] nl = line(rest);
        String line = new String(nl[0], StandardCharsets.UTF_8);
        int colon = line.indexOf(':');
        if (colon < 0) break;
        headers.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        rest = nl[1];
      }
      if (truncated) return null;
      int endIndex;
      int endTrailerIndex;
      if (headers.isEmpty() && startsWith(rest, 0, END, 1)) {
        endIndex = 0;
        endTrailerIndex = END.length - 1;
      } else {
        endIndex = indexOf(rest, END, 0);
        endTrailerIndex = endIndex + END.length;
      }
      if (endIndex < 0) continue;
      int trailerLen = typeBytes.length + DASHES.length;
      if (rest.length - endTrailerIndex < trailerLen) continue;
      byte[] trailer = Arrays.copyOfRange(rest, endTrailerIndex, endTrailerIndex + trailerLen);
      byte[] restOfEndLine = Arrays.copyOfRange(rest, endTrailerIndex + trailerLen, rest.length);
      if (!startsWith(trailer, 0, typeBytes, 0) || !endsWith(trailer, DASHES)) continue;
      if (line(restOfEndLine)[0].length != 0) continue;
      byte[] body = removeSpacesAndTabs(Arrays.copyOfRange(rest, 0, endIndex));
      byte[] bytes;
      try {
        bytes = GoBase64.decodeStd(body);
      } catch (GoBase64.CorruptInput e) {
        continue;
      }
      byte[] after = Arrays.copyOfRange(rest, endIndex + END.length - 1, rest.length);
      return new Block(type, headers, bytes, line(after)[1]);
    }
  }

  private static byte[][] line(byte[] data) {
    int i = -1;
    for (int k = 0; k < data.length; k++) {
      if (data[k] == '\n') {
        i = k;
        break;
      }
    }
    int j;
    if (i < 0) {
      i = data.length;
      j = i;
    } else {
      j = i + 1;
      if (i > 0 && data[i - 1] == '\r') i--;
    }
    int e = i;
    while (e > 0 && (data[e - 1] == ' ' || data[e - 1] == '\t')) e--;
    return new byte[][] {Arrays.copyOf(data, e), Arrays.copyOfRange(data, j, data.length)};
  }

  private static byte[] removeSpacesAndTabs(byte[] data) {
    byte[] out = new byte[data.length];
    int n = 0;
    for (byte b : data) if (b != ' ' && b != '\t') out[n++] = b;
    return Arrays.copyOf(out, n);
  }

  private static boolean startsWith(byte[] data, int at, byte[] prefix, int prefixFrom) {
    int len = prefix.length - prefixFrom;
    if (data.length - at < len) return false;
    for (int i = 0; i < len; i++) if (data[at + i] != prefix[prefixFrom + i]) return false;
    return true;
  }

  private static boolean endsWith(byte[] data, byte[] suffix) {
    return data.length >= suffix.length && startsWith(data, data.length - suffix.length, suffix, 0);
  }

  private static int indexOf(byte[] data, byte[] needle, int from) {
    outer:
    for (int i = from; i <= data.length - needle.length; i++) {
      for (int k = 0; k < needle.length; k++) if (data[i + k] != needle[k]) continue outer;
      return i;
    }
    return -1;
  }
}
