package dev.remediate.cli;

import dev.remediate.core.Guardrails;
import dev.remediate.core.plan.Flag;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The guardrail flags of commands that apply: {@code --dry-run}, {@code --max-changes} and
 * {@code --opt-out-tag}. Consent to flagged steps is {@link ConsentOptions}, which only
 * {@code apply} takes.
 *
 * <pre>{@code
 * remediate react events.json --apply --max-changes 10
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

  /** Creates empty options (picocli fills them). */
  public GuardrailOptions() {}

  /**
   * Builds the guardrails; bad values fail with a message naming them.
   *
   * @param consents the flags consented to
   * @return the guardrails
   */
  public Guardrails guardrails(Flag... consents) {
    Guardrails.Builder builder = Guardrails.custom().dryRun(dryRun);
    if (maxChanges != null) {
      builder.maxChanges(maxChanges);
    }
    if (optOutTag != null) {
      builder.optOutTagKey(optOutTag);
    }
    return builder.consentTo(consents).build();
  }

}
