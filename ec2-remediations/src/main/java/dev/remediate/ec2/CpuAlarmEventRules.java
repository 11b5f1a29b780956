package dev.remediate.ec2;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.aws.AwsNames;
import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.EventKey;
import dev.remediate.core.event.EventRule;
import dev.remediate.core.event.EventRuleProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The event rule of {@link EnableCpuAlarm}: {@value #RUN_INSTANCES_RULE}, a {@code RunInstances}
 * record calls for {@link EnableCpuAlarm#forInstance(String)} on each new instance
 * ({@code responseElements.instancesSet.items[].instanceId}), with the settings
 * {@code cpuAlarm.threshold}, {@code cpuAlarm.periods}, {@code cpuAlarm.statistic}. The rule exists
 * only when the settings name a topic ({@code cpuAlarm.snsTopic} or {@code alarms.snsTopic}), as
 * the alarms must notify one. With {@code cpuAlarm.tag}, only the new instances the record shows
 * carrying that tag ({@code tagSet}, from the request's tag specifications) get their alarm; one
 * tagged later gets it at the next scan.
 *
 * <p>The plans only add an alarm (and fix the topic): no approval needed. A new instance is
 * {@code pending} at first; the decision treats it as running.
 *
 * <pre>{@code
 * EventRouter router = EventRouter.builder()
 *     .rules(new CpuAlarmEventRules().rules(Map.of("alarms.snsTopic", "ops-alarms")))
 *     .build();
 * List<RoutedRemediation> todo = router.route(runInstancesEvent); // one per new instance
 * }</pre>
 */
public final class CpuAlarmEventRules implements EventRuleProvider {
  /** Id of the {@code RunInstances} rule. */
  public static final String RUN_INSTANCES_RULE = "ec2.cpu-alarm.on-run-instances";
  private static final String EC2 = "ec2.amazonaws.com";

  /** Creates the provider (used by {@link java.util.ServiceLoader}). */
  public CpuAlarmEventRules() {}

  @Override
  public List<EventRule> rules() {
    return rules(Map.of());
  }

  /**
   * @param settings settings by dotted key
   * @return the {@code RunInstances} rule when the settings name a topic, else none
   * @throws InvalidRemediationException naming a bad setting
   */
  @Override
  public List<EventRule> rules(Map<String, String> settings) {
    if (EnableCpuAlarm.Type.withSettings(EnableCpuAlarm.forEveryInstance(), settings).isEmpty()) {
      return List.of();
    }
    Optional<String> tag = EnableCpuAlarm.Type.TAG.valueIn(settings);
    String[] keyValue = tag.map(CpuAlarmEventRules::keyValue).orElse(null);
    return List.of(new OnRunInstances(settings, keyValue));
  }

  private static String[] keyValue(String tag) {
    int eq = tag.indexOf('=');
    if (eq <= 0) {
      throw new InvalidRemediationException("setting cpuAlarm.tag: '" + tag
          + "' is not KEY=VALUE");
    }
    return new String[] {tag.substring(0, eq), tag.substring(eq + 1)};
  }

  /** The alarm of each instance a {@code RunInstances} record launched. */
  private static final class OnRunInstances implements EventRule {
    private final Map<String, String> settings;
    private final String @Nullable [] tag;

    OnRunInstances(Map<String, String> settings, String @Nullable [] tag) {
      this.settings = Map.copyOf(settings);
      this.tag = tag;
    }

    @Override
    public String id() {
      return RUN_INSTANCES_RULE;
    }

    @Override
    public Set<EventKey> triggers() {
      return Set.of(EventKey.of(EC2, "RunInstances"));
    }

    @Override
    public List<Remediation> remediationsFor(CloudTrailEvent event) {
      List<Remediation> remediations = new ArrayList<>();
      JsonNode items = event.responseElements()
          .map(r -> r.path("instancesSet").path("items")).orElse(null);
      if (items == null || !items.isArray()) {
        return remediations;
      }
      for (JsonNode instance : items) {
        String id = instance.path("instanceId").asText("");
        if (AwsNames.isEc2Id("i", id) && (tag == null || tagged(instance, tag[0], tag[1]))) {
          remediations.add(EnableCpuAlarm.Type.withSettings(EnableCpuAlarm.forInstance(id),
              settings).orElseThrow().build());
        }
      }
      return remediations;
    }

    private static boolean tagged(JsonNode instance, String key, String value) {
      for (JsonNode t : instance.path("tagSet").path("items")) {
        if (key.equals(t.path("key").asText(null)) && value.equals(t.path("value").asText(null))) {
          return true;
        }
      }
      return false;
    }
  }
}
