package dev.postee.core.action;

import static dev.postee.core.action.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActionTypesTest {
  @TempDir Path work;

  private ActionEnvironment env() {
    return new ActionEnvironment(ActionEnvironment.newHttpClient(), work, Clock.systemUTC(), System.out);
  }

  @Test
  void builtInTypesAreRegistered() {
    assertThat(ActionTypes.builtIn().names()).containsExactly("exec", "http", "stdout", "webhook");
  }

  @Test
  void createsTheActionOfTheNamedTypeCaseInsensitively() {
    try (ActionEnvironment env = env()) {
      Action action = ActionTypes.builtIn().create(
          spec("notify", "WebHook", Duration.ofSeconds(7), "url", "https://example.com/hook"), env);

      assertThat(action).isInstanceOf(WebhookAction.class);
      assertThat(action.name()).isEqualTo("notify");
      assertThat(action.type()).isEqualTo("webhook");
      assertThat(action.timeout()).isEqualTo(Duration.ofSeconds(7));
    }
  }

  @Test
  void unknownTypeIsAClearErrorListingTheKnownTypes() {
    try (ActionEnvironment env = env()) {
      assertThatThrownBy(() -> ActionTypes.builtIn().create(spec("pager", "pagerdooty", null, "type", "pagerdooty"), env))
          .isInstanceOf(UnknownActionTypeException.class)
          .hasMessage(MapSettings.FILE + ":2:3: action \"pager\", field \"type\": unknown action type \"pagerdooty\"; "
              + "known types are: exec, http, stdout, webhook");
    }
  }

  @Test
  void aTypeCannotBeRegisteredTwice() {
    assertThatThrownBy(() -> new ActionTypes(List.of(
        ActionType.of("stdout", StdoutAction::new), ActionType.of("STDOUT", StdoutAction::new))))
        .hasMessageContaining("\"stdout\" is registered twice");
  }

  @Test
  void negativeTimeoutIsAConfigurationError() {
    try (ActionEnvironment env = env()) {
      assertThatThrownBy(() -> ActionTypes.builtIn().create(spec("console", "stdout", Duration.ofSeconds(-1)), env))
          .isInstanceOf(ActionConfigException.class).hasMessageContaining("field \"timeout\"");
    }
  }
}
