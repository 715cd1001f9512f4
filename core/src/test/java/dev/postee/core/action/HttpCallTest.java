package dev.postee.core.action;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HttpCallTest {
  private static final Instant NOW = Instant.parse("2015-10-21T07:27:30Z");

  @Test
  void retryAfterInSeconds() {
    assertThat(HttpCall.parseRetryAfter("120", NOW)).isEqualTo(Duration.ofSeconds(120));
    assertThat(HttpCall.parseRetryAfter(" 0 ", NOW)).isEqualTo(Duration.ZERO);
  }

  @Test
  void retryAfterAsHttpDateIsMeasuredFromNow() {
    assertThat(HttpCall.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", NOW)).isEqualTo(Duration.ofSeconds(30));
    assertThat(HttpCall.parseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
  }

  @Test
  void malformedOrAbsentRetryAfterIsIgnored() {
    assertThat(HttpCall.parseRetryAfter(null, NOW)).isNull();
    assertThat(HttpCall.parseRetryAfter("soon", NOW)).isNull();
    assertThat(HttpCall.parseRetryAfter("-5", NOW)).isNull();
  }

  @Test
  void hugeRetryAfterDoesNotOverflow() {
    assertThat(HttpCall.parseRetryAfter("99999999999999999999999", NOW)).isGreaterThan(Duration.ofDays(365));
  }

  @Test
  void transientStatuses() {
    assertThat(HttpCall.isTransient(429)).isTrue();
    assertThat(HttpCall.isTransient(408)).isTrue();
    assertThat(HttpCall.isTransient(500)).isTrue();
    assertThat(HttpCall.isTransient(599)).isTrue();
    assertThat(HttpCall.isTransient(404)).isFalse();
    assertThat(HttpCall.isTransient(301)).isFalse();
  }

  @Test
  void charactersGoAcceptsInUrlsAreEscapedInsteadOfRejected() {
    assertThat(HttpCall.escapeIllegalCharacters("https://webhook.site/<uuid>?q=a b&r=é%20"))
        .isEqualTo("https://webhook.site/%3Cuuid%3E?q=a%20b&r=%C3%A9%20");
  }
}
