package dev.postee.core.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActionEnvironmentTest {
  @TempDir Path tmp;

  @Test
  void productionEnvironmentHasAPrivateWorkDirectoryAndABoundedVerifyingClient() throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "needs POSIX permissions");
    Path dir = tmp.resolve("nested/work");

    try (ActionEnvironment env = ActionEnvironment.create(dir)) {
      assertThat(Files.isDirectory(dir)).isTrue();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
      assertThat(env.httpClient().connectTimeout()).isEqualTo(ActionEnvironment.CONNECT_TIMEOUT);
      assertThat(env.standardOutput()).isSameAs(System.out);
    }
  }
}
