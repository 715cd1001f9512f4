package dev.postee.rego.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.rego.Rego;
import dev.postee.rego.ast.Module;
import dev.postee.rego.ast.ParseException;
import dev.postee.rego.ast.Parser;
import dev.postee.rego.compile.CompileError;
import dev.postee.rego.compile.CompileException;
import org.junit.jupiter.api.Test;

class ParseAndCompileErrorsTest {

  private static CompileException compileError(String src) {
    try {
      Rego.builder().module("policy.rego", src).compile();
    } catch (CompileException e) {
      return e;
    }
    throw new AssertionError("expected a compile error for:\n" + src);
  }

  @Test
  void parseErrorCarriesFileLineColumnAndWhatWasExpected() {
    CompileException e = compileError("package p\n\nallow if {\n  input.x == [1, 2\n}\n");
    CompileError err = e.errors().get(0);
    assertThat(err.code()).isEqualTo("rego_parse_error");
    assertThat(err.location().file()).isEqualTo("policy.rego");
    assertThat(err.location().line()).isEqualTo(5);
    assertThat(err.location().column()).isEqualTo(1);
    assertThat(err.message()).contains("expected").contains("']'");
    assertThat(e.getMessage()).startsWith("policy.rego:5:1: rego_parse_error:");
  }

  @Test
  void missingPackageIsReported() {
    assertThatThrownBy(() -> Parser.parseModule("x.rego", "allow := true"))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("x.rego:1:1")
        .hasMessageContaining("expected 'package'");
  }

  @Test
  void unterminatedStringIsReportedWhereItStarts() {
    ParseException e = (ParseException) org.assertj.core.api.Assertions.catchThrowable(
        () -> Parser.parseModule("s.rego", "package p\nx := \"abc\n"));
    assertThat(e.location().line()).isEqualTo(2);
    assertThat(e.location().column()).isEqualTo(6);
    assertThat(e.detail()).contains("non-terminated string");
  }

  @Test
  void v0ModuleIsReadWithV0RulesAndV1ModuleWithV1() {
    Module v0 = Parser.parseModule("v0.rego", "package postee\ndefault allow = false\nallow { contains(input.image, \"alpine\") }\n");
    assertThat(v0.v1()).isFalse();
    Module v1 = Parser.parseModule("v1.rego", "package postee\nimport rego.v1\nallow if contains(input.image, \"alpine\")\n");
    assertThat(v1.v1()).isTrue();
    // v0: p[x] { ... } is a partial set
    var policy = Rego.builder().module("v0set.rego", "package s\np[x] { x := input.items[_] }").compile();
    assertThat(policy.prepare("data.s.p").evalValue(dev.postee.rego.value.Json.parse("{\"items\":[1,2,2]}")).toRego())
        .isEqualTo("{1, 2}");
  }

  @Test
  void v1OnlyErrorWhenModuleClearlyUsesV1Syntax() {
    CompileException e = compileError("package p\nimport rego.v1\nallow { true }\n");
    assertThat(e.errors().get(0).message()).contains("'if' keyword is required");
  }

  @Test
  void unsafeVariableIsReportedWithLocation() {
    CompileException e = compileError("package p\n\nallow if {\n  x > 1\n}\n");
    CompileError err = e.errors().get(0);
    assertThat(err.code()).isEqualTo("rego_unsafe_var_error");
    assertThat(err.message()).isEqualTo("var x is unsafe");
    assertThat(err.location().line()).isEqualTo(4);
  }

  @Test
  void unknownFunctionAndArityMismatchAreTypeErrors() {
    assertThat(compileError("package p\nallow if nosuch(1)\n").errors().get(0).message()).isEqualTo("undefined function nosuch");
    CompileError arity = compileError("package p\nallow if count(1, 2, 3)\n").errors().get(0);
    assertThat(arity.code()).isEqualTo("rego_type_error");
    assertThat(arity.message()).contains("count: arity mismatch");
  }

  @Test
  void constantArgumentOfTheWrongTypeIsACompileError() {
    CompileError e = compileError("package p\nallow if abs(\"x\")\n").errors().get(0);
    assertThat(e.code()).isEqualTo("rego_type_error");
    assertThat(e.message()).contains("operand 1 must be number but got string");
  }

  @Test
  void recursionIsDetected() {
    CompileError e = compileError("package p\na if b\nb if a\n").errors().get(0);
    assertThat(e.code()).isEqualTo("rego_recursion_error");
    assertThat(e.message()).contains("data.p.a").contains("data.p.b");
  }

  @Test
  void everyErrorIsReportedNotJustTheFirst() {
    CompileException e = compileError("package p\na if x > 1\nb if y < 2\n");
    assertThat(e.errors()).hasSize(2);
  }

  @Test
  void assignedTwiceIsAnError() {
    CompileError e = compileError("package p\na if {\n  x := 1\n  x := 2\n}\n").errors().get(0);
    assertThat(e.message()).isEqualTo("var x assigned above");
    assertThat(e.location().line()).isEqualTo(4);
  }
}
