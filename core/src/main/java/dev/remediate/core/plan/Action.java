package dev.remediate.core.plan;

/**
 * What a step does to its resource, shown as a marker in the text rendering.
 *
 * <pre>{@code
 * for (Step step : plan.steps()) {
 *   System.out.println(step.action().marker() + " " + step.summary()); // e.g. "- revoke ..."
 * }
 * boolean removes = plan.steps().stream().anyMatch(step -> step.action() == Action.REMOVE);
 * }</pre>
 */
public enum Action {
  /** Creates something or adds a setting: {@code +}. */
  ADD('+'),
  /** Changes something in place: {@code ~}. */
  CHANGE('~'),
  /** Removes something (a rule, a grant): {@code -}. */
  REMOVE('-');

  private final char marker;

  Action(char marker) {
    this.marker = marker;
  }

  /** @return the one-character marker used in text plans */
  public char marker() {
    return marker;
  }
}
