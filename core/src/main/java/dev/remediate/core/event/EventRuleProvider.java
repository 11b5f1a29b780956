package dev.remediate.core.event;

import java.util.List;

/**
 * Contributes {@link EventRule}s, found with {@link java.util.ServiceLoader}: a remediation module
 * lists its implementation in {@code META-INF/services/dev.remediate.core.event.EventRuleProvider}
 * (and in {@code provides} of its module-info, where it has one). Implementations need a public
 * no-argument constructor.
 */
public interface EventRuleProvider {
  /** @return the rules of this module */
  List<EventRule> rules();
}
