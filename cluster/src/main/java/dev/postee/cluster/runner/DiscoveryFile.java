package dev.postee.cluster.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --runner-discovery-file}: the runner's identity and webhook address for producers on the
 * same host or node (the seed document's file-system discovery), as JSON
 * {@code {"name", "webhook", "labels", "controller"}}. Replaced atomically so a reader never sees
 * half a file; readable by everyone (it holds no secret).
 */
final class DiscoveryFile {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private DiscoveryFile() {}

  static void write(Path file, String name, String webhook, Map<String, String> labels, String controller)
      throws IOException {
    Map<String, Object> content = new LinkedHashMap<>();
    content.put("name", name);
    content.put("webhook", webhook);
    content.put("labels", labels);
    content.put("controller", controller);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      Files.write(tmp, JSON.writeValueAsBytes(content));
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
