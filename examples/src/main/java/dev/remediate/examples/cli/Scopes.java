package dev.remediate.examples.cli;

import dev.remediate.core.ApplyFailedException;
import dev.remediate.core.ApplyListener;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.GuardrailException;
import dev.remediate.core.RemediationException;
import dev.remediate.core.StalePlanException;
import dev.remediate.core.plan.Plan;
import java.io.PrintWriter;
import dev.remediate.core.Guardrails;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.Remediator;
import dev.remediate.core.aws.AwsScope;
import java.util.Map;

/**
 * The scopes and remediators one command run uses, one per region, opened on first use and
 * closed together.
 */
final class Scopes implements AutoCloseable {
  private final CliEnvironment env;
  private final GlobalOptions options;
  private final Guardrails guardrails;
  private final ApplyListener listener;
  private final Map<String, AwsScope> scopes = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Remediator> remediators =
      new java.util.concurrent.ConcurrentHashMap<>();

  Scopes(CliEnvironment env, GlobalOptions options, Guardrails guardrails,
      ApplyListener listener) {
    this.env = env;
    this.options = options;
    this.guardrails = guardrails;
    this.listener = listener;
  }

  AwsScope scope(String region) {
    return scopes.computeIfAbsent(region, r -> env.scopes().open(r, options));
  }

  Remediator remediator(String region) {
    RemediationCatalog catalog = env.catalog();
    return remediators.computeIfAbsent(region, r -> Remediator.builder()
        .scope(scope(r))
        .catalog(catalog)
        .guardrails(guardrails)
        .listener(listener)
        .build());
  }

  /**
   * Applies one plan in its region, printing the result on {@code out} and any refusal or failure
   * as one line on {@code err}.
   *
   * @return true when applied (or dry run), false when refused or failed
   */
  boolean applyOne(Plan plan, String name, PrintWriter out, PrintWriter err) {
    try {
      ApplyResult result = remediator(plan.target().region()).apply(plan);
      out.print(result.toText());
      return true;
    } catch (StalePlanException e) {
      err.println("remediate: refused stale " + name + ": " + e.getMessage()
          + " Plan again and review the new plan.");
    } catch (GuardrailException e) {
      err.println("remediate: refused " + name + ": " + e.getMessage() + " (command line: "
          + ConsentOptions.hint() + ")");
    } catch (ApplyFailedException e) {
      out.print(e.result().toText());
      err.println("remediate: " + e.getMessage());
    } catch (RemediationException e) {
      err.println("remediate: " + name + " failed: " + e.getMessage());
    }
    return false;
  }

  @Override
  public void close() {
    scopes.values().forEach(AwsScope::close);
    scopes.clear();
    remediators.clear();
  }
}
