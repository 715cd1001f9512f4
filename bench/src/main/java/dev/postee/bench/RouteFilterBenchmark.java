package dev.postee.bench;

import dev.postee.rego.PreparedPolicy;
import dev.postee.rego.Rego;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.Value;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Target (1): a compiled route filter, {@code contains(input.image, "alpine")}, wrapped the way
 * Postee wraps a route's input text (SPEC §6), read with {@link PreparedPolicy#valueAt} on a small
 * event. Target: median at most 2 µs per evaluation on one core.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RouteFilterBenchmark {
  static final String FILTER_MODULE = """
      package postee

      default allow = false

      allow {
          contains(input.image, "alpine")
      }
      """;

  static final String EVENT = """
      {"image": "alpine:3.18.4", "registry": "Docker Hub", "digest": "sha256:48d9183eb12a05c99bcc0bf44a003607b8e941e1d4f41f9ad12bdcc4b5672f86",
       "os": "alpine", "version": "3.18.4", "image_assurance_results": {"disallowed": false},
       "vulnerability_summary": {"total": 4, "critical": 0, "high": 1, "medium": 2, "low": 1, "negligible": 0,
                                 "sensitive": 0, "malware": 0},
       "scan_options": {"scan_executables": true, "scan_malware": true}, "postee": {"AquaServer": "https://aqua.example.com/"}}
      """;

  private static final List<String> ALLOW = List.of("postee", "allow");

  private PreparedPolicy policy;
  private Value event;

  @Setup
  public void setup() {
    policy = Rego.builder().module("route.rego", FILTER_MODULE).compile();
    event = Json.parse(EVENT);
    if (!BooleanValue.TRUE.equals(policy.valueAt(ALLOW, event))) throw new IllegalStateException("the filter should match");
  }

  @Benchmark
  public Value evaluateFilter() {
    return policy.valueAt(ALLOW, event);
  }
}
