package dev.postee.rego.builtins;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Formatter;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * net.* builtins. Addresses are modelled the way Go's net package holds them (4- or 16-byte
 * IPs, 4- or 16-byte masks), because OPA's results depend on those representations: an IPv4
 * CIDR never contains an IPv6 address, and a bare IPv4 address gets its classful default mask in
 * net.cidr_merge.
 */
public final class NetBuiltins implements BuiltinRegistrar {
  private static final BigInteger V4_MAPPED_BASE = BigInteger.valueOf(0xffffL).shiftLeft(32);
  private static final BigInteger V4_MAPPED_END = V4_MAPPED_BASE.add(BigInteger.ONE.shiftLeft(32));
  private static final ExecutorService RESOLVER = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "rego-dns");
    t.setDaemon(true);
    return t;
  });

  @Override
  public void register(BuiltinRegistry r) {
    r.functionCheckingOwnOperands("net.cidr_contains", (ctx, a) -> BooleanValue.of(cidrContains(a[0], a[1])));
    // Deprecated alias of net.cidr_contains, implemented by the same function in OPA.
    r.functionCheckingOwnOperands("net.cidr_overlap", (ctx, a) -> BooleanValue.of(cidrContains(a[0], a[1])));
    r.functionCheckingOwnOperands("net.cidr_intersects", (ctx, a) -> {
      IpNet x = netOperand(a[0]);
      IpNet y = netOperand(a[1]);
      return BooleanValue.of(x.contains(y.ip) || y.contains(x.ip));
    });
    r.functionCheckingOwnOperands("net.cidr_contains_matches", (ctx, a) -> containsMatches(ctx, a[0], a[1]));
    r.function("net.cidr_expand", (ctx, a) -> expand(ctx, Args.string(a, 0)));
    r.functionCheckingOwnOperands("net.cidr_is_valid", (ctx, a) ->
        BooleanValue.of(a[0] instanceof StringValue s && parseCidr(s.value()) != null));
    r.functionCheckingOwnOperands("net.cidr_merge", (ctx, a) -> merge(a[0]));
    r.function("net.lookup_ip_addr", (ctx, a) -> lookup(ctx, Args.string(a, 0)));
  }

  // --- Go's netip.ParseAddr ---------------------------------------------------------------------

  /** A parsed address: 16 bytes (IPv4 as IPv4-mapped IPv6), whether it was IPv4, and its zone. */
  record Addr(byte[] bytes16, boolean is4, String zone) {}

  /** Thrown with netip's error text ("ParseAddr(\"x\"): unable to parse IP"). */
  static final class AddrException extends Exception {
    AddrException(String message) { super(message, null, false, false); }
  }

  private static AddrException addrError(String in, String msg, String at) {
    String text = "ParseAddr(" + Formatter.goQuote(in) + "): " + msg;
    if (at != null && !at.isEmpty()) text += " (at " + Formatter.goQuote(at) + ")";
    return new AddrException(text);
  }

  /** Go's netip.ParseAddr, including its error texts. */
  static Addr parseAddr(String s) throws AddrException {
    for (int i = 0; i < s.length(); i++) {
      switch (s.charAt(i)) {
        case '.' -> {
          byte[] b = new byte[16];
          b[10] = (byte) 0xff;
          b[11] = (byte) 0xff;
          parseIpv4Fields(s, 0, s.length(), b, 12);
          return new Addr(b, true, "");
        }
        case ':' -> { return parseIpv6(s); }
        case '%' -> throw addrError(s, "missing IPv6 address", null);
        default -> { }
      }
    }
    throw addrError(s, "unable to parse IP", null);
  }

  private static void parseIpv4Fields(String in, int off, int end, byte[] out, int at)
      throws AddrException {
    int val = 0;
    int pos = 0;
    int digLen = 0;
    String s = in.substring(off, end);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (digLen == 1 && val == 0) throw addrError(in, "IPv4 field has octet with leading zero", null);
        val = val * 10 + (c - '0');
        digLen++;
        if (val > 255) throw addrError(in, "IPv4 field has value >255", null);
      } else if (c == '.') {
        if (i == 0 || i == s.length() - 1 || s.charAt(i - 1) == '.') {
          throw addrError(in, "IPv4 field must have at least one digit", s.substring(i));
        }
        if (pos == 3) throw addrError(in, "IPv4 address too long", null);
        out[at + pos] = (byte) val;
        pos++;
        val = 0;
        digLen = 0;
      } else {
        throw addrError(in, "unexpected character", s.substring(i));
      }
    }
    if (pos < 3) throw addrError(in, "IPv4 address too short", null);
    out[at + 3] = (byte) val;
  }

  private static Addr parseIpv6(String in) throws AddrException {
    String s = in;
    String zone = "";
    int pct = s.indexOf('%');
    if (pct >= 0) {
      zone = s.substring(pct + 1);
      s = s.substring(0, pct);
      if (zone.isEmpty()) throw addrError(in, "zone must be a non-empty string", null);
    }
    byte[] ip = new byte[16];
    int ellipsis = -1;
    if (s.length() >= 2 && s.charAt(0) == ':' && s.charAt(1) == ':') {
      ellipsis = 0;
      s = s.substring(2);
      if (s.isEmpty()) return new Addr(ip, false, zone);
    }
    int i = 0;
    while (i < 16) {
      int off = 0;
      int acc = 0;
      for (; off < s.length(); off++) {
        char c = s.charAt(off);
        int d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else break;
        acc = (acc << 4) + d;
        if (off > 3) throw addrError(in, "each group must have 4 or less digits", s);
        if (acc > 0xffff) throw addrError(in, "IPv6 field has value >=2^16", s);
      }
      if (off == 0) throw addrError(in, "each colon-separated field must have at least one digit", s);
      if (off < s.length() && s.charAt(off) == '.') {
        if (ellipsis < 0 && i != 12) {
          throw addrError(in, "embedded IPv4 address must replace the final 2 fields of the address", s);
        }
        if (i + 4 > 16) {
          throw addrError(in, "too many hex fields to fit an embedded IPv4 at the end of the address", s);
        }
        int end = in.length() - (zone.isEmpty() ? 0 : zone.length() + 1);
        parseIpv4Fields(in, end - s.length(), end, ip, i);
        s = "";
        i += 4;
        break;
      }
      ip[i] = (byte) (acc >> 8);
      ip[i + 1] = (byte) acc;
      i += 2;
      s = s.substring(off);
      if (s.isEmpty()) break;
      if (s.charAt(0) != ':') throw addrError(in, "unexpected character, want colon", s);
      if (s.length() == 1) throw addrError(in, "colon must be followed by more characters", s);
      s = s.substring(1);
      if (s.charAt(0) == ':') {
        if (ellipsis >= 0) throw addrError(in, "multiple :: in address", s);
        ellipsis = i;
        s = s.substring(1);
        if (s.isEmpty()) break;
      }
    }
    if (!s.isEmpty()) throw addrError(in, "trailing garbage after address", s);
    if (i < 16) {
      if (ellipsis < 0) throw addrError(in, "address string too short", null);
      int n = 16 - i;
      for (int j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j];
      Arrays.fill(ip, ellipsis, ellipsis + n, (byte) 0);
    } else if (ellipsis >= 0) {
      throw addrError(in, "the :: must expand to at least one field of zeros", null);
    }
    return new Addr(ip, false, zone);
  }

  // --- Go's net.IP / net.IPNet ----------------------------------------------------------------

  /** Go's net.ParseIP: a 16-byte IP, or null (zones are not accepted). */
  static byte[] parseIp(String s) {
    try {
      Addr a = parseAddr(s);
      return a.zone().isEmpty() ? a.bytes16() : null;
    } catch (AddrException e) {
      return null;
    }
  }

  /** Go's IP.To4: the 4-byte form of an IPv4 or IPv4-mapped address, else null. */
  static byte[] to4(byte[] ip) {
    if (ip.length == 4) return ip;
    if (ip.length == 16) {
      for (int i = 0; i < 10; i++) {
        if (ip[i] != 0) return null;
      }
      if (ip[10] == (byte) 0xff && ip[11] == (byte) 0xff) return Arrays.copyOfRange(ip, 12, 16);
    }
    return null;
  }

  /** Go's IP.String: dotted for IPv4 (and IPv4-mapped), RFC 5952 text for IPv6. */
  static String ipString(byte[] ip) {
    byte[] v4 = to4(ip);
    if (v4 != null) {
      return (v4[0] & 0xff) + "." + (v4[1] & 0xff) + "." + (v4[2] & 0xff) + "." + (v4[3] & 0xff);
    }
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) g[i] = (ip[2 * i] & 0xff) << 8 | (ip[2 * i + 1] & 0xff);
    int zeroStart = -1;
    int zeroEnd = -1;
    for (int i = 0; i < 8; i++) {
      int j = i;
      while (j < 8 && g[j] == 0) j++;
      if (j - i >= 2 && j - i > zeroEnd - zeroStart) {
        zeroStart = i;
        zeroEnd = j;
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == zeroStart) {
        sb.append("::");
        i = zeroEnd;
        if (i >= 8) break;
      } else if (i > 0) {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }

  private static byte[] cidrMask(int ones, int bits) {
    byte[] m = new byte[bits / 8];
    for (int i = 0; i < m.length; i++) {
      int n = Math.max(0, Math.min(8, ones - 8 * i));
      m[i] = (byte) (0xff << (8 - n));
    }
    return m;
  }

  /** Go's IP.Mask, including its IPv4/IPv6 length adaptations; null on mismatch. */
  private static byte[] maskIp(byte[] ip, byte[] mask) {
    if (mask.length == 16 && ip.length == 4 && allFf(mask, 0, 12)) mask = Arrays.copyOfRange(mask, 12, 16);
    if (mask.length == 4 && ip.length == 16 && to4(ip) != null) ip = Arrays.copyOfRange(ip, 12, 16);
    if (ip.length != mask.length) return null;
    byte[] out = new byte[ip.length];
    for (int i = 0; i < ip.length; i++) out[i] = (byte) (ip[i] & mask[i]);
    return out;
  }

  private static boolean allFf(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != (byte) 0xff) return false;
    }
    return true;
  }

  /** Number of leading one bits of a canonical mask, or -1 when it is not canonical. */
  private static int simpleMaskLength(byte[] mask) {
    int n = 0;
    for (int i = 0; i < mask.length; i++) {
      int v = mask[i] & 0xff;
      if (v == 0xff) {
        n += 8;
        continue;
      }
      while ((v & 0x80) != 0) {
        n++;
        v = (v << 1) & 0xff;
      }
      if (v != 0) return -1;
      for (i++; i < mask.length; i++) {
        if (mask[i] != 0) return -1;
      }
      break;
    }
    return n;
  }

  /** Go's net.IPNet: the IP is not necessarily masked (net.cidr_merge keeps bare IPs as given). */
  record IpNet(byte[] ip, byte[] mask) {
    /** Go's networkNumberAndMask: the IP and mask in matching lengths, or null. */
    private byte[][] numberAndMask() {
      byte[] nn = to4(ip);
      if (nn == null) {
        nn = ip;
        if (nn.length != 16) return null;
      }
      byte[] m = mask;
      if (m.length == 4) {
        if (nn.length != 4) return null;
      } else if (m.length == 16) {
        if (nn.length == 4) m = Arrays.copyOfRange(m, 12, 16);
      } else {
        return null;
      }
      return new byte[][] {nn, m};
    }

    boolean contains(byte[] other) {
      byte[][] nm = numberAndMask();
      if (nm == null) return false;
      byte[] x = to4(other);
      if (x != null) other = x;
      if (other.length != nm[0].length) return false;
      for (int i = 0; i < other.length; i++) {
        if ((nm[0][i] & nm[1][i]) != (other[i] & nm[1][i])) return false;
      }
      return true;
    }

    int prefixLength() { return simpleMaskLength(mask); }

    int bits() { return mask.length * 8; }

    @Override
    public String toString() {
      byte[][] nm = numberAndMask();
      if (nm == null) return "<nil>";
      int l = simpleMaskLength(nm[1]);
      return ipString(nm[0]) + "/" + l;
    }
  }

  /** Go's net.ParseCIDR (network part), or null when the text is not a CIDR. */
  static IpNet parseCidr(String s) {
    int slash = s.indexOf('/');
    if (slash < 0) return null;
    Addr a;
    try {
      a = parseAddr(s.substring(0, slash));
    } catch (AddrException e) {
      return null;
    }
    if (!a.zone().isEmpty()) return null;
    String m = s.substring(slash + 1);
    int bits = a.is4() ? 32 : 128;
    int n = 0;
    int i = 0;
    for (; i < m.length() && m.charAt(i) >= '0' && m.charAt(i) <= '9'; i++) {
      n = n * 10 + (m.charAt(i) - '0');
      if (n >= 0xFFFFFF) return null;
    }
    if (i == 0 || i != m.length() || n > bits) return null;
    byte[] mask = cidrMask(n, bits);
    return new IpNet(maskIp(a.bytes16(), mask), mask);
  }

  private static IpNet netOperand(Value v) {
    if (!(v instanceof StringValue s)) throw BuiltinException.operand(0, "string", v);
    IpNet n = parseCidr(s.value());
    if (n == null) throw BuiltinException.error("invalid CIDR address: " + s.value());
    return n;
  }

  // --- builtins -------------------------------------------------------------------------------

  private static boolean cidrContains(Value cidr, Value member) {
    IpNet a = netOperand(cidr);
    if (!(member instanceof StringValue ms)) throw BuiltinException.operand(0, "string", member);
    byte[] ip = parseIp(ms.value());
    if (ip != null) return a.contains(ip);
    IpNet b = parseCidr(ms.value());
    if (b == null) {
      throw BuiltinException.error(
          "not a valid textual representation of an IP address or CIDR: " + ms.value());
    }
    return a.contains(b.ip()) && a.contains(lastIp(b));
  }

  private static byte[] lastIp(IpNet n) {
    int prefix = n.prefixLength();
    int bits = n.bits();
    if (prefix == bits) return n.ip();
    BigInteger first = new BigInteger(1, n.ip());
    BigInteger last = first.or(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
    return toBytes(last, bits / 8);
  }

  private static byte[] toBytes(BigInteger v, int len) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[len];
    int copy = Math.min(len, raw.length);
    System.arraycopy(raw, raw.length - copy, out, len - copy, copy);
    return out;
  }

  /** Visits (cidr, index) pairs of a cidr_contains_matches operand; elements are checked as reached. */
  private static void forEachCandidate(int operand, Value v, BiConsumer<Value, Value> f) {
    switch (v) {
      case StringValue s -> f.accept(s, s);
      case ArrayValue a -> {
        for (int i = 0; i < a.size(); i++) f.accept(matchCidr(operand, a.get(i)), NumberValue.of(i));
      }
      case SetValue s -> {
        for (Value e : s.elements()) f.accept(matchCidr(operand, e), e);
      }
      case ObjectValue o -> {
        for (int i = 0; i < o.size(); i++) f.accept(matchCidr(operand, o.valueAt(i)), o.keyAt(i));
      }
      default -> { }
    }
  }

  private static Value matchCidr(int operand, Value element) {
    if (element instanceof StringValue) return element;
    if (element instanceof ArrayValue a && !a.isEmpty()) return a.get(0);
    throw BuiltinException.error("operand " + operand + ": element must be string or non-empty array");
  }

  private static Value containsMatches(BuiltinContext ctx, Value cidrs, Value addresses) {
    SetValue.Builder result = SetValue.builder();
    forEachCandidate(1, cidrs, (cidr1, index1) -> forEachCandidate(2, addresses, (cidr2, index2) -> {
      ctx.checkLimits();
      if (cidrContains(cidr1, cidr2)) result.add(ArrayValue.of(index1, index2));
    }));
    return result.build();
  }

  private static Value expand(BuiltinContext ctx, String cidr) {
    IpNet n = parseCidr(cidr);
    if (n == null) throw BuiltinException.error("invalid CIDR address: " + cidr);
    byte[] ip = n.ip().clone();
    SetValue.Builder out = SetValue.builder();
    long count = 0;
    while (n.contains(ip)) {
      if ((++count & 0x3ff) == 0) ctx.checkLimits();
      out.add(StringValue.of(ipString(ip)));
      if (!increment(ip)) break;
    }
    return out.build();
  }

  /** Adds one in place; false when the address wrapped around to all zeros. */
  private static boolean increment(byte[] ip) {
    for (int j = ip.length - 1; j >= 0; j--) {
      ip[j]++;
      if (ip[j] != 0) return true;
    }
    return false;
  }

  /** An address range in the 128-bit space (IPv4 mapped into ::ffff:0:0/96). */
  private record Range(BigInteger first, BigInteger last, IpNet network) {}

  private static Value merge(Value operand) {
    List<Value> elems = switch (operand) {
      case ArrayValue a -> a.asList();
      case SetValue s -> s.elements();
      default -> throw BuiltinException.error("operand must be an array");
    };
    List<Range> ranges = new ArrayList<>();
    for (Value e : elems) ranges.add(range(mergeNetwork(e)));
    if (ranges.isEmpty()) return SetValue.EMPTY;
    ranges.sort(Comparator.comparing(Range::last).thenComparing(Range::first));
    for (int i = ranges.size() - 1; i > 0; i--) {
      Range cur = ranges.get(i);
      Range prev = ranges.get(i - 1);
      if (previousIp(cur.first()).compareTo(prev.last()) <= 0) {
        ranges.set(i - 1, new Range(cur.first().min(prev.first()), cur.last(), null));
        ranges.remove(i);
      }
    }
    SetValue.Builder out = SetValue.builder();
    for (Range r : ranges) {
      if (r.network() != null) {
        out.add(StringValue.of(r.network().toString()));
      } else {
        for (String c : rangeToCidrs(r.first(), r.last())) out.add(StringValue.of(c));
      }
    }
    return out.build();
  }

  /** A merge element: a CIDR, or a bare IPv4 address with its classful default mask. */
  private static IpNet mergeNetwork(Value e) {
    if (!(e instanceof StringValue s)) throw BuiltinException.error("element must be string");
    byte[] ip = parseIp(s.value());
    if (ip == null) {
      IpNet n = parseCidr(s.value());
      if (n == null) throw BuiltinException.error("invalid CIDR address: " + s.value());
      return n;
    }
    byte[] v4 = to4(ip);
    if (v4 == null) throw BuiltinException.error("IPv6 invalid: needs prefix length");
    int first = v4[0] & 0xff;
    int ones = first < 0x80 ? 8 : first < 0xc0 ? 16 : 24;
    return new IpNet(ip, cidrMask(ones, 32));
  }

  private static Range range(IpNet n) {
    byte[] masked = maskIp(n.ip(), n.mask());
    byte[] v4 = to4(masked);
    BigInteger first = v4 != null
        ? V4_MAPPED_BASE.or(new BigInteger(1, v4))
        : new BigInteger(1, masked);
    int hostBits = n.bits() - n.prefixLength();
    BigInteger last = first.or(BigInteger.ONE.shiftLeft(hostBits).subtract(BigInteger.ONE));
    return new Range(first, last, n);
  }

  /** One less, except at the bottom of the IPv4 or IPv6 space (as cilium's GetPreviousIP). */
  private static BigInteger previousIp(BigInteger ip) {
    if (ip.signum() == 0 || ip.equals(V4_MAPPED_BASE)) return ip;
    return ip.subtract(BigInteger.ONE);
  }

  /** The minimal list of CIDR blocks covering [first, last]. */
  private static List<String> rangeToCidrs(BigInteger first, BigInteger last) {
    List<String> out = new ArrayList<>();
    BigInteger cur = first;
    while (cur.compareTo(last) <= 0) {
      int size = cur.signum() == 0 ? 128 : cur.getLowestSetBit();
      size = Math.min(size, 128);
      while (size > 0 && cur.add(BigInteger.ONE.shiftLeft(size)).subtract(BigInteger.ONE).compareTo(last) > 0) {
        size--;
      }
      out.add(blockString(cur, 128 - size));
      cur = cur.add(BigInteger.ONE.shiftLeft(size));
    }
    return out;
  }

  private static String blockString(BigInteger start, int prefix128) {
    BigInteger end = start.add(BigInteger.ONE.shiftLeft(128 - prefix128));
    if (start.compareTo(V4_MAPPED_BASE) >= 0 && end.compareTo(V4_MAPPED_END) <= 0) {
      return ipString(toBytes(start.subtract(V4_MAPPED_BASE), 4)) + "/" + (prefix128 - 96);
    }
    return ipString(toBytes(start, 16)) + "/" + prefix128;
  }

  // --- DNS ------------------------------------------------------------------------------------

  private record LookupKey(String name) {}

  private static Value lookup(BuiltinContext ctx, String name) {
    LookupKey key = new LookupKey(name);
    Object cached = ctx.evaluationCache().get(key);
    if (cached instanceof Value v) return v;
    Value result = resolve(ctx, name);
    ctx.evaluationCache().put(key, result);
    return result;
  }

  private static Value resolve(BuiltinContext ctx, String name) {
    try {
      Addr literal = parseAddr(name);
      String text = ipString(literal.bytes16());
      if (!literal.zone().isEmpty()) text += "%" + literal.zone();
      return SetValue.of(StringValue.of(text));
    } catch (AddrException notLiteral) {
      // A host name: resolve it below.
    }
    // Go never treats these as literals (Java would: "1.2.3", "[::1]").
    if (name.isEmpty() || name.matches("[0-9.]+") || name.indexOf(':') >= 0 || name.indexOf('[') >= 0
        || name.indexOf('%') >= 0) {
      throw BuiltinException.error("lookup " + name + ": no such host");
    }
    Future<InetAddress[]> f = RESOLVER.submit(() -> InetAddress.getAllByName(name));
    InetAddress[] addrs;
    try {
      addrs = f.get(ctx.networkTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw BuiltinException.error("lookup " + name + ": i/o timeout");
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw BuiltinException.error("lookup " + name + ": operation was canceled");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownHostException) {
        throw BuiltinException.error("lookup " + name + ": no such host");
      }
      throw BuiltinException.error("lookup " + name + ": " + e.getCause().getMessage());
    }
    SetValue.Builder out = SetValue.builder();
    for (InetAddress a : addrs) {
      byte[] raw = a.getAddress();
      String text = ipString(raw);
      if (a instanceof Inet6Address v6) {
        if (v6.getScopedInterface() != null) {
          text += "%" + v6.getScopedInterface().getName();
        } else if (v6.getScopeId() != 0) {
          text += "%" + v6.getScopeId();
        }
      }
      out.add(StringValue.of(text));
    }
    return out.build();
  }
}
