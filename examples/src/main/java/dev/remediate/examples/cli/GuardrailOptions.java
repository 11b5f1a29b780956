package dev.remediate.examples.cli;

import dev.remediate.core.Guardrails;
import dev.remediate.core.plan.Flag;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The guardrail flags of commands that apply: {@code --dry-run}, {@code --max-changes},
 * {@code --opt-out-tag} and consent to flagged steps ({@code --allow-downtime},
 * {@code --allow-disruptive}, {@code --allow-destructive}).
 *
 * <pre>{@code
 * remediate apply plans.json --yes --max-changes 10 --allow-downtime
 * }</pre>
 */
public final class GuardrailOptions {
  @Option(names = "--dry-run", description = "Re-check the plans but change nothing.")
  boolean dryRun;

  @Option(names = "--max-changes", paramLabel = "N",
      description = "Refuse plans with more than N changes.")
  @Nullable Integer maxChanges;

  @Option(names = "--opt-out-tag", paramLabel = "KEY",
      description = "Tag key that opts a resource out (default: remediate:skip).")
  @Nullable String optOutTag;

  @Option(names = "--allow-downtime", description = "Consent to steps flagged DOWNTIME.")
  boolean allowDowntime;

  @Option(names = "--allow-disruptive", description = "Consent to steps flagged DISRUPTIVE.")
  boolean allowDisruptive;

  @Option(names = "--allow-destructive", description = "Consent to steps flagged DESTRUCTIVE.")
  boolean allowDestructive;

  /** Creates empty options (picocli fills them). */
  public GuardrailOptions() {}

  /**
   * Builds the guardrails; bad values fail with a message naming them.
   *
   * @return the guardrails
   */
  public Guardrails guardrails() {
    Guardrails.Builder builder = Guardrails.custom().dryRun(dryRun);
    if (maxChanges != null) {
      builder.maxChanges(maxChanges);
    }
    if (optOutTag != null) {
      builder.optOutTagKey(optOutTag);
    }
    if (allowDowntime) {
      builder.consentTo(Flag.DOWNTIME);
    }
    if (allowDisruptive) {
      builder.consentTo(Flag.DISRUPTIVE);
    }
    if (allowDestructive) {
      builder.consentTo(Flag.DESTRUCTIVE);
    }
    return builder.build();
  }

  static String hint() {
    return "consent with --allow-downtime, --allow-disruptive or --allow-destructive";
  }
}
