package dev.postee.core.config;

import static dev.postee.core.config.FieldKind.BOOLEAN;
import static dev.postee.core.config.FieldKind.INTEGER;
import static dev.postee.core.config.FieldKind.NESTED;
import static dev.postee.core.config.FieldKind.STRING;
import static dev.postee.core.config.FieldKind.STRING_LIST;
import static dev.postee.core.config.FieldKind.STRING_LIST_MAP;
import static dev.postee.core.config.FieldKind.STRING_MAP;
import static dev.postee.core.config.FieldSpec.optional;
import static dev.postee.core.config.FieldSpec.required;

import dev.postee.core.config.Requirement.AtLeastOneOf;
import dev.postee.core.config.Requirement.PreferredOver;
import dev.postee.core.config.Requirement.RequiredUnless;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The action types of SPEC §8 with their fields: the single table the loader validates against,
 * and where an action implementation looks up what its config may contain. Field names and kinds
 * follow Postee v2's ActionSettings, so Postee configs load unchanged.
 */
public final class ActionTypes {
  /** Keys every action may have; the rest depend on the type. */
  public static final List<String> COMMON_FIELDS = List.of(
      "name", "type", "enable", "runs-on", "timeout", "max-attempts", "retry-initial-delay", "retry-max-delay");

  private static final Map<String, ActionType> TYPES = Stream.of(
      type("stdout"),
      type("webhook", required("url", STRING)),
      type("http",
          List.of(new PreferredOver("body-content", "body-file")),
          required("url", STRING),
          required("method", STRING).allowing("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"),
          optional("headers", STRING_LIST_MAP),
          optional("body-file", STRING),
          optional("body-content", STRING).asVerbatim()),
      type("exec",
          List.of(new AtLeastOneOf(List.of("exec-script", "input-file")),
              new PreferredOver("exec-script", "input-file")),
          optional("exec-script", STRING).asVerbatim(),
          optional("input-file", STRING),
          optional("env", STRING_LIST)),
      type("slack", required("url", STRING)),
      type("teams", required("url", STRING)),
      type("email",
          List.of(new RequiredUnless("host", "use-mx"), new RequiredUnless("port", "use-mx")),
          optional("host", STRING),
          optional("port", INTEGER),
          optional("user", STRING),
          optional("password", STRING),
          required("sender", STRING),
          required("recipients", STRING_LIST),
          optional("use-mx", BOOLEAN),
          optional("client-host-name", STRING)),
      type("jira",
          List.of(new AtLeastOneOf(List.of("password", "token")), new RequiredUnless("user", "token")),
          required("url", STRING),
          optional("user", STRING),
          optional("password", STRING),
          optional("token", STRING),
          required("project-key", STRING),
          optional("board", STRING),
          optional("issuetype", STRING),
          optional("priority", STRING),
          optional("assignee", STRING_LIST),
          optional("summary", STRING),
          optional("sprint", STRING),
          optional("labels", STRING_LIST),
          optional("fix-versions", STRING_LIST),
          optional("affects-versions", STRING_LIST),
          optional("unknowns", STRING_MAP),
          optional("tls-verify", BOOLEAN)),
      type("splunk",
          required("url", STRING),
          required("token", STRING),
          optional("size-limit", INTEGER),
          optional("tls-verify", BOOLEAN)),
      type("servicenow",
          required("user", STRING),
          required("password", STRING),
          required("instance", STRING),
          optional("board", STRING)),
      type("opsgenie",
          required("token", STRING),
          optional("user", STRING),
          optional("assignee", STRING_LIST),
          optional("recipients", STRING_LIST),
          optional("priority", STRING).allowing("P1", "P2", "P3", "P4", "P5"),
          optional("tags", STRING_LIST),
          optional("alias", STRING),
          optional("entity", STRING)),
      type("pagerduty",
          required("pagerduty-auth-token", STRING),
          required("pagerduty-routing-key", STRING)),
      type("kubernetes",
          required("kube-namespace", STRING),
          optional("kube-config-file", STRING),
          required("kube-label-selector", STRING),
          optional("kube-actions", NESTED).withFields(
              optional("labels", STRING_MAP), optional("annotations", STRING_MAP))),
      type("docker",
          required("docker-image-name", STRING),
          optional("docker-cmd", STRING_LIST),
          optional("docker-env", STRING_LIST),
          optional("docker-network", STRING),
          optional("docker-volume-mounts", STRING_MAP)),
      type("nexusiq",
          required("url", STRING),
          required("user", STRING),
          required("password", STRING),
          required("organization-id", STRING)),
      type("dependencytrack",
          required("url", STRING),
          required("dependency-track-api-key", STRING)),
      type("awssecurityhub"))
      .collect(Collectors.toMap(ActionType::name, Function.identity(), (a, b) -> a, TreeMap::new));

  private ActionTypes() {}

  /** The type named {@code type}, ignoring case ({@code serviceNow} is {@code servicenow}). */
  public static Optional<ActionType> get(String type) {
    return Optional.ofNullable(TYPES.get(type.toLowerCase(Locale.ROOT)));
  }

  /** All type names, lower-case, sorted. */
  public static List<String> names() {
    return List.copyOf(TYPES.keySet());
  }

  private static ActionType type(String name, FieldSpec... fields) {
    return new ActionType(name, List.of(fields), List.of());
  }

  private static ActionType type(String name, List<Requirement> requirements, FieldSpec... fields) {
    return new ActionType(name, List.of(fields), requirements);
  }
}
