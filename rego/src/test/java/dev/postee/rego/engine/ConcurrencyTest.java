package dev.postee.rego.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postee.rego.PreparedPolicy;
import dev.postee.rego.PreparedQuery;
import dev.postee.rego.Rego;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One compiled policy, evaluated from many threads at once with different inputs. */
class ConcurrencyTest {

  @Test
  void manyThreadsShareOnePolicyAndGetTheirOwnResults() throws Exception {
    PreparedPolicy policy = Rego.builder().module("t.rego", """
        package t
        import rego.v1
        critical contains v.id if {
          some v in input.vulns
          v.severity == "CRITICAL"
        }
        summary := {"image": input.image, "critical": count(critical), "ids": sort([id | some id in critical])}
        """).compile();
    PreparedQuery q = policy.prepare("data.t.summary");
    int threads = 8;
    int perThread = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          int ok = 0;
          for (int i = 0; i < perThread; i++) {
            int n = (thread * perThread + i) % 7;
            StringBuilder vulns = new StringBuilder();
            for (int k = 0; k < n + 3; k++) {
              if (k > 0) vulns.append(',');
              vulns.append("{\"id\":\"CVE-").append(thread).append('-').append(k)
                  .append("\",\"severity\":\"").append(k < n ? "CRITICAL" : "LOW").append("\"}");
            }
            Value input = Json.parse("{\"image\":\"img-" + thread + "-" + i + "\",\"vulns\":[" + vulns + "]}");
            Value out = q.evalValue(input);
            StringBuilder ids = new StringBuilder();
            for (int k = 0; k < n; k++) {
              if (k > 0) ids.append(',');
              ids.append("\"CVE-").append(thread).append('-').append(k).append('"');
            }
            String expected = "{\"critical\":" + n + ",\"ids\":[" + ids + "],\"image\":\"img-" + thread + "-" + i + "\"}";
            if (out.toJson().equals(expected)) ok++;
          }
          return ok;
        }));
      }
      for (Future<Integer> f : futures) assertThat(f.get()).isEqualTo(perThread);
    } finally {
      pool.shutdownNow();
    }
  }
}
