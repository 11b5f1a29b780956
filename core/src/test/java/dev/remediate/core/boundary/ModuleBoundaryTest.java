package dev.remediate.core.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.io.PrintWriter;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The boundary a consumer meets: a project compiled against {@code remediate-core} on the module
 * path sees the API packages and cannot see {@code dev.remediate.core.internal}, nor the generated
 * plan types. Compiles small consumer modules with the JDK's compiler against the module as built
 * (its classes and its compile dependencies, handed over by the build).
 */
class ModuleBoundaryTest {
  @TempDir
  Path dir;

  private static String modulePath() {
    String classes = System.getProperty("remediate.core.classes");
    String deps = System.getProperty("remediate.core.dependencies");
    if (classes == null || deps == null) {
      throw new IllegalStateException("run by Maven: the build passes remediate.core.classes and "
          + "remediate.core.dependencies");
    }
    return classes + File.pathSeparator + deps;
  }

  /** Compiles module {@code consumer} with one class; returns the compiler's errors, or "". */
  private String compile(String imports, String body) throws IOException {
    Path src = dir.resolve("src");
    Files.createDirectories(src.resolve("consumer"));
    Files.writeString(src.resolve("module-info.java"),
        "module consumer { requires dev.remediate.core; }\n");
    Files.writeString(src.resolve("consumer/Use.java"), "package consumer;\n" + imports
        + "\npublic class Use {\n  public Object use() throws Exception {\n" + body + "\n  }\n}\n");
    ToolProvider javac = ToolProvider.findFirst("javac")
        .orElseThrow(() -> new IllegalStateException("a JDK's javac is needed"));
    StringWriter out = new StringWriter();
    List<String> args = new ArrayList<>(List.of("-d", dir.resolve("out").toString(),
        "--module-path", modulePath(), "-proc:none"));
    args.add(src.resolve("module-info.java").toString());
    args.add(src.resolve("consumer/Use.java").toString());
    PrintWriter print = new PrintWriter(out);
    int exit = javac.run(print, print, args.toArray(String[]::new));
    print.flush();
    return exit == 0 ? "" : out.toString();
  }

  @Test
  void apiPackagesAreVisible() throws IOException {
    String errors = compile("""
        import dev.remediate.core.RemediationCatalog;
        import dev.remediate.core.Remediator;
        import dev.remediate.core.aws.AwsScope;
        import dev.remediate.core.event.CloudTrailReader;
        import dev.remediate.core.plan.PlanSet;
        import dev.remediate.core.policy.PolicyDocuments;
        """, """
            Object[] used = {RemediationCatalog.load(), Remediator.class, AwsScope.class,
                CloudTrailReader.class, PlanSet.class, PolicyDocuments.class};
            return used;
        """);
    assertEquals("", errors);
  }

  @Test
  void theInternalPackageIsNotVisible() throws IOException {
    String errors = compile("import dev.remediate.core.internal.PlanJson;",
        "return PlanJson.class;");
    assertTrue(errors.contains("package dev.remediate.core.internal is not visible"), errors);
  }

  @Test
  void generatedPlanTypesAreNotVisible() throws IOException {
    String errors = compile("import dev.remediate.core.plan.ImmutablePlan;",
        "return ImmutablePlan.class;");
    assertTrue(errors.contains("ImmutablePlan is not public"), errors);
  }

  @Test
  void generatedEventTypesAreNotVisible_theirBuildersAreReachedThroughTheApi() throws IOException {
    String errors = compile("import dev.remediate.core.event.ImmutableUserIdentity;",
        "return ImmutableUserIdentity.class;");
    assertTrue(errors.contains("ImmutableUserIdentity is not public"), errors);
    assertEquals("", compile("""
        import dev.remediate.core.event.CloudTrailEvent;
        import dev.remediate.core.event.UserIdentity;
        """, """
            UserIdentity who = UserIdentity.builder().type("IAMUser").build();
            return CloudTrailEvent.builder().eventSource("ec2.amazonaws.com")
                .eventName("CreateVpc").awsRegion("eu-west-1").userIdentity(who).build();
        """));
  }

  /** The module exports exactly the API packages; a new package must be placed on purpose. */
  @Test
  void exportsExactlyTheApiPackages() throws IOException {
    Path info = Path.of(System.getProperty("remediate.core.classes"), "module-info.class");
    assertTrue(Files.exists(info), info + " missing: core must be a named module");
    Set<String> exported = ModuleFinderHelper.exports(Path.of(
        System.getProperty("remediate.core.classes")));
    assertEquals(new TreeSet<>(Set.of("dev.remediate.core", "dev.remediate.core.aws",
        "dev.remediate.core.event", "dev.remediate.core.plan", "dev.remediate.core.policy")),
        exported);
    Set<String> packages;
    try (Stream<Path> files = Files.walk(Path.of(System.getProperty("remediate.core.classes")))) {
      packages = files.filter(f -> f.toString().endsWith(".class")
              && !f.getFileName().toString().equals("module-info.class"))
          .map(f -> Path.of(System.getProperty("remediate.core.classes")).relativize(f.getParent())
              .toString().replace(File.separatorChar, '.'))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    packages.removeAll(exported);
    assertEquals(Set.of("dev.remediate.core.internal"), packages);
  }
}
