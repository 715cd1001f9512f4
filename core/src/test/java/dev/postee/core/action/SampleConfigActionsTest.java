package dev.postee.core.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * Every enabled action of a built-in type in the shipped sample configurations (Go Postee's and
 * the orchestration document's) can be built. The YAML is read directly here, standing in for
 * the config loader, which owns the real binding.
 */
class SampleConfigActionsTest {
  private static final Set<String> COMMON_FIELDS = Set.of("name", "type", "enable", "runs-on", "timeout");

  @TempDir Path work;

  private static Path samples() {
    String dir = System.getProperty("postee.shared.dir");
    Path samples = dir == null ? null : Path.of(dir, "samples");
    assumeTrue(samples != null && Files.isDirectory(samples),
        "skipped: the shared samples directory (system property postee.shared.dir) is not available");
    return samples;
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyEnabledSampleActionOfABuiltInTypeCanBeBuilt() throws IOException {
    Path samples = samples();
    List<Path> files;
    try (Stream<Path> s = Stream.concat(Files.list(samples.resolve("postee-configs")), Files.list(samples.resolve("configs")))) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    ActionTypes types = ActionTypes.builtIn();
    List<String> built = new ArrayList<>();
    try (ActionEnvironment env = new ActionEnvironment(ActionEnvironment.newHttpClient(), work, Clock.systemUTC(), System.out)) {
      for (Path file : files) {
        Map<String, Object> config;
        try (Reader r = Files.newBufferedReader(file)) {
          config = new Yaml().load(r);
        }
        List<Object> actions = new ArrayList<>();
        for (String key : List.of("actions", "outputs")) {
          if (config.get(key) instanceof List<?> l) actions.addAll(l);
        }
        for (Object a : actions) {
          Map<String, Object> block = (Map<String, Object>) a;
          String type = String.valueOf(block.get("type"));
          if (!Boolean.TRUE.equals(block.get("enable")) || types.find(type).isEmpty()) continue;
          Map<String, Object> fields = new LinkedHashMap<>(block);
          fields.keySet().removeAll(COMMON_FIELDS);
          Duration timeout = block.get("timeout") == null ? null : MapSettings.parseDuration(block.get("timeout").toString());
          Action action = types.create(new ActionSpec(String.valueOf(block.get("name")), type, new MapSettings(fields), timeout), env);
          built.add(file.getFileName() + ":" + action.name());
        }
      }
    }
    assertThat(built).contains("config_cfg-controller-runner.yaml:my-http-post-from-controller",
        "config_terminate-malicious-pods.yaml:Kill Process", "seed-controller.yaml:my-exec-from-runner");
  }
}
