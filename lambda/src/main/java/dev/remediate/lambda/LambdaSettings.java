package dev.remediate.lambda;

import dev.remediate.core.Guardrails;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.event.EventRouter;
import dev.remediate.core.SettingsDocument;
import java.util.Locale;
import java.util.Map;

/**
 * The Lambda adapter's guardrails, from environment variables:
 * <ul>
 *   <li>{@code REMEDIATE_DRY_RUN}: {@code true} (default) or {@code false}; in dry run plans are
 *       made and re-checked but nothing changes;</li>
 *   <li>{@code REMEDIATE_MAX_CHANGES}: refuse plans with more steps (default: no limit);</li>
 *   <li>{@code REMEDIATE_OPT_OUT_TAG}: the tag key that opts a resource out (default
 *       {@value Guardrails#DEFAULT_OPT_OUT_TAG_KEY});</li>
 *   <li>{@code REMEDIATE_SETTINGS}: the settings some event rules need (trail bucket, Config
 *       bucket, alarm topic, ...), as JSON with the keys of the command-line tool's config file;
 *       rules whose settings are missing are left out.</li>
 * </ul>
 * The adapter never consents to flagged steps: plans with DOWNTIME, DISRUPTIVE or DESTRUCTIVE
 * steps, and plans of rules that need approval, are reported, not applied.
 *
 * <pre>{@code
 * Guardrails guardrails = LambdaSettings.guardrails(System.getenv());
 * }</pre>
 */
public final class LambdaSettings {
  /** Dry run unless {@code false}. */
  public static final String DRY_RUN = "REMEDIATE_DRY_RUN";
  /** The change limit per plan. */
  public static final String MAX_CHANGES = "REMEDIATE_MAX_CHANGES";
  /** The opt-out tag key. */
  public static final String OPT_OUT_TAG = "REMEDIATE_OPT_OUT_TAG";
  /** Settings for rules that need them, as JSON: {@code {"trail": {"s3Bucket": "logs"}}}. */
  public static final String SETTINGS = "REMEDIATE_SETTINGS";
  /** Variable naming the role assumed in member accounts (e.g. {@code RemediateExecutionRole}). */
  public static final String MEMBER_ROLE = "REMEDIATE_MEMBER_ROLE";
  /** Variable holding the external id the member role requires, if any. */
  public static final String EXTERNAL_ID = "REMEDIATE_EXTERNAL_ID";

  private LambdaSettings() {}

  /**
   * Reads the guardrails; bad values fail naming the variable and the value.
   *
   * @param env the environment variables
   * @return the guardrails
   * @throws InvalidRemediationException on a bad value
   */
  public static Guardrails guardrails(Map<String, String> env) {
    Guardrails.Builder builder = Guardrails.custom();
    String dryRun = env.getOrDefault(DRY_RUN, "true").trim().toLowerCase(Locale.ROOT);
    if (!dryRun.equals("true") && !dryRun.equals("false")) {
      throw new InvalidRemediationException(DRY_RUN + " must be true or false, was '"
          + env.get(DRY_RUN) + "'");
    }
    builder.dryRun(dryRun.equals("true"));
    String max = env.get(MAX_CHANGES);
    if (max != null && !max.isBlank()) {
      int limit;
      try {
        limit = Integer.parseInt(max.trim());
      } catch (NumberFormatException e) {
        throw new InvalidRemediationException(MAX_CHANGES + " must be a whole number, was '"
            + max + "'");
      }
      if (limit < 1) {
        throw new InvalidRemediationException(MAX_CHANGES + " must be at least 1, was '" + max
            + "'");
      }
      builder.maxChanges(limit);
    }
    String tag = env.get(OPT_OUT_TAG);
    if (tag != null && !tag.isBlank()) {
      try {
        builder.optOutTagKey(tag.trim());
      } catch (InvalidRemediationException e) {
        throw new InvalidRemediationException(OPT_OUT_TAG + ": " + e.getMessage(), e);
      }
    }
    return builder.build();
  }

  /**
   * The event rules of the class path with the settings of {@code REMEDIATE_SETTINGS}; a value a
   * rule refuses fails naming the variable.
   *
   * @param env the environment variables
   * @return the router
   * @throws InvalidRemediationException starting with {@code REMEDIATE_SETTINGS: } on a bad value
   */
  public static EventRouter router(Map<String, String> env) {
    Map<String, String> settings = settings(env);
    try {
      return EventRouter.load(settings);
    } catch (InvalidRemediationException e) {
      throw new InvalidRemediationException(SETTINGS + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads {@code REMEDIATE_SETTINGS}.
   *
   * @param env the environment variables
   * @return settings by dotted key; empty when unset
   * @throws InvalidRemediationException when it is not a JSON object of settings
   */
  public static Map<String, String> settings(Map<String, String> env) {
    String json = env.get(SETTINGS);
    if (json == null || json.isBlank()) {
      return Map.of();
    }
    return SettingsDocument.parseJson(json, SETTINGS);
  }

  /**
   * The role assumed in the account an event comes from when it is not the function's:
   * {@code REMEDIATE_MEMBER_ROLE} (a role name), with {@code REMEDIATE_EXTERNAL_ID} when the role
   * requires one.
   *
   * @param env the environment variables
   * @return the role, or empty when {@code REMEDIATE_MEMBER_ROLE} is unset (such events are
   *     skipped)
   * @throws InvalidRemediationException naming the variable when a value is malformed
   */
  public static java.util.Optional<dev.remediate.core.aws.AccountRole> memberRole(
      Map<String, String> env) {
    String name = env.get(MEMBER_ROLE);
    if (name == null || name.isBlank()) {
      return java.util.Optional.empty();
    }
    try {
      dev.remediate.core.aws.AccountRole.Builder role = dev.remediate.core.aws.AccountRole
          .builder().roleName(name.trim());
      String externalId = env.get(EXTERNAL_ID);
      if (externalId != null && !externalId.isBlank()) {
        role.externalId(externalId.trim());
      }
      return java.util.Optional.of(role.build());
    } catch (InvalidRemediationException e) {
      throw new InvalidRemediationException(MEMBER_ROLE + "/" + EXTERNAL_ID + ": "
          + e.getMessage(), e);
    }
  }
}
