package dev.postee.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventIdsTest {
  @Test
  void idsAreUlidShapedAndStrictlyIncreasingWithinOneMillisecond() {
    EventIds ids = new EventIds(new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));
    List<String> generated = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) generated.add(ids.next());
    assertThat(generated).allMatch(id -> id.matches("[0-9A-HJKMNP-TV-Z]{26}"));
    assertThat(generated).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void idsSortByTimeAndStayIncreasingWhenTheClockStepsBack() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    EventIds ids = new EventIds(clock);
    String first = ids.next();
    clock.advance(Duration.ofMillis(1));
    String second = ids.next();
    clock.advance(Duration.ofSeconds(-10));
    String third = ids.next();
    assertThat(List.of(first, second, third)).isSorted().doesNotHaveDuplicates();
    assertThat(second.substring(0, 10)).isGreaterThan(first.substring(0, 10));
  }

  @Test
  void theTimePartEncodesEpochMilliseconds() {
    // 2016-07-30T23:54:10.259Z = 1469922850259 ms, the example of the ULID specification: 01ARZ3NDEK
    EventIds ids = new EventIds(new MutableClock(Instant.ofEpochMilli(1469922850259L)));
    assertThat(ids.next()).startsWith("01ARZ3NDEK");
  }
}
