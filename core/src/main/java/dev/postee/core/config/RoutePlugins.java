package dev.postee.core.config;

import java.time.Duration;
import java.util.List;

/**
 * A route's message plugins (SPEC §4.1). Zero or absent values mean "off", as in Postee.
 *
 * @param uniqueMessageProps dotted event paths that together identify a message (empty = no dedup)
 * @param uniqueMessageTimeout how long a key is remembered; null = forever
 * @param aggregateMessageNumber one message per this many events; null = no count aggregation
 * @param aggregateMessageTimeout one message per this time window; null = no time aggregation
 */
public record RoutePlugins(
    List<String> uniqueMessageProps,
    Duration uniqueMessageTimeout,
    Integer aggregateMessageNumber,
    Duration aggregateMessageTimeout) {
  public static final RoutePlugins NONE = new RoutePlugins(List.of(), null, null, null);

  public RoutePlugins {
    uniqueMessageProps = List.copyOf(uniqueMessageProps);
  }
}
