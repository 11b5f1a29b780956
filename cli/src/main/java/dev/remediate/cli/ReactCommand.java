package dev.remediate.cli;

import dev.remediate.core.Guardrails;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationException;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.EventRouter;
import dev.remediate.core.event.Finding;
import dev.remediate.core.event.FindingRouter;
import dev.remediate.core.event.RoutedRemediation;
import dev.remediate.core.event.SecurityEvent;
import dev.remediate.core.event.Signal;
import dev.remediate.core.event.SignalDetector;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import java.util.EnumSet;
import java.util.Set;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code remediate react FILE...}: reads CloudTrail records and GuardDuty and Security Hub findings
 * (any shape {@code events} reads; one input may mix them), routes records through the event rules
 * on the class path (rules that need settings, such as the trail bucket, take them from the same
 * flags and {@code --config} file as {@code scan}) and findings through the {@link FindingRouter}
 * (catalog remediations by id: a remediation that is not installed or not configured is reported,
 * not an error), counts bursts of failed console logins and denied calls per source address and
 * principal ({@link SignalDetector}: {@code signals.threshold}, {@code signals.window};
 * {@code signals.blockIn} names where an address is blocked) and routes them like findings, and
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
      description = "CloudTrail files in any shape, plain or gzip ('-' for standard input; a "
          + "folder for the .json and .json.gz files below it).")
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
    PrintWriter err = err();
    CliEnvironment env = env();
    checkGlobalOptions();
    Guardrails guardrails = guardrailOptions.guardrails();
    Map<String, String> resolved = settings.resolve(err, env.catalog());
    Routes routes = new Routes(env.router(resolved), FindingRouter.of(env.catalog(), resolved),
        signalDetector(resolved));
    EventInputs.Read read = EventInputs.forEach(files, env.stdin(), routes::accept);
    routes.notes.forEach(note -> err.println("remediate: " + note));
    String readNote = routes.readNote() + read.skippedNote();
    if (routes.routed.isEmpty()) {
      err.println(readNote + "; none calls for a remediation.");
      if (out != null) {
        PlanFiles.write(out, PlanSet.of());
      }
      return Remediate.EXIT_OK;
    }
    Tally tally = new Tally();
    List<Plan> plans = new ArrayList<>();
    try (Scopes scopes = new Scopes(env, global, guardrails, new ApplyCommand.TargetLines(err))) {
      for (RoutedRemediation r : routes.routed.values()) {
        react(r, scopes, plans, tally);
      }
    }
    if (json) {
      out().print(PlanSet.of(plans).toJson());
    }
    if (out != null) {
      PlanFiles.write(out, PlanSet.of(plans));
    }
    err.println(readNote + "; " + routes.routed.size() + " remediation(s) called for; "
        + plans.stream().filter(p -> !p.isEmpty()).count() + " with changes, "
        + tally.describe(guardrails.dryRun()));
    if (tally.failures > 0) {
      return Remediate.EXIT_FAILURE;
    }
    // a dry run applies nothing: what it would apply is still to do (exit 3, as documented)
    return tally.pending > 0 || (guardrails.dryRun() && tally.applied > 0)
        ? Remediate.EXIT_CHANGES : Remediate.EXIT_OK;
  }

  /** What the routed remediations came to: the summary line and the exit code. */
  private static final class Tally {
    int failures;
    int pending;
    int applied;
    int skipped;

    String describe(boolean dryRun) {
      return (dryRun ? applied + " would apply (dry run: nothing was changed), "
          : applied + " applied, ") + pending + " not applied, " + failures + " failed, "
          + skipped + " skipped (records of another account)";
    }
  }

  /** Plans one routed remediation, prints its plans, and applies them when no consent is needed. */
  private void react(RoutedRemediation r, Scopes scopes, List<Plan> plans, Tally tally) {
    String name = r.remediation().id() + " (rule " + r.ruleId() + ", " + r.trigger().describe()
        + ")";
    PlanSet planned = plan(r, name, scopes, tally);
    if (planned == null) {
      return;
    }
    planned = withoutPlannedTwice(planned, plans, name);
    plans.addAll(planned.plans());
    if (!json) {
      out().print(planned.toText());
    }
    if (planned.isEmpty()) {
      return;
    }
    Set<Flag> flags = EnumSet.noneOf(Flag.class);
    planned.plans().forEach(p -> flags.addAll(p.flags()));
    if (!apply) {
      tally.pending++;
    } else if (r.needsApproval() || !flags.isEmpty()) {
      tally.pending++;
      err().println("remediate: not applied, needs approval: " + name
          + (flags.isEmpty() ? "" : " (flags " + flags + ")")
          + (out != null ? "; review " + out + " and run 'remediate apply " + out + "'"
              : "; save it with --out and run 'remediate apply'"));
    } else {
      applyNow(planned, name, scopes, tally);
    }
  }

  /** @return the plan set, or null when the record is another account's or planning failed */
  private @Nullable PlanSet plan(RoutedRemediation r, String name, Scopes scopes, Tally tally) {
    try {
      String account = scopes.scope(r.region()).account();
      if (r.account().isPresent() && !r.account().get().equals(account)) {
        err().println("remediate: skipped " + name + ": the record is for account "
            + r.account().get() + ", these credentials are for " + account);
        tally.skipped++;
        return null;
      }
      return scopes.remediator(r.region()).planSet(List.of(r.remediation()));
    } catch (RemediationException e) {
      tally.failures++;
      err().println("remediate: planning " + name + " failed: " + e.getMessage());
      return null;
    }
  }

  /** Leaves out the plans an earlier rule already made (same key), saying so. */
  private PlanSet withoutPlannedTwice(PlanSet planned, List<Plan> plans, String name) {
    Set<String> known = new java.util.HashSet<>();
    plans.forEach(p -> known.add(p.key()));
    List<Plan> twice = planned.plans().stream().filter(p -> known.contains(p.key())).toList();
    if (twice.isEmpty()) {
      return planned;
    }
    twice.forEach(p -> err().println("remediate: " + name + ": " + p.key() + " is already "
        + "planned by an earlier rule; keeping that plan"));
    return planned.select(p -> !known.contains(p.key()));
  }

  private void applyNow(PlanSet planned, String name, Scopes scopes, Tally tally) {
    PlanSetResult result = scopes.apply(planned.select(p -> !p.isEmpty()), false);
    out().print(result.toText());
    if (result.hasProblems()) {
      tally.failures++;
      result.results().stream().filter(ApplyResult::isProblem).forEach(x -> err().println(
          "remediate: " + name + ": " + x.status() + " " + x.plan().key() + ": "
              + x.detail().lines().findFirst().orElse("")));
    } else {
      tally.applied++;
    }
  }

  private static SignalDetector signalDetector(Map<String, String> settings) {
    try {
      return SignalDetector.of(settings);
    } catch (InvalidRemediationException e) {
      throw CliException.badInput(e.getMessage());
    }
  }

  /** Routes what the inputs hold: records by the event rules, findings and signals by catalog id. */
  static final class Routes {
    final EventRouter records;
    final FindingRouter findings;
    final SignalDetector signals;
    final Map<Remediation, RoutedRemediation> routed = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    long recordCount;
    long findingCount;
    long signalCount;
    long unroutable;

    Routes(EventRouter records, FindingRouter findings, SignalDetector signals) {
      this.records = records;
      this.findings = findings;
      this.signals = signals;
    }

    void accept(SecurityEvent item) {
      if (item instanceof CloudTrailEvent record) {
        recordCount++;
        if (!record.isRoutable()) {
          unroutable++;
        }
        records.route(record).forEach(r -> routed.putIfAbsent(r.remediation(), r));
        for (Signal signal : signals.accept(record)) {
          signalCount++;
          notes.add("signal: " + signal.describe());
          add(findings.route(signal));
        }
      } else {
        findingCount++;
        add(findings.route((Finding) item));
      }
    }

    private void add(FindingRouter.Routing routing) {
      routing.remediations().forEach(r -> routed.merge(r.remediation(), r,
          (first, later) -> later.needsApproval() && !first.needsApproval() ? later : first));
      notes.addAll(routing.notes());
    }

    /** @return e.g. {@code Read 12 record(s), 2 finding(s), 1 signal(s)} */
    String readNote() {
      return "Read " + recordCount + " record(s)"
          + (findingCount > 0 ? ", " + findingCount + " finding(s)" : "")
          + (signalCount > 0 ? ", " + signalCount + " signal(s)" : "")
          + (unroutable > 0 ? ", " + unroutable + " record(s) without eventSource, eventName or "
              + "awsRegion (not routable)" : "");
    }
  }
}
