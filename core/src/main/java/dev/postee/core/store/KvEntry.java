package dev.postee.core.store;

import java.time.Instant;

/**
 * One live entry of the key-value table, as listed by {@link Store#kvEntries}.
 *
 * @param expiresAt when the entry stops being live, or null for never
 */
public record KvEntry(String namespace, String key, byte[] value, Instant expiresAt) {}
