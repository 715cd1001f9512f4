package dev.postee.core.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy = new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(5));

  @Test
  void defaultsAreFiveAttemptsFromOneSecondUpToOneMinute() {
    assertThat(RetryPolicy.DEFAULT).isEqualTo(new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(60)));
    assertThat(RetryPolicy.of(null, null, null)).isEqualTo(RetryPolicy.DEFAULT);
  }

  @Test
  void factoryTakesEachGivenValueAndDefaultsTheRest() {
    assertThat(RetryPolicy.of(2, null, null)).isEqualTo(new RetryPolicy(2, Duration.ofSeconds(1), Duration.ofSeconds(60)));
    assertThat(RetryPolicy.of(null, Duration.ofMillis(100), Duration.ofSeconds(2)))
        .isEqualTo(new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(2)));
    // A default maximum grows to an explicit, longer initial delay.
    assertThat(RetryPolicy.of(null, Duration.ofMinutes(2), null).maxDelay()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void nonsensicalValuesAreRejected() {
    assertThatThrownBy(() -> RetryPolicy.of(0, null, null)).hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> RetryPolicy.of(null, Duration.ofSeconds(-1), null)).hasMessageContaining("initialDelay");
    assertThatThrownBy(() -> RetryPolicy.of(null, Duration.ofSeconds(10), Duration.ofSeconds(1))).hasMessageContaining("maxDelay");
  }

  @Test
  void ceilingDoublesFromTheInitialDelayUpToTheMaximum() {
    var longest = Fixtures.longestJitter();
    assertThat(policy.delayBefore(2, null, longest)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.delayBefore(3, null, longest)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.delayBefore(4, null, longest)).isEqualTo(Duration.ofSeconds(4));
    assertThat(policy.delayBefore(5, null, longest)).isEqualTo(Duration.ofSeconds(5));
    assertThat(policy.delayBefore(60, null, longest)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void fullJitterSpreadsDelaysBetweenZeroAndTheCeiling() {
    SplittableRandom random = new SplittableRandom(42);
    Duration min = Duration.ofDays(1);
    Duration max = Duration.ZERO;
    for (int i = 0; i < 2000; i++) {
      Duration d = policy.delayBefore(4, null, random);
      assertThat(d).isBetween(Duration.ZERO, Duration.ofSeconds(4));
      if (d.compareTo(min) < 0) min = d;
      if (d.compareTo(max) > 0) max = d;
    }
    assertThat(min).isLessThan(Duration.ofMillis(200));
    assertThat(max).isGreaterThan(Duration.ofMillis(3800));
  }

  @Test
  void retryAfterReplacesTheBackoffUpToTheMaximum() {
    var none = Fixtures.noJitter();
    assertThat(policy.delayBefore(2, Duration.ofSeconds(3), none)).isEqualTo(Duration.ofSeconds(3));
    assertThat(policy.delayBefore(2, Duration.ofHours(1), none)).isEqualTo(Duration.ofSeconds(5));
  }
}
