package dev.postee.cluster.protocol;

import java.util.Map;

/**
 * The configuration a controller gives one runner: only the routes, actions and templates that
 * runner runs (no other action's fields or secrets).
 *
 * @param version content hash; a runner ignores a push of the version it already runs
 * @param yaml the runner's configuration in Postee's YAML format
 * @param files supporting files by relative path ("filters/NAME" for route input-files,
 *     "templates/NAME.rego" for user template packages)
 * @param error set instead of a configuration when the controller cannot serve this runner
 */
public record RunnerConfig(String runner, String version, String yaml, Map<String, String> files, long issuedAtMillis,
    String error) {}
