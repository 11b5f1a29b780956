package dev.remediate.examples.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationType;
import dev.remediate.core.event.EventRouter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The generated files in the repository match the code. */
class GeneratedDocsTest {
  private static final String REGENERATE = " is out of date with the code. Regenerate it from the "
      + "repository root: REMEDIATE_MAIN=dev.remediate.examples.docs.GenerateDocs ./remediate";
  private static final Path ROOT = Path.of("..");

  @Test
  void catalogMarkdown_matchesTheCode() throws Exception {
    String expected = CatalogMarkdown.render(RemediationCatalog.load());
    assertEquals(expected, Files.readString(ROOT.resolve(GenerateDocs.CATALOG)),
        GenerateDocs.CATALOG + REGENERATE);
  }

  @Test
  void readme_catalogSectionMatchesTheCode() throws Exception {
    String readme = Files.readString(ROOT.resolve(GenerateDocs.README));
    assertEquals(CatalogMarkdown.spliceReadme(readme, RemediationCatalog.load()), readme,
        GenerateDocs.README + " catalog section" + REGENERATE);
  }

  @Test
  void catalogMarkdown_hasARowPerTypeWithItsActions() {
    RemediationCatalog catalog = RemediationCatalog.load();
    String markdown = CatalogMarkdown.render(catalog);
    assertTrue(catalog.types().size() >= 1, "the examples see at least one remediation");
    for (RemediationType type : catalog.types()) {
      String row = markdown.lines().filter(l -> l.startsWith("| [`" + type.id() + "`]"))
          .findFirst().orElseThrow(() -> new AssertionError("no row for " + type.id()));
      type.iamActions().forEach(a -> assertTrue(row.contains("`" + a + "`"), row));
      type.controls().forEach(c -> assertTrue(row.contains(c), row));
    }
  }

  @Test
  void lambdaTemplate_matchesTheCode() throws Exception {
    String expected = LambdaTemplate.render(RemediationCatalog.load(),
        EventRouter.load(LambdaTemplate.EVERY_RULE));
    assertEquals(expected, Files.readString(ROOT.resolve(GenerateDocs.TEMPLATE)),
        GenerateDocs.TEMPLATE + REGENERATE);
  }

  @Test
  void lambdaTemplate_isYamlWithTheCatalogActionsAndTheRouterEvents() throws Exception {
    RemediationCatalog catalog = RemediationCatalog.load();
    EventRouter router = EventRouter.load(LambdaTemplate.EVERY_RULE);
    JsonNode template = new ObjectMapper(new YAMLFactory()).readTree(
        LambdaTemplate.render(catalog, router).replace("!Ref ", "").replace("!GetAtt ", ""));
    JsonNode function = template.path("Resources").path("RemediateFunction").path("Properties");
    assertEquals(LambdaTemplate.HANDLER, function.path("Handler").asText());
    List<String> actions = new ArrayList<>();
    function.path("Policies").get(0).path("Statement").get(0).path("Action")
        .forEach(a -> actions.add(a.asText()));
    TreeSet<String> expected = new TreeSet<>();
    catalog.types().forEach(t -> expected.addAll(t.iamActions()));
    assertEquals(List.copyOf(expected), actions);
    JsonNode detail = function.path("Events").path("CloudTrailApiCalls").path("Properties")
        .path("Pattern").path("detail");
    List<String> names = new ArrayList<>();
    detail.path("eventName").forEach(n -> names.add(n.asText()));
    router.rules().forEach(r -> r.triggers().forEach(k ->
        assertTrue(names.contains(k.eventName()), k + " missing from " + names)));
  }
}
