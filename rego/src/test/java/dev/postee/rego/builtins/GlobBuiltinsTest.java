package dev.postee.rego.builtins;

import static dev.postee.rego.builtins.StringBuiltinsTest.arr;
import static dev.postee.rego.builtins.StringBuiltinsTest.assertBuiltinError;
import static dev.postee.rego.builtins.StringBuiltinsTest.assertTypeError;
import static dev.postee.rego.builtins.StringBuiltinsTest.call;
import static dev.postee.rego.builtins.StringBuiltinsTest.n;
import static dev.postee.rego.builtins.StringBuiltinsTest.s;
import static dev.postee.rego.builtins.StringBuiltinsTest.strs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.Value;
import org.junit.jupiter.api.Test;

class GlobBuiltinsTest {

  static boolean match(String pattern, Value delimiters, String input) {
    return ((BooleanValue) call("glob.match", s(pattern), delimiters, s(input))).value();
  }

  static final Value DOT = strs(".");
  static final Value DEFAULT = ArrayValue.EMPTY;
  static final Value NONE = NullValue.INSTANCE;

  @Test
  void conformanceCases() {
    assertThat(match("*.github.com", DOT, "api.github.com")).isTrue();
    assertThat(match("api.**.com", DOT, "api.github.com")).isTrue();
    assertThat(match("api.**.com", DOT, "api.cdn.github.com")).isTrue();
    assertThat(match("*:github:com", strs(":"), "api:github:com")).isTrue();
    assertThat(match("*.github.com", DOT, "api.not-github.com")).isFalse();
    assertThat(match("[abc]at", DEFAULT, "cat")).isTrue();
    assertThat(match("[abc]at", DEFAULT, "fat")).isFalse();
    assertThat(match("[!abc]at", DEFAULT, "fat")).isTrue();
    assertThat(match("[!abc]at", DEFAULT, "cat")).isFalse();
    assertThat(match("[a-c]at", DEFAULT, "bat")).isTrue();
    assertThat(match("[a-c]at", DEFAULT, "fat")).isFalse();
    assertThat(match("[!a-c]at", DEFAULT, "bat")).isFalse();
    assertThat(match("[!a-c]at", DEFAULT, "fat")).isTrue();
    assertThat(match("?at", DEFAULT, "fat")).isTrue();
    assertThat(match("?at", DEFAULT, "at")).isFalse();
    assertThat(match("?at", strs("f"), "bat")).isTrue();
    assertThat(match("?at", strs("f"), "fat")).isFalse();
    for (String animal : new String[] {"cat", "bat", "fat", "rat"}) {
      assertThat(match("{cat,bat,[fr]at}", DEFAULT, animal)).as(animal).isTrue();
    }
    assertThat(match("{cat,bat,[fr]at}", DEFAULT, "at")).isFalse();
    assertThat(match("*", DOT, "foo")).isTrue();
    assertThat(match("*", DEFAULT, "foo")).isTrue();
    assertThat(match("*", DOT, "foo.bar")).isFalse();
    assertThat(match("*", DEFAULT, "foo.bar")).isFalse();
    assertThat(match("*", NONE, "foo.bar")).isTrue();
    assertThat(match("foo*", NONE, "foo.bar")).isTrue();
    assertThat(match("*.github.com", DOT, "api.example.com")).isFalse();
  }

  @Test
  void gobwasSyntaxDetails() {
    assertThat(match("a\\*b", NONE, "a*b")).isTrue();
    assertThat(match("a\\*b", NONE, "axb")).isFalse();
    assertThat(match("abc\\", NONE, "abc")).isTrue(); // a trailing escape vanishes
    assertThat(match("a,b}", NONE, "a,b}")).isTrue(); // ',' and '}' are text outside {...}
    assertThat(match("{a,b{c,d}}x", NONE, "bdx")).isTrue();
    assertThat(match("{a,b{c,d}}x", NONE, "bx")).isFalse();
    assertThat(match("{a,}x", NONE, "x")).isTrue();
    assertThat(match("{a,b", NONE, "b")).isTrue(); // an unclosed {...} is closed at the end
    assertThat(match("[\\]]", NONE, "]")).isTrue();
    assertThat(match("[!!a]", NONE, "!")).isFalse();
    assertThat(match("[!a]", DOT, ".")).isTrue(); // lists and ranges ignore delimiters
    assertThat(match("**", DOT, "a.b.c")).isTrue();
    assertThat(match("a.*.c", DOT, "a..c")).isTrue();
    assertThat(match("a?c", NONE, "a\nc")).isTrue();
    assertThat(match("*", NONE, "line1\nline2")).isTrue();
    assertThat(match("?", DEFAULT, "😀")).isTrue();
    assertThat(match("[😀-😂]", DEFAULT, "😁")).isTrue();
    assertThat(match("*.com", strs(".", "/"), "a/b.com")).isFalse();
    assertThat(match("", NONE, "")).isTrue();
    assertThat(match("", NONE, "a")).isFalse();
    assertThat(match("(a|b)+$^", NONE, "(a|b)+$^")).isTrue();
  }

  @Test
  void invalidGlobsFailLikeGobwas() {
    assertBuiltinError("could not parse range", "glob.match", s("[]"), DEFAULT, s("a"));
    assertBuiltinError("could not parse range", "glob.match", s("[!]"), DEFAULT, s("a"));
    assertBuiltinError("unexpected end of input", "glob.match", s("[abc"), DEFAULT, s("a"));
    assertBuiltinError("unexpected end of input", "glob.match", s("[a-]"), DEFAULT, s("a"));
    assertBuiltinError("expected close range character", "glob.match", s("[a-bc]"), DEFAULT, s("a"));
    assertBuiltinError("hi character 'a' should be greater than lo 'z'", "glob.match", s("[z-a]"), DEFAULT, s("a"));
  }

  @Test
  void delimiterOperand() {
    assertTypeError("operand 2 must be array of strings but got array containing number",
        "glob.match", s("*"), arr(n(1)), s("a"));
    assertTypeError("operand 2 must be array of runes but got array containing string",
        "glob.match", s("*"), strs("ab"), s("a"));
    assertTypeError("operand 2 must be one of {array, null} but got string", "glob.match", s("*"), s("."), s("a"));
    assertTypeError("operand 3 must be string but got number", "glob.match", s("*"), DEFAULT, n(1));
  }

  @Test
  void quoteMetaEscapesGlobSpecials() {
    assertThat(call("glob.quote_meta", s("*.github.com"))).isEqualTo(s("\\*.github.com"));
    assertThat(call("glob.quote_meta", s("[a-z]?{x,y}\\"))).isEqualTo(s("\\[a-z\\]\\?\\{x,y\\}\\\\"));
    assertThat(call("glob.quote_meta", s("plain!-,"))).isEqualTo(s("plain!-,"));
    assertThat(match(((dev.postee.rego.value.StringValue) call("glob.quote_meta", s("a*[b]"))).value(), NONE, "a*[b]"))
        .isTrue();
  }
}
