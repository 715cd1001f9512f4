package dev.postee.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Template-sized Rego modules in the shapes of Postee's templates: an HTML vulnerability report
 * and a Slack rendering (v0 syntax, as Postee's templates are written), a Jira description and a
 * Trivy-operator report (v1). Each copy gets its own package so all of them compile into one policy.
 */
final class TemplateSources {
  private TemplateSources() {}

  /** n modules as {file name, source}, cycling through the four shapes. */
  static List<String[]> modules(int n) {
    List<String[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String pkg = "postee.bench.t" + i;
      String src = switch (i % 4) {
        case 0 -> vulsHtml(pkg);
        case 1 -> vulsSlack(pkg);
        case 2 -> trivyJira(pkg);
        default -> operatorReport(pkg);
      };
      out.add(new String[] {"t" + i + ".rego", src});
    }
    return out;
  }

  private static String vulsHtml(String pkg) {
    return """
        package %s

        tpl := `
        <p><b>Image name:</b> %%s</p>
        <p><b>Registry:</b> %%s</p>
        <p><b>Critical:</b> %%d <b>High:</b> %%d <b>Medium:</b> %%d <b>Low:</b> %%d</p>
        %%s
        <p><b>Response policies:</b> %%s</p>
        `

        table_tpl := `<table border='1' style='width: 100%%%%;'>%%s</table>`
        row_tpl := `<tr>%%s</tr>`
        cell_tpl := `<td style='padding: 5px;'>%%s</td>`

        with_default(obj, prop, default_value) = default_value {
            not obj[prop]
        }

        with_default(obj, prop, default_value) = obj[prop]

        render_row(cells) = row {
            tds := [td | c := cells[_]; td := sprintf(cell_tpl, [c])]
            row := sprintf(row_tpl, [concat("", tds)])
        }

        severities := ["critical", "high", "medium", "low", "negligible"]

        vulnerabilities_by(severity) = rows {
            rows := [[r.resource.name, r.resource.version, with_default(v, "fix_version", "none")] |
                r := input.resources[_]
                v := r.vulnerabilities[_]
                v.aqua_severity == severity
            ]
        }

        sections := [section |
            severity := severities[_]
            rows := vulnerabilities_by(severity)
            count(rows) > 0
            body := concat("", [render_row(cells) | cells := rows[_]])
            section := sprintf("<h3>%%s</h3>%%s", [upper(severity), sprintf(table_tpl, [body])])
        ]

        policies := concat(", ", [p.name | p := input.image_assurance_results.checks_performed[_]; p.failed])

        title = sprintf("%%s vulnerability scan report", [input.image])

        severity_label = "critical" {
            input.vulnerability_summary.critical > 0
        } else = "high" {
            input.vulnerability_summary.high > 0
        } else = "none"

        result = msg {
            s := input.vulnerability_summary
            msg := sprintf(tpl, [input.image, with_default(input, "registry", "unknown"), s.critical, s.high,
                                 s.medium, s.low, concat("\\n", sections), policies])
        }

        url := sprintf("%%s#/images/%%s", [input.postee.AquaServer, urlquery.encode(input.image)])
        """.formatted(pkg);
  }

  private static String vulsSlack(String pkg) {
    return """
        package %s

        import future.keywords.in

        by_flag(a, b, flag) = a {
            flag
        }

        by_flag(a, b, flag) = b {
            not flag
        }

        header := {"type": "header", "text": {"type": "plain_text", "text": sprintf("Scan of %%s", [input.image])}}

        summary_field(label, n) = {"type": "mrkdwn", "text": sprintf("*%%s:* %%d", [label, n])}

        summary := {"type": "section", "fields": [
            summary_field("Critical", input.vulnerability_summary.critical),
            summary_field("High", input.vulnerability_summary.high),
            summary_field("Medium", input.vulnerability_summary.medium),
            summary_field("Low", input.vulnerability_summary.low),
        ]}

        vuln_lines[line] {
            some r in input.resources
            some v in r.vulnerabilities
            v.aqua_severity in {"critical", "high"}
            line := sprintf("`%%s` %%s %%s", [v.name, r.resource.name, by_flag("fixed", "no fix", v.fix_version != "")])
        }

        vuln_block := {"type": "section", "text": {"type": "mrkdwn", "text": concat("\\n", sort(vuln_lines))}}

        compliance := by_flag("Image is non-compliant", "Image is compliant", input.image_assurance_results.disallowed)

        footer := {"type": "context", "elements": [{"type": "mrkdwn", "text": compliance}]}

        divider := {"type": "divider"}

        title = sprintf("%%s vulnerability scan report", [input.image])

        result := [header, divider, summary, vuln_block, divider, footer] {
            count(vuln_lines) > 0
        } else := [header, divider, summary, footer]

        url := concat("", [input.postee.AquaServer, "#/images/", input.registry, "/", input.image])
        """.formatted(pkg);
  }

  private static String trivyJira(String pkg) {
    return """
        package %s

        import rego.v1

        severity_rank := {"CRITICAL": 4, "HIGH": 3, "MEDIUM": 2, "LOW": 1, "UNKNOWN": 0}

        fixed(v) := v.FixedVersion if v.FixedVersion != ""

        fixed(v) := "-" if not v.FixedVersion

        fixed(v) := "-" if v.FixedVersion == ""

        rows contains row if {
        	some result in input.Results
        	some v in result.Vulnerabilities
        	severity_rank[v.Severity] >= 2
        	row := sprintf("|%%s|%%s|%%s|%%s|%%s|", [v.VulnerabilityID, v.PkgName, v.InstalledVersion, fixed(v), v.Severity])
        }

        counts[severity] := n if {
        	some severity, _ in severity_rank
        	n := count([v |
        		some result in input.Results
        		some v in result.Vulnerabilities
        		v.Severity == severity
        	])
        }

        summary := concat(", ", [sprintf("%%s: %%d", [s, counts[s]]) | some s in ["CRITICAL", "HIGH", "MEDIUM", "LOW"]])

        title := sprintf("Trivy found %%d vulnerabilities in %%s", [sum([n | some n in counts]), input.ArtifactName])

        result := concat("\\n", [
        	sprintf("h2. %%s", [input.ArtifactName]),
        	summary,
        	"||ID||Package||Installed||Fixed||Severity||",
        	concat("\\n", sort(rows)),
        ])

        result_severity := "Critical" if counts.CRITICAL > 0

        else := "High" if counts.HIGH > 0

        else := "Low"

        url := object.get(input, ["Metadata", "RepoURL"], "")
        """.formatted(pkg);
  }

  private static String operatorReport(String pkg) {
    return """
        package %s

        import rego.v1

        report := input.report

        workload := sprintf("%%s/%%s", [input.metadata.namespace, input.metadata.labels["trivy-operator.resource.name"]])

        checks_by_severity[severity] := ids if {
        	some severity in ["CRITICAL", "HIGH", "MEDIUM", "LOW"]
        	ids := {c.checkID | some c in report.checks; c.severity == severity; not c.success}
        }

        failed := [c | some c in report.checks; not c.success]

        check_row(c) := sprintf("<tr><td>%%s</td><td>%%s</td><td>%%s</td></tr>", [c.checkID, c.severity, c.title])

        messages(c) := concat("<br/>", c.messages) if count(object.get(c, "messages", [])) > 0

        messages(c) := "" if count(object.get(c, "messages", [])) == 0

        details := [sprintf("<p><b>%%s</b> %%s</p>", [c.checkID, messages(c)]) | some c in failed]

        table := concat("", ["<table>", concat("", [check_row(c) | some c in failed]), "</table>"])

        summary := {s: count(ids) | some s, ids in checks_by_severity}

        worst := "CRITICAL" if summary.CRITICAL > 0

        else := "HIGH" if summary.HIGH > 0

        else := "OK"

        title := sprintf("Config audit of %%s: %%d failed checks", [workload, count(failed)])

        result := concat("\\n", [
        	sprintf("<h1>%%s</h1>", [workload]),
        	sprintf("<p>critical %%d, high %%d</p>", [summary.CRITICAL, summary.HIGH]),
        	table,
        	concat("\\n", details),
        ])

        aggregation_pkg := "postee.bench.aggregation"
        """.formatted(pkg);
  }
}
