package dev.postee.core.config;

/**
 * A template (SPEC §4.1); in a loaded config exactly one of the four sources is set, unless the
 * template is not used by any route (Postee's sample keeps an unused {@code url:} placeholder).
 *
 * @param regoPackage a built-in or user-supplied Rego package, e.g. {@code postee.vuls.html}
 * @param body an inline Rego module
 * @param url where to fetch a Rego module from at load
 * @param legacyScanRenderer {@code html}, {@code slack} or {@code jira}
 */
public record TemplateConfig(
    String name, String regoPackage, String body, String url, String legacyScanRenderer, SourceLocation location) {

  /** True when no source is set: the template cannot render anything. */
  public boolean hasNoSource() {
    return regoPackage == null && body == null && url == null && legacyScanRenderer == null;
  }
}
