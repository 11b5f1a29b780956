package dev.remediate.cli;

import dev.remediate.core.plan.Flag;
import java.util.EnumSet;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Consent to flagged steps: {@code --allow-downtime}, {@code --allow-disruptive},
 * {@code --allow-destructive}. Only {@code apply} takes them: a person reviewed the plans.
 *
 * <pre>{@code
 * remediate apply plans.json --yes --allow-downtime
 * }</pre>
 */
public final class ConsentOptions {
  @Option(names = "--allow-downtime", description = "Consent to steps flagged DOWNTIME.")
  boolean allowDowntime;

  @Option(names = "--allow-disruptive", description = "Consent to steps flagged DISRUPTIVE.")
  boolean allowDisruptive;

  @Option(names = "--allow-destructive", description = "Consent to steps flagged DESTRUCTIVE.")
  boolean allowDestructive;

  /** Creates empty options (picocli fills them). */
  public ConsentOptions() {}

  /** @return the flags consented to */
  public Flag[] flags() {
    Set<Flag> flags = EnumSet.noneOf(Flag.class);
    if (allowDowntime) {
      flags.add(Flag.DOWNTIME);
    }
    if (allowDisruptive) {
      flags.add(Flag.DISRUPTIVE);
    }
    if (allowDestructive) {
      flags.add(Flag.DESTRUCTIVE);
    }
    return flags.toArray(Flag[]::new);
  }

  static String hint() {
    return "consent with --allow-downtime, --allow-disruptive or --allow-destructive";
  }
}
