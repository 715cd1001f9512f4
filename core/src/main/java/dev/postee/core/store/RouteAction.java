package dev.postee.core.store;

/** An action of a route, as recorded in an event's progress. */
public record RouteAction(String route, String action) {}
