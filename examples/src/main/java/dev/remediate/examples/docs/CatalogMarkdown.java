package dev.remediate.examples.docs;

import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationType;
import dev.remediate.core.plan.Flag;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The catalog table of {@code docs/catalog.md}, rendered from the code: one row per remediation
 * with its id, description, controls, IAM actions and flags. A test checks the committed file
 * against it; {@link GenerateDocs} rewrites it.
 *
 * <pre>{@code
 * String markdown = CatalogMarkdown.render(RemediationCatalog.load());
 * }</pre>
 */
public final class CatalogMarkdown {
  private CatalogMarkdown() {}

  /**
   * Renders the catalog page.
   *
   * @param catalog the catalog
   * @return Markdown text
   */
  public static String render(RemediationCatalog catalog) {
    StringBuilder md = new StringBuilder();
    md.append("# Remediation catalog\n\n");
    md.append("<!-- Generated from the code by dev.remediate.examples.docs.GenerateDocs; do not ")
        .append("edit. A test fails when it is out of date. -->\n\n");
    md.append("Every remediation on the class path of the examples module (`remediate catalog` ")
        .append("prints the same; `remediate catalog --iam-policy` prints a least-privilege ")
        .append("policy). Flags are the consents a plan may need: see ")
        .append("[the CLI](cli.md) and `Guardrails`.\n\n");
    md.append("| Remediation | What it does | Controls | IAM actions | Flags |\n");
    md.append("|---|---|---|---|---|\n");
    for (RemediationType type : catalog.types()) {
      md.append("| ").append(link(type.id())).append(" | ").append(cell(type.description()))
          .append(" | ").append(cell(String.join(", ", type.controls())))
          .append(" | ").append(new TreeSet<>(type.iamActions()).stream()
              .map(a -> "`" + a + "`").collect(Collectors.joining("<br>")))
          .append(" | ").append(flags(type)).append(" |\n");
    }
    md.append('\n').append(catalog.types().size()).append(" remediation(s).\n");
    return md.toString();
  }

  private static String link(String id) {
    return "[`" + id + "`](remediations/" + id + ".md)";
  }

  private static String flags(RemediationType type) {
    List<String> flags = new TreeSet<>(type.flags()).stream().map(Flag::name).toList();
    return flags.isEmpty() ? "none" : String.join(", ", flags);
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
