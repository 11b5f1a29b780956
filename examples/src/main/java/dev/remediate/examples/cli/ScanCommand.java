package dev.remediate.examples.cli;

import dev.remediate.core.ApplyListener;
import dev.remediate.core.Guardrails;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationException;
import dev.remediate.core.RemediationType;
import dev.remediate.core.plan.Plan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Region;

/**
 * {@code remediate scan}: plans every selected catalog remediation over one or more regions and
 * prints the plans. Reads only. Exit 0 when nothing needs doing, 3 when changes are planned, 1 on
 * failure, 2 on bad input.
 *
 * <pre>{@code
 * remediate scan --region eu-west-1 --region us-east-1 --flow-logs-bucket my-logs
 * remediate scan --all-regions --config remediate.yaml --json --out plans.json
 * }</pre>
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
    description = "Plans every catalog remediation over one or more regions and prints the plans.")
public final class ScanCommand extends BaseCommand implements Callable<Integer> {
  @Mixin
  Selection selection;

  @Mixin
  ScanSettings settings;

  @Option(names = "--all-regions",
      description = "Scan every region enabled for the account (EC2 DescribeRegions).")
  boolean allRegions;

  @Option(names = "--json", description = "Print the plans as a JSON array (the file format of "
      + "'apply').")
  boolean json;

  @Option(names = "--out", paramLabel = "FILE", description = "Save the plans for 'apply'.")
  @Nullable Path out;

  /** Creates the command (picocli fills its fields). */
  public ScanCommand() {}

  @Override
  public Integer call() {
    PrintWriter stdout = out();
    PrintWriter err = err();
    CliEnvironment env = env();
    checkGlobalOptions();
    List<String> given = global.regions();
    if (allRegions && !given.isEmpty()) {
      throw CliException.badInput("--all-regions and --region cannot be combined");
    }
    List<RemediationType> types = selection.select(env.catalog());
    Map<String, String> resolved = settings.resolve(err);
    Map<RemediationType, Remediation> configured = new LinkedHashMap<>();
    List<String> notConfigured = new ArrayList<>();
    for (RemediationType type : types) {
      Optional<Remediation> remediation;
      try {
        remediation = type.forRegion(resolved);
      } catch (InvalidRemediationException e) {
        throw CliException.badInput("settings for " + type.id() + ": " + e.getMessage());
      }
      if (remediation.isPresent()) {
        configured.put(type, remediation.get());
      } else {
        notConfigured.add(type.id());
      }
    }
    if (!notConfigured.isEmpty()) {
      err.println("remediate: not configured (settings missing or no region-wide form): "
          + String.join(", ", notConfigured));
    }
    List<Plan> plans = new ArrayList<>();
    int failures = 0;
    try (Scopes scopes = new Scopes(env, global, Guardrails.ofDefaults(), ApplyListener.NONE)) {
      List<String> regions = regions(scopes);
      Progress progress = new Progress(err, env.terminal().isInteractive(), "scan",
          regions.size() * configured.size());
      for (String region : regions) {
        for (Map.Entry<RemediationType, Remediation> entry : configured.entrySet()) {
          progress.advance(entry.getKey().id() + " in " + region);
          try {
            plans.add(scopes.remediator(region).plan(entry.getValue()));
          } catch (RemediationException e) {
            failures++;
            err.println("remediate: " + entry.getKey().id() + " in " + region + " failed: "
                + e.getMessage());
          }
        }
      }
      progress.done();
      if (json) {
        stdout.print(PlanFiles.toJson(plans));
      } else {
        for (Plan plan : plans) {
          stdout.print(plan.isEmpty() ? plan.remediation().id() + " on " + plan.target()
              + ": compliant\n" : plan.toText());
        }
      }
      if (out != null) {
        PlanFiles.write(out, plans);
      }
      long withChanges = plans.stream().filter(p -> !p.isEmpty()).count();
      int changes = plans.stream().mapToInt(p -> p.steps().size()).sum();
      err.println("Scanned " + regions.size() + " region(s) with " + configured.size()
          + " remediation(s): " + (plans.size() - withChanges) + " compliant, " + withChanges
          + " with changes (" + changes + " change(s)), " + failures + " failed"
          + (out != null ? "; plans saved to " + out : ""));
      if (failures > 0) {
        return Remediate.EXIT_FAILURE;
      }
      return withChanges > 0 ? Remediate.EXIT_CHANGES : Remediate.EXIT_OK;
    }
  }

  private List<String> regions(Scopes scopes) {
    CliEnvironment env = env();
    if (!allRegions) {
      List<String> regions = global.regions();
      return regions.isEmpty() ? List.of(global.homeRegion(env.env())) : regions;
    }
    String home = global.homeRegion(env.env());
    Ec2Client ec2 = scopes.scope(home).client(Ec2Client.class, Ec2Client::builder);
    TreeSet<String> regions = new TreeSet<>();
    for (Region region : ec2.describeRegions().regions()) {
      if (!"not-opted-in".equals(region.optInStatus())) {
        regions.add(region.regionName());
      }
    }
    return List.copyOf(regions);
  }
}
