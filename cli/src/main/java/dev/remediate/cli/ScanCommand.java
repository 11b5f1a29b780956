package dev.remediate.cli;

import dev.remediate.core.ApplyListener;
import dev.remediate.core.Guardrails;
import dev.remediate.core.Remediation;
import dev.remediate.core.plan.PlanSet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code remediate scan}: plans every selected catalog remediation over one or more regions, one
 * plan per target, and prints the plan set. Reads only. Exit 0 when nothing needs doing, 3 when
 * changes are planned, 1 on failure, 2 on bad input.
 *
 * <pre>{@code
 * remediate scan --region eu-west-1 --region us-east-1 --flow-logs-bucket my-logs
 * remediate scan --all-regions --config remediate.yaml --json --out plans.json
 * remediate scan --only ec2.security-group-open-ports --target sg-0123456789abcdef0
 * remediate scan --accounts 111122223333,444455556666 --region us-east-1 --out plans.json
 * }</pre>
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
    description = "Plans every catalog remediation over one or more regions, one plan per "
        + "target, and prints the plans. Reads only.")
public final class ScanCommand extends BaseCommand implements Callable<Integer> {
  @Mixin
  Selection selection;

  @Mixin
  ScanSettings settings;

  @Mixin
  PlanningOptions planning;

  @Mixin
  AccountOptions accounts;

  @Option(names = "--json", description = "Print the plan set as JSON (the file format of "
      + "'apply').")
  boolean json;

  @Option(names = "--out", paramLabel = "FILE", description = "Save the plan set for 'apply'.")
  @Nullable Path out;

  @Option(names = "--opt-out-tag", paramLabel = "KEY",
      description = "Tag key that opts a resource out (default: remediate:skip); give 'apply' the "
          + "same key.")
  @Nullable String optOutTag;

  /** Creates the command (picocli fills its fields). */
  public ScanCommand() {}

  @Override
  public Integer call() {
    PrintWriter stdout = out();
    PrintWriter err = err();
    checkGlobalOptions();
    planning.check(!global.regions().isEmpty());
    accounts.check();
    Map<String, String> resolved = settings.resolve(err, env().catalog());
    Scanner scanner = new Scanner(env(), global, planning, accounts, err);
    Scanner.Selected selected = scanner.remediations(selection.select(env().catalog()), resolved,
        selection.onlyIds());
    selected.requireConfigured(selection, resolved);
    selected.report(err);
    List<Remediation> remediations = selected.remediations();
    Guardrails guardrails = optOutTag == null ? Guardrails.ofDefaults()
        : Guardrails.custom().optOutTagKey(optOutTag).build();
    try (Scopes scopes = new Scopes(env(), global, guardrails, ApplyListener.NONE,
        planning.parallel)) {
      Scanner.Outcome outcome = scanner.plan(scopes, remediations);
      PlanSet plans = outcome.plans();
      stdout.print(json ? plans.toJson() : plans.toText());
      if (out != null) {
        PlanFiles.write(out, plans);
      }
      err.println("Scanned " + outcome.regions().size()
          + (accounts.given() ? " place(s) (account x region)" : " region(s)") + " with "
          + outcome.remediations() + " remediation(s): " + plans.compliant()
          + " target(s) compliant, " + plans.withChanges().size() + " with changes ("
          + plans.changes() + " change(s)), " + plans.skipped() + " resource(s) skipped (opt-out "
          + "tag), " + outcome.failures().size() + " failed"
          + (out != null ? "; plans saved to " + out : ""));
      if (!outcome.failures().isEmpty()) {
        return Remediate.EXIT_FAILURE;
      }
      return plans.isEmpty() ? Remediate.EXIT_OK : Remediate.EXIT_CHANGES;
    }
  }
}
