package dev.postee.rego.builtins.security;

import java.io.ByteArrayOutputStream;

/**
 * Base64 decoding with the rules and error texts of Go's encoding/base64 (padding required,
 * CR/LF ignored, "illegal base64 data at input byte N"), which OPA's messages expose.
 */
public final class GoBase64 {
  private GoBase64() {}

  /** Go's base64.CorruptInputError. */
  public static final class CorruptInput extends Exception {
    public CorruptInput(long offset) { super("illegal base64 data at input byte " + offset, null, false, false); }
  }

  private static final String STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  private static final String URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final byte[] STD_MAP = decodeMap(STD);
  private static final byte[] URL_MAP = decodeMap(URL);

  private static byte[] decodeMap(String alphabet) {
    byte[] m = new byte[256];
    java.util.Arrays.fill(m, (byte) -1);
    for (int i = 0; i < alphabet.length(); i++) m[alphabet.charAt(i)] = (byte) i;
    return m;
  }

  public static byte[] decodeStd(byte[] src) throws CorruptInput { return decode(src, STD_MAP); }

  public static byte[] decodeStd(String src) throws CorruptInput {
    return decode(src.getBytes(java.nio.charset.StandardCharsets.UTF_8), STD_MAP);
  }

  public static byte[] decodeUrl(String src) throws CorruptInput {
    return decode(src.getBytes(java.nio.charset.StandardCharsets.UTF_8), URL_MAP);
  }

  public static String encodeStd(byte[] data) { return java.util.Base64.getEncoder().encodeToString(data); }

  public static String encodeRawUrl(byte[] data) { return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(data); }

  private static byte[] decode(byte[] src, byte[] map) throws CorruptInput {
    ByteArrayOutputStream out = new ByteArrayOutputStream(src.length * 3 / 4);
    int si = 0;
    int[] dbuf = new int[4];
    while (true) {
      int dlen = 4;
      java.util.Arrays.fill(dbuf, 0);
      boolean end = false;
      for (int j = 0; j < 4; j++) {
        if (src.length == si) {
          if (j == 0) return out.toByteArray();
          throw new CorruptInput(si - j);
        }
        int in = src[si] & 0xff;
        si++;
        int v = map[in];
        if (v >= 0) {
          dbuf[j] = v;
          continue;
        }
        if (in == '\n' || in == '\r') {
          j--;
          continue;
        }
        if (in != '=') throw new CorruptInput(si - 1);
        switch (j) {
          case 0, 1 -> throw new CorruptInput(si - 1);
          case 2 -> {
            while (si < src.length && (src[si] == '\n' || src[si] == '\r')) si++;
            if (si == src.length) throw new CorruptInput(src.length);
            if (src[si] != '=') throw new CorruptInput(si - 1);
            si++;
          }
          default -> { }
        }
        while (si < src.length && (src[si] == '\n' || src[si] == '\r')) si++;
        if (si < src.length) throw new CorruptInput(si);
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
}
