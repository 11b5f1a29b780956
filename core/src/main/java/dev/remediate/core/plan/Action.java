package dev.remediate.core.plan;

/** What a step does to its resource, shown as a marker in the text rendering. */
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
