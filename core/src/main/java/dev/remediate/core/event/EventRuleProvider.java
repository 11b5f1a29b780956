package dev.remediate.core.event;

import java.util.List;
import java.util.Map;

/**
 * Contributes {@link EventRule}s, found with {@link java.util.ServiceLoader}: a remediation module
 * lists its implementation in {@code META-INF/services/dev.remediate.core.event.EventRuleProvider}
 * (and in {@code provides} of its module-info, where it has one). Implementations need a public
 * no-argument constructor.
 *
 * <pre>{@code
 * public final class ExampleRules implements EventRuleProvider {
 *   public ExampleRules() {}
 *
 *   public List<EventRule> rules() {
 *     return List.of(new OnCreateVpc());
 *   }
 * }
 * // listed in META-INF/services/dev.remediate.core.event.EventRuleProvider
 * }</pre>
 */
public interface EventRuleProvider {
  /** @return the rules of this module, with no settings */
  List<EventRule> rules();

  /**
   * The rules of this module given settings, for rules whose remediations need configuration (e.g.
   * the flow-log destination of a new VPC). Settings use the dotted keys of
   * {@link dev.remediate.core.RemediationType#forRegion(Map)} ({@code flowLogs.s3Bucket}, ...). A
   * rule whose settings are missing is left out. The default ignores settings.
   *
   * @param settings settings by dotted key
   * @return the rules
   */
  default List<EventRule> rules(Map<String, String> settings) {
    return rules();
  }
}
