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
import dev.postee.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RegexBuiltinsTest {

  @Test
  void matchIsUnanchoredRe2() {
    assertThat(call("regex.match", s("^[a-z]+\\[[0-9]+\\]$"), s("foo[1]"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("regex.match", s("^$"), s(""))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("regex.match", s(""), s(""))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("regex.match", s(""), s("x"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("regex.match", s("^$"), s("something"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("regex.match", s("b+"), s("abbc"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("regex.match", s("a.c"), s("a\nc"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("regex.match", s("(?s)a.c"), s("a\nc"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("regex.match", s("^\\p{Greek}+$"), s("αβγ"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("re_match", s("^a.c$"), s("a😀c"))).isEqualTo(BooleanValue.TRUE);
  }

  @Test
  void invalidPatternsReportGoErrors() {
    assertBuiltinError("error parsing regexp: missing closing ]: `[[[`", "regex.match", s("$^[[["), s("something"));
    assertBuiltinError("error parsing regexp: missing argument to repetition operator: `+`", "re_match", s("++"), s("x"));
    assertBuiltinError("error parsing regexp: invalid escape sequence: `\\1`", "regex.match", s("(a)\\1"), s("aa"));
    assertBuiltinError("error parsing regexp: missing closing ]: `[`", "regex.replace", s("foo"), s("["), s("$1"));
    assertTypeError("operand 1 must be string but got number", "regex.match", n(1), s("x"));
  }

  @Test
  void isValidNeverFails() {
    assertThat(call("regex.is_valid", n(10))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("regex.is_valid", s("++"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("regex.is_valid", s(".+"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("regex.is_valid", s("(?=lookahead)"))).isEqualTo(BooleanValue.FALSE);
  }

  @Test
  void findN() {
    assertThat(call("regex.find_n", s("a."), s("paranormal"), n(-1))).isEqualTo(strs("ar", "an", "al"));
    assertThat(call("regex.find_n", s("a."), s("paranormal"), n(2))).isEqualTo(strs("ar", "an"));
    assertThat(call("regex.find_n", s("a."), s("paranormal"), n(0))).isEqualTo(ArrayValue.EMPTY);
    assertThat(call("regex.find_n", s("^a."), s("abacadaeaf"), n(-1))).isEqualTo(strs("ab"));
    assertThat(call("regex.find_n", s(".$"), s("abacadaeaf"), n(-1))).isEqualTo(strs("f"));
    assertThat(call("regex.find_n", s("[abcdef]{2}"), s("abacadaeaf"), n(-1))).isEqualTo(strs("ab", "ac", "ad", "ae", "af"));
    assertThat(call("regex.find_n", s("bork"), s("paranormal"), n(-1))).isEqualTo(ArrayValue.EMPTY);
    // empty matches next to a previous match are skipped, as in Go
    assertThat(call("regex.find_n", s("x*"), s("axb"), n(-1))).isEqualTo(strs("", "x", ""));
    assertThat(call("regex.find_n", s(""), s("😀😀"), n(-1))).isEqualTo(strs("", "", ""));
    assertThat(call("regex.find_n", s("\\bx"), s("ax x"), n(-1))).isEqualTo(strs("x"));
    assertTypeError("operand 3 must be integer number but got floating-point number",
        "regex.find_n", s("a"), s("a"), n("1.5"));
  }

  @Test
  void findAllStringSubmatchN() {
    assertThat(call("regex.find_all_string_submatch_n", s("a(x*)b"), s("-"), n(-1))).isEqualTo(ArrayValue.EMPTY);
    assertThat(call("regex.find_all_string_submatch_n", s("a(x*)b"), s("-ab-"), n(-1))).isEqualTo(arr(strs("ab", "")));
    assertThat(call("regex.find_all_string_submatch_n", s("a(x*)b"), s("-axxb-"), n(-1))).isEqualTo(arr(strs("axxb", "xx")));
    assertThat(call("regex.find_all_string_submatch_n", s("a(x*)b"), s("-ab-axb-"), n(-1)))
        .isEqualTo(arr(strs("ab", ""), strs("axb", "x")));
    assertThat(call("regex.find_all_string_submatch_n", s("a(x*)b"), s("-axxb-ab-"), n(-1)))
        .isEqualTo(arr(strs("axxb", "xx"), strs("ab", "")));
    assertThat(call("regex.find_all_string_submatch_n", s("[^aouiye]([aouiye])([^aouiye])?"), s("somestri"), n(-1)))
        .isEqualTo(arr(strs("som", "o", "m"), strs("ri", "i", "")));
    assertThat(call("regex.find_all_string_submatch_n", s("[^aouiye]([aouiye])([^aouiye])?"), s("somestri"), n(1)))
        .isEqualTo(arr(strs("som", "o", "m")));
    String longInput = "a".repeat(62) + "bc";
    assertThat(call("regex.find_all_string_submatch_n", s("^.*$"), s(longInput), n(-1))).isEqualTo(arr(strs(longInput)));
  }

  @Test
  void splitFollowsGo() {
    assertThat(call("regex.split", s("^[a-z]+\\[[0-9]+\\]$"), s(""))).isEqualTo(strs(""));
    assertThat(call("regex.split", s("^[a-z]+"), s("foobar baz"))).isEqualTo(strs("", " baz"));
    assertThat(call("regex.split", s("[a-z]+$"), s("foobar baz"))).isEqualTo(strs("foobar ", ""));
    assertThat(call("regex.split", s("^[a-z]+$"), s("foobar baz"))).isEqualTo(strs("foobar baz"));
    assertThat(call("regex.split", s("^[a-z ]+$"), s("foobar baz"))).isEqualTo(strs("", ""));
    assertThat(call("regex.split", s("a"), s("banana"))).isEqualTo(strs("b", "n", "n", ""));
    assertThat(call("regex.split", s("z+"), s("pizza"))).isEqualTo(strs("pi", "a"));
    assertThat(call("regex.split", s("x*"), s("axb"))).isEqualTo(strs("a", "b"));
    assertThat(call("regex.split", s(""), s(""))).isEqualTo(ArrayValue.EMPTY);
    assertThat(call("regex.split", s(""), s("abc"))).isEqualTo(strs("a", "b", "c"));
  }

  @Test
  void replaceUsesGoTemplates() {
    assertThat(call("regex.replace", s("-wy-wxxy-"), s("w(x*)y"), s("0"))).isEqualTo(s("-0-0-"));
    assertThat(call("regex.replace", s("foo"), s("(foo)"), s("$1$1"))).isEqualTo(s("foofoo"));
    assertThat(call("regex.replace", s("foo"), s("^[a-z]"), s("F"))).isEqualTo(s("Foo"));
    assertThat(call("regex.replace", s("foo"), s("^[a-z]$"), s("F"))).isEqualTo(s("foo"));
    assertThat(call("regex.replace", s("foo"), s("^[a-z]+$"), s("M"))).isEqualTo(s("M"));
    assertThat(call("regex.replace", s("foo"), s("[a-z]$"), s("F"))).isEqualTo(s("foF"));
    assertThat(call("regex.replace", s("foo"), s("x[a-z]$"), s("F"))).isEqualTo(s("foo"));
    assertThat(call("regex.replace", s("foo bar"), s("[a-z]"), s("_"))).isEqualTo(s("___ ___"));
    assertThat(call("regex.replace", s("foo barx"), s("[a-z]{3}"), s("_"))).isEqualTo(s("_ _x"));
    assertThat(call("regex.replace", s("foo barx"), s("[a-z]{2}"), s("_"))).isEqualTo(s("_o __"));
    // "$1x" names a group "1x", which does not exist; braces delimit a name
    assertThat(call("regex.replace", s("abc"), s("(b)"), s("$1x"))).isEqualTo(s("ac"));
    assertThat(call("regex.replace", s("abc"), s("(b)"), s("${1}x"))).isEqualTo(s("abxc"));
    assertThat(call("regex.replace", s("abc"), s("(b)"), s("$$1"))).isEqualTo(s("a$1c"));
    assertThat(call("regex.replace", s("abc"), s("(b)"), s("$"))).isEqualTo(s("a$c"));
    assertThat(call("regex.replace", s("abc"), s("(b)"), s("${1"))).isEqualTo(s("a${1c"));
    assertThat(call("regex.replace", s("abc"), s("(b)"), s("$2"))).isEqualTo(s("ac"));
    assertThat(call("regex.replace", s("ab"), s("(?P<x>a)"), s("${x}${x}"))).isEqualTo(s("aab"));
    // empty matches: one replacement per position, none right after a match
    assertThat(call("regex.replace", s("abc"), s(""), s("-"))).isEqualTo(s("-a-b-c-"));
    assertThat(call("regex.replace", s("aaa"), s("a*"), s("-"))).isEqualTo(s("-"));
    assertThat(call("regex.replace", s("baaac"), s("a*"), s("-"))).isEqualTo(s("-b-c-"));
    assertThat(call("regex.replace", s("😀😀"), s("x*"), s("-"))).isEqualTo(s("-😀-😀-"));
  }

  @Test
  void templateMatch() {
    assertThat(call("regex.template_match", s("urn:foo:{.*}"), s("urn:foo:bar:baz"), s("{"), s("}"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("regex.template_match", s("urn:foo:<.*>"), s("urn:foo:bar:baz"), s("<"), s(">"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("regex.template_match", s("urn:foo.bar:<[a-z]+>"), s("urn:fooXbar:baz"), s("<"), s(">")))
        .isEqualTo(BooleanValue.FALSE);
    assertThat(call("regex.template_match", s("<[0-9]{2,3}>-<[a-c]>"), s("123-b"), s("<"), s(">"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("regex.template_match", s("<[0-9]{2,3}>-<[a-c]>"), s("1234-b"), s("<"), s(">"))).isEqualTo(BooleanValue.FALSE);
    assertBuiltinError("unbalanced braces in \"urn:<foo\"", "regex.template_match", s("urn:<foo"), s("x"), s("<"), s(">"));
    assertBuiltinError("unbalanced braces in \"urn:foo>\"", "regex.template_match", s("urn:foo>"), s("x"), s("<"), s(">"));
    assertBuiltinError("error parsing regexp: missing closing ): `^(a$`",
        "regex.template_match", s("<(a>"), s("x"), s("<"), s(">"));
    assertBuiltinError("start delimiter has to be exactly one character long but is 2 long",
        "regex.template_match", s("x"), s("x"), s("<<"), s(">"));
    assertBuiltinError("start delimiter has to be exactly one character long but is 2 long",
        "regex.template_match", s("x"), s("x"), s("«"), s(">"));
    assertBuiltinError("end delimiter has to be exactly one character long but is 1 long",
        "regex.template_match", s("x"), s("x"), s("<"), s(""));
  }

  @Test
  void globsMatchFollowsGlobIntersection() {
    String[][] nonEmpty = {
        {"abcd", "abcd"}, {"abcd", "...."}, {"abcd", "[a-d]*"}, {"pqrs", ".qrs"}, {"pqrs", "p.rs"},
        {"pqrs", "pq.s"}, {"pqrs", "pqr."}, {".*", "asdklfj"}, {"d*", "[abcd][abcd]"}, {"d*", "d[a-z]+"},
        {"d*", "....."}, {"d*", "[d]*"}, {"[a-p]+", "[p-z]+"}, {"[a-p]+", "apapapaapapapap"}, {"[a-p]+", ".*"},
        {"[a-p]+", "abcdefgh*"}, {"abcd[a-c]z+", "abcd[b-d][yz]*"}, {"abcd[a-c]z+", "abcdazzzz"},
        {".*\\\\", ".*"}, {".*\\\\", "asdfasdf\\\\"}, {".a.a", "b.b."}, {".*.*.*.*.*.*.*.*", ".*.*.*.*.*"},
        {"foo.*bar", "foobar"}, {"foo.*bar", "fooalkdsjfbar"}, {"abcd[a-c]z+", "abcdbzzz"}, {"abcd[a-c]z+", "abcdcz"},
        {"a.a.[0-9]+z", ".b.b2359825792*594823z"}, {"a.a.", ".b.b"},
    };
    for (String[] c : nonEmpty) {
      assertThat(call("regex.globs_match", s(c[0]), s(c[1]))).as("%s ∩ %s", c[0], c[1]).isEqualTo(BooleanValue.TRUE);
    }
    String[][] empty = {
        {"abcd", "lsdfhda"}, {"abcd", "abcdla"}, {"[a-d]+", "xyz"}, {"[a-d]+", "p+"}, {"[a-d]+", "[e-f]+"},
        {"[0-9]*", "[a-z]"}, {"[0-9]*", ".\\*"}, {"mamama.*", "dadada.*"}, {".*mamama", ".*nanana"},
        {".xyz.", "paaap"}, {".xyz.", ".*pqr.*"}, {"ab+", "a"}, {"ab+", "abc"}, {".*.*.*.*f", ".*.*.*.*g"},
        {"[a-z]+", "[0-9]*"},
    };
    for (String[] c : empty) {
      assertThat(call("regex.globs_match", s(c[0]), s(c[1]))).as("%s ∩ %s", c[0], c[1]).isEqualTo(BooleanValue.FALSE);
    }
  }

  @Test
  void globsMatchRejectsInvalidGlobs() {
    assertBuiltinError("input:[abc, pos:4, found [ without matching ]: the input provided is invalid",
        "regex.globs_match", s("[abc"), s("a"));
    assertBuiltinError("input:[a-z, pos:3, range character '-' must be followed by a Unicode character: the input provided is invalid",
        "regex.globs_match", s("[a-z"), s("a"));
    assertBuiltinError("input:+, pos:1, flag '+' must be preceded by a non-flag: the input provided is invalid",
        "regex.globs_match", s("a"), s("+"));
    assertBuiltinError("input:abcd], pos:5, set-close ']' with no preceding '[': the input provided is invalid",
        "regex.globs_match", s("abcd]"), s("a"));
    assertBuiltinError("input:abcd\\, pos:4, input ends with a \\ (escape) character: the input provided is invalid",
        "regex.globs_match", s("abcd\\"), s("a"));
    assertBuiltinError("input:pq[a-], pos:5, range character '-' must be followed by a Unicode character: the input provided is invalid",
        "regex.globs_match", s("pq[a-]"), s("a"));
    assertBuiltinError("input:[z-a], pos:4, range is out of order: 'a' comes before 'z' in Unicode: the input provided is invalid",
        "regex.globs_match", s("[z-a]"), s("a"));
  }

  @Test
  void compiledPatternsAreSharedSafelyAcrossThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Value>> results = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        String pattern = "^p" + (i % 1500) + "-[0-9]+$";
        String input = "p" + (i % 1500) + "-" + i;
        results.add(pool.submit(() -> call("regex.match", s(pattern), s(input))));
      }
      for (Future<Value> f : results) assertThat(f.get()).isEqualTo(BooleanValue.TRUE);
    } finally {
      pool.shutdownNow();
    }
  }
}
