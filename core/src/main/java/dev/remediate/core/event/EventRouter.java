package dev.remediate.core.event;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Routes CloudTrail records to the remediations their {@link EventRule}s call for.
 *
 * <p>By default the router skips records that cannot call for a fix or must not: failed calls
 * (with an {@code errorCode}), read-only calls, and calls Remediate made itself (their
 * {@code userAgent} carries the {@value #OWN_USER_AGENT} suffix every client of
 * {@link dev.remediate.core.aws.AwsScope} adds), so a remediation never triggers itself. The
 * builder turns each skip off.
 *
 * <pre>{@code
 * EventRouter router = EventRouter.load();                      // rules of every module on the class path
 * List<RoutedRemediation> todo = router.route(event);           // remediation, trigger, rule, approval
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class EventRouter {
  /** The user-agent marker of calls Remediate makes: {@code remediate/<version>}. */
  public static final String OWN_USER_AGENT = "remediate/";

  private final Map<EventKey, List<EventRule>> rulesByKey;
  private final List<EventRule> rules;
  private final boolean includeErrors;
  private final boolean includeReadOnly;
  private final boolean includeOwnCalls;

  private EventRouter(Builder builder) {
    Map<String, EventRule> byId = new LinkedHashMap<>();
    Map<EventKey, List<EventRule>> byKey = new HashMap<>();
    for (EventRule rule : builder.rules) {
      EventRule previous = byId.putIfAbsent(rule.id(), rule);
      if (previous != null) {
        throw new InvalidRemediationException("Two event rules have the id '" + rule.id() + "': "
            + previous.getClass().getName() + " and " + rule.getClass().getName());
      }
      if (rule.triggers().isEmpty()) {
        throw new InvalidRemediationException("Event rule '" + rule.id() + "' has no triggers");
      }
      for (EventKey key : rule.triggers()) {
        byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(rule);
      }
    }
    byKey.replaceAll((k, v) -> List.copyOf(v));
    this.rulesByKey = Map.copyOf(byKey);
    this.rules = List.copyOf(byId.values());
    this.includeErrors = builder.includeErrors;
    this.includeReadOnly = builder.includeReadOnly;
    this.includeOwnCalls = builder.includeOwnCalls;
  }

  /**
   * A router with the rules of every {@link EventRuleProvider} on the class path, default options.
   *
   * @return the router
   */
  public static EventRouter load() {
    return builder().loadProviders(Thread.currentThread().getContextClassLoader()).build();
  }

  /**
   * A router with the rules of every {@link EventRuleProvider} on the class path, given settings
   * (see {@link EventRuleProvider#rules(java.util.Map)}), default options.
   *
   * @param settings settings by dotted key, e.g. {@code flowLogs.s3Bucket}
   * @return the router
   */
  public static EventRouter load(Map<String, String> settings) {
    return builder().loadProviders(Thread.currentThread().getContextClassLoader(), settings)
        .build();
  }

  /**
   * A router with the given rules, default options.
   *
   * @param rules the rules
   * @return the router
   */
  public static EventRouter of(EventRule... rules) {
    return builder().rules(List.of(rules)).build();
  }

  /** @return a builder with no rules and default options */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the rules, in the order they were added */
  public List<EventRule> rules() {
    return rules;
  }

  /**
   * Returns the remediations a record calls for, each with the record and the rule. Equal
   * remediations from several rules come back once (needing approval if any of those rules says so).
   *
   * @param event the record
   * @return the remediations, in rule order; empty when the record is skipped, cannot be routed
   *     ({@link CloudTrailEvent#isRoutable()}) or no rule applies
   * @throws RemediationException when a rule fails, naming the rule and the record
   */
  public List<RoutedRemediation> route(CloudTrailEvent event) {
    if (skipped(event) || !event.isRoutable()) {
      return List.of();
    }
    List<EventRule> candidates = rulesByKey.get(event.key());
    if (candidates == null) {
      return List.of();
    }
    Map<Remediation, RoutedRemediation> found = new LinkedHashMap<>();
    for (EventRule rule : candidates) {
      List<Remediation> remediations;
      try {
        remediations = rule.remediationsFor(event);
      } catch (RuntimeException e) {
        throw new RemediationException("Event rule '" + rule.id() + "' failed on " + event.key()
            + " record " + event.eventId().orElse("without eventID") + ": " + e.getMessage(), e);
      }
      for (Remediation remediation : remediations) {
        found.merge(remediation,
            new RoutedRemediation(remediation, event, rule.id(), rule.needsApproval()),
            (first, later) -> later.needsApproval() && !first.needsApproval()
                ? new RoutedRemediation(remediation, event, first.ruleId(), true)
                : first);
      }
    }
    return List.copyOf(found.values());
  }

  /**
   * Tells whether the options make this router ignore a record.
   *
   * @param event the record
   * @return true when {@link #route} returns nothing for it regardless of rules
   */
  public boolean skipped(CloudTrailEvent event) {
    return (!includeErrors && event.isError())
        || (!includeReadOnly && event.readOnly().orElse(false))
        || (!includeOwnCalls && event.userAgent().map(ua -> ua.contains(OWN_USER_AGENT)).orElse(false));
  }

  /** Builds an {@link EventRouter}. Not thread-safe. */
  public static final class Builder {
    private final List<EventRule> rules = new ArrayList<>();
    private boolean includeErrors;
    private boolean includeReadOnly;
    private boolean includeOwnCalls;

    private Builder() {}

    /**
     * Adds a rule.
     *
     * @param rule the rule; its id must be unique
     * @return this builder
     */
    public Builder rule(EventRule rule) {
      rules.add(rule);
      return this;
    }

    /**
     * Adds rules.
     *
     * @param rules the rules; their ids must be unique
     * @return this builder
     */
    public Builder rules(List<? extends EventRule> rules) {
      this.rules.addAll(rules);
      return this;
    }

    /**
     * Adds the rules of every {@link EventRuleProvider} a class loader finds.
     *
     * @param loader where to look; null means the system class loader
     * @return this builder
     */
    public Builder loadProviders(@org.jspecify.annotations.Nullable ClassLoader loader) {
      for (EventRuleProvider provider : ServiceLoader.load(EventRuleProvider.class, loader)) {
        rules.addAll(provider.rules());
      }
      return this;
    }

    /**
     * Adds the rules of every {@link EventRuleProvider} a class loader finds, given settings.
     *
     * @param loader where to look; null means the system class loader
     * @param settings settings by dotted key (see {@link EventRuleProvider#rules(Map)})
     * @return this builder
     */
    public Builder loadProviders(@org.jspecify.annotations.Nullable ClassLoader loader,
        Map<String, String> settings) {
      for (EventRuleProvider provider : ServiceLoader.load(EventRuleProvider.class, loader)) {
        rules.addAll(provider.rules(Map.copyOf(settings)));
      }
      return this;
    }

    /**
     * Also routes records of failed calls (with an {@code errorCode}). Off by default.
     *
     * @param include true to route them
     * @return this builder
     */
    public Builder includeErrors(boolean include) {
      this.includeErrors = include;
      return this;
    }

    /**
     * Also routes read-only records ({@code readOnly == true}). Off by default.
     *
     * @param include true to route them
     * @return this builder
     */
    public Builder includeReadOnly(boolean include) {
      this.includeReadOnly = include;
      return this;
    }

    /**
     * Also routes records of calls Remediate made (user agent contains {@code remediate/}).
     * Off by default, so a remediation never triggers itself.
     *
     * @param include true to route them
     * @return this builder
     */
    public Builder includeOwnCalls(boolean include) {
      this.includeOwnCalls = include;
      return this;
    }

    /**
     * Builds the router.
     *
     * @return the router
     * @throws InvalidRemediationException when two rules share an id or a rule has no triggers
     */
    public EventRouter build() {
      return new EventRouter(this);
    }
  }
}
