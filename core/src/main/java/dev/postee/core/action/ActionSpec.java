package dev.postee.core.action;

import dev.postee.core.config.Settings;
import dev.postee.core.config.SourceLocation;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One action as configured: what the config loader hands to {@link ActionTypes#create}.
 *
 * @param name the action's unique name
 * @param type the action type ({@code webhook}, {@code exec}, ...)
 * @param settings the type-specific fields
 * @param timeout the configured per-attempt timeout, or null for the type's default
 */
public record ActionSpec(String name, String type, Settings settings, Duration timeout) {
  public ActionSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(settings, "settings");
  }

  /**
   * The configured timeout, or {@code typeDefault} when none (or zero, which Postee treats as
   * unset) was configured.
   */
  public Duration timeoutOr(Duration typeDefault) {
    if (timeout == null || timeout.isZero()) return typeDefault;
    if (timeout.isNegative()) throw configError("timeout", "must be a positive duration such as 30s or 2m");
    return timeout;
  }

  /** A string field; absent, empty and blank values all count as not set (as in Postee). */
  public Optional<String> text(String key) {
    return settings.string(key).filter(s -> !s.isBlank());
  }

  /** A string field that must be set. */
  public String requiredText(String key) {
    return text(key).orElseThrow(() -> configError(key, "is required"));
  }

  /** A configuration error about one field of this action, located where the field was written. */
  public ActionConfigException configError(String key, String problem) {
    return new ActionConfigException(name, type, key, locate(key), problem);
  }

  private SourceLocation locate(String key) {
    SourceLocation at = key == null ? null : settings.locationOf(key);
    return at == null ? SourceLocation.UNKNOWN : at;
  }
}
