package dev.remediate.cloudtrail;

import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.Setting;
import dev.remediate.core.aws.AwsNames;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Skip;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The one Region where account-wide audit resources are planned: the multi-Region trail (one
 * resource for every Region) and the CIS alarms on its log group (which lives in the trail's home
 * Region). A scan of many Regions builds one remediation from the settings and plans it in each;
 * in every Region but the home one its plan is empty, with a skip saying where it is planned, so
 * the trail is created once instead of failing in every other Region.
 */
final class HomeRegion {
  /** The home Region unless {@code trail.homeRegion} names another. */
  static final String DEFAULT = "us-east-1";
  /** The setting. */
  static final Setting SETTING = new Setting("trail.homeRegion", Setting.Kind.TEXT,
      "The one Region where a scan plans the multi-Region trail and the CIS alarms on its log "
      + "group; other Regions report them as covered (include this Region in the scan)",
      Optional.of(DEFAULT));

  private HomeRegion() {}

  /** @return the home Region of the settings, checked with {@link AwsNames#region} */
  static String of(Map<String, String> settings) {
    return SETTING.valueIn(settings, AwsNames::region).orElseThrow();
  }

  /**
   * The plan of a Region that is not the home one: empty, with a skip naming the home Region.
   *
   * @param home the home Region, or null when the remediation has none (planned anywhere)
   * @param what what is planned there, e.g. "the multi-Region trail remediate-trail"
   * @return the empty plan, or empty in the home Region (plan as usual)
   */
  static Optional<Plan> elsewhere(@Nullable String home, Remediation remediation,
      RemediationContext context, String type, String id, String what) {
    if (home == null || home.equals(context.region())) {
      return Optional.empty();
    }
    return Optional.of(context.newPlan(remediation, type, id).addSkipped(Skip.of(id,
        "covered by " + what + " planned in " + home + " (" + SETTING.key() + "); scan " + home
            + " to plan it, or " + SETTING.advice(context.region(), "homeRegion(\""
            + context.region() + "\")"))).build());
  }
}
