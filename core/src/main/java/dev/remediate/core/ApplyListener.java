package dev.remediate.core;

import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Step;

/**
 * Receives progress while a plan is applied. Every method has an empty default; implement those you
 * need. Called on the applying thread; keep it quick.
 *
 * <pre>{@code
 * ApplyListener listener = new ApplyListener() {
 *   public void onProgress(Step step, String message, int percent) {
 *     System.out.printf("%s %s %d%%%n", step.kind(), message, percent);
 *   }
 * };
 * }</pre>
 */
public interface ApplyListener {
  /** A listener that ignores everything. */
  ApplyListener NONE = new ApplyListener() {};

  /**
   * The apply begins, after the staleness check and guardrails passed.
   *
   * @param plan the plan
   */
  default void onApplyStarted(Plan plan) {}

  /**
   * A step begins.
   *
   * @param step the step
   * @param index its 0-based position
   * @param total the number of steps
   */
  default void onStepStarted(Step step, int index, int total) {}

  /**
   * A long step reports progress, e.g. a snapshot copy.
   *
   * @param step the step
   * @param message what is happening
   * @param percent 0 to 100, or -1 when unknown
   */
  default void onProgress(Step step, String message, int percent) {}

  /**
   * A step ended.
   *
   * @param outcome its outcome
   */
  default void onStepFinished(StepOutcome outcome) {}

  /**
   * The apply ended, successfully or not.
   *
   * @param result the journal
   */
  default void onApplyFinished(ApplyResult result) {}
}
