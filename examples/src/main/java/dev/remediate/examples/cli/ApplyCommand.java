package dev.remediate.examples.cli;

import dev.remediate.core.ApplyListener;
import dev.remediate.core.Guardrails;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Step;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code remediate apply PLAN.json...}: applies saved plans (from {@code scan --out} or
 * {@code react --out}). Each plan is re-checked first and refused when the state changed since it
 * was made. Without {@code --yes} it shows the plans and asks on a terminal, and refuses
 * elsewhere.
 *
 * <pre>{@code
 * remediate apply plans.json
 * remediate apply plans.json --yes --max-changes 20 --allow-downtime
 * }</pre>
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
    description = "Applies saved plans; refuses stale ones.")
public final class ApplyCommand extends BaseCommand implements Callable<Integer> {
  @Mixin
  GuardrailOptions guardrailOptions;

  @Mixin
  ConsentOptions consent;

  @Parameters(arity = "1..*", paramLabel = "PLAN.json",
      description = "Plan files written by 'scan --out' or 'react --out' ('-' for standard input).")
  List<String> files = new ArrayList<>();

  @Option(names = {"--yes", "-y"}, description = "Apply without asking.")
  boolean yes;

  /** Creates the command (picocli fills its fields). */
  public ApplyCommand() {}

  @Override
  public Integer call() {
    PrintWriter out = out();
    PrintWriter err = err();
    CliEnvironment env = env();
    checkGlobalOptions();
    List<Plan> plans = new ArrayList<>();
    for (String file : files) {
      plans.addAll(PlanFiles.read(file, env.stdin()));
    }
    Guardrails guardrails = guardrailOptions.guardrails(consent.flags());
    List<Plan> toApply = plans.stream().filter(p -> !p.isEmpty()).toList();
    if (toApply.isEmpty()) {
      out.println("Nothing to apply: " + plans.size() + " plan(s), none with changes.");
      return Remediate.EXIT_OK;
    }
    if (!yes && !guardrails.dryRun() && !confirm(toApply, out)) {
      err.println("remediate: apply cancelled; nothing was changed");
      return Remediate.EXIT_FAILURE;
    }
    return applyAll(toApply, guardrails, out, err);
  }

  private boolean confirm(List<Plan> plans, PrintWriter out) {
    Terminal terminal = env().terminal();
    if (!terminal.isInteractive()) {
      throw CliException.badInput("refusing to apply without --yes: no terminal to ask on "
          + "(review the plans, then run again with --yes)");
    }
    plans.forEach(p -> out.print(p.toText()));
    int changes = plans.stream().mapToInt(p -> p.steps().size()).sum();
    out.flush();
    String answer = terminal.ask("Apply " + plans.size() + " plan(s) with " + changes
        + " change(s)? Only 'yes' is accepted: ");
    return answer != null && answer.trim().toLowerCase(Locale.ROOT).equals("yes");
  }

  private int applyAll(List<Plan> plans, Guardrails guardrails, PrintWriter out,
      PrintWriter err) {
    int failures = 0;
    ApplyListener listener = new StepLines(err);
    try (Scopes scopes = new Scopes(env(), global, guardrails, listener)) {
      for (int i = 0; i < plans.size(); i++) {
        Plan plan = plans.get(i);
        String name = "plan " + (i + 1) + " of " + plans.size() + " (" + plan.remediation().id()
            + " on " + plan.target() + ")";
        err.println("apply " + name);
        if (!scopes.applyOne(plan, name, out, err)) {
          failures++;
        }
      }
    }
    err.println("Applied " + (plans.size() - failures) + " of " + plans.size() + " plan(s)"
        + (failures > 0 ? ", " + failures + " failed or refused" : "")
        + (guardrails.dryRun() ? " (dry run: nothing was changed)" : ""));
    return failures > 0 ? Remediate.EXIT_FAILURE : Remediate.EXIT_OK;
  }

  /** Prints one line per step on standard error. */
  static final class StepLines implements ApplyListener {
    private final PrintWriter err;

    StepLines(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void onStepStarted(Step step, int index, int total) {
      err.println("  step " + (index + 1) + "/" + total + ": " + step.kind() + " "
          + step.resource());
    }

    @Override
    public void onProgress(Step step, String message, int percent) {
      err.println("    " + message + (percent >= 0 ? " (" + percent + "%)" : ""));
    }
  }
}
