package dev.postee.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.core.config.ConfigProblem.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each validation rule of SPEC §4.4, with inline YAML so it runs without ../shared. */
class ConfigValidationTest {
  private static ConfigLoadResult load(String yaml) {
    return ConfigLoader.defaults().withEnvironment(Map.of()).load(yaml, "test.yaml");
  }

  private static ConfigProblem onlyError(ConfigLoadResult result) {
    assertThat(result.isLoaded()).as("a config with an error is not loaded").isFalse();
    assertThat(result.errors()).as(result.formatProblems()).hasSize(1);
    return result.errors().get(0);
  }

  private static SourceLocation at(int line, int column) {
    return new SourceLocation("test.yaml", line, column);
  }

  @Test
  void unknownKeyIsAWarningNamingTheKeyAndTheKnownOnes() {
    ConfigLoadResult result = load("""
        routes:
        - name: r
          action: []
          actions: [a]
          template: t
        templates:
        - name: t
          rego-package: postee.rawmessage.json
        actions:
        - name: a
          type: stdout
          enable: true
          colour: blue
        """);

    assertThat(result.isLoaded()).isTrue();
    assertThat(result.warnings()).extracting(ConfigProblem::location).containsExactly(at(3, 3), at(13, 3));
    assertThat(result.warnings().get(0).message())
        .isEqualTo("route 'r': unknown key 'action' (did you mean 'actions'?); known keys: name, input, input-files,"
            + " actions, outputs, template, serialize-actions, serialize-outputs, runs-on, plugins");
    assertThat(result.warnings().get(1).message()).startsWith("action 'a': unknown key 'colour'");
  }

  @Test
  void unknownKeyIsAnErrorInStrictMode() {
    ConfigLoadResult result = ConfigLoader.defaults().withEnvironment(Map.of()).strict(true).load("""
        name: x
        nmae: y
        """, "test.yaml");

    ConfigProblem error = onlyError(result);
    assertThat(error.location()).isEqualTo(at(2, 1));
    assertThat(error.message()).startsWith("unknown key 'nmae' (did you mean 'name'?)");
  }

  @Test
  void wrongTypeSaysWhatWasExpectedAndWhatWasFound() {
    ConfigProblem error = onlyError(load("""
        routes:
        - name: r
          template: [a, b]
        """));

    assertThat(error.location()).isEqualTo(at(3, 3));
    assertThat(error.message()).isEqualTo("route 'r': 'template' must be a string, but found a list (of 2 items)");
    assertThat(error.format()).isEqualTo("test.yaml:3:3: error: route 'r': 'template' must be a string, but found"
        + " a list (of 2 items)");
  }

  @Test
  void aBlockIndentedUnderAScalarKeyIsReportedWithAnIndentationHint() {
    ConfigProblem error = onlyError(load("""
        actions:
        - name: my-nexus-iq
          type: nexusIq
          enable: false
          organization-id:

          - name: my-dependencytrack
            type: dependencytrack
        """));

    assertThat(error.location()).isEqualTo(at(5, 3));
    assertThat(error.message()).isEqualTo("action 'my-nexus-iq': 'organization-id' must be a string, but found a"
        + " list (of 1 item); the block at line 7 ('- name: my-dependencytrack') is indented under"
        + " 'organization-id': if it is a separate entry, indent it like the entries around it");
  }

  @Test
  void wrongTypesOfBooleansNumbersAndListsAreErrors() {
    ConfigLoadResult result = load("""
        actions:
        - name: mail
          type: email
          enable: maybe
          port: twenty-five
          recipients: {a: b}
          sender: [x]
        """);

    assertThat(result.errors()).extracting(ConfigProblem::message).containsExactly(
        "action 'mail': 'enable' must be true or false, but found a string",
        "action 'mail': 'port' must be a whole number, but found a string",
        "action 'mail': 'recipients' must be a list of strings, but found a mapping",
        "action 'mail': 'sender' must be a string, but found a list (of 1 item)");
  }

  @Test
  void duplicateNamesAreErrorsPointingAtBothPlaces() {
    ConfigLoadResult result = load("""
        routes:
        - name: r
          actions: [a]
        - name: r
          actions: [a]
        templates:
        - name: t
          rego-package: p.q
        - name: t
          rego-package: p.q
        actions:
        - name: a
          type: stdout
          enable: true
        - name: a
          type: stdout
          enable: true
        """);

    assertThat(result.errors()).extracting(ConfigProblem::location).containsExactly(at(4, 3), at(9, 3), at(15, 3));
    assertThat(result.errors()).extracting(ConfigProblem::message).containsExactly(
        "there is already a route named 'r' (line 2); route names must be unique",
        "there is already a template named 't' (line 7); template names must be unique",
        "there is already a action named 'a' (line 12); action names must be unique");
  }

  @Test
  void routeNamingAnUndefinedActionOrTemplateIsAnError() {
    ConfigLoadResult result = load("""
        routes:
        - name: r
          actions: [my-slack, my-slak2]
          template: slack-tmpl
        templates:
        - name: slack-template
          rego-package: postee.vuls.slack
        actions:
        - name: my-slack
          type: stdout
          enable: true
        - name: my-slack2
          type: stdout
          enable: true
        """);

    assertThat(result.errors()).extracting(ConfigProblem::location).containsExactly(at(3, 23), at(4, 13));
    assertThat(result.errors()).extracting(ConfigProblem::message).containsExactly(
        "route 'r': action 'my-slak2' is not defined (did you mean 'my-slack2'?); defined actions: my-slack,"
            + " my-slack2",
        "route 'r': template 'slack-tmpl' is not defined; defined templates: slack-template");
  }

  @Test
  void routeNamingADisabledActionIsAWarning() {
    ConfigLoadResult result = load("""
        routes:
        - name: r
          actions: [off]
          template: t
        templates:
        - name: t
          rego-package: p
        actions:
        - name: off
          type: slack
          enable: false
        """);

    assertThat(result.isLoaded()).isTrue();
    assertThat(result.warnings()).singleElement().satisfies(w -> {
      assertThat(w.location()).isEqualTo(at(3, 13));
      assertThat(w.message()).isEqualTo("route 'r': action 'off' is disabled (line 9), so this route does not run"
          + " it; set 'enable: true' on the action to use it");
    });
  }

  @Test
  void actionWithoutEnableIsDisabledWithAWarning() {
    ConfigLoadResult result = load("""
        actions:
        - name: quiet
          type: stdout
        """);

    assertThat(result.configOrThrow().action("quiet").orElseThrow().enabled()).isFalse();
    assertThat(result.warnings()).extracting(ConfigProblem::message)
        .containsExactly("action 'quiet' has no 'enable', so it is disabled (as in Postee); add 'enable: true' to use"
            + " it");
  }

  @Test
  void routeWithoutTemplateOrActionsLoadsWithWarnings() {
    ConfigLoadResult result = load("""
        routes:
        - name: raw
        """);

    assertThat(result.isLoaded()).isTrue();
    assertThat(result.warnings()).extracting(ConfigProblem::message).containsExactlyInAnyOrder(
        "route 'raw' has no actions, so matching events go nowhere; list action names under 'actions'",
        "route 'raw' has no template, so its actions receive the event's raw JSON; name a template under"
            + " 'template' to format messages");
  }

  @Test
  void unknownActionTypeListsTheKnownTypes() {
    ConfigProblem error = onlyError(load("""
        actions:
        - name: a
          type: slak
          enable: true
          anything: goes
        """));

    assertThat(error.location()).isEqualTo(at(3, 9));
    assertThat(error.message()).isEqualTo("action 'a': unknown type 'slak' (did you mean 'slack'?); known types:"
        + " awssecurityhub, dependencytrack, docker, email, exec, http, jira, kubernetes, nexusiq, opsgenie,"
        + " pagerduty, servicenow, slack, splunk, stdout, teams, webhook");
  }

  @Test
  void actionWithoutTypeOrNameIsAnError() {
    ConfigLoadResult result = load("""
        actions:
        - enable: true
          url: https://x
        """);

    assertThat(result.errors()).extracting(ConfigProblem::message).containsExactly(
        "action at line 2 has no type; expected one of awssecurityhub, dependencytrack, docker, email, exec, http,"
            + " jira, kubernetes, nexusiq, opsgenie, pagerduty, servicenow, slack, splunk, stdout, teams, webhook",
        "action at line 2 has no name; every action needs a unique 'name'");
  }

  @Test
  void aWrongShapeIsReportedOnceNotAlsoAsMissing() {
    ConfigLoadResult result = load("""
        actions:
        - name: [a]
          type: [slack]
          enable: true
        - name: w
          type: webhook
          enable: true
          url: {host: x}
        """);

    assertThat(result.errors()).extracting(ConfigProblem::message).containsExactly(
        "action at line 2: 'name' must be a string, but found a list (of 1 item)",
        "action at line 2: 'type' must be a string, but found a list (of 1 item)",
        "action 'w': 'url' must be a string, but found a mapping");
  }

  @Test
  void mandatoryFieldsAreRequiredOnlyForEnabledActions() {
    ConfigLoadResult result = load("""
        actions:
        - name: off-jira
          type: jira
          enable: false
          url:
        - name: on-jira
          type: jira
          enable: true
          url:
          user: me
        """);

    assertThat(result.errors()).extracting(ConfigProblem::location).containsExactly(at(6, 3), at(6, 3), at(9, 3));
    assertThat(result.errors()).extracting(ConfigProblem::message).containsExactlyInAnyOrder(
        "action 'on-jira' (jira) is enabled but its 'url' is empty; jira actions need it",
        "action 'on-jira' (jira) is enabled but its 'project-key' is missing; jira actions need it",
        "action 'on-jira' (jira) is enabled but has none of password, token; give one of them");
  }

  @Test
  void everyTypeWithMandatoryFieldsReportsThemWhenEnabled() {
    for (String type : ActionTypes.names()) {
      ActionType spec = ActionTypes.get(type).orElseThrow();
      ConfigLoadResult result = load("""
          actions:
          - name: a
            type: %s
            enable: true
          """.formatted(type));
      long mandatory = spec.fields().stream().filter(FieldSpec::mandatory).count();
      if (mandatory == 0 && spec.requirements().isEmpty()) {
        assertThat(result.isLoaded()).as(type).isTrue();
      } else {
        assertThat(result.errors()).as(type).hasSizeGreaterThanOrEqualTo((int) mandatory)
            .allSatisfy(e -> assertThat(e.message()).startsWith("action 'a' (" + type + ") is enabled but"));
      }
    }
  }

  @Test
  void execNeedsAScriptOrAFileAndWarnsWhenGivenBoth() {
    assertThat(onlyError(load("""
        actions:
        - name: e
          type: exec
          enable: true
          input-file: ''
        """)).message()).isEqualTo("action 'e' (exec) is enabled but has none of exec-script, input-file; give one"
        + " of them");

    ConfigLoadResult both = load("""
        actions:
        - name: e
          type: exec
          enable: true
          exec-script: echo hi
          input-file: /tmp/x.sh
        """);
    assertThat(both.isLoaded()).isTrue();
    assertThat(both.warnings()).singleElement().satisfies(w -> {
      assertThat(w.location()).isEqualTo(at(6, 15));
      assertThat(w.message()).isEqualTo("action 'e': 'input-file' is ignored because 'exec-script' is given (as in"
          + " Postee); keep one");
    });
  }

  @Test
  void emailNeedsHostAndPortUnlessUseMx() {
    String mx = """
        actions:
        - name: m
          type: email
          enable: true
          use-mx: true
          sender: a@example.com
          recipients: [b@example.com]
        """;
    assertThat(load(mx).isLoaded()).isTrue();

    ConfigLoadResult smtp = load(mx.replace("use-mx: true", "use-mx: false"));
    assertThat(smtp.errors()).extracting(ConfigProblem::message).containsExactly(
        "action 'm' (email) is enabled but its 'host' is missing; it is needed unless 'use-mx' is set",
        "action 'm' (email) is enabled but its 'port' is missing; it is needed unless 'use-mx' is set");
  }

  @Test
  void listOfBlankRecipientsCountsAsMissing() {
    ConfigProblem error = onlyError(load("""
        actions:
        - name: m
          type: email
          enable: true
          use-mx: true
          sender: a@example.com
          recipients: ["", ""]
        """));
    assertThat(error.message()).isEqualTo("action 'm' (email) is enabled but its 'recipients' is empty; email"
        + " actions need it");
  }

  @Test
  void valuesOutsideTheAllowedSetAreErrors() {
    ConfigProblem error = onlyError(load("""
        actions:
        - name: h
          type: http
          enable: true
          url: https://x
          method: CONNECT
        """));
    assertThat(error.location()).isEqualTo(at(6, 11));
    assertThat(error.message()).isEqualTo("action 'h': 'method' must be one of GET, HEAD, POST, PUT, PATCH, DELETE,"
        + " OPTIONS, TRACE, but found 'CONNECT'");
  }

  @Test
  void nestedBlocksReportUnknownKeys() {
    ConfigLoadResult result = load("""
        actions:
        - name: k
          type: kubernetes
          enable: true
          kube-namespace: default
          kube-label-selector: app=x
          kube-actions:
            label:
              a: b
        """);
    assertThat(result.warnings()).singleElement().satisfies(w -> {
      assertThat(w.location()).isEqualTo(at(8, 5));
      assertThat(w.message()).isEqualTo("action 'k': 'kube-actions': unknown key 'label' (did you mean 'labels'?);"
          + " known keys: labels, annotations");
    });
  }

  @Test
  void templateWithSeveralSourcesIsAnError() {
    ConfigProblem error = onlyError(load("""
        templates:
        - name: t
          rego-package: postee.vuls.html
          url: https://example.com/t.rego
        """));
    assertThat(error.location()).isEqualTo(at(2, 3));
    assertThat(error.message()).isEqualTo("template 't' has several sources (rego-package, url); give exactly one of"
        + " rego-package, body, url, legacy-scan-renderer");
  }

  @Test
  void templateWithoutSourceIsAWarningUntilARouteUsesIt() {
    String unused = """
        templates:
        - name: custom-email
          url:
        """;
    ConfigLoadResult result = load(unused);
    assertThat(result.isLoaded()).isTrue();
    assertThat(result.warnings()).extracting(ConfigProblem::message).containsExactly("template 'custom-email' has"
        + " no source, so no route can use it; give it one of rego-package, body, url, legacy-scan-renderer");

    ConfigProblem error = onlyError(load(unused + """
        routes:
        - name: r
          template: custom-email
          actions: []
        """));
    assertThat(error.location()).isEqualTo(at(6, 13));
    assertThat(error.message()).isEqualTo("route 'r': template 'custom-email' (line 2) has no source; give it one"
        + " of rego-package, body, url, legacy-scan-renderer");
  }

  @Test
  void templateSourcesAreChecked() {
    ConfigLoadResult result = load("""
        templates:
        - name: a
          rego-package: postee..html
        - name: b
          url: ftp://example.com/t.rego
        - name: c
          legacy-scan-renderer: pdf
        """);
    assertThat(result.errors()).extracting(ConfigProblem::message).containsExactly(
        "template 'a': 'rego-package' must be a dotted package name such as postee.vuls.html, but found"
            + " 'postee..html'",
        "template 'b': 'url' must be an http or https URL to fetch the Rego module from",
        "template 'c': 'legacy-scan-renderer' must be one of html, slack, jira, but found 'pdf'");
  }

  @Test
  void runsOnMustNameADeclaredRunnerWhenRunnersAreDeclared() {
    String body = """
        routes:
        - name: r
          runs-on: runner-2
          actions: [a, b]
        actions:
        - name: a
          type: stdout
          enable: true
          runs-on: runner-1
        - name: b
          type: stdout
          enable: true
          runs-on: event.input.Context.hostName
        """;
    assertThat(load(body).isLoaded()).as("without a runners list any name goes").isTrue();

    ConfigProblem error = onlyError(load("""
        runners:
        - name: runner-1
        """ + body));
    assertThat(error.location()).isEqualTo(at(5, 12));
    assertThat(error.message()).isEqualTo("route 'r': 'runs-on' names runner 'runner-2', which is not declared under"
        + " 'runners' (did you mean 'runner-1'?); declared runners: runner-1 (or use an event.input. selector)");
  }

  @Test
  void runnerDeclarationsAreValidated() {
    ConfigLoadResult result = load("""
        runners:
        - name: a
          nkey: SUAKYITMHPMSYUGPNQBLLPGOPFQN44XNCGXHNSHLJJVMD3IKYGBOLAI7TI
        - name: a
        """);
    assertThat(result.errors()).extracting(ConfigProblem::message).containsExactly(
        "runner 'a': 'nkey' must be the runner's public user NKey (56 characters starting with 'U'; never the seed)",
        "there is already a runner named 'a' (line 2); runner names must be unique");
  }

  @Test
  void badDurationsAndSizesAreErrors() {
    ConfigLoadResult result = load("""
        max-db-size: lots
        db-verify-interval: often
        routes:
        - name: r
          plugins:
            unique-message-timeout: 10 minutes
            aggregate-message-number: -1
        actions:
        - name: w
          type: webhook
          enable: true
          url: https://x
          timeout: 0s
          max-attempts: 0
          retry-initial-delay: 10m
          retry-max-delay: 1m
        """);

    assertThat(result.errors()).extracting(ConfigProblem::message).containsExactly(
        "'max-db-size' must be a size such as 300MB, 1GB or a number of bytes (empty or 0 = unlimited), but found"
            + " 'lots'",
        "'db-verify-interval' must be a number of hours or a duration such as 30s, 10m, 1h, 2d, 300ms, 2h45m or a"
            + " number of seconds, but found 'often'",
        "route 'r' plugins: 'unique-message-timeout' must be a duration such as 30s, 10m, 1h, 2d, 300ms, 2h45m or a"
            + " number of seconds, but found '10 minutes'",
        "route 'r' plugins: 'aggregate-message-number' must be a positive whole number (0 or empty = off), but found"
            + " -1",
        "action 'w': 'timeout' must be longer than zero; leave it out for the default",
        "action 'w': 'max-attempts' must be between 1 and 1000 (1 = no retry), but found 0",
        "action 'w': 'retry-initial-delay' must not be longer than 'retry-max-delay'");
    assertThat(result.errors().get(0).location()).isEqualTo(at(1, 14));
  }

  @Test
  void anUnknownConfigTypeIsAWarning() {
    ConfigLoadResult result = load("type: master\n");
    assertThat(result.isLoaded()).isTrue();
    assertThat(result.warnings()).singleElement().satisfies(w -> {
      assertThat(w.location()).isEqualTo(at(1, 7));
      assertThat(w.message()).isEqualTo("'type' is 'master', which this product does not use; expected one of"
          + " controller, runner, standalone (the mode is chosen on the command line)");
    });
  }

  @Test
  void keysGivenTwiceIgnoringCaseAreErrors() {
    ConfigProblem error = onlyError(load("""
        name: a
        Name: b
        """));
    assertThat(error.location()).isEqualTo(at(2, 1));
    assertThat(error.message()).isEqualTo("key 'Name' is given twice in this mapping (first at line 1; keys are"
        + " matched ignoring case); keep one");
  }

  @Test
  void bothNamesOfTheActionListAreAnError() {
    ConfigProblem error = onlyError(load("""
        actions: []
        outputs: []
        """));
    assertThat(error.location()).isEqualTo(at(2, 1));
    assertThat(error.message()).isEqualTo("'outputs' and 'actions' are two names for the same thing (seed shape and"
        + " Postee v2); keep one");
  }

  @Test
  void yamlSyntaxErrorsAreReportedWithTheirPosition() {
    ConfigProblem error = onlyError(load("""
        routes:
        - name: r
          actions: [a, b
        templates: []
        """));
    assertThat(error.location().line()).isEqualTo(4);
    assertThat(error.message()).startsWith("the file is not valid YAML: ");
  }

  @Test
  void emptyFilesAndNonMappingsAreErrors() {
    assertThat(onlyError(load("# nothing but a comment\n")).message())
        .isEqualTo("the file is empty; expected a mapping with routes, templates and actions");
    assertThat(onlyError(load("- a\n- b\n")).message()).isEqualTo("the file must be a mapping with keys such as"
        + " name, routes, templates and actions, but found a list (of 2 items)");
    assertThat(onlyError(load("routes: {name: r}\n")).message())
        .isEqualTo("'routes' must be a list of routes (each '- name: ...'), but found a mapping");
    assertThat(onlyError(load("routes: [r]\n")).message())
        .isEqualTo("each route must be a mapping starting with '- name: ...', but found a string");
  }

  @Test
  void recursiveAliasesAreReportedNotFollowed() {
    ConfigLoadResult result = load("""
        rules: &loop
        - *loop
        """);
    assertThat(result.isLoaded()).isFalse();
    assertThat(result.errors()).extracting(ConfigProblem::message).contains(
        "this alias refers to a block that contains itself; expected a finite value");
  }

  @Test
  void aliasExpansionIsBounded() {
    StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i <= 5; i++) { // 50 aliases: within snakeyaml's own alias limit
      yaml.append("a").append(i).append(": &a").append(i).append(" [")
          .append(("*a" + (i - 1) + ", ").repeat(9)).append("*a").append(i - 1).append("]\n");
    }
    ConfigProblem error = onlyError(load(yaml.toString()));
    assertThat(error.message()).startsWith("the file expands to more than 200000 values");
  }

  @Test
  void collectsEveryProblemInFileOrderInsteadOfStoppingAtTheFirst() {
    ConfigLoadResult result = load("""
        routes:
        - name: r
          actions: [missing]
          template: nope
        actions:
        - name: x
          type: nope
        - name: y
          type: slack
          enable: true
        """);

    assertThat(result.errors()).extracting(p -> p.location().line()).containsExactly(3, 4, 7, 8);
    assertThat(result.config()).isEmpty();
    assertThatThrownBy(result::configOrThrow)
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("test.yaml is not a valid config (4 error(s)):\n")
        .hasMessageContaining("test.yaml:3:13: error: route 'r': action 'missing' is not defined")
        .satisfies(e -> assertThat(((InvalidConfigException) e).result()).isSameAs(result));
  }

  @Test
  void formatsProblemsAsCompilersDo() {
    ConfigLoadResult result = load("""
        routes:
        - name: r
          template: [a]
          colour: red
        """);
    assertThat(result.formatProblems()).isEqualTo("""
        test.yaml:2:3: warning: route 'r' has no actions, so matching events go nowhere; list action names under \
        'actions'
        test.yaml:2:3: warning: route 'r' has no template, so its actions receive the event's raw JSON; name a \
        template under 'template' to format messages
        test.yaml:3:3: error: route 'r': 'template' must be a string, but found a list (of 1 item)
        test.yaml:4:3: warning: route 'r': unknown key 'colour'; known keys: name, input, input-files, actions, \
        outputs, template, serialize-actions, serialize-outputs, runs-on, plugins""");
    assertThat(result.problems()).extracting(ConfigProblem::severity)
        .containsExactly(Severity.WARNING, Severity.WARNING, Severity.ERROR, Severity.WARNING);
  }

  @Test
  void unreadableFilesAreReportedNotThrown(@TempDir Path dir) throws Exception {
    ConfigLoadResult missing = ConfigLoader.defaults().load(dir.resolve("absent.yaml"));
    assertThat(onlyError(missing).format()).isEqualTo(dir.resolve("absent.yaml")
        + ": error: the config file does not exist; check the path (--cfgfile or POSTEE_CFG)");

    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(latin1, new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xE9, '\n'});
    assertThat(onlyError(ConfigLoader.defaults().load(latin1)).message())
        .isEqualTo("the file is not UTF-8 text; save it as UTF-8");

    Path good = dir.resolve("good.yaml");
    Files.writeString(good, "\uFEFFname: with-bom\n");
    assertThat(ConfigLoader.defaults().load(good).configOrThrow().name()).isEqualTo("with-bom");
  }
}
