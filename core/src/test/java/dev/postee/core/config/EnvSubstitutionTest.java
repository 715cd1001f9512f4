package dev.postee.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC §4.3: $NAME / ${NAME} in config strings, without breaking shell scripts or leaking values. */
class EnvSubstitutionTest {
  private static final Map<String, String> ENV = Map.of(
      "SLACK_URL", "https://hooks.slack.com/services/T/B/K",
      "JIRA_TOKEN", "tok-123",
      "SMTP_PORT", "587",
      "MAIL_TO", "ops@example.com",
      "SECRET", "hunter2");

  private static ConfigLoadResult load(String yaml) {
    return ConfigLoader.defaults().withEnvironment(ENV).load(yaml, "test.yaml");
  }

  private static Settings settingsOf(String yaml, String action) {
    return load(yaml).configOrThrow().action(action).orElseThrow().settings();
  }

  @Test
  void replacesWholeValuesInBothForms() {
    Settings settings = settingsOf("""
        actions:
        - name: j
          type: jira
          enable: true
          url: ${SLACK_URL}
          user: me
          token: $JIRA_TOKEN
          project-key: OPS
        """, "j");

    assertThat(settings.string("url")).contains("https://hooks.slack.com/services/T/B/K");
    assertThat(settings.string("token")).contains("tok-123");
  }

  @Test
  void replacesBracedReferencesInsideStringsListsAndMaps() {
    PosteeConfig config = load("""
        actions:
        - name: h
          type: http
          enable: true
          url: https://api.example.com/${JIRA_TOKEN}/events
          method: POST
          headers:
            Authorization: ["Bearer ${SECRET}"]
        - name: e
          type: exec
          enable: true
          env: ["TOKEN=${JIRA_TOKEN}", "PLAIN=x"]
          input-file: /opt/scripts/${JIRA_TOKEN}.sh
        """).configOrThrow();

    Settings http = config.action("h").orElseThrow().settings();
    assertThat(http.string("url")).contains("https://api.example.com/tok-123/events");
    assertThat(http.stringListMap("headers")).containsEntry("Authorization", List.of("Bearer hunter2"));
    Settings exec = config.action("e").orElseThrow().settings();
    assertThat(exec.strings("env")).containsExactly("TOKEN=tok-123", "PLAIN=x");
    assertThat(exec.string("input-file")).contains("/opt/scripts/tok-123.sh");
  }

  @Test
  void substitutedValuesAreThenCheckedAgainstTheFieldKind() {
    Settings settings = settingsOf("""
        actions:
        - name: m
          type: email
          enable: true
          host: smtp.example.com
          port: ${SMTP_PORT}
          sender: postee@example.com
          recipients: [$MAIL_TO]
        """, "m");

    assertThat(settings.integer("port")).contains(587L);
    assertThat(settings.strings("recipients")).containsExactly("ops@example.com");
  }

  @Test
  void anUnsetVariableIsAnErrorNamingItAndWhereItIsUsed() {
    ConfigLoadResult result = load("""
        actions:
        - name: s
          type: slack
          enable: true
          url: $MISSING_URL
        - name: w
          type: webhook
          enable: true
          url: https://example.com/?key=${MISSING_KEY}
        """);

    assertThat(result.isLoaded()).isFalse();
    assertThat(result.errors()).extracting(ConfigProblem::format).containsExactly(
        "test.yaml:5:8: error: action 's': 'url': environment variable 'MISSING_URL' is not set; set it, or write $$"
            + " for a literal $",
        "test.yaml:9:8: error: action 'w': 'url': environment variable 'MISSING_KEY' is not set; set it, or write $$"
            + " for a literal $");
  }

  @Test
  void doubleDollarIsALiteralDollar() {
    Settings settings = settingsOf("""
        actions:
        - name: s
          type: servicenow
          enable: true
          user: admin
          password: pa$$${SECRET}$$
          instance: $$NOT_A_VARIABLE
        """, "s");

    assertThat(settings.string("password")).contains("pa$hunter2$");
    assertThat(settings.string("instance")).contains("$NOT_A_VARIABLE");
  }

  @Test
  void dollarsThatDoNotStartAReferenceStayAsWritten() {
    Settings settings = settingsOf("""
        actions:
        - name: s
          type: servicenow
          enable: true
          user: price $5 and $(date) and a bare $word inside text
          password: ends with $
          instance: x
        """, "s");

    assertThat(settings.string("user")).contains("price $5 and $(date) and a bare $word inside text");
    assertThat(settings.string("password")).contains("ends with $");
  }

  @Test
  void malformedBracesAreErrors() {
    ConfigLoadResult result = load("""
        name: ${not-a-name}
        aqua-server: https://x/${UNCLOSED
        """);

    assertThat(result.errors()).extracting(ConfigProblem::message).containsExactly(
        "'name': '${' does not start a variable reference; expected ${NAME} (letters, digits and _), or $${ for a"
            + " literal '${'",
        "'aqua-server': '${' does not start a variable reference; expected ${NAME} (letters, digits and _), or $${"
            + " for a literal '${'");
  }

  @Test
  void scriptsBodiesAndRegoAreNeverSubstituted() {
    PosteeConfig config = load("""
        routes:
        - name: r
          input: input.cmd == "$HOME/${X}"
          actions: [kill, post]
        templates:
        - name: t
          body: |
            package custom
            result := "${NOT_SET} $$"
        actions:
        - name: kill
          type: exec
          enable: true
          exec-script: |
            #!/bin/sh
            PID=$(echo $POSTEE_EVENT | jq -r .Context.hostName)
            echo "${UNSET_IN_SHELL:-default}" $$
        - name: post
          type: http
          enable: true
          url: https://example.com
          method: POST
          body-content: |
            Event: $POSTEE_EVENT ${NOT_SET}
        """).configOrThrow();

    assertThat(config.route("r").orElseThrow().input()).isEqualTo("input.cmd == \"$HOME/${X}\"");
    assertThat(config.template("t").orElseThrow().body()).isEqualTo("package custom\nresult := \"${NOT_SET} $$\"\n");
    assertThat(config.action("kill").orElseThrow().settings().string("exec-script")).contains("""
        #!/bin/sh
        PID=$(echo $POSTEE_EVENT | jq -r .Context.hostName)
        echo "${UNSET_IN_SHELL:-default}" $$
        """);
    assertThat(config.action("post").orElseThrow().settings().string("body-content"))
        .contains("Event: $POSTEE_EVENT ${NOT_SET}\n");
  }

  @Test
  void aPlainOneLineExecScriptIsUntouchedToo() {
    Settings settings = settingsOf("""
        actions:
        - name: k
          type: exec
          enable: true
          exec-script: kill -9 $(echo $POSTEE_EVENT | jq .Context.hostParentProcessId)
        """, "k");

    assertThat(settings.string("exec-script")).contains("kill -9 $(echo $POSTEE_EVENT | jq .Context.hostParentProcessId)");
  }

  @Test
  void problemMessagesNeverContainSubstitutedValues() {
    ConfigLoadResult result = load("""
        actions:
        - name: m
          type: email
          enable: true
          host: smtp.example.com
          port: $SECRET
          sender: x@example.com
          recipients: [y@example.com]
          use-mx: $SECRET
        """);

    assertThat(result.errors()).hasSize(2);
    assertThat(result.formatProblems()).doesNotContain("hunter2");
  }
}
