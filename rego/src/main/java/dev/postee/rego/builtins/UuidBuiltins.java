package dev.postee.rego.builtins;

import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * {@code uuid.rfc4122} (a random version 4 UUID, stable per argument within one evaluation) and
 * {@code uuid.parse} (the formats and fields of Go's github.com/google/uuid as OPA exposes them).
 */
public final class UuidBuiltins implements BuiltinRegistrar {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();
  /** 100-nanosecond intervals between the Gregorian reform (1582-10-15) and the Unix epoch. */
  private static final long GREGORIAN_TO_UNIX_100NS = (2440587L - 2299160L) * 86400L * 10_000_000L;
  private static final int[] HEX_POSITIONS = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};

  /** Cache key, private to this builtin so it cannot collide with other cached values. */
  private record Rfc4122Key(Value argument) {}

  @Override
  public void register(BuiltinRegistry r) {
    r.function("uuid.rfc4122", (ctx, a) -> (Value) ctx.evaluationCache()
        .computeIfAbsent(new Rfc4122Key(a[0]), k -> StringValue.of(randomUuid())));
    r.function("uuid.parse", (ctx, a) -> describe(parse(Args.string(a, 0))));
  }

  private static String randomUuid() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    b[6] = (byte) ((b[6] & 0x0f) | 0x40);
    b[8] = (byte) ((b[8] & 0x3f) | 0x80);
    String h = HEX.formatHex(b);
    return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-"
        + h.substring(16, 20) + "-" + h.substring(20);
  }

  /** google/uuid's Parse: 36 chars, a urn:uuid: prefix, any one-char wrapper, or 32 hex digits; else null. */
  private static byte[] parse(String text) {
    byte[] s = text.getBytes(StandardCharsets.UTF_8);
    byte[] uuid = new byte[16];
    int offset;
    switch (s.length) {
      case 36 -> offset = 0;
      case 45 -> {
        if (!new String(s, 0, 9, StandardCharsets.ISO_8859_1).equalsIgnoreCase("urn:uuid:")) return null;
        offset = 9;
      }
      case 38 -> offset = 1; // the surrounding characters are not checked
      case 32 -> {
        for (int i = 0; i < 16; i++) {
          int v = hexByte(s[2 * i], s[2 * i + 1]);
          if (v < 0) return null;
          uuid[i] = (byte) v;
        }
        return uuid;
      }
      default -> {
        return null;
      }
    }
    if (s[offset + 8] != '-' || s[offset + 13] != '-' || s[offset + 18] != '-' || s[offset + 23] != '-') {
      return null;
    }
    for (int i = 0; i < 16; i++) {
      int p = offset + HEX_POSITIONS[i];
      int v = hexByte(s[p], s[p + 1]);
      if (v < 0) return null;
      uuid[i] = (byte) v;
    }
    return uuid;
  }

  private static int hexByte(byte hi, byte lo) {
    int h = Character.digit(hi & 0xff, 16);
    int l = Character.digit(lo & 0xff, 16);
    if (hi < 0 || lo < 0 || h < 0 || l < 0) return -1;
    return h << 4 | l;
  }

  /** Version and variant always; time, node and clock sequence for versions 1 and 2; id and domain for 2. */
  private static Value describe(byte[] u) {
    if (u == null) return null;
    int version = (u[6] & 0xff) >> 4;
    ObjectValue.Builder out = ObjectValue.builder();
    out.put("version", NumberValue.of(version));
    out.put("variant", StringValue.of(variant(u[8] & 0xff)));
    if (version == 1 || version == 2) {
      out.put("time", NumberValue.of(unixNanos(u)));
      out.put("nodeid", StringValue.of(nodeId(u)));
      out.put("macvariables", StringValue.of(macVariables(u[10] & 0xff)));
      out.put("clocksequence", NumberValue.of(((u[8] & 0xff) << 8 | (u[9] & 0xff)) & 0x3fff));
      if (version == 2) {
        out.put("id", NumberValue.of(uint32(u, 0)));
        out.put("domain", StringValue.of(domain(u[9] & 0xff)));
      }
    }
    return out.build();
  }

  private static String variant(int b) {
    if ((b & 0xc0) == 0x80) return "RFC4122";
    if ((b & 0xe0) == 0xc0) return "Microsoft";
    if ((b & 0xe0) == 0xe0) return "Future";
    return "Reserved";
  }

  /** The 60-bit timestamp as Unix nanoseconds, with Go's int64 arithmetic (which may wrap). */
  private static long unixNanos(byte[] u) {
    long t = uint32(u, 0);
    t |= (long) ((u[4] & 0xff) << 8 | (u[5] & 0xff)) << 32;
    t |= (long) (((u[6] & 0xff) << 8 | (u[7] & 0xff)) & 0xfff) << 48;
    long sec = t - GREGORIAN_TO_UNIX_100NS;
    long nsec = (sec % 10_000_000L) * 100;
    sec /= 10_000_000L;
    return sec * 1_000_000_000L + nsec;
  }

  private static long uint32(byte[] u, int i) {
    return ((u[i] & 0xffL) << 24) | ((u[i + 1] & 0xffL) << 16) | ((u[i + 2] & 0xffL) << 8) | (u[i + 3] & 0xffL);
  }

  private static String nodeId(byte[] u) {
    StringBuilder sb = new StringBuilder(17);
    for (int i = 10; i < 16; i++) {
      if (i > 10) sb.append('-');
      sb.append(HEX.toHexDigits(u[i]));
    }
    return sb.toString();
  }

  /** The local/global and multicast/unicast bits of the node's first byte. */
  private static String macVariables(int b) {
    if ((b & 0b11) == 0b11) return "local:multicast";
    if ((b & 0b01) == 0b01) return "global:multicast";
    if ((b & 0b10) == 0b10) return "local:unicast";
    return "global:unicast";
  }

  private static String domain(int d) {
    return switch (d) {
      case 0 -> "Person";
      case 1 -> "Group";
      case 2 -> "Org";
      default -> "Domain" + d;
    };
  }
}
