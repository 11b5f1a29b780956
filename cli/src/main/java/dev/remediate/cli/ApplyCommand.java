package dev.remediate.cli;

import dev.remediate.core.ApplyListener;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.Guardrails;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.RemediationType;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.plan.Step;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code remediate apply [PLAN.json...]}: applies a saved plan set (from {@code scan --out} or
 * {@code react --out}) target by target, or, without a file, plans the selected remediations now
 * and applies them in one process, like {@code terraform apply}.
 *
 * <p>With a file, each target is observed again first: reviewed steps still needed run, steps done
 * meanwhile are skipped, a target whose steps would now differ is refused as stale while the
 * others go on. Without {@code --yes} it shows the plans and asks on a terminal, and refuses
 * elsewhere. Each plan is applied in its own account: the member role ({@code --role},
 * {@code --external-id}) is assumed for plans of accounts other than the caller's. Exit 0 when
 * everything was applied (or already done), 1 when a target failed, was refused as stale or
 * skipped (an account whose role cannot be assumed), 2 on bad input.
 *
 * <pre>{@code
 * remediate apply plans.json
 * remediate apply plans.json --yes --max-changes 20 --allow-downtime
 * remediate apply --only ec2.vpc-flow-logs --flow-logs-bucket my-logs --yes
 * remediate apply fleet-plans.json --yes --external-id org-secret
 * }</pre>
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
    description = "Applies a saved plan set target by target (refusing targets that changed), "
        + "or, without a file, plans now and applies.")
public final class ApplyCommand extends BaseCommand implements Callable<Integer> {
  @Mixin
  GuardrailOptions guardrailOptions;

  @Mixin
  ConsentOptions consent;

  @Mixin
  Selection selection;

  @Mixin
  ScanSettings settings;

  @Mixin
  PlanningOptions planning;

  @Mixin
  AccountOptions accounts;

  @Parameters(arity = "0..*", paramLabel = "PLAN.json",
      description = "Plan files written by 'scan --out' or 'react --out' ('-' for standard input)."
          + " Without one, the selected remediations are planned now.")
  List<String> files = new ArrayList<>();

  @Option(names = {"--yes", "-y"}, description = "Apply without asking.")
  boolean yes;

  @Option(names = "--max-concurrent-downtime", paramLabel = "N", defaultValue = "1",
      description = "Targets with DOWNTIME steps (stopped instances) applied at once "
          + "(default: ${DEFAULT-VALUE}).")
  int maxConcurrentDowntime = 1;

  /** Creates the command (picocli fills its fields). */
  public ApplyCommand() {}

  @Override
  public Integer call() {
    PrintWriter out = out();
    PrintWriter err = err();
    checkGlobalOptions();
    planning.check(!global.regions().isEmpty());
    accounts.check();
    if (maxConcurrentDowntime < 1) {
      throw CliException.badInput("--max-concurrent-downtime must be at least 1, was "
          + maxConcurrentDowntime);
    }
    Guardrails guardrails = Guardrails.from(guardrailOptions.guardrails(consent.flags()))
        .maxConcurrentDowntime(maxConcurrentDowntime).build();
    try (Scopes scopes = new Scopes(env(), global, guardrails, new TargetLines(err),
        planning.parallel)) {
      boolean saved = !files.isEmpty();
      PlanSet plans = saved ? savedPlans() : planNow(scopes, err);
      if (plans.isEmpty()) {
        out.println("Nothing to apply: " + plans.plans().size() + " target(s), none with "
            + "changes.");
        return Remediate.EXIT_OK;
      }
      PlanSet toApply = plans.select(p -> !p.isEmpty());
      boolean asked = !yes && !guardrails.dryRun();
      if (asked && !confirm(toApply, out)) {
        err.println("remediate: apply cancelled; nothing was changed");
        return Remediate.EXIT_FAILURE;
      }
      if (!saved && !asked) {
        out.print(toApply.toText());
      }
      PlanSetResult result = scopes.applyInAccounts(toApply, saved || asked, accounts.role());
      return report(result, guardrails, out, err);
    }
  }

  /**
   * Reads the plan files and keeps what --region, --only, --skip, --target, --accounts and
   * --skip-accounts select.
   */
  private PlanSet savedPlans() {
    PlanSet plans = PlanSet.of();
    for (String file : files) {
      PlanSet read = PlanFiles.read(file, env().stdin());
      checkRemediations(read, file);
      plans = plans.and(read);
    }
    Set<String> ids = selection.select(env().catalog()).stream().map(RemediationType::id)
        .collect(Collectors.toSet());
    List<String> regions = global.regions();
    List<String> targets = planning.targetsOrNull();
    return plans.select(p -> (!selection.explicitOrSkips() || ids.contains(p.remediation().id()))
        && (regions.isEmpty() || regions.contains(p.target().region()))
        && accounts.selects(p.target().account())
        && (targets == null || targets.contains(p.target().id())));
  }

  /**
   * Rebuilds every plan's remediation from the catalog before anything is observed: an unknown
   * id or a parameter the remediation refuses (a typo such as {@code "ture"}) is bad input.
   */
  private void checkRemediations(PlanSet plans, String file) {
    int index = 0;
    for (Plan plan : plans.plans()) {
      index++;
      try {
        env().catalog().require(plan.remediation().id()).fromSpec(plan.remediation());
      } catch (dev.remediate.core.InvalidRemediationException e) {
        throw CliException.badInput(file + ": plan " + index + " (" + plan.key() + "): "
            + e.getMessage());
      }
    }
    index = 0;
    for (PlanSet.Scanned scan : plans.scanned()) {
      index++;
      try {
        env().catalog().require(scan.remediation().id()).fromSpec(scan.remediation());
      } catch (dev.remediate.core.InvalidRemediationException e) {
        throw CliException.badInput(file + ": scanned " + index + " (" + scan.remediation()
            + "): " + e.getMessage());
      }
    }
  }

  private PlanSet planNow(Scopes scopes, PrintWriter err) {
    Scanner scanner = new Scanner(env(), global, planning, accounts, err);
    Map<String, String> resolved = settings.resolve(err, env().catalog());
    Scanner.Selected selected = scanner.remediations(selection.select(env().catalog()), resolved,
        selection.onlyIds());
    selected.requireConfigured(selection, resolved);
    if (selected.remediations().isEmpty()) {
      throw CliException.badInput("no remediation is configured (not configured: "
          + String.join(", ", selected.notConfigured()) + "): give a plan file, or the "
          + "settings of the remediations to plan (see 'remediate scan --help')");
    }
    selected.report(err);
    Scanner.Outcome outcome = scanner.plan(scopes, selected.remediations());
    if (!outcome.failures().isEmpty()) {
      throw new CliException(Remediate.EXIT_FAILURE, outcome.failures().size()
          + " remediation(s) could not be planned; nothing was changed");
    }
    return outcome.plans();
  }

  private boolean confirm(PlanSet plans, PrintWriter out) {
    Terminal terminal = env().terminal();
    if (!terminal.isInteractive()) {
      throw CliException.badInput("refusing to apply without --yes: no terminal to ask on "
          + "(review the plans, then run again with --yes)");
    }
    out.print(plans.toText());
    out.flush();
    String answer = terminal.ask("Apply " + plans.withChanges().size() + " plan(s) with "
        + plans.changes() + " change(s)? Only 'yes' is accepted: ");
    return answer != null && answer.trim().toLowerCase(Locale.ROOT).equals("yes");
  }

  private int report(PlanSetResult result, Guardrails guardrails, PrintWriter out,
      PrintWriter err) {
    out.print(result.toText());
    Map<String, Integer> unreachable = new LinkedHashMap<>();
    for (ApplyResult target : result.results()) {
      if (target.status() == ApplyResult.Status.SKIPPED
          && target.detail().startsWith("account " + target.plan().target().account() + ": ")) {
        unreachable.merge(target.detail(), 1, Integer::sum); // one line per account
        continue;
      }
      switch (target.status()) {
        case STALE -> err.println("remediate: refused stale " + target.plan().key() + ": "
            + target.detail() + ". Plan again and review the new plan (or check that "
            + "--opt-out-tag matches the scan's).");
        case FAILED -> err.println("remediate: failed " + target.plan().key() + ": "
            + target.detail().lines().findFirst().orElse(""));
        case SKIPPED -> err.println("remediate: skipped " + target.plan().key() + ": "
            + target.detail() + (target.detail().startsWith("needs consent")
                ? " (" + ConsentOptions.hint() + ")" : ""));
        default -> { }
      }
    }
    unreachable.forEach((account, plans) -> err.println("remediate: " + account + " (" + plans
        + " plan(s) not applied)"));
    err.println("Applied: " + result.summary()
        + (guardrails.dryRun() ? " (dry run: nothing was changed)" : ""));
    boolean problems = result.results().stream().anyMatch(r -> r.isProblem()
        || r.status() == ApplyResult.Status.SKIPPED);
    return problems ? Remediate.EXIT_FAILURE : Remediate.EXIT_OK;
  }

  /** Prints one line per target as it ends, on standard error. */
  static final class TargetLines implements ApplyListener {
    private final PrintWriter err;

    TargetLines(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void onStepStarted(Step step, int index, int total) {
      synchronized (err) {
        err.println("  step " + (index + 1) + "/" + total + ": " + step.kind() + " "
            + step.resource());
      }
    }

    @Override
    public void onProgress(Step step, String message, int percent) {
      synchronized (err) {
        err.println("    " + message + (percent >= 0 ? " (" + percent + "%)" : ""));
      }
    }

    @Override
    public void onApplyStarted(Plan plan) {
      synchronized (err) {
        err.println("apply " + plan.key());
      }
    }
  }
}
