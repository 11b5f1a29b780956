package dev.remediate.core;

import dev.remediate.core.ApplyResult.Status;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What applying a {@link dev.remediate.core.plan.PlanSet} did, target by target, in the plan set's
 * order (the same whatever the parallelism): applied, already done, refused as stale, failed (with
 * the AWS error), skipped (a prerequisite failed, no consent, another scope), dry run, or nothing to
 * do. Also the changes found while applying that nobody reviewed, left for the next plan.
 *
 * <pre>{@code
 * PlanSetResult result = remediator.apply(plans);
 * System.out.print(result.toText());
 * if (result.hasProblems()) {
 *   result.results().stream().filter(ApplyResult::isProblem)
 *       .forEach(r -> System.err.println(r.plan().key() + ": " + r.detail()));
 * }
 * }</pre>
 *
 * @param results one result per plan of the set, in the set's order
 * @param notReviewed changes that applying found but no reviewed plan held, one line each (e.g. a
 *     rule added to a reviewed group after the scan); plan again to include them
 */
public record PlanSetResult(List<ApplyResult> results, List<String> notReviewed) {
  /**
   * Validates and copies.
   *
   * @param results the per-target results
   * @param notReviewed the lines about unreviewed changes
   */
  public PlanSetResult {
    results = List.copyOf(results);
    notReviewed = List.copyOf(notReviewed);
  }

  /** @return true when a target failed or was refused as stale (a command line exits 1) */
  public boolean hasProblems() {
    return results.stream().anyMatch(ApplyResult::isProblem);
  }

  /** @return how many targets ended in each status */
  public Map<Status, Long> counts() {
    Map<Status, Long> counts = new EnumMap<>(Status.class);
    results.forEach(r -> counts.merge(r.status(), 1L, Long::sum));
    return counts;
  }

  /**
   * The results of one status.
   *
   * @param status a status
   * @return those results, in order
   */
  public List<ApplyResult> withStatus(Status status) {
    return results.stream().filter(r -> r.status() == status).toList();
  }

  /** @return every target's journal (compliant targets left out), the notes and a summary line */
  public String toText() {
    StringBuilder out = new StringBuilder();
    results.stream().filter(r -> r.status() != Status.NOTHING_TO_DO)
        .forEach(r -> out.append(r.toText()));
    notReviewed.forEach(line -> out.append("not reviewed: ").append(line)
        .append(" (plan again to include it)\n"));
    out.append(summary()).append('\n');
    return out.toString();
  }

  /** @return one line: counts per status, e.g. {@code 49 applied, 1 failed} */
  public String summary() {
    Map<Status, Long> counts = counts();
    counts.remove(Status.NOTHING_TO_DO);
    if (counts.isEmpty()) {
      return "Nothing to apply.";
    }
    return counts.entrySet().stream()
        .map(e -> e.getValue() + " " + label(e.getKey()))
        .collect(Collectors.joining(", ")) + ".";
  }

  private static String label(Status status) {
    return switch (status) {
      case APPLIED -> "applied";
      case ALREADY_DONE -> "already done";
      case STALE -> "refused as stale";
      case FAILED -> "failed";
      case SKIPPED -> "skipped";
      case DRY_RUN -> "would apply (dry run)";
      case NOTHING_TO_DO -> "compliant";
    };
  }
}
