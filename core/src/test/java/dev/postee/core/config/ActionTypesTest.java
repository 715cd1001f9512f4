package dev.postee.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import org.junit.jupiter.api.Test;

/** The per-type field table that the loader validates against and actions read. */
class ActionTypesTest {
  @Test
  void coversEveryTypeOfTheSpecification() {
    assertThat(ActionTypes.names()).containsExactly("awssecurityhub", "dependencytrack", "docker", "email", "exec",
        "http", "jira", "kubernetes", "nexusiq", "opsgenie", "pagerduty", "servicenow", "slack", "splunk", "stdout",
        "teams", "webhook");
  }

  @Test
  void findsTypesIgnoringCaseAsPosteeWroteThem() {
    assertThat(ActionTypes.get("serviceNow")).map(ActionType::name).contains("servicenow");
    assertThat(ActionTypes.get("nexusIq")).map(ActionType::name).contains("nexusiq");
    assertThat(ActionTypes.get("carrier-pigeon")).isEmpty();
  }

  @Test
  void describesFieldKindsMandatoryFieldsAndVerbatimTexts() {
    ActionType http = ActionTypes.get("http").orElseThrow();
    assertThat(http.field("headers")).map(FieldSpec::kind).contains(FieldKind.STRING_LIST_MAP);
    assertThat(http.field("url")).map(FieldSpec::mandatory).contains(true);
    assertThat(http.field("body-content")).map(FieldSpec::verbatim).contains(true);
    assertThat(http.field("method").orElseThrow().allows("post")).isTrue();
    assertThat(http.field("method").orElseThrow().allows("CONNECT")).isFalse();
    assertThat(http.field("timeout")).as("timeout is a common field, not a type field").isEmpty();

    ActionType exec = ActionTypes.get("exec").orElseThrow();
    assertThat(exec.field("exec-script")).map(FieldSpec::verbatim).contains(true);
    assertThat(exec.field("input-file")).map(FieldSpec::verbatim).contains(false);

    FieldSpec kubeActions = ActionTypes.get("kubernetes").orElseThrow().field("kube-actions").orElseThrow();
    assertThat(kubeActions.kind()).isEqualTo(FieldKind.NESTED);
    assertThat(kubeActions.nestedFields()).extracting(FieldSpec::name, FieldSpec::kind)
        .containsExactly(tuple("labels", FieldKind.STRING_MAP),
            tuple("annotations", FieldKind.STRING_MAP));
  }

  @Test
  void commonFieldsAreNotRepeatedInAnyType() {
    for (String name : ActionTypes.names()) {
      assertThat(ActionTypes.get(name).orElseThrow().fields()).extracting(FieldSpec::name)
          .as(name).doesNotContainAnyElementsOf(ActionTypes.COMMON_FIELDS);
    }
  }
}
