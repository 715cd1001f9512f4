package dev.postee.core.engine;

import dev.postee.core.action.ExecutionRecord;
import dev.postee.core.routing.Pipeline;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.DoubleSupplier;

/** The product's Prometheus metrics (SPEC §10), in one registry scraped at /metrics. */
public final class Metrics implements Pipeline.Listener {
  private final PrometheusRegistry registry = new PrometheusRegistry();

  final Counter eventsReceived = Counter.builder().name("postee_events_received_total")
      .help("Events accepted (stored) by ingest").register(registry);
  final Counter eventsRejected = Counter.builder().name("postee_events_rejected_total")
      .help("Events refused by ingest, by reason").labelNames("reason").register(registry);
  final Counter eventsProcessed = Counter.builder().name("postee_events_processed_total")
      .help("Events that every route has handled").register(registry);
  final Histogram processingSeconds = Histogram.builder().name("postee_event_processing_seconds")
      .help("Time from ingest to the event being fully handled").register(registry);
  final Counter routesMatched = Counter.builder().name("postee_route_matches_total")
      .help("Events matched by a route").labelNames("route").register(registry);
  final Counter duplicates = Counter.builder().name("postee_route_duplicates_total")
      .help("Messages dropped as duplicates (unique-message-props)").labelNames("route").register(registry);
  final Counter templateErrors = Counter.builder().name("postee_template_errors_total")
      .help("Events a template could not render").labelNames("route", "template").register(registry);
  final Counter filterErrors = Counter.builder().name("postee_filter_errors_total")
      .help("Route filters that failed to evaluate").labelNames("route").register(registry);
  final Counter actionAttempts = Counter.builder().name("postee_action_attempts_total")
      .help("Action attempts by outcome (ok, failed, retry)").labelNames("action", "type", "where", "outcome").register(registry);
  final Histogram actionSeconds = Histogram.builder().name("postee_action_duration_seconds")
      .help("Duration of action attempts").labelNames("action", "type").register(registry);
  final Counter reloads = Counter.builder().name("postee_config_reloads_total")
      .help("Configuration reloads by result (applied, rejected)").labelNames("result").register(registry);

  public PrometheusRegistry registry() { return registry; }

  /** Registers a gauge read at scrape time (queue depth, events in flight, ...). */
  public void gauge(String name, String help, DoubleSupplier value) {
    Gauge g = Gauge.builder().name(name).help(help).register(registry);
    registry.register(() -> {
      g.set(value.getAsDouble());
      return g.collect();
    });
    registry.unregister(g);
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  public void rejected(String reason) { eventsRejected.labelValues(reason).inc(); }

  void execution(ExecutionRecord r) {
    actionAttempts.labelValues(r.action(), r.actionType(), r.where(), r.outcome().name().toLowerCase(java.util.Locale.ROOT)).inc();
    actionSeconds.labelValues(r.action(), r.actionType()).observe(r.duration().toNanos() / 1e9);
  }

  @Override public void routeMatched(String route) { routesMatched.labelValues(route).inc(); }

  @Override public void duplicateDropped(String route) { duplicates.labelValues(route).inc(); }

  @Override public void templateFailed(String route, String template) { templateErrors.labelValues(route, template).inc(); }

  @Override public void filterFailed(String route) { filterErrors.labelValues(route).inc(); }
}
