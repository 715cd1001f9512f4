package dev.postee.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postee.app.Shared;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** {@code postee validate}: problems from loading and from compiling, with positions and exit codes. */
class ValidateCommandTest {
  @TempDir Path dir;

  private Path config(String yaml) throws IOException {
    Path f = dir.resolve("cfg.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private CliRun validate(Path cfg, String... extra) {
    Map<String, String> env = Map.of("REGO_FILTERS_PATH", dir.resolve("filters").toString());
    String[] args = Stream.concat(Stream.of("validate", "--cfgfile", cfg.toString(),
        "--rego-templates", dir.resolve("templates").toString()), Stream.of(extra)).toArray(String[]::new);
    return CliRun.of(env, args);
  }

  @Test
  void aValidConfigExitsZero() throws IOException {
    Path cfg = config("""
        name: ok
        routes:
        - name: alpine
          input: contains(input.image, "alpine")
          template: raw
          actions: [out]
        templates:
        - name: raw
          rego-package: postee.rawmessage.json
        actions:
        - name: out
          type: stdout
          enable: true
        """);
    CliRun run = validate(cfg);
    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(run.out()).isEqualTo(cfg + ": valid\n");
  }

  @Test
  void theExamplesTheReadmeStartsAreValid() {
    for (String example : List.of("standalone.yaml", "controller-runner.yaml")) {
      Path cfg = Path.of("..", "examples", example);
      CliRun run = validate(cfg, "--strict");
      assertThat(run.exitCode()).as(example + ": " + run.out() + run.err()).isZero();
      // validate checks as a standalone instance would run it: runs-on is noted, not an error
      assertThat(run.out()).contains(cfg + ": valid").doesNotContain("error");
    }
  }

  @Test
  void loaderErrorsAreListedWithPositionAndExitOne() throws IOException {
    Path cfg = config("""
        routes:
        - name: r
          input: input.x ==
          actions: [nowhere]
          template: nothing
        actions:
        - name: hook
          type: webhook
          enable: true
        """);
    CliRun run = validate(cfg);
    assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG_ERROR);
    List<String> lines = run.out().lines().toList();
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(cfg + ":3:").contains("error:"));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(cfg + ":4:").contains("nowhere"));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(cfg + ":5:").contains("nothing"));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(cfg + ":7:").contains("url"));
    assertThat(lines.getLast()).startsWith(cfg + ": invalid: ");
  }

  @Test
  void compileErrorsAreReportedTooNotOnlyLoaderErrors() throws IOException {
    Files.createDirectories(dir.resolve("templates"));
    Files.createDirectories(dir.resolve("filters"));
    Path cfg = config("""
        routes:
        - name: by-file
          input-files: [absent-filter]
          template: custom
          actions: [out]
        templates:
        - name: custom
          rego-package: my.absent.package
        actions:
        - name: out
          type: stdout
          enable: true
        """);
    CliRun run = validate(cfg);
    assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(run.out())
        .contains(cfg + ":2:3: error: route 'by-file': input file 'absent-filter' not found in")
        .contains(cfg + ":7:3: error: template 'custom': package my.absent.package does not exist");
  }

  @Test
  void regoThatParsesButDoesNotCompileIsReportedAgainstTheFile() throws IOException {
    Path cfg = config("""
        routes:
        - name: r
          template: t
          actions: [out]
        templates:
        - name: t
          body: |
            package custom
            title := "x"
            result := y
        actions:
        - name: out
          type: stdout
          enable: true
        """);
    CliRun run = validate(cfg);
    assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(run.out()).startsWith(cfg + ": error: template Rego does not compile: template:t:3:11: rego_unsafe_var_error: var y is unsafe\n");
  }

  @Test
  void referencesIntoDirectoriesThatDoNotExistHereAreWarningsNamingWhatWasNotChecked() throws IOException {
    Path cfg = config("""
        routes:
        - name: by-file
          input-files: [Privilege Escalation]
          template: custom
          actions: [out]
        templates:
        - name: custom
          rego-package: my.templates.pkg
        actions:
        - name: out
          type: stdout
          enable: true
        """);
    CliRun run = validate(cfg);
    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(run.out())
        .contains(cfg + ":2:3: warning: route 'by-file': input files [Privilege Escalation] not checked: the filters directory "
            + dir.resolve("filters") + " does not exist here")
        .contains(cfg + ":7:3: warning: template 'custom': package my.templates.pkg is not built in and was not checked")
        .endsWith(cfg + ": valid (2 warnings)\n");
  }

  @Test
  void theFilterOfAnInputFileIsCompiledWhenTheDirectoryExists() throws IOException {
    Files.createDirectories(dir.resolve("filters"));
    Files.writeString(dir.resolve("filters/broken"), "package postee\n\nallow if {\n");
    Path cfg = config("""
        routes:
        - name: by-file
          input-files: [broken]
          actions: [out]
        actions:
        - name: out
          type: stdout
          enable: true
        """);
    CliRun run = validate(cfg);
    assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(run.out()).contains(cfg + ":2:3: error: route 'by-file': ");
  }

  @Test
  void unknownKeysAreWarningsAndErrorsInStrictMode() throws IOException {
    Path cfg = config("""
        routes:
        - name: r
          actions: [out]
          colour: blue
        actions:
        - name: out
          type: stdout
          enable: true
        """);
    CliRun lenient = validate(cfg);
    assertThat(lenient.exitCode()).isZero();
    assertThat(lenient.out()).contains(cfg + ":4:3: warning: route 'r': unknown key 'colour'");
    CliRun strict = validate(cfg, "--strict");
    assertThat(strict.exitCode()).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(strict.out()).contains(cfg + ":4:3: error: route 'r': unknown key 'colour'");
  }

  @Test
  void aMissingFileIsOneClearError() {
    Path cfg = dir.resolve("nope.yaml");
    CliRun run = validate(cfg);
    assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(run.out()).startsWith(cfg + ": error: the config file does not exist");
  }

  @Test
  void theFileComesFromPosteeCfgWhenNoFlagIsGiven() throws IOException {
    Path cfg = config("routes: []\n");
    CliRun run = CliRun.of(Map.of("POSTEE_CFG", cfg.toString()), "validate");
    assertThat(run.out()).startsWith(cfg + ": valid");
  }

  private static List<Path> samples(Path shared) throws IOException {
    try (Stream<Path> a = Files.list(shared.resolve("samples/postee-configs"));
        Stream<Path> b = Files.list(shared.resolve("samples/configs"))) {
      return Stream.concat(a, b).filter(Files::isRegularFile).sorted().toList();
    }
  }

  @TestFactory
  Stream<DynamicTest> everySampleConfigValidatesExceptTheOneBrokenUpstream() throws IOException {
    Path shared = Shared.dir();
    List<Path> files = samples(shared);
    assertThat(files).hasSizeGreaterThanOrEqualTo(12);
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
      CliRun run = validate(f);
      if (f.getFileName().toString().equals("cfg.yaml")) {
        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG_ERROR);
        List<String> errors = run.out().lines().filter(l -> l.contains(": error: ")).toList();
        assertThat(errors).containsExactly(f + ":147:3: error: action 'my-nexus-iq': 'organization-id' must be a string,"
            + " but found a list (of 1 item); the block at line 149 ('- name: my-dependencytrack') is indented under"
            + " 'organization-id': if it is a separate entry, indent it like the entries around it");
        assertThat(run.out()).endsWith(f + ": invalid: 1 error, 1 warning\n");
      } else {
        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.out()).doesNotContain(": error: ").contains(f + ": valid");
      }
    }));
  }
}
