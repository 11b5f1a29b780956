package dev.remediate.examples.docs;

import dev.remediate.lambda.EventForwardingTemplate;
import dev.remediate.lambda.FleetTemplate;
import dev.remediate.lambda.LambdaTemplate;
import dev.remediate.core.policy.MemberRoleTemplate;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.event.EventRouter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Rewrites the files generated from the code: {@code docs/catalog.md} and the catalog section of
 * {@code README.md} ({@link CatalogMarkdown}), {@code lambda/template.yaml}
 * ({@link LambdaTemplate}), {@code lambda/member-role.yaml} ({@link MemberRoleTemplate}),
 * {@code lambda/event-forwarding.yaml} ({@link EventForwardingTemplate}) and
 * {@code lambda/fleet.yaml} ({@link FleetTemplate}). Run it from the repository root after adding or changing a
 * remediation or an event rule:
 *
 * <pre>{@code
 * REMEDIATE_MAIN=dev.remediate.examples.docs.GenerateDocs ./remediate
 * }</pre>
 */
public final class GenerateDocs {
  /** The catalog page, relative to the repository root. */
  public static final String CATALOG = "docs/catalog.md";
  /** The SAM template, relative to the repository root. */
  public static final String TEMPLATE = "lambda/template.yaml";
  /** The member-account role's CloudFormation template, relative to the repository root. */
  public static final String MEMBER_ROLE = "lambda/member-role.yaml";
  /** The member accounts' event-forwarding template, relative to the repository root. */
  public static final String FORWARDING = "lambda/event-forwarding.yaml";
  /** The Step Functions template of organization-wide runs, relative to the repository root. */
  public static final String FLEET = "lambda/fleet.yaml";
  /** The README, whose catalog section is generated, relative to the repository root. */
  public static final String README = "README.md";

  private GenerateDocs() {}

  /**
   * Writes the files.
   *
   * @param args {@code [REPOSITORY_ROOT]}, default the working directory
   * @throws IOException when a file cannot be written
   */
  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : ".");
    RemediationCatalog catalog = RemediationCatalog.load();
    write(root.resolve(CATALOG), CatalogMarkdown.render(catalog));
    Path readme = root.resolve(README);
    write(readme, CatalogMarkdown.spliceReadme(Files.readString(readme), catalog));
    write(root.resolve(TEMPLATE), LambdaTemplate.render(catalog,
        EventRouter.load(LambdaTemplate.EVERY_RULE)));
    write(root.resolve(MEMBER_ROLE), MemberRoleTemplate.render(catalog.types()));
    write(root.resolve(FLEET), FleetTemplate.render());
    write(root.resolve(FORWARDING), EventForwardingTemplate.render(
        EventRouter.load(LambdaTemplate.EVERY_RULE)));
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    System.out.println("wrote " + file);
  }
}
