package dev.remediate.examples.cli;

import dev.remediate.core.Guardrails;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationException;
import dev.remediate.core.event.EventRouter;
import dev.remediate.core.event.RoutedRemediation;
import dev.remediate.core.plan.Plan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code remediate react FILE...}: reads CloudTrail records (any shape {@code events} reads),
 * routes them through the event rules on the class path (rules that need settings, such as the
 * trail bucket, take them from the same flags and {@code --config} file as {@code scan}), and
 * prints the plans they call for. With
 * {@code --apply} it applies the plans that need no consent: the rule does not ask for approval
 * and no step is flagged. The others are reported; save them with {@code --out} and apply them
 * with {@code remediate apply} after review.
 *
 * <p>Exit codes: 0 nothing left to do, 3 changes planned and not applied, 1 a failure, 2 bad
 * input.
 *
 * <pre>{@code
 * remediate react cloudtrail/*.json.gz --out plans.json
 * remediate react eventbridge-event.json --apply --max-changes 10
 * }</pre>
 */
@Command(name = "react", mixinStandardHelpOptions = true,
    description = "Plans what CloudTrail records call for; --apply applies what needs no consent.")
public final class ReactCommand extends BaseCommand implements Callable<Integer> {
  @Mixin
  GuardrailOptions guardrailOptions;

  @Mixin
  ScanSettings settings;

  @Parameters(arity = "1..*", paramLabel = "FILE",
      description = "CloudTrail files in any shape, plain or gzip ('-' for standard input).")
  List<String> files = new ArrayList<>();

  @Option(names = "--apply", description = "Apply the plans that need no consent.")
  boolean apply;

  @Option(names = "--json", description = "Print the plans as a JSON array.")
  boolean json;

  @Option(names = "--out", paramLabel = "FILE", description = "Save the plans for 'apply'.")
  @Nullable Path out;

  /** Creates the command (picocli fills its fields). */
  public ReactCommand() {}

  @Override
  public Integer call() {
    PrintWriter stdout = out();
    PrintWriter err = err();
    CliEnvironment env = env();
    checkGlobalOptions();
    Guardrails guardrails = guardrailOptions.guardrails();
    EventRouter router = env.router(settings.resolve(err));
    Map<Remediation, RoutedRemediation> routed = new LinkedHashMap<>();
    AtomicLong records = new AtomicLong();
    EventInputs.forEach(files, env.stdin(), event -> {
      records.incrementAndGet();
      for (RoutedRemediation r : router.route(event)) {
        routed.putIfAbsent(r.remediation(), r);
      }
    });
    if (routed.isEmpty()) {
      err.println("Read " + records.get() + " record(s); none calls for a remediation.");
      if (out != null) {
        PlanFiles.write(out, List.of());
      }
      return Remediate.EXIT_OK;
    }
    int failures = 0;
    int pending = 0;
    int applied = 0;
    List<Plan> plans = new ArrayList<>();
    try (Scopes scopes = new Scopes(env, global, guardrails, new ApplyCommand.StepLines(err))) {
      for (RoutedRemediation r : routed.values()) {
        String name = r.remediation().id() + " (rule " + r.ruleId() + ", "
            + r.trigger().eventName() + " " + r.trigger().eventId() + ")";
        Plan plan;
        try {
          String account = scopes.scope(r.region()).account();
          if (r.account().isPresent() && !r.account().get().equals(account)) {
            err.println("remediate: skipped " + name + ": the record is for account "
                + r.account().get() + ", these credentials are for " + account);
            continue;
          }
          plan = scopes.remediator(r.region()).plan(r.remediation());
        } catch (RemediationException e) {
          failures++;
          err.println("remediate: planning " + name + " failed: " + e.getMessage());
          continue;
        }
        plans.add(plan);
        if (!json) {
          stdout.print(plan.isEmpty() ? plan.remediation().id() + " on " + plan.target()
              + ": compliant\n" : plan.toText());
        }
        if (plan.isEmpty()) {
          continue;
        }
        if (!apply) {
          pending++;
        } else if (r.needsApproval() || !plan.flags().isEmpty()) {
          pending++;
          err.println("remediate: not applied, needs approval: " + name
              + (plan.flags().isEmpty() ? "" : " (flags " + plan.flags() + ")")
              + "; save it with --out and run 'remediate apply'");
        } else if (scopes.applyOne(plan, name, stdout, err)) {
          applied++;
        } else {
          failures++;
        }
      }
    }
    if (json) {
      stdout.print(PlanFiles.toJson(plans));
    }
    if (out != null) {
      PlanFiles.write(out, plans);
    }
    err.println("Read " + records.get() + " record(s); " + routed.size()
        + " remediation(s) called for; " + plans.stream().filter(p -> !p.isEmpty()).count()
        + " with changes, " + applied + " applied, " + pending + " not applied, " + failures
        + " failed" + (guardrails.dryRun() && applied > 0 ? " (dry run)" : ""));
    if (failures > 0) {
      return Remediate.EXIT_FAILURE;
    }
    return pending > 0 ? Remediate.EXIT_CHANGES : Remediate.EXIT_OK;
  }
}
