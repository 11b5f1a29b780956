package dev.remediate.core.internal;

import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/** Renders a plan as text, in the manner of {@code terraform plan}. */
public final class PlanText {
  private PlanText() {}

  /**
   * Renders a plan.
   *
   * @param plan the plan
   * @return multi-line text ending with a newline
   */
  public static String render(Plan plan) {
    StringBuilder out = new StringBuilder();
    out.append(plan.remediation().id()).append(" on ").append(plan.target()).append('\n');
    Map<Action, Integer> counts = new EnumMap<>(Action.class);
    for (Step step : plan.steps()) {
      counts.merge(step.action(), 1, Integer::sum);
      out.append("  ").append(step.action().marker()).append(' ').append(step.kind()).append(' ')
          .append(step.resource()).append(": ").append(step.summary());
      if (!step.flags().isEmpty()) {
        out.append("  ").append(step.flags());
      }
      out.append('\n');
      if (step.before().isPresent() || step.after().isPresent()) {
        out.append("      ").append(step.before().orElse("(none)")).append(" -> ")
            .append(step.after().orElse("(none)")).append('\n');
      }
    }
    for (String prerequisite : plan.requires()) {
      out.append("  after ").append(prerequisite).append('\n');
    }
    for (String warning : plan.warnings()) {
      out.append("  ! ").append(warning).append('\n');
    }
    for (Skip skip : plan.skipped()) {
      out.append("  = skipped ").append(skip.resource()).append(" (").append(skip.reason())
          .append(")\n");
    }
    if (plan.isEmpty() && !plan.skipped().isEmpty()) {
      out.append("No changes; ").append(plan.skipped().size())
          .append(" resource(s) skipped, not checked.\n");
      return out.toString();
    }
    if (plan.isEmpty()) {
      out.append("No changes. The target is compliant");
      if (!plan.controls().isEmpty()) {
        out.append(" (").append(String.join(", ", plan.controls())).append(')');
      }
      out.append(".\n");
      return out.toString();
    }
    out.append("Plan: ").append(counts.getOrDefault(Action.ADD, 0)).append(" to add, ")
        .append(counts.getOrDefault(Action.CHANGE, 0)).append(" to change, ")
        .append(counts.getOrDefault(Action.REMOVE, 0)).append(" to remove.");
    Set<Flag> flags = plan.flags();
    if (!flags.isEmpty()) {
      out.append(" Needs consent: ").append(flags).append('.');
    }
    out.append('\n');
    if (!plan.controls().isEmpty()) {
      out.append("Controls: ").append(String.join(", ", plan.controls())).append('\n');
    }
    return out.toString();
  }
}
