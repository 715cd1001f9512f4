package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.util.Arrays;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class StringBuiltinsTest {

  static Value call(String name, Value... args) {
    BuiltinRegistry.Entry e = BuiltinRegistry.standard().lookup(name);
    assertThat(e).as("builtin %s", name).isNotNull();
    return e.function().call(new DefaultBuiltinContext(), args);
  }

  static StringValue s(String v) { return StringValue.of(v); }

  static NumberValue n(long v) { return NumberValue.of(v); }

  static NumberValue n(String literal) { return NumberValue.parse(literal); }

  static ArrayValue arr(Value... vs) { return ArrayValue.of(vs); }

  static ArrayValue strs(String... vs) { return ArrayValue.of(Arrays.stream(vs).map(StringValue::of).toArray(Value[]::new)); }

  static SetValue set(Value... vs) { return SetValue.of(vs); }

  static void assertFails(String code, String message, String name, Value... args) {
    assertThatThrownBy(() -> call(name, args))
        .isInstanceOfSatisfying(BuiltinException.class, e -> {
          assertThat(e.code()).isEqualTo(code);
          assertThat(e.getMessage()).isEqualTo(message);
        });
  }

  static void assertTypeError(String message, String name, Value... args) {
    assertFails(BuiltinException.TYPE_ERROR, message, name, args);
  }

  static void assertBuiltinError(String message, String name, Value... args) {
    assertFails(BuiltinException.BUILTIN_ERROR, message, name, args);
  }

  @Nested
  class Basics {
    @Test
    void concatJoinsArraysAndSets() {
      assertThat(call("concat", s("/"), strs("", "foo", "bar", "0", "baz"))).isEqualTo(s("/foo/bar/0/baz"));
      assertThat(call("concat", s(","), set(s("1"), s("2"), s("3")))).isEqualTo(s("1,2,3"));
      assertThat(call("concat", s(","), ArrayValue.EMPTY)).isEqualTo(s(""));
      assertThat(call("concat", s(","), SetValue.EMPTY)).isEqualTo(s(""));
      assertThat(call("concat", s("--"), strs("x"))).isEqualTo(s("x"));
    }

    @Test
    void concatRejectsNonStringsWithOpaMessages() {
      assertTypeError("operand 2 must be array of strings but got array containing number",
          "concat", s("/"), arr(s("a"), n(1)));
      assertTypeError("operand 2 must be set of strings but got set containing number",
          "concat", s("/"), set(s("a"), n(1)));
      assertTypeError("operand 2 must be one of {set, array} but got number", "concat", s("/"), n(1));
      assertTypeError("operand 1 must be string but got number", "concat", n(1), strs("a"));
    }

    @Test
    void containsStartsEndsWith() {
      assertThat(call("contains", s("abcdefgh"), s("defg"))).isEqualTo(BooleanValue.TRUE);
      assertThat(call("contains", s("abcdefgh"), s("ac"))).isEqualTo(BooleanValue.FALSE);
      assertThat(call("contains", s("fireplace"), s("repl"))).isEqualTo(BooleanValue.TRUE);
      assertThat(call("contains", s("x"), s(""))).isEqualTo(BooleanValue.TRUE);
      assertThat(call("startswith", s("abcdefgh"), s("abcd"))).isEqualTo(BooleanValue.TRUE);
      assertThat(call("startswith", s("abcdefgh"), s("bcd"))).isEqualTo(BooleanValue.FALSE);
      assertThat(call("endswith", s("abcdefgh"), s("fgh"))).isEqualTo(BooleanValue.TRUE);
      assertThat(call("endswith", s("abcdefgh"), s("fg"))).isEqualTo(BooleanValue.FALSE);
      assertTypeError("operand 2 must be string but got number", "startswith", s("a"), n(1));
    }

    @Test
    void lowerAndUpperUseSimpleUnicodeMappings() {
      assertThat(call("lower", s("AbCdEf"))).isEqualTo(s("abcdef"));
      assertThat(call("upper", s("AbCdEf"))).isEqualTo(s("ABCDEF"));
      assertThat(call("upper", s("straße"))).isEqualTo(s("STRAßE"));
      assertThat(call("lower", s("İSTANBUL"))).isEqualTo(s("istanbul"));
      assertThat(call("lower", s("ΟΔΟΣ"))).isEqualTo(s("οδοσ"));
      assertThat(call("upper", s("åäö 😀"))).isEqualTo(s("ÅÄÖ 😀"));
    }

    @Test
    void indexofCountsCodePoints() {
      assertThat(call("indexof", s("abcdefgh"), s("cde"))).isEqualTo(n(2));
      assertThat(call("indexof", s("abcabcabcdefgh"), s("cde"))).isEqualTo(n(8));
      assertThat(call("indexof", s("abcdefgh"), s("xyz"))).isEqualTo(n(-1));
      assertThat(call("indexof", s("μx"), s("x"))).isEqualTo(n(1));
      assertThat(call("indexof", s("μ"), s("μμ"))).isEqualTo(n(-1));
      assertThat(call("indexof", s("skön var våren"), s("vår"))).isEqualTo(n(9));
      assertThat(call("indexof", s("🍧🍨🧁🍰🍮"), s("🍮"))).isEqualTo(n(4));
      assertThat(call("indexof", s("🍧🍨🧁🍰🍮"), s("🍧🍨🧁🍰🍮"))).isEqualTo(n(0));
      assertBuiltinError("empty search character", "indexof", s("abc"), s(""));
    }

    @Test
    void indexofNFindsOverlappingMatches() {
      assertThat(call("indexof_n", s("dogcat"), s("cat"))).isEqualTo(arr(n(3)));
      assertThat(call("indexof_n", s("dogcatdogcat"), s("cat"))).isEqualTo(arr(n(3), n(9)));
      assertThat(call("indexof_n", s("dogcat"), s("rabbit"))).isEqualTo(ArrayValue.EMPTY);
      assertThat(call("indexof_n", s("😇😀😇😀😇😀"), s("😀"))).isEqualTo(arr(n(1), n(3), n(5)));
      assertThat(call("indexof_n", s("😇😀😇😀😇😀"), s("😂"))).isEqualTo(ArrayValue.EMPTY);
      assertThat(call("indexof_n", s("aaaa"), s("aa"))).isEqualTo(arr(n(0), n(1), n(2)));
      assertBuiltinError("empty search character", "indexof_n", s("abc"), s(""));
    }

    @Test
    void substringCountsCodePoints() {
      assertThat(call("substring", s("abcdefgh"), n(2), n(3))).isEqualTo(s("cde"));
      assertThat(call("substring", s("åäö"), n(0), n(2))).isEqualTo(s("åä"));
      assertThat(call("substring", s("abcdefgh"), n(2), n(-1))).isEqualTo(s("cdefgh"));
      assertThat(call("substring", s("aåäö"), n(2), n(-1))).isEqualTo(s("äö"));
      assertThat(call("substring", s("abcdefgh"), n(2), n(10000))).isEqualTo(s("cdefgh"));
      assertThat(call("substring", s("abcdefghåäö"), n(2), n(10000))).isEqualTo(s("cdefghåäö"));
      assertThat(call("substring", s("aaa"), n(3), n(-1))).isEqualTo(s(""));
      assertThat(call("substring", s("åäö"), n(4), n(-1))).isEqualTo(s(""));
      assertThat(call("substring", s("😀😁😂"), n(1), n(1))).isEqualTo(s("😁"));
      assertThat(call("substring", s(""), n(0), n(5))).isEqualTo(s(""));
      assertThat(call("substring", s("abc"), n(1), n("9223372036854775807"))).isEqualTo(s("bc"));
      assertBuiltinError("negative offset", "substring", s("aaa"), n(-1), n(-1));
      assertBuiltinError("negative offset", "substring", s("åäö"), n(-1), n(-1));
      assertTypeError("operand 2 must be integer number but got floating-point number",
          "substring", s("aaa"), n("1.5"), n(1));
      assertTypeError("operand 3 must be number but got string", "substring", s("aaa"), n(1), s("x"));
    }

    @Test
    void stringsCountIsNonOverlapping() {
      assertThat(call("strings.count", s("cheese"), s("e"))).isEqualTo(n(3));
      assertThat(call("strings.count", s("hello hello hello world"), s("hello"))).isEqualTo(n(3));
      assertThat(call("strings.count", s("dummy"), s("x"))).isEqualTo(n(0));
      assertThat(call("strings.count", s("dummy"), s(""))).isEqualTo(n(6));
      assertThat(call("strings.count", s(""), s(""))).isEqualTo(n(1));
      assertThat(call("strings.count", s(""), s("x"))).isEqualTo(n(0));
      assertThat(call("strings.count", s("11111"), s("11"))).isEqualTo(n(2));
      assertThat(call("strings.count", s("11111"), s("11111"))).isEqualTo(n(1));
      assertThat(call("strings.count", s("😀😀"), s(""))).isEqualTo(n(3));
    }

    @Test
    void reverseKeepsCodePointsIntact() {
      assertThat(call("strings.reverse", s("bar"))).isEqualTo(s("rab"));
      assertThat(call("strings.reverse", s("2\ufe0f\u20e3"))).isEqualTo(s("\u20e3\ufe0f2"));
      assertThat(call("strings.reverse", s("1\ud83d\ude00\ud835\udefe"))).isEqualTo(s("\ud835\udefe\ud83d\ude001"));
      assertThat(call("strings.reverse", s(""))).isEqualTo(s(""));
      assertTypeError("operand 1 must be string but got number", "strings.reverse", n(123));
      assertTypeError("operand 1 must be string but got object", "strings.reverse", ObjectValue.ofStrings("bar", s("baz")));
    }
  }

  @Nested
  class FormatInt {
    @Test
    void formatsInAllBases() {
      assertThat(call("format_int", n(15), n(16))).isEqualTo(s("f"));
      assertThat(call("format_int", n(15), n(2))).isEqualTo(s("1111"));
      assertThat(call("format_int", n(8), n(8))).isEqualTo(s("10"));
      assertThat(call("format_int", n(-255), n(16))).isEqualTo(s("-ff"));
      assertThat(call("format_int", n(0), n(10))).isEqualTo(s("0"));
    }

    @Test
    void truncatesFractionsTowardZero() {
      assertThat(call("format_int", n("15.5"), n(16))).isEqualTo(s("f"));
      assertThat(call("format_int", n("3.1"), n(10))).isEqualTo(s("3"));
      assertThat(call("format_int", n("4.1"), n(10))).isNotEqualTo(s("3"));
      assertThat(call("format_int", n("15.9"), n(16))).isEqualTo(s("f"));
      assertThat(call("format_int", n("-15.9"), n(16))).isEqualTo(s("-f"));
      assertThat(call("format_int", n("0.5"), n(10))).isEqualTo(s("0"));
      assertThat(call("format_int", n("1e3"), n(16))).isEqualTo(s("3e8"));
    }

    @Test
    void keepsBigIntegersExact() {
      NumberValue big = n("18446744073709551617");
      assertThat(call("format_int", big, n(16))).isEqualTo(s("10000000000000001"));
      assertThat(call("format_int", big, n(10))).isEqualTo(s("18446744073709551617"));
      assertThat(call("format_int", big, n(8))).isEqualTo(s("2000000000000000000001"));
      assertThat(call("format_int", big, n(2)))
          .isEqualTo(s("10000000000000000000000000000000000000000000000000000000000000001"));
      assertThat(call("format_int", n("-18446744073709551617"), n(16))).isEqualTo(s("-10000000000000001"));
      assertThat(call("format_int", n("-18446744073709551617"), n(10))).isEqualTo(s("-18446744073709551617"));
    }

    @Test
    void roundsLongFractionsToA64BitMantissaLikeBigFloat() {
      // 2^64 + 0.5 needs more than 64 bits of mantissa; big.Float rounds it to 2^64.
      assertThat(call("format_int", n("18446744073709551616.5"), n(10))).isEqualTo(s("18446744073709551616"));
      assertThat(call("format_int", n("1e30"), n(10))).isEqualTo(s("1000000000000000000024696061952"));
    }

    @Test
    void rejectsOtherBases() {
      assertTypeError("operand 2 must be one of {2, 8, 10, 16}", "format_int", n("4.1"), n(199));
      assertTypeError("operand 2 must be one of {2, 8, 10, 16}", "format_int", n(4), n("10.0"));
      assertTypeError("operand 1 must be number but got string", "format_int", s("4"), n(10));
    }
  }

  @Nested
  class ReplaceAndSplit {
    @Test
    void replaceIsLeftmostNonOverlapping() {
      assertThat(call("replace", s(""), s("hi"), s("bye"))).isEqualTo(s(""));
      assertThat(call("replace", s("foo.bar"), s("."), s(","))).isEqualTo(s("foo,bar"));
      assertThat(call("replace", s("foo.bar.baz"), s("."), s(","))).isEqualTo(s("foo,bar,baz"));
      assertThat(call("replace", s("foo...bar"), s(".."), s(",,"))).isEqualTo(s("foo,,.bar"));
      assertThat(call("replace", s("ab"), s(""), s("-"))).isEqualTo(s("-a-b-"));
      assertThat(call("replace", s("😀"), s(""), s("-"))).isEqualTo(s("-😀-"));
    }

    @Test
    void replaceNAppliesPatternsInKeyOrder() {
      ObjectValue patterns = ObjectValue.ofStrings("<", s("&lt;"), ">", s("&gt;"));
      assertThat(call("strings.replace_n", patterns, s("This is <b>HTML</b>!")))
          .isEqualTo(s("This is &lt;b&gt;HTML&lt;/b&gt;!"));
      // "a" sorts before "ab", so it wins wherever both match.
      assertThat(call("strings.replace_n", ObjectValue.ofStrings("a", s("1"), "ab", s("2")), s("abab")))
          .isEqualTo(s("1b1b"));
      assertThat(call("strings.replace_n", ObjectValue.ofStrings("ab", s("2"), "b", s("3")), s("abb")))
          .isEqualTo(s("23"));
      assertThat(call("strings.replace_n", ObjectValue.ofStrings("", s("-"), "a", s("A")), s("ab")))
          .isEqualTo(s("-A-b-"));
      assertThat(call("strings.replace_n", ObjectValue.EMPTY, s("abc"))).isEqualTo(s("abc"));
    }

    @Test
    void replaceNRejectsNonStringPairs() {
      ObjectValue nonStringKey = ObjectValue.builder().put(n(1), s("x")).build();
      assertTypeError("operand 1 non-string key found in pattern object", "strings.replace_n", nonStringKey, s("a"));
      assertTypeError("operand 1 non-string value found in pattern object",
          "strings.replace_n", ObjectValue.ofStrings("a", n(1)), s("a"));
      assertTypeError("operand 2 must be string but got number", "strings.replace_n", ObjectValue.EMPTY, n(1));
    }

    @Test
    void splitFollowsGo() {
      assertThat(call("split", s(""), s("."))).isEqualTo(strs(""));
      assertThat(call("split", s("test"), s(""))).isEqualTo(strs("t", "e", "s", "t"));
      assertThat(call("split", s(""), s(""))).isEqualTo(ArrayValue.EMPTY);
      assertThat(call("split", s("foo"), s("."))).isEqualTo(strs("foo"));
      assertThat(call("split", s("foo.bar.baz"), s("."))).isEqualTo(strs("foo", "bar", "baz"));
      assertThat(call("split", s("a..b."), s("."))).isEqualTo(strs("a", "", "b", ""));
      assertThat(call("split", s("😀x😀"), s(""))).isEqualTo(strs("😀", "x", "😀"));
    }

    @Test
    void splitNTakesFirstOrLastFields() {
      assertThat(call("strings.split_n", s("a.b.c.d"), s("."), n(2))).isEqualTo(strs("a", "b"));
      assertThat(call("strings.split_n", s("a.b.c.d"), s("."), n(1))).isEqualTo(strs("a"));
      assertThat(call("strings.split_n", s("a.b.c.d"), s("."), n(4))).isEqualTo(strs("a", "b", "c", "d"));
      assertThat(call("strings.split_n", s("a.b.c.d"), s("."), n(10))).isEqualTo(strs("a", "b", "c", "d"));
      assertThat(call("strings.split_n", s("a.b.c.d"), s("."), n(0))).isEqualTo(ArrayValue.EMPTY);
      assertThat(call("strings.split_n", s("a.b.c.d"), s("."), n(-2))).isEqualTo(strs("c", "d"));
      assertThat(call("strings.split_n", s("a.b.c.d"), s("."), n(-1))).isEqualTo(strs("d"));
      assertThat(call("strings.split_n", s("a.b.c.d"), s("."), n(-4))).isEqualTo(strs("a", "b", "c", "d"));
      assertThat(call("strings.split_n", s("a.b.c.d"), s("."), n(-10))).isEqualTo(strs("a", "b", "c", "d"));
      assertThat(call("strings.split_n", s("abc"), s("."), n(2))).isEqualTo(strs("abc"));
      assertThat(call("strings.split_n", s("abc"), s("."), n(-2))).isEqualTo(strs("abc"));
      assertThat(call("strings.split_n", s(""), s("."), n(2))).isEqualTo(strs(""));
      assertThat(call("strings.split_n", s("abc"), s(""), n(2))).isEqualTo(strs("a", "b"));
      assertThat(call("strings.split_n", s("abc"), s(""), n(-2))).isEqualTo(strs("b", "c"));
      assertThat(call("strings.split_n", s("a.b"), s("."), n("9223372036854775807"))).isEqualTo(strs("a", "b"));
      assertThat(call("strings.split_n", s("alice;alice@example.com;admin;active"), s(";"), n(2)))
          .isEqualTo(strs("alice", "alice@example.com"));
      assertTypeError("operand 3 must be integer number but got floating-point number",
          "strings.split_n", s("a.b.c"), s("."), n("1.5"));
    }
  }

  @Nested
  class Trimming {
    @Test
    void trimUsesACutsetOfCodePoints() {
      assertThat(call("trim", s(""), s("."))).isEqualTo(s(""));
      assertThat(call("trim", s("foo.bar..."), s("."))).isEqualTo(s("foo.bar"));
      assertThat(call("trim", s("...foo.bar"), s("."))).isEqualTo(s("foo.bar"));
      assertThat(call("trim", s("...foo.bar..."), s(".fr"))).isEqualTo(s("oo.ba"));
      assertThat(call("trim", s("...foo.bar..."), s(".o"))).isEqualTo(s("foo.bar"));
      assertThat(call("trim", s("¡¡¡foo, bar!!!"), s("!¡"))).isEqualTo(s("foo, bar"));
      assertThat(call("trim", s("¡¡¡foo, bar!!!"), s("i"))).isEqualTo(s("¡¡¡foo, bar!!!"));
      assertThat(call("trim", s("abc"), s(""))).isEqualTo(s("abc"));
      assertThat(call("trim", s("😀a😀"), s("😀"))).isEqualTo(s("a"));
    }

    @Test
    void trimLeftRightPrefixSuffix() {
      assertThat(call("trim_left", s("¡¡¡foo, bar!!!"), s("!¡"))).isEqualTo(s("foo, bar!!!"));
      assertThat(call("trim_left", s("!!!foo, bar¡¡¡"), s("¡"))).isEqualTo(s("!!!foo, bar¡¡¡"));
      assertThat(call("trim_right", s("¡¡¡foo, bar!!!"), s("!¡"))).isEqualTo(s("¡¡¡foo, bar"));
      assertThat(call("trim_right", s("!!!foo, bar¡¡¡"), s("!"))).isEqualTo(s("!!!foo, bar¡¡¡"));
      assertThat(call("trim_prefix", s("¡¡¡foo, bar!!!"), s("¡¡¡foo"))).isEqualTo(s(", bar!!!"));
      assertThat(call("trim_prefix", s("¡¡¡foo, bar!!!"), s("foo"))).isEqualTo(s("¡¡¡foo, bar!!!"));
      assertThat(call("trim_suffix", s("¡¡¡foo, bar!!!"), s(", bar!!!"))).isEqualTo(s("¡¡¡foo"));
      assertThat(call("trim_suffix", s("¡¡¡foo, bar!!!"), s(", foo!!!"))).isEqualTo(s("¡¡¡foo, bar!!!"));
      assertThat(call("trim_prefix", s("aaa"), s("a"))).isEqualTo(s("aa"));
    }

    @Test
    void trimSpaceUsesUnicodeWhiteSpace() {
      assertThat(call("trim_space", s(" \t\n foo, bar \n\t\r\n"))).isEqualTo(s("foo, bar"));
      assertThat(call("trim_space", s("foo, bar"))).isEqualTo(s("foo, bar"));
      assertThat(call("trim_space", s("\u00a0\u2003x\u3000\u0085"))).isEqualTo(s("x"));
      // U+001C is whitespace for Java but not for Go.
      assertThat(call("trim_space", s("\u001cx"))).isEqualTo(s("\u001cx"));
      assertThat(call("trim_space", s("   "))).isEqualTo(s(""));
    }
  }

  @Nested
  class AffixMatch {
    @Test
    void anyPrefixMatch() {
      assertThat(call("strings.any_prefix_match", strs("a/b/c", "a/b/d", "e/f/g"), strs("a/", "d/"))).isEqualTo(BooleanValue.TRUE);
      assertThat(call("strings.any_prefix_match", strs("a/b/c", "a/b/d", "e/f/g"), strs("f/", "d/"))).isEqualTo(BooleanValue.FALSE);
      assertThat(call("strings.any_prefix_match", strs("a/b/c", "a/b/d", "e/f/g"), strs("a/b/", "a/"))).isEqualTo(BooleanValue.TRUE);
      assertThat(call("strings.any_prefix_match", strs("a/b/c", "a/b/d", "e/f/g"), strs("d/", "e/f/g"))).isEqualTo(BooleanValue.TRUE);
      assertThat(call("strings.any_prefix_match", strs("aa/bb/cc", "aa/bb/dd", "ee/ff/gg"), strs("aa/b", "e/f"))).isEqualTo(BooleanValue.TRUE);
      assertThat(call("strings.any_prefix_match", strs("aa/bb/cc", "aa/bb/dd", "ee/ff/gg"), strs("a/b", "e/f"))).isEqualTo(BooleanValue.FALSE);
      assertThat(call("strings.any_prefix_match", strs("aa/bb/cc", "aa/bb/dd", "ee/ff/gg"), strs("b/cc"))).isEqualTo(BooleanValue.FALSE);
      assertThat(call("strings.any_prefix_match", ArrayValue.EMPTY, strs("a/b"))).isEqualTo(BooleanValue.FALSE);
      assertThat(call("strings.any_prefix_match", strs("a/b/c"), ArrayValue.EMPTY)).isEqualTo(BooleanValue.FALSE);
      assertThat(call("strings.any_prefix_match", strs("a/b/c", "a/b/d", "e/f/g"), s("a/"))).isEqualTo(BooleanValue.TRUE);
      assertThat(call("strings.any_prefix_match", strs("a/b/c", "a/b/d", "e/f/g"), s("d/"))).isEqualTo(BooleanValue.FALSE);
      assertThat(call("strings.any_prefix_match", s("a/b/c"), strs("a/", "d/"))).isEqualTo(BooleanValue.TRUE);
      assertThat(call("strings.any_prefix_match", s("a/b/c"), strs("g/", "d/"))).isEqualTo(BooleanValue.FALSE);
      assertThat(call("strings.any_prefix_match", set(s("a/b/c"), s("e/f/g")), set(s("a/"), s("d/")))).isEqualTo(BooleanValue.TRUE);
      assertThat(call("strings.any_prefix_match", s("abc"), s(""))).isEqualTo(BooleanValue.TRUE);
    }

    @Test
    void anySuffixMatch() {
      assertThat(call("strings.any_suffix_match", strs("a/b/c", "a/b/d", "e/f/g"), strs("/c", "/a"))).isEqualTo(BooleanValue.TRUE);
      assertThat(call("strings.any_suffix_match", strs("a/b/c", "a/b/d", "e/f/g"), strs("/f", "/a"))).isEqualTo(BooleanValue.FALSE);
      assertThat(call("strings.any_suffix_match", strs("a/b/c", "a/b/d", "e/f/g"), strs("/b/c", "/d"))).isEqualTo(BooleanValue.TRUE);
      assertThat(call("strings.any_suffix_match", strs("aa/bb/cc", "aa/bb/dd", "ee/ff/gg"), strs("b/cc", "f/g"))).isEqualTo(BooleanValue.TRUE);
      assertThat(call("strings.any_suffix_match", strs("aa/bb/cc", "aa/bb/dd", "ee/ff/gg"), strs("b/c", "f/g"))).isEqualTo(BooleanValue.FALSE);
      assertThat(call("strings.any_suffix_match", strs("aa/bb/cc"), strs("aa/b"))).isEqualTo(BooleanValue.FALSE);
      assertThat(call("strings.any_suffix_match", s("a/b/c"), strs("/c", "/a"))).isEqualTo(BooleanValue.TRUE);
      assertThat(call("strings.any_suffix_match", s("a/b/g"), strs("/c", "/a"))).isEqualTo(BooleanValue.FALSE);
      assertThat(call("strings.any_suffix_match", strs("x😀"), s("😀"))).isEqualTo(BooleanValue.TRUE);
    }

    @Test
    void affixMatchTypeErrors() {
      assertTypeError("operand 1 must be array of strings but got array containing number",
          "strings.any_prefix_match", arr(n(1), n(2), n(3)), strs("f/", "d/"));
      assertTypeError("operand 1 must be one of {string, set, array} but got number",
          "strings.any_prefix_match", n(1), strs("f/", "d/"));
      assertTypeError("operand 2 must be array of strings but got array containing number",
          "strings.any_prefix_match", strs("a/b/c"), arr(n(1), n(2)));
      assertTypeError("operand 2 must be one of {string, set, array} but got number",
          "strings.any_prefix_match", strs("a/b/c"), n(1));
      assertTypeError("operand 1 must be array of strings but got array containing number",
          "strings.any_suffix_match", arr(n(1), n(2), n(3)), strs("f/", "d/"));
      assertTypeError("operand 2 must be set of strings but got set containing number",
          "strings.any_suffix_match", strs("a"), set(n(1)));
    }
  }

  @Nested
  class Sprintf {
    String sprintf(String format, Value... args) {
      return ((StringValue) call("sprintf", s(format), arr(args))).value();
    }

    @Test
    void conformanceCases() {
      assertThat(sprintf("hi")).isEqualTo("hi");
      assertThat(sprintf("hi %s", s("there"))).isEqualTo("hi there");
      assertThat(sprintf("hi %02d", n(5))).isEqualTo("hi 05");
      assertThat(sprintf("hi %02X.%02X", n(127), n(1))).isEqualTo("hi 7F.01");
      assertThat(sprintf("hi %.2f", n("3.1415"))).isEqualTo("hi 3.14");
      assertThat(sprintf("hi %v", n("2e308"))).isEqualTo("hi 2e308");
      assertThat(sprintf("hi %s", BooleanValue.TRUE)).isEqualTo("hi true");
      assertThat(sprintf("hi %v", arr(s("there"), n(5), n("3.14")))).isEqualTo("hi [\"there\", 5, 3.14]");
      assertThat(sprintf("%s", n("123456789123456789123"))).isEqualTo("123456789123456789123");
      assertThat(sprintf("%s", n("1208925819614629174706175"))).isEqualTo("1208925819614629174706175");
      assertThat(sprintf("%s/%d", s("a"), n(3))).isEqualTo("a/3");
      assertThat(sprintf("x")).isEqualTo("x");
    }

    @Test
    void bigIntegersPrintExactly() {
      assertThat(sprintf("%v", n("18446744073709551618"))).isEqualTo("18446744073709551618");
      assertThat(sprintf("%d", n("-18446744073709551618"))).isEqualTo("-18446744073709551618");
      assertThat(sprintf("%x", n("18446744073709551617"))).isEqualTo("10000000000000001");
      assertThat(sprintf("%#X", n("18446744073709551617"))).isEqualTo("0X10000000000000001");
      assertThat(sprintf("%30d|", n("18446744073709551617"))).isEqualTo("          18446744073709551617|");
      assertThat(sprintf("%-22d|", n("18446744073709551617"))).isEqualTo("18446744073709551617  |");
      assertThat(sprintf("%+d", n("18446744073709551617"))).isEqualTo("+18446744073709551617");
      assertThat(sprintf("%022d", n("18446744073709551617"))).isEqualTo("0018446744073709551617");
      assertThat(sprintf("%f", n("18446744073709551617"))).isEqualTo("%!f(big.Int=18446744073709551617)");
      assertThat(sprintf("%d", n("9223372036854775807"))).isEqualTo("9223372036854775807");
      assertThat(sprintf("%d", n("-9223372036854775808"))).isEqualTo("-9223372036854775808");
    }

    @Test
    void numbersWithAFractionOrExponentAreFloats() {
      assertThat(sprintf("%v", n("3.5"))).isEqualTo("3.5");
      assertThat(sprintf("%d", n("1.0"))).isEqualTo("%!d(float64=1)");
      assertThat(sprintf("%v", n("1.0"))).isEqualTo("1");
      assertThat(sprintf("%v", NumberValue.ofComputed(new java.math.BigDecimal("4.0")))).isEqualTo("4");
      assertThat(sprintf("%v", n("1e21"))).isEqualTo("1e+21");
      assertThat(sprintf("%v", n("123456789.0"))).isEqualTo("1.23456789e+08");
      assertThat(sprintf("%v", n("100000.0"))).isEqualTo("100000");
      assertThat(sprintf("%v", n("0.0001"))).isEqualTo("0.0001");
      assertThat(sprintf("%v", n("0.00001"))).isEqualTo("1e-05");
      assertThat(sprintf("%s", n("1.5"))).isEqualTo("%!s(float64=1.5)");
      assertThat(sprintf("%d", n("1e400"))).isEqualTo("%!d(string=1e400)");
      assertThat(sprintf("%v", n("1e-400"))).isEqualTo("0");
      assertThat(sprintf("%v", n("5e-324"))).isEqualTo("5e-324");
      assertThat(sprintf("%v", n("0.1"))).isEqualTo("0.1");
    }

    @Test
    void integerVerbsAndFlags() {
      assertThat(sprintf("%d", n(12345))).isEqualTo("12345");
      assertThat(sprintf("%v", n(-12345))).isEqualTo("-12345");
      assertThat(sprintf("%.d", n(0))).isEqualTo("");
      assertThat(sprintf("%6.0d|", n(0))).isEqualTo("      |");
      assertThat(sprintf("% d", n(12345))).isEqualTo(" 12345");
      assertThat(sprintf("%+d", n(12345))).isEqualTo("+12345");
      assertThat(sprintf("%b", n(7))).isEqualTo("111");
      assertThat(sprintf("%#b", n(-6))).isEqualTo("-0b110");
      assertThat(sprintf("%o", n(668))).isEqualTo("1234");
      assertThat(sprintf("%#o", n(-668))).isEqualTo("-01234");
      assertThat(sprintf("%O", n(668))).isEqualTo("0o1234");
      assertThat(sprintf("%#X", n(0))).isEqualTo("0X0");
      assertThat(sprintf("%x", n(0x12abcdef))).isEqualTo("12abcdef");
      assertThat(sprintf("%.20b", n(7))).isEqualTo("00000000000000000111");
      assertThat(sprintf("%10d", n(-12345))).isEqualTo("    -12345");
      assertThat(sprintf("%010d", n(-12345))).isEqualTo("-000012345");
      assertThat(sprintf("%020.8d", n(-1234))).isEqualTo("           -00001234");
      assertThat(sprintf("%-20.8d|", n(1234))).isEqualTo("00001234            |");
      assertThat(sprintf("%-#20.8x|", n(0x1234abc))).isEqualTo("0x01234abc          |");
      assertThat(sprintf("%x", n(-255))).isEqualTo("-ff");
      assertThat(sprintf("%c", n(0x672c))).isEqualTo("本");
      assertThat(sprintf("%c", n(-1))).isEqualTo("\ufffd");
      assertThat(sprintf("%3c|", n(0x2318))).isEqualTo("  ⌘|");
      assertThat(sprintf("%q", n(0x263a))).isEqualTo("'☺'");
      assertThat(sprintf("%+q", n(0x263a))).isEqualTo("'\\u263a'");
      assertThat(sprintf("%q", n(10))).isEqualTo("'\\n'");
      assertThat(sprintf("%U", n(0x263a))).isEqualTo("U+263A");
      assertThat(sprintf("%#U", n(0x263a))).isEqualTo("U+263A '☺'");
      assertThat(sprintf("%U", n(-1))).isEqualTo("U+FFFFFFFFFFFFFFFF");
      assertThat(sprintf("%#14.6U|", n(0x2318))).isEqualTo("  U+002318 '⌘'|");
      assertThat(sprintf("%s", n(5))).isEqualTo("%!s(int64=5)");
      assertThat(sprintf("%e", n(5))).isEqualTo("%!e(int64=5)");
      assertThat(sprintf("%t", n(1))).isEqualTo("%!t(int64=1)");
    }

    @Test
    void floatVerbs() {
      assertThat(sprintf("%e", n("1.0"))).isEqualTo("1.000000e+00");
      assertThat(sprintf("%e", n("1234567.8"))).isEqualTo("1.234568e+06");
      assertThat(sprintf("%E", n("-7.0"))).isEqualTo("-7.000000E+00");
      assertThat(sprintf("%f", n("1234567.8"))).isEqualTo("1234567.800000");
      assertThat(sprintf("%f", n("0.000012345678"))).isEqualTo("0.000012");
      assertThat(sprintf("%f", n("-1e-9"))).isEqualTo("-0.000000");
      assertThat(sprintf("%g", n("1234567.8"))).isEqualTo("1.2345678e+06");
      assertThat(sprintf("%g", n("-1e-9"))).isEqualTo("-1e-09");
      assertThat(sprintf("%G", n("1e-9"))).isEqualTo("1E-09");
      assertThat(sprintf("%g", n("1.23456789e3"))).isEqualTo("1234.56789");
      assertThat(sprintf("%g", n("1.23456789e20"))).isEqualTo("1.23456789e+20");
      assertThat(sprintf("%20.8f|", n("1.23456789e-3"))).isEqualTo("          0.00123457|");
      assertThat(sprintf("%-20f|", n("1.23456789e3"))).isEqualTo("1234.567890         |");
      assertThat(sprintf("%+.3e", n("1.0"))).isEqualTo("+1.000e+00");
      assertThat(sprintf("%+07.2f", n("-1.0"))).isEqualTo("-001.00");
      assertThat(sprintf("% 07.2f", n("1.0"))).isEqualTo(" 001.00");
      assertThat(sprintf("%-07.2f|", n("1.0"))).isEqualTo("1.00   |");
      assertThat(sprintf("%.0f", n("0.5"))).isEqualTo("0");
      assertThat(sprintf("%.0f", n("1.5"))).isEqualTo("2");
      assertThat(sprintf("%.0f", n("2.5"))).isEqualTo("2");
      assertThat(sprintf("%.2f", n("1.005"))).isEqualTo("1.00");
      assertThat(sprintf("%.3g", n("1.0"))).isEqualTo("1");
      assertThat(sprintf("%#g", n("1.1"))).isEqualTo("1.10000");
      assertThat(sprintf("%#g", n("123456.0"))).isEqualTo("123456.");
      assertThat(sprintf("%#g", n("1234567.0"))).isEqualTo("1.234567e+06");
      assertThat(sprintf("%#.0f", n("1.0"))).isEqualTo("1.");
      assertThat(sprintf("%#.4g", n("0.12"))).isEqualTo("0.1200");
      assertThat(sprintf("%#.4g", n("0.0"))).isEqualTo("0.000");
      assertThat(sprintf("%b", n("1.0"))).isEqualTo("4503599627370496p-52");
      assertThat(sprintf("%x", n("1.0"))).isEqualTo("0x1p+00");
      assertThat(sprintf("%+.3x", n("1.0"))).isEqualTo("+0x1.000p+00");
      assertThat(sprintf("%X", n("3.5"))).isEqualTo("0X1.CP+01");
      assertThat(sprintf("%#.4x", n("123.0"))).isEqualTo("0x1.ec00p+06");
      assertThat(sprintf("%.68f", n("1.0"))).isEqualTo("1." + "0".repeat(68));
      assertThat(sprintf("%d", n("3.14"))).isEqualTo("%!d(float64=3.14)");
      assertThat(sprintf("%5.1d", n("3.14"))).isEqualTo("%!d(float64=    3)");
    }

    @Test
    void stringVerbs() {
      assertThat(sprintf("%q", s("abc"))).isEqualTo("\"abc\"");
      assertThat(sprintf("%x", s("xyz"))).isEqualTo("78797a");
      assertThat(sprintf("% X", s("xyz"))).isEqualTo("78 79 7A");
      assertThat(sprintf("%#x", s("xyz"))).isEqualTo("0x78797a");
      assertThat(sprintf("%# x", s("xyz"))).isEqualTo("0x78 0x79 0x7a");
      assertThat(sprintf("%x", s("日"))).isEqualTo("e697a5");
      assertThat(sprintf("%.1x", s("日本語"))).isEqualTo("e6");
      assertThat(sprintf("%8x|", s("\u00ab"))).isEqualTo("    c2ab|");
      assertThat(sprintf("%q", s("\u0007\b\f\n\r\t\u000b\"\\"))).isEqualTo("\"\\a\\b\\f\\n\\r\\t\\v\\\"\\\\\"");
      assertThat(sprintf("%+q", s("日本語"))).isEqualTo("\"\\u65e5\\u672c\\u8a9e\"");
      assertThat(sprintf("%#q", s("日本語"))).isEqualTo("`日本語`");
      assertThat(sprintf("%#q", s("\n"))).isEqualTo("\"\\n\"");
      assertThat(sprintf("%q", s("\u0e00\ud83d\ude00"))).isEqualTo("\"\\u0e00😀\"");
      assertThat(sprintf("%5s|", s("abc"))).isEqualTo("  abc|");
      assertThat(sprintf("%-5s|", s("abc"))).isEqualTo("abc  |");
      assertThat(sprintf("%05s", s("abc"))).isEqualTo("00abc");
      assertThat(sprintf("%0-5s|", s("abc"))).isEqualTo("abc  |");
      assertThat(sprintf("%2s", s("☺"))).isEqualTo(" ☺");
      assertThat(sprintf("%.5s", s("日本語日本語"))).isEqualTo("日本語日本");
      assertThat(sprintf("%.0s", s("abc"))).isEqualTo("");
      assertThat(sprintf("%10.1q|", s("日本語"))).isEqualTo("       \"日\"|");
      assertThat(sprintf("%010q", s("⌘"))).isEqualTo("0000000\"⌘\"");
      assertThat(sprintf("%d", s("hi"))).isEqualTo("%!d(string=hi)");
      assertThat(sprintf("%t", s("true"))).isEqualTo("%!t(string=true)");
      assertThat(sprintf("%T %T %T %T", s("a"), n(1), n("1.5"), n("18446744073709551617")))
          .isEqualTo("string int64 float64 *big.Int");
    }

    @Test
    void compositeValuesPrintAsRegoText() {
      assertThat(sprintf("%v", ObjectValue.ofStrings("a", n(1)))).isEqualTo("{\"a\": 1}");
      assertThat(sprintf("%v", set(n(1), n(2)))).isEqualTo("{1, 2}");
      assertThat(sprintf("%v", SetValue.EMPTY)).isEqualTo("set()");
      assertThat(sprintf("%v", NullValue.INSTANCE)).isEqualTo("null");
      assertThat(sprintf("%s", arr(s("a")))).isEqualTo("[\"a\"]");
      assertThat(sprintf("%v %v", BooleanValue.FALSE, s("x"))).isEqualTo("false x");
      assertThat(sprintf("%d", arr())).isEqualTo("%!d(string=[])");
    }

    @Test
    void goFormatErrors() {
      assertThat(sprintf("%d %d", n(1))).isEqualTo("1 %!d(MISSING)");
      assertThat(sprintf("%d", n(1), s("a"), n("1.5"))).isEqualTo("1%!(EXTRA string=a, float64=1.5)");
      assertThat(sprintf("no args", s("hello"))).isEqualTo("no args%!(EXTRA string=hello)");
      assertThat(sprintf("", n(2))).isEqualTo("%!(EXTRA int64=2)");
      assertThat(sprintf("%s %", s("hello"))).isEqualTo("hello %!(NOVERB)");
      assertThat(sprintf("%s %.2", s("hello"))).isEqualTo("hello %!(NOVERB)");
      assertThat(sprintf("%010.2", s("12345"))).isEqualTo("%!(NOVERB)%!(EXTRA string=12345)");
      assertThat(sprintf("%017091901790959340919092959340919017929593813360", n(0)))
          .isEqualTo("%!(NOVERB)%!(EXTRA int64=0)");
      assertThat(sprintf("%.", n(3))).isEqualTo("%!.(int64=3)");
      assertThat(sprintf("%!", n(3))).isEqualTo("%!!(int64=3)");
      assertThat(sprintf("%☠", s("hello"))).isEqualTo("%!☠(string=hello)");
      assertThat(sprintf("100%%")).isEqualTo("100%");
      assertThat(sprintf("%5%")).isEqualTo("%");
      assertThat(sprintf("%p", n(27))).isEqualTo("%!p(int64=27)");
      assertThat(sprintf("%w", n(27))).isEqualTo("%!w(int64=27)");
    }

    @Test
    void argumentIndexesWidthAndPrecisionFromOperands() {
      assertThat(sprintf("%[2]d %[1]d", n(1), n(2))).isEqualTo("2 1");
      assertThat(sprintf("%[2]*[1]d", n(2), n(5))).isEqualTo("    2");
      assertThat(sprintf("%[3]*.[2]*[1]f", n("12.0"), n(2), n(6))).isEqualTo(" 12.00");
      assertThat(sprintf("%d %d %d %#[1]o %#o %#o", n(11), n(12), n(13))).isEqualTo("11 12 13 013 014 015");
      assertThat(sprintf("%[d", n(2), n(1))).isEqualTo("%!d(BADINDEX)");
      assertThat(sprintf("%]d", n(2), n(1))).isEqualTo("%!](int64=2)d%!(EXTRA int64=1)");
      assertThat(sprintf("%[]d", n(2), n(1))).isEqualTo("%!d(BADINDEX)");
      assertThat(sprintf("%[-3]d", n(2), n(1))).isEqualTo("%!d(BADINDEX)");
      assertThat(sprintf("%[99]d", n(2), n(1))).isEqualTo("%!d(BADINDEX)");
      assertThat(sprintf("%[3]", n(2), n(1))).isEqualTo("%!(NOVERB)");
      assertThat(sprintf("%[1].2d", n(5), n(6))).isEqualTo("%!d(BADINDEX)");
      assertThat(sprintf("%3.[2]d", n(7))).isEqualTo("%!d(BADINDEX)");
      assertThat(sprintf("%.[]")).isEqualTo("%!](BADINDEX)");
      assertThat(sprintf("%.-3d", n(42))).isEqualTo("%!-(int64=42)3d");
      assertThat(sprintf("%d %[3]d %d", n(1), n(2))).isEqualTo("1 %!d(BADINDEX) 2");
      assertThat(sprintf("%*d", n(5), n(1))).isEqualTo("    1");
      assertThat(sprintf("%-*d|", n(5), n(1))).isEqualTo("1    |");
      assertThat(sprintf("%*d|", n(-5), n(1))).isEqualTo("1    |");
      assertThat(sprintf("%.*f", n(2), n("3.14159"))).isEqualTo("3.14");
      assertThat(sprintf("%*d", s("x"), n(1))).isEqualTo("%!(BADWIDTH)1");
      assertThat(sprintf("%.*d", n(-1), n(1))).isEqualTo("%!(BADPREC)1");
      assertThat(sprintf("%*d", n(10_000_000), n(1))).isEqualTo("%!(BADWIDTH)1");
    }

    @Test
    void operandMustBeAnArray() {
      assertTypeError("operand 2 must be array but got string", "sprintf", s("%s"), s("x"));
      assertTypeError("operand 1 must be string but got number", "sprintf", n(1), arr());
    }
  }

  @Nested
  class RenderTemplate {
    String render(String template, ObjectValue vars) {
      return ((StringValue) call("strings.render_template", s(template), vars)).value();
    }

    @Test
    void conformanceCases() {
      assertThat(render("{{.test}}", ObjectValue.ofStrings("test", s("hello world")))).isEqualTo("hello world");
      assertThat(render("{{.test}}", ObjectValue.ofStrings("test", n(2023)))).isEqualTo("2023");
      assertThat(render("{{range $i, $name := .hellonames}}{{if $i}},{{end}}hello {{$name}}{{end}}",
          ObjectValue.ofStrings("hellonames", strs("rohan", "john doe"))))
          .isEqualTo("hello rohan,hello john doe");
      assertThat(render("{{.testvarnotprovided}}", ObjectValue.ofStrings("test", s("hello world"))))
          .isEqualTo("<undefined>");
      assertThat(render("test {{.foo}} {{.bar}} {{.baz}}", ObjectValue.ofStrings("baz", n(1))))
          .isEqualTo("test <undefined> <undefined> 1");
    }

    @Test
    void valuesPrintLikeGo() {
      ObjectValue vars = ObjectValue.ofStrings(
          "n", n("1.50"), "b", BooleanValue.TRUE, "z", NullValue.INSTANCE,
          "list", arr(s("a"), n(1), NullValue.INSTANCE),
          "obj", ObjectValue.ofStrings("k", s("v"), "a", arr()));
      assertThat(render("{{.n}} {{.b}} {{.z}} {{.list}} {{.obj}}", vars))
          .isEqualTo("1.50 true <undefined> [a 1 <nil>] map[a:[] k:v]");
      assertThat(render("{{.obj.k}} {{.obj.missing}} {{.missing.deeper}}", vars)).isEqualTo("v <undefined> <undefined>");
    }

    @Test
    void controlStructures() {
      ObjectValue vars = ObjectValue.ofStrings(
          "items", strs("a", "b", "c"), "empty", arr(), "m", ObjectValue.ofStrings("y", n(2), "x", n(1)),
          "flag", BooleanValue.FALSE, "name", s("opa"), "zero", n(0));
      assertThat(render("{{range .items}}[{{.}}]{{end}}", vars)).isEqualTo("[a][b][c]");
      assertThat(render("{{range .empty}}x{{else}}none{{end}}", vars)).isEqualTo("none");
      assertThat(render("{{range $k, $v := .m}}{{$k}}={{$v}};{{end}}", vars)).isEqualTo("x=1;y=2;");
      assertThat(render("{{range $i, $e := .items}}{{if eq $i 1}}{{continue}}{{end}}{{if eq $e \"c\"}}{{break}}{{end}}{{$e}}{{end}}", vars))
          .isEqualTo("a");
      assertThat(render("{{if .flag}}yes{{else if .name}}name{{else}}no{{end}}", vars)).isEqualTo("name");
      assertThat(render("{{with .name}}<{{.}}>{{end}}{{with .missing}}x{{else}}-{{end}}", vars)).isEqualTo("<opa>-");
      // json.Number is a string for text/template, so 0 is true
      assertThat(render("{{if .zero}}t{{else}}f{{end}}", vars)).isEqualTo("t");
      assertThat(render("{{range 3}}{{.}}{{end}}", vars)).isEqualTo("012");
      assertThat(render("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", vars)).isEqualTo("2");
    }

    @Test
    void trimMarkersAndComments() {
      ObjectValue vars = ObjectValue.ofStrings("a", s("A"));
      assertThat(render("x  {{- .a -}}  y", vars)).isEqualTo("xAy");
      assertThat(render("x {{/* note */}} y", vars)).isEqualTo("x  y");
      assertThat(render("x {{- /* note */ -}}\n y", vars)).isEqualTo("xy");
      assertThat(render("{{-3}}", vars)).isEqualTo("-3");
    }

    @Test
    void functions() {
      ObjectValue vars = ObjectValue.ofStrings("items", strs("a", "b"), "s", s("héllo"), "n", n(5),
          "m", ObjectValue.ofStrings("k", s("v")), "html", s("<a href='x'>&</a>"));
      assertThat(render("{{len .items}} {{len .s}} {{index .items 1}} {{index .m \"k\"}}", vars)).isEqualTo("2 6 b v");
      assertThat(render("{{printf \"%s-%v-%d\" .s .n 3}}", vars)).isEqualTo("héllo-5-3");
      assertThat(render("{{printf \"%d\" .n}}", vars)).isEqualTo("%!d(json.Number=5)");
      assertThat(render("{{print 1 2 \"a\" \"b\" 3}}", vars)).isEqualTo("1 2ab3");
      assertThat(render("{{println .n}}", vars)).isEqualTo("5\n");
      assertThat(render("{{.s | printf \"%q\"}}", vars)).isEqualTo("\"héllo\"");
      assertThat(render("{{and 1 0 2}} {{or 0 \"\" .n}} {{not .items}}", vars)).isEqualTo("0 5 false");
      assertThat(render("{{eq .n \"5\"}} {{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge 1.5 2.5}}", vars))
          .isEqualTo("true true true true true false");
      assertThat(render("{{eq 1 2 3 1}}", vars)).isEqualTo("true");
      assertThat(render("{{html .html}}", vars)).isEqualTo("&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;");
      assertThat(render("{{js \"a'b<\"}}", vars)).isEqualTo("a\\'b\\u003C");
      assertThat(render("{{urlquery \"a b&c~*\"}}", vars)).isEqualTo("a+b%26c~%2A");
      assertThat(render("{{slice .items 1}} {{slice \"abcd\" 1 3}}", vars)).isEqualTo("[b] bc");
      assertThat(render("{{(index .items 0) | len}}", vars)).isEqualTo("1");
      assertThat(render("{{'a'}} {{0x10}} {{1e3}} {{1_000}}", vars)).isEqualTo("97 16 1000 1000");
      assertThat(render("{{\"\\xc3\\xa9\\303\\251\\u00e9\\t\"}}|{{`\\n`}}", vars)).isEqualTo("ééé\t|\\n");
    }

    @Test
    void defineAndTemplate() {
      ObjectValue vars = ObjectValue.ofStrings("name", s("x"));
      assertThat(render("{{define \"t\"}}[{{.}}]{{end}}{{template \"t\" .name}}", vars)).isEqualTo("[x]");
      assertThat(render("{{block \"b\" .name}}<{{.}}>{{end}}", vars)).isEqualTo("<x>");
    }

    @Test
    void parseAndExecutionErrorsAreBuiltinErrors() {
      ObjectValue vars = ObjectValue.ofStrings("s", s("str"), "z", NullValue.INSTANCE);
      assertBuiltinError("template: template:1: unclosed action", "strings.render_template", s("{{.x"), vars);
      assertBuiltinError("template: template:1: function \"foo\" not defined", "strings.render_template",
          s("{{foo}}"), vars);
      assertBuiltinError("template: template:1: unexpected {{end}}", "strings.render_template", s("{{end}}"), vars);
      assertBuiltinError("template: template:1: undefined variable \"$y\"", "strings.render_template",
          s("{{$y}}"), vars);
      assertBuiltinError("template: template:1:4: executing \"template\" at <.s.x>: can't evaluate field x in type interface {}",
          "strings.render_template", s("{{.s.x}}"), vars);
      assertBuiltinError("template: template:1:4: executing \"template\" at <.z.x>: nil pointer evaluating interface {}.x",
          "strings.render_template", s("{{.z.x}}"), vars);
      assertBuiltinError("template: template:1:2: executing \"template\" at <eq .s 1>: error calling eq: incompatible types for comparison",
          "strings.render_template", s("{{eq .s 1}}"), vars);
      assertBuiltinError("template: template:1:2: executing \"template\" at <index .s 5>: error calling index: index out of range: 5",
          "strings.render_template", s("{{index .s 5}}"), vars);
    }

    @Test
    void endlessTemplateRecursionIsAnError() {
      assertThatThrownBy(() -> call("strings.render_template",
          s("{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\" .}}"), ObjectValue.EMPTY))
          .isInstanceOfSatisfying(BuiltinException.class, e -> {
            assertThat(e.code()).isEqualTo(BuiltinException.BUILTIN_ERROR);
            assertThat(e.getMessage()).contains("exceeded maximum template depth");
          });
    }

    @Test
    void variablesThatAreNotJsonAreRejected() {
      assertBuiltinError("invalid character 's' looking for beginning of value", "strings.render_template",
          s("{{.}}"), ObjectValue.ofStrings("s", SetValue.EMPTY));
      assertBuiltinError("invalid character '1' looking for beginning of object key string", "strings.render_template",
          s("{{.}}"), ObjectValue.ofStrings("s", set(n(1))));
      assertTypeError("operand 2 must be object but got array", "strings.render_template", s("x"), arr());
    }
  }
}
