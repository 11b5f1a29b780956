package dev.remediate.examples.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and docs/ point only at what a clone of this repository contains: every relative
 * Markdown link, and every path in backquotes that leaves the folder ({@code ../...}), resolves to
 * a file or folder inside the repository.
 */
class DocLinksTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern PARENT_PATH = Pattern.compile("`(\\.\\./[^`\\s]+)`");

  @Test
  void docs_linkOnlyWhatTheRepositoryContains() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(ROOT.resolve("README.md"));
    try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    assertTrue(pages.size() > 5, "docs found: " + pages);
    List<String> broken = new ArrayList<>();
    for (Path page : pages) {
      String text = Files.readString(page);
      for (String target : targets(text)) {
        Path resolved = page.getParent().resolve(target).normalize();
        if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
          broken.add(ROOT.relativize(page) + ": " + target);
        }
      }
    }
    assertEquals(List.of(), broken, "links to what a clone of the repository does not have");
  }

  @Test
  void targets_findsRelativeLinksAndParentPaths() {
    assertEquals(List.of("plans.md", "../shared/DESIGN.md"), targets(
        "see [plans](plans.md#top), [web](https://x.dev/a), [here](#anchor) and "
            + "`../shared/DESIGN.md`"));
  }

  /** Relative link targets (without their anchor) and backquoted paths that start with ../. */
  static List<String> targets(String markdown) {
    List<String> targets = new ArrayList<>();
    Matcher link = LINK.matcher(markdown);
    while (link.find()) {
      String target = link.group(1);
      if (target.startsWith("#") || target.matches("[a-z]+:.*")) {
        continue;
      }
      int anchor = target.indexOf('#');
      targets.add(anchor >= 0 ? target.substring(0, anchor) : target);
    }
    Matcher path = PARENT_PATH.matcher(markdown);
    while (path.find()) {
      targets.add(path.group(1));
    }
    return targets;
  }
}
