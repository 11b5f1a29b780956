package dev.remediate.cli;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * What {@code scan} and {@code apply} (without a plan file) share besides the selection and the
 * settings: {@code --all-regions}, {@code --target} and {@code --parallel}.
 *
 * <pre>{@code
 * remediate scan --only ec2.security-group-open-ports --target sg-0123456789abcdef0
 * remediate apply --only ec2.quarantine-instance --target i-0123456789abcdef0 --yes
 * }</pre>
 */
public final class PlanningOptions {
  /** Targets planned or applied at once unless {@code --parallel} says otherwise. */
  static final int DEFAULT_PARALLEL = 8;

  @Option(names = "--all-regions",
      description = "Every region enabled for the account (EC2 DescribeRegions).")
  boolean allRegions;

  @Option(names = "--target", paramLabel = "RESOURCE_ID",
      description = "Only plans whose target is this resource (a group, VPC, instance, volume...), "
          + "and the plans they need; repeatable. Remediations of one chosen resource (block an "
          + "address, quarantine an instance) are reached this way, with --set for their "
          + "parameters.")
  List<String> targets = new ArrayList<>();

  @Option(names = "--parallel", paramLabel = "N", defaultValue = "" + DEFAULT_PARALLEL,
      description = "Plan and apply up to N targets at once (default: ${DEFAULT-VALUE}); the "
          + "output does not depend on it.")
  int parallel = DEFAULT_PARALLEL;

  /** Creates empty options (picocli fills them). */
  public PlanningOptions() {}

  /**
   * Checks the values.
   *
   * @param regionsGiven whether {@code --region} was given
   * @throws CliException naming the bad value
   */
  void check(boolean regionsGiven) {
    if (parallel < 1) {
      throw CliException.badInput("--parallel must be at least 1, was " + parallel);
    }
    if (allRegions && regionsGiven) {
      throw CliException.badInput("--all-regions and --region cannot be combined");
    }
    for (String target : targets) {
      if (target == null || target.isBlank()) {
        throw CliException.badInput("--target needs a resource id, was '" + target + "'");
      }
    }
  }

  /** @return the chosen target ids, or null when every target is wanted */
  @Nullable List<String> targetsOrNull() {
    return targets.isEmpty() ? null : List.copyOf(targets);
  }
}
