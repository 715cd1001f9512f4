package dev.postee.core.template;

import dev.postee.rego.value.Value;
import java.util.Map;

/**
 * A template's output for one event (SPEC §7): title, result (a string; a non-string result is
 * serialised as compact JSON), optional url, and any other fields the template produced
 * (ServiceNow's result_* fields, aggregation_pkg, Slack blocks, ...).
 */
public record RenderedMessage(String title, String result, String url, Map<String, Value> extra) {
  public RenderedMessage {
    title = title == null ? "" : title;
    result = result == null ? "" : result;
    extra = extra == null ? Map.of() : Map.copyOf(extra);
  }
}
