package dev.remediate.core;

import dev.remediate.core.plan.Flag;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Limits on what {@link Remediator#apply} may do. Immutable; build with {@link #custom()}, start from
 * {@link #ofDefaults()}, or copy with {@link #from(Guardrails)}.
 *
 * <ul>
 *   <li>{@code dryRun}: re-check the plan, report each step as not run, change nothing;</li>
 *   <li>{@code maxChanges}: refuse to apply more steps than this in one apply (of a plan, or of a
 *       whole plan set);</li>
 *   <li>{@code maxConcurrentDowntime}: how many targets whose plans stop something
 *       ({@link Flag#DOWNTIME}) may be applied at once, default 1;</li>
 *   <li>{@code optOutTagKey}: resources carrying this tag (any value) are skipped by planning,
 *       default {@value #DEFAULT_OPT_OUT_TAG_KEY};</li>
 *   <li>{@code consentTo}: steps flagged {@link Flag#DOWNTIME}, {@link Flag#DESTRUCTIVE} or
 *       {@link Flag#DISRUPTIVE} run only with the caller's consent to that flag.</li>
 * </ul>
 *
 * <pre>{@code
 * Guardrails guardrails = Guardrails.custom()
 *     .maxChanges(20)
 *     .consentTo(Flag.DOWNTIME)
 *     .build();
 * }</pre>
 */
public final class Guardrails {
  /** The default opt-out tag key. */
  public static final String DEFAULT_OPT_OUT_TAG_KEY = "remediate:skip";

  private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,128}");
  private static final Guardrails DEFAULTS = custom().build();

  private final boolean dryRun;
  private final int maxChanges;
  private final int maxConcurrentDowntime;
  private final String optOutTagKey;
  private final Set<Flag> consents;

  private Guardrails(Builder builder) {
    this.dryRun = builder.dryRun;
    this.maxChanges = builder.maxChanges;
    this.maxConcurrentDowntime = builder.maxConcurrentDowntime;
    this.optOutTagKey = builder.optOutTagKey;
    this.consents = Collections.unmodifiableSet(EnumSet.copyOf(builder.consents));
  }

  /** @return no dry run, no change limit, opt-out tag {@value #DEFAULT_OPT_OUT_TAG_KEY}, no consent */
  public static Guardrails ofDefaults() {
    return DEFAULTS;
  }

  /**
   * How to give consent to flags, for a Java caller and for a person at the command line, in one
   * text: what a refusal tells both audiences.
   *
   * <pre>{@code
   * Guardrails.consentAdvice(Set.of(Flag.DOWNTIME));
   * // Java: Guardrails.custom().consentTo(Flag.DOWNTIME); command line: --allow-downtime
   * }</pre>
   *
   * @param flags the flags that need consent
   * @return the advice
   */
  public static String consentAdvice(Collection<Flag> flags) {
    Set<Flag> sorted = flags.isEmpty() ? EnumSet.noneOf(Flag.class) : EnumSet.copyOf(flags);
    return "Java: Guardrails.custom().consentTo(" + sorted.stream().map(f -> "Flag." + f)
        .collect(Collectors.joining(", ")) + "); command line: " + sorted.stream()
        .map(f -> "--allow-" + f.name().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(" "));
  }

  /** @return a builder starting from the defaults */
  public static Builder custom() {
    return new Builder();
  }

  /**
   * Starts a builder from existing guardrails.
   *
   * @param base the guardrails to copy
   * @return a builder
   */
  public static Builder from(Guardrails base) {
    Builder b = new Builder();
    b.dryRun = base.dryRun;
    b.maxChanges = base.maxChanges;
    b.maxConcurrentDowntime = base.maxConcurrentDowntime;
    b.optOutTagKey = base.optOutTagKey;
    b.consents.addAll(base.consents);
    return b;
  }

  /** @return true when apply must change nothing */
  public boolean dryRun() {
    return dryRun;
  }

  /** @return the largest number of steps one apply may run */
  public int maxChanges() {
    return maxChanges;
  }

  /** @return how many targets with {@link Flag#DOWNTIME} steps may be applied at once */
  public int maxConcurrentDowntime() {
    return maxConcurrentDowntime;
  }

  /** @return the tag key that opts a resource out of remediation */
  public String optOutTagKey() {
    return optOutTagKey;
  }

  /** @return the flags the caller consents to */
  public Set<Flag> consents() {
    return consents;
  }

  /**
   * Checks consent.
   *
   * @param flag a flag
   * @return true when the caller consented to steps with this flag
   */
  public boolean consentsTo(Flag flag) {
    return consents.contains(flag);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Guardrails g && dryRun == g.dryRun && maxChanges == g.maxChanges
        && maxConcurrentDowntime == g.maxConcurrentDowntime && optOutTagKey.equals(g.optOutTagKey) && consents.equals(g.consents);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dryRun, maxChanges, maxConcurrentDowntime, optOutTagKey, consents);
  }

  @Override
  public String toString() {
    return "Guardrails{dryRun=" + dryRun + ", maxChanges="
        + (maxChanges == Integer.MAX_VALUE ? "unlimited" : maxChanges) + ", maxConcurrentDowntime="
        + maxConcurrentDowntime + ", optOutTagKey="
        + optOutTagKey + ", consents=" + consents + "}";
  }

  /** Builds {@link Guardrails}; bad values fail at once with a message naming them. */
  public static final class Builder {
    private boolean dryRun;
    private int maxChanges = Integer.MAX_VALUE;
    private int maxConcurrentDowntime = 1;
    private String optOutTagKey = DEFAULT_OPT_OUT_TAG_KEY;
    private final Set<Flag> consents = EnumSet.noneOf(Flag.class);

    private Builder() {}

    /**
     * Sets dry-run mode.
     *
     * @param dryRun true to change nothing
     * @return this builder
     */
    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    /**
     * Limits the number of steps one apply may run.
     *
     * @param maxChanges at least 1
     * @return this builder
     */
    public Builder maxChanges(int maxChanges) {
      if (maxChanges < 1) {
        throw new InvalidRemediationException(
            "maxChanges must be at least 1, was " + maxChanges);
      }
      this.maxChanges = maxChanges;
      return this;
    }

    /**
     * Limits how many targets whose plans stop something ({@link Flag#DOWNTIME}, e.g. instances
     * whose volumes are encrypted) are applied at once.
     *
     * @param max at least 1 (default 1: one instance down at a time)
     * @return this builder
     */
    public Builder maxConcurrentDowntime(int max) {
      if (max < 1) {
        throw new InvalidRemediationException(
            "maxConcurrentDowntime must be at least 1, was " + max);
      }
      this.maxConcurrentDowntime = max;
      return this;
    }

    /**
     * Sets the opt-out tag key.
     *
     * @param key a valid tag key, 1 to 128 characters
     * @return this builder
     */
    public Builder optOutTagKey(String key) {
      if (key == null || !TAG_KEY.matcher(key).matches() || key.startsWith("aws:")) {
        throw new InvalidRemediationException("optOutTagKey '" + key
            + "' is not a valid tag key (1-128 letters, digits, spaces and _.:/=+-@, not aws:)");
      }
      this.optOutTagKey = key;
      return this;
    }

    /**
     * Consents to steps with the given flags.
     *
     * @param flags flags to consent to
     * @return this builder
     */
    public Builder consentTo(Flag... flags) {
      for (Flag flag : flags) {
        consents.add(Objects.requireNonNull(flag, "flag"));
      }
      return this;
    }

    /** @return the guardrails */
    public Guardrails build() {
      return new Guardrails(this);
    }
  }
}
