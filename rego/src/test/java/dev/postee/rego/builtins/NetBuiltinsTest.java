package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NetBuiltinsTest {

  private static Value call(String name, Value... args) {
    return BuiltinRegistry.standard().lookup(name).function().call(new DefaultBuiltinContext(), args);
  }

  private static StringValue s(String v) { return StringValue.of(v); }

  private static SetValue strings(String... v) {
    return SetValue.of(Arrays.stream(v).map(StringValue::of).toList());
  }

  private static ArrayValue array(String... v) {
    return ArrayValue.of(Arrays.stream(v).map(StringValue::of).toList());
  }

  private static void assertError(String code, String message, String name, Value... args) {
    assertThatThrownBy(() -> call(name, args))
        .isInstanceOfSatisfying(BuiltinException.class, e -> {
          assertThat(e.code()).isEqualTo(code);
          assertThat(e.getMessage()).isEqualTo(message);
        });
  }

  @Test
  void cidrContainsSubnetsAndAddresses() {
    assertThat(call("net.cidr_contains", s("10.0.0.0/8"), s("10.1.0.0/24"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("net.cidr_contains", s("172.17.0.0/24"), s("172.17.0.0/16"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("net.cidr_contains", s("10.0.0.0/8"), s("192.168.1.0/24"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("net.cidr_contains", s("10.0.0.0/8"), s("10.1.1.1/32"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("net.cidr_contains", s("2001:4860:4860::8888/32"), s("2001:4860:4860:1234::8888/40")))
        .isEqualTo(BooleanValue.TRUE);
    assertThat(call("net.cidr_contains", s("2001:4860:4860::8888/32"), s("2001:4860:4860:1234:5678:1234:5678:8888/128")))
        .isEqualTo(BooleanValue.TRUE);
    assertThat(call("net.cidr_contains", s("2001:4860::/96"), s("2001:4860::/32"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("net.cidr_contains", s("2001:4860::/32"), s("fd1e:5bfe:8af3:9ddc::/64"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("net.cidr_contains", s("10.0.0.0/8"), s("10.1.2.3"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("net.cidr_contains", s("10.0.0.0/8"), s("192.168.1.1"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("net.cidr_contains", s("10.0.0.0/8"), s("::ffff:10.0.0.1"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("net.cidr_contains", s("::/0"), s("10.0.0.1"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("net.cidr_overlap", s("10.0.0.0/8"), s("10.1.2.3"))).isEqualTo(BooleanValue.TRUE);
  }

  @Test
  void cidrContainsRejectsMalformedInput() {
    assertError(BuiltinException.BUILTIN_ERROR, "invalid CIDR address: not-a-cidr", "net.cidr_contains",
        s("not-a-cidr"), s("192.168.1.67"));
    assertError(BuiltinException.BUILTIN_ERROR,
        "not a valid textual representation of an IP address or CIDR: not-a-cidr", "net.cidr_contains",
        s("192.168.1.0/28"), s("not-a-cidr"));
    assertError(BuiltinException.BUILTIN_ERROR, "invalid CIDR address: 010.0.0.0/8", "net.cidr_contains",
        s("010.0.0.0/8"), s("10.0.0.1"));
  }

  @Test
  void cidrIntersects() {
    assertThat(call("net.cidr_intersects", s("192.168.1.0/25"), s("192.168.1.64/25"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("net.cidr_intersects", s("192.168.1.0/24"), s("192.168.2.0/24"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("net.cidr_intersects", s("fd1e:5bfe:8af3:9ddc::/64"), s("fd1e:5bfe:8af3:9ddc:1111::/72")))
        .isEqualTo(BooleanValue.TRUE);
    assertThat(call("net.cidr_intersects", s("fd1e:5bfe:8af3:9ddc::/64"), s("2001:4860:4860::8888/32")))
        .isEqualTo(BooleanValue.FALSE);
    assertError(BuiltinException.BUILTIN_ERROR, "invalid CIDR address: not-a-cidr", "net.cidr_intersects",
        s("192.168.1.0/28"), s("not-a-cidr"));
  }

  @Test
  void cidrIsValid() {
    assertThat(call("net.cidr_is_valid", s("192.168.1.0/24"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("net.cidr_is_valid", s(""))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("net.cidr_is_valid", s("there goes a string"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("net.cidr_is_valid", s("192.168.1.2"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("net.cidr_is_valid", s("2002::1234:abcd:ffff:c0a8:101/64"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("net.cidr_is_valid", s("192.168.1.1/33"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("net.cidr_is_valid", s("fe80::1%eth0/64"))).isEqualTo(BooleanValue.FALSE);
  }

  @Test
  void cidrExpandListsEveryAddress() {
    assertThat(call("net.cidr_expand", s("192.168.1.1/30")))
        .isEqualTo(strings("192.168.1.0", "192.168.1.1", "192.168.1.2", "192.168.1.3"));
    assertThat(call("net.cidr_expand", s("172.16.100.255/30")))
        .isEqualTo(strings("172.16.100.252", "172.16.100.253", "172.16.100.254", "172.16.100.255"));
    assertThat(call("net.cidr_expand", s("192.168.1.1/32"))).isEqualTo(strings("192.168.1.1"));
    assertThat(call("net.cidr_expand", s("2001:db8::/127"))).isEqualTo(strings("2001:db8::", "2001:db8::1"));
    assertThat(call("net.cidr_expand", s("255.255.255.255/32"))).isEqualTo(strings("255.255.255.255"));
    assertError(BuiltinException.BUILTIN_ERROR, "invalid CIDR address: 192.168.1.1/33", "net.cidr_expand",
        s("192.168.1.1/33"));
  }

  @Test
  void cidrMergeMatchesOpaCases() {
    assertThat(call("net.cidr_merge", array("192.0.128.0/24", "192.0.128.0/24"))).isEqualTo(strings("192.0.128.0/24"));
    assertThat(call("net.cidr_merge", array("192.0.128.0/24", "0.0.0.0/0"))).isEqualTo(strings("0.0.0.0/0"));
    assertThat(call("net.cidr_merge", array("192.0.128.0/24", "192.0.129.0/24"))).isEqualTo(strings("192.0.128.0/23"));
    assertThat(call("net.cidr_merge", array("192.0.2.112/30", "192.0.2.116/31", "192.0.2.118/31")))
        .isEqualTo(strings("192.0.2.112/29"));
    assertThat(call("net.cidr_merge", array("192.0.2.112/30", "192.0.2.116/32", "192.0.2.118/31")))
        .isEqualTo(strings("192.0.2.112/30", "192.0.2.116/32", "192.0.2.118/31"));
    assertThat(call("net.cidr_merge", array("192.0.2.112/31", "192.0.2.116/31", "192.0.2.118/31")))
        .isEqualTo(strings("192.0.2.112/31", "192.0.2.116/30"));
    assertThat(call("net.cidr_merge", array("192.0.1.254/31", "192.0.2.0/28", "192.0.2.16/28", "192.0.2.32/28",
        "192.0.2.48/28", "192.0.2.64/28", "192.0.2.80/28", "192.0.2.96/28", "192.0.2.112/28", "192.0.2.128/28",
        "192.0.2.144/28", "192.0.2.160/28", "192.0.2.176/28", "192.0.2.192/28", "192.0.2.208/28", "192.0.2.224/28",
        "192.0.2.240/28", "192.0.3.0/28")))
        .isEqualTo(strings("192.0.1.254/31", "192.0.2.0/24", "192.0.3.0/28"));
    assertThat(call("net.cidr_merge", array("::/0", "fe80::1/128"))).isEqualTo(strings("::/0"));
    assertThat(call("net.cidr_merge", array("::/0", "::192.0.2.0/124", "ff00::101/128"))).isEqualTo(strings("::/0"));
    assertThat(call("net.cidr_merge", array("fe80::/120", "192.0.2.0/24", "192.0.3.0/24", "192.0.4.0/25", "192.0.4.128/25")))
        .isEqualTo(strings("192.0.2.0/23", "192.0.4.0/24", "fe80::/120"));
    assertThat(call("net.cidr_merge", ArrayValue.EMPTY)).isEqualTo(SetValue.EMPTY);
    assertThat(call("net.cidr_merge", array("192.0.2.112", "192.0.2.116/31", "192.0.2.118/31")))
        .isEqualTo(strings("192.0.2.0/24"));
    assertThat(call("net.cidr_merge", array("192.0.128.0", "192.0.129.0"))).isEqualTo(strings("192.0.128.0/23"));
    assertThat(call("net.cidr_merge", strings("192.0.2.112/30", "192.0.2.116/31", "192.0.2.118/31")))
        .isEqualTo(strings("192.0.2.112/29"));
    assertThat(call("net.cidr_merge", array("2601:600:8a80:207e:a57d:7567:e2c9:e7b3/64",
        "2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"))).isEqualTo(strings("2601:600:8a80:207e::/64"));
    assertThat(call("net.cidr_merge", array("2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128")))
        .isEqualTo(strings("2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"));
    // A lone bare address keeps its unmasked IP with the classful default mask, as Go prints it.
    assertThat(call("net.cidr_merge", array("10.1.2.3"))).isEqualTo(strings("10.1.2.3/8"));
  }

  @Test
  void cidrMergeErrors() {
    assertError(BuiltinException.BUILTIN_ERROR, "IPv6 invalid: needs prefix length", "net.cidr_merge",
        array("2601:600:8a80:207e:a57d:7567:e2c9:e7b3"));
    assertError(BuiltinException.BUILTIN_ERROR, "invalid CIDR address: foo", "net.cidr_merge", array("foo"));
    assertError(BuiltinException.BUILTIN_ERROR, "element must be string", "net.cidr_merge", ArrayValue.of(NumberValue.of(1)));
  }

  @Test
  void cidrContainsMatchesReportsIndexes() {
    Value cidrs = ArrayValue.of(s("10.0.0.0/8"), ArrayValue.of(s("192.168.0.0/16"), s("extra")));
    Value addrs = ObjectValue.ofStrings("a", s("10.1.1.1"), "b", ArrayValue.of(s("192.168.1.1")), "c", s("1.1.1.1"));
    assertThat(call("net.cidr_contains_matches", cidrs, addrs)).isEqualTo(SetValue.of(
        ArrayValue.of(NumberValue.of(0), s("a")), ArrayValue.of(NumberValue.of(1), s("b"))));
    assertThat(call("net.cidr_contains_matches", s("10.0.0.0/8"), SetValue.of(s("10.0.0.1"), s("11.0.0.1"))))
        .isEqualTo(SetValue.of(ArrayValue.of(s("10.0.0.0/8"), s("10.0.0.1"))));
    assertError(BuiltinException.BUILTIN_ERROR, "operand 2: element must be string or non-empty array",
        "net.cidr_contains_matches", s("10.0.0.0/8"), ArrayValue.of(ArrayValue.EMPTY));
    assertError(BuiltinException.TYPE_ERROR, "operand 1 must be string but got number",
        "net.cidr_contains_matches", ArrayValue.of(ArrayValue.of(NumberValue.of(1))), s("10.0.0.1"));
  }

  @Test
  void lookupIpAddrReturnsLiteralsAndResolvesLocalhost() {
    assertThat(call("net.lookup_ip_addr", s("10.0.0.0"))).isEqualTo(strings("10.0.0.0"));
    assertThat(call("net.lookup_ip_addr", s("::"))).isEqualTo(strings("::"));
    assertThat(call("net.lookup_ip_addr", s("2001:DB8:0:0:1::1"))).isEqualTo(strings("2001:db8::1:0:0:1"));
    assertThat(call("net.lookup_ip_addr", s("localhost"))).isIn(
        strings("127.0.0.1"), strings("::1"), strings("127.0.0.1", "::1"));
    assertError(BuiltinException.BUILTIN_ERROR, "lookup no-such-host.invalid: no such host",
        "net.lookup_ip_addr", s("no-such-host.invalid"));
  }

  @Test
  void goAddressParserMatchesNetip() throws Exception {
    assertThat(NetBuiltins.ipString(NetBuiltins.parseAddr("::ffff:1.2.3.4").bytes16())).isEqualTo("1.2.3.4");
    assertThat(NetBuiltins.ipString(NetBuiltins.parseAddr("2001:db8:0:1:0:0:0:1").bytes16())).isEqualTo("2001:db8:0:1::1");
    assertThat(NetBuiltins.ipString(NetBuiltins.parseAddr("2001:0:0:1:0:0:0:1").bytes16())).isEqualTo("2001:0:0:1::1");
    assertThat(NetBuiltins.ipString(NetBuiltins.parseAddr("1:0:1:1:1:1:1:1").bytes16())).isEqualTo("1:0:1:1:1:1:1:1");
    assertThatThrownBy(() -> NetBuiltins.parseAddr("1.2.3"))
        .hasMessage("ParseAddr(\"1.2.3\"): IPv4 address too short");
    assertThatThrownBy(() -> NetBuiltins.parseAddr("v1.x"))
        .hasMessage("ParseAddr(\"v1.x\"): unexpected character (at \"v1.x\")");
    assertThatThrownBy(() -> NetBuiltins.parseAddr("1::2::3"))
        .hasMessage("ParseAddr(\"1::2::3\"): multiple :: in address (at \":3\")");
  }
}
