package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

class SemverBuiltinsTest {

  private static Value call(String name, Value... args) {
    return BuiltinRegistry.standard().lookup(name).function().call(new DefaultBuiltinContext(), args);
  }

  private static boolean valid(String s) {
    return ((BooleanValue) call("semver.is_valid", StringValue.of(s))).value();
  }

  private static int compare(String a, String b) {
    return (int) ((NumberValue) call("semver.compare", StringValue.of(a), StringValue.of(b))).longValue();
  }

  @Test
  void validity() {
    for (String ok : List.of("1.0.0", "v1.0.0", "0.0.0", "1.2.3-alpha", "1.2.3-alpha.1", "1.2.3+build.5",
        "1.2.3-rc.1+build-5", "01.2.3", "1.0.0-", "1.0.0+", "1.0.0-a-b")) {
      assertThat(valid(ok)).as(ok).isTrue();
    }
    for (String bad : List.of("1", "1.0", "1.0.0.0", "", "a.b.c", "1.0.0-a..b", "1.0.0+a_b", "1.0.0-é", "vv1.0.0",
        "1.0.x", "1.0. 0", "+1.2.3", "99999999999999999999.0.0", "1..0")) {
      assertThat(valid(bad)).as(bad).isFalse();
    }
    assertThat(call("semver.is_valid", NumberValue.of(1))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("semver.is_valid", NullValue.INSTANCE)).isEqualTo(BooleanValue.FALSE);
  }

  @Test
  void comparesCoreVersions() {
    assertThat(compare("1.0.0", "2.0.0")).isEqualTo(-1);
    assertThat(compare("2.0.0", "1.0.0")).isEqualTo(1);
    assertThat(compare("1.0.0", "1.0.0")).isZero();
    assertThat(compare("1.10.0", "1.9.0")).isEqualTo(1);
    assertThat(compare("1.0.10", "1.0.9")).isEqualTo(1);
    assertThat(compare("v1.0.0", "1.0.0")).isZero();
    assertThat(compare("1.0.0+a", "1.0.0+b")).isZero();
  }

  @Test
  void preReleasePrecedence() {
    // 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2 < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0
    List<String> ordered = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
        "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0");
    for (int i = 0; i < ordered.size(); i++) {
      for (int j = 0; j < ordered.size(); j++) {
        assertThat(compare(ordered.get(i), ordered.get(j))).as(ordered.get(i) + " vs " + ordered.get(j))
            .isEqualTo(Integer.compare(i, j));
      }
    }
    assertThat(compare("1.0.0-01", "1.0.0-1")).isZero();
    assertThat(compare("1.0.0-99999999999999999999", "1.0.0-99999999999999999998")).isZero(); // Atoi saturates
  }

  @Test
  void invalidVersionsAreErrors() {
    BuiltinException e = catchThrowableOfType(BuiltinException.class,
        () -> call("semver.compare", StringValue.of("1"), StringValue.of("1.0.0")));
    assertThat(e.code()).isEqualTo(BuiltinException.BUILTIN_ERROR);
    assertThat(e.getMessage()).isEqualTo("operand 1: string \"1\" is not a valid SemVer");
    BuiltinException f = catchThrowableOfType(BuiltinException.class,
        () -> call("semver.compare", StringValue.of("1.0.0"), StringValue.of("1")));
    assertThat(f.getMessage()).isEqualTo("operand 2: string \"1\" is not a valid SemVer");
    BuiltinException g = catchThrowableOfType(BuiltinException.class,
        () -> call("semver.compare", NumberValue.of(1), StringValue.of("1.0.0")));
    assertThat(g.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(g.getMessage()).isEqualTo("operand 1 must be string but got number");
  }
}
