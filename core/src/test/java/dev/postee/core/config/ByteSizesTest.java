package dev.postee.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizesTest {
  @Test
  void parsesBinaryUnitsAsPosteeDid() {
    assertThat(ByteSizes.parse("300MB")).isEqualTo(300L * 1024 * 1024);
    assertThat(ByteSizes.parse("1000MB")).isEqualTo(1000L * 1024 * 1024);
    assertThat(ByteSizes.parse("1GB")).isEqualTo(1024L * 1024 * 1024);
    assertThat(ByteSizes.parse("1gb")).isEqualTo(1024L * 1024 * 1024);
    assertThat(ByteSizes.parse("300 MB")).isEqualTo(300L * 1024 * 1024);
    assertThat(ByteSizes.parse("64k")).isEqualTo(64L * 1024);
    assertThat(ByteSizes.parse("2MiB")).isEqualTo(2L * 1024 * 1024);
    assertThat(ByteSizes.parse("1TB")).isEqualTo(1L << 40);
  }

  @Test
  void plainNumbersAreBytes() {
    assertThat(ByteSizes.parse("1048576")).isEqualTo(1_048_576L);
    assertThat(ByteSizes.parse("512B")).isEqualTo(512L);
    assertThat(ByteSizes.parse("0")).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "MB", "1.5GB", "-1MB", "10 megabytes", "1PB"})
  void rejectsWhatIsNotASize(String text) {
    assertThatThrownBy(() -> ByteSizes.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("300MB, 1GB");
  }

  @Test
  void rejectsSizesThatOverflow() {
    assertThatThrownBy(() -> ByteSizes.parse("99999999999TB")).hasMessageContaining("too large");
  }
}
