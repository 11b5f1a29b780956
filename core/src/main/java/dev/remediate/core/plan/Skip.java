package dev.remediate.core.plan;

import org.immutables.value.Value;

/**
 * A resource the plan deliberately leaves alone, and why (e.g. it carries the opt-out tag).
 *
 * <pre>{@code
 * for (Skip skip : plan.skipped()) {
 *   System.out.println(skip.resource() + ": " + skip.reason());
 * }
 * // while planning: planBuilder.addSkipped(Skip.of(groupId, context.optOutReason()));
 * }</pre>
 */
@Value.Immutable
public abstract class Skip {
  /** @return the resource left alone */
  @Value.Parameter
  public abstract String resource();

  /** @return why */
  @Value.Parameter
  public abstract String reason();

  /**
   * Creates a skip.
   *
   * @param resource resource id
   * @param reason why it is skipped
   * @return the skip
   */
  public static Skip of(String resource, String reason) {
    return ImmutableSkip.of(resource, reason);
  }
}
