package dev.postee.cluster.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postee.cluster.protocol.RunnerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerConfigFilesTest {
  @TempDir Path data;

  private static RunnerConfig config(String version, Map<String, String> files) {
    return new RunnerConfig("runner-1", version, "name: " + version + "\n", files, 1000, null);
  }

  @Test
  void installWritesTheConfigurationItsFilesAndMetadataOwnerOnly() throws Exception {
    RunnerConfigFiles files = new RunnerConfigFiles(data);
    files.install(config("v1", Map.of("filters/alpine.rego", "package f", "templates/sub/t.rego", "package t")), 2000)
        .commit();

    assertThat(Files.readString(files.configFile())).isEqualTo("name: v1\n");
    assertThat(Files.readString(files.filtersDir().resolve("alpine.rego"))).isEqualTo("package f");
    assertThat(Files.readString(files.templatesDir().resolve("sub/t.rego"))).isEqualTo("package t");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.configFile()))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.directory()))).isEqualTo("rwx------");
    assertThat(files.load()).hasValueSatisfying(m -> {
      assertThat(m.version()).isEqualTo("v1");
      assertThat(m.receivedAtMillis()).isEqualTo(2000);
    });
  }

  @Test
  void rollbackBringsThePreviousConfigurationBack() throws Exception {
    RunnerConfigFiles files = new RunnerConfigFiles(data);
    files.install(config("v1", Map.of("filters/a.rego", "package a")), 1).commit();

    files.install(config("v2", Map.of()), 2).rollback();

    assertThat(Files.readString(files.configFile())).isEqualTo("name: v1\n");
    assertThat(files.filtersDir().resolve("a.rego")).exists();
    assertThat(files.load()).map(RunnerConfigFiles.Meta::version).contains("v1");
  }

  @Test
  void aSwapInterruptedByACrashLeavesThePreviousConfigurationAtTheNextStart() throws Exception {
    new RunnerConfigFiles(data).install(config("v1", Map.of()), 1).commit();
    new RunnerConfigFiles(data).install(config("v2", Map.of()), 2); // neither committed nor rolled back

    RunnerConfigFiles afterRestart = new RunnerConfigFiles(data);

    assertThat(afterRestart.load()).map(RunnerConfigFiles.Meta::version).contains("v1");
    assertThat(Files.readString(afterRestart.configFile())).isEqualTo("name: v1\n");
    assertThat(data.resolve("runner-config.previous")).doesNotExist();
  }

  @Test
  void filesOutsideFiltersAndTemplatesAreNotWritten() throws Exception {
    RunnerConfigFiles files = new RunnerConfigFiles(data);
    files.install(config("v1", Map.of("../escape.txt", "x", "filters/../../escape2.txt", "x", "/etc/evil", "x",
        "cfg.yaml", "replaced", "templates/ok.rego", "package ok")), 1).commit();

    assertThat(data.resolve("escape.txt")).doesNotExist();
    assertThat(data.resolve("escape2.txt")).doesNotExist();
    assertThat(Files.readString(files.configFile())).isEqualTo("name: v1\n");
    assertThat(files.templatesDir().resolve("ok.rego")).exists();
  }

  @Test
  void nothingStoredIsEmpty() {
    assertThat(new RunnerConfigFiles(data).load()).isEmpty();
  }
}
