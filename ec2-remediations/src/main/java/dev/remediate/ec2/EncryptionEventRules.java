package dev.remediate.ec2;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remediate.core.Remediation;
import dev.remediate.core.aws.AwsNames;
import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.EventKey;
import dev.remediate.core.event.EventRule;
import dev.remediate.core.event.EventRuleProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Event rules of the EBS encryption remediations:
 *
 * <ul>
 *   <li>{@value #CREATE_VOLUME_RULE}: a {@code CreateVolume} record whose response says
 *       {@code encrypted: false} calls for {@link EncryptVolume#forVolume(String)} on the new
 *       volume;</li>
 *   <li>{@value #RUN_INSTANCES_RULE}: a {@code RunInstances} record calls for
 *       {@link EncryptVolume#forInstance(String)} on each new instance with EBS volumes, unless the
 *       request asked for every EBS volume encrypted and the root is not EBS (a record cannot show
 *       whether the AMI's root snapshot was encrypted: the plan looks, and is empty when it was);</li>
 *   <li>{@value #DISABLE_DEFAULT_RULE}: {@code DisableEbsEncryptionByDefault} calls for
 *       {@link EnableEbsEncryptionByDefault} in the record's region.</li>
 * </ul>
 *
 * <p>The two volume rules {@linkplain EventRule#needsApproval() need approval}: their plans may stop
 * instances ({@link dev.remediate.core.plan.Flag#DOWNTIME}), so automated callers must not apply
 * them without a person's consent. Setting {@code encryption.kmsKey} chooses the key of every
 * remediation these rules make.
 *
 * <pre>{@code
 * EventRouter router = EventRouter.builder()
 *     .rules(new EncryptionEventRules().rules(Map.of("encryption.kmsKey", "alias/ebs")))
 *     .build();
 * for (RoutedRemediation routed : router.route(createVolumeEvent)) {
 *   boolean approve = routed.needsApproval(); // true for the volume rules
 * }
 * }</pre>
 */
public final class EncryptionEventRules implements EventRuleProvider {
  /** The id of the {@code CreateVolume} rule. */
  public static final String CREATE_VOLUME_RULE = "ec2.encrypt-volumes.on-create-volume";
  /** The id of the {@code RunInstances} rule. */
  public static final String RUN_INSTANCES_RULE = "ec2.encrypt-volumes.on-run-instances";
  /** The id of the {@code DisableEbsEncryptionByDefault} rule. */
  public static final String DISABLE_DEFAULT_RULE =
      "ec2.ebs-encryption-by-default.on-disable";

  private static final String EC2 = "ec2.amazonaws.com";

  /** Creates the provider (used by {@link java.util.ServiceLoader}). */
  public EncryptionEventRules() {}

  @Override
  public List<EventRule> rules() {
    return rules(Map.of());
  }

  /**
   * The rules, with the key from setting {@code encryption.kmsKey} when present.
   *
   * @param settings settings by dotted key
   * @return the three rules
   */
  @Override
  public List<EventRule> rules(Map<String, String> settings) {
    String key = settings.get("encryption.kmsKey");
    String kmsKey = key == null || key.isBlank() ? null
        : KmsKeys.validate("setting encryption.kmsKey", "kmsKey(KEY)", key.trim());
    return List.of(
        new Rule(CREATE_VOLUME_RULE, "CreateVolume", true, e -> onCreateVolume(e, kmsKey)),
        new Rule(RUN_INSTANCES_RULE, "RunInstances", true, e -> onRunInstances(e, kmsKey)),
        new Rule(DISABLE_DEFAULT_RULE, "DisableEbsEncryptionByDefault", false,
            e -> List.of(kmsKey == null ? EnableEbsEncryptionByDefault.create()
                : EnableEbsEncryptionByDefault.withDefaultKey(kmsKey))));
  }

  /** One EC2 event name mapped to remediations. */
  private record Rule(String id, String eventName, boolean needsApproval,
      Function<CloudTrailEvent, List<Remediation>> mapping) implements EventRule {
    @Override
    public Set<EventKey> triggers() {
      return Set.of(EventKey.of(EC2, eventName));
    }

    @Override
    public List<Remediation> remediationsFor(CloudTrailEvent event) {
      return mapping.apply(event);
    }
  }

  private static List<Remediation> onCreateVolume(CloudTrailEvent event,
      @Nullable String kmsKey) {
    JsonNode response = event.responseElements().orElse(null);
    if (response == null) {
      return List.of();
    }
    String volumeId = response.path("volumeId").asText("");
    boolean encrypted = response.path("encrypted").asBoolean(false);
    if (encrypted || !AwsNames.isEc2Id("vol", volumeId)) {
      return List.of();
    }
    return List.of(withKey(EncryptVolume.forVolume(volumeId), kmsKey).build());
  }

  private static List<Remediation> onRunInstances(CloudTrailEvent event,
      @Nullable String kmsKey) {
    JsonNode response = event.responseElements().orElse(null);
    if (response == null) {
      return List.of();
    }
    boolean requestedAllEncrypted = true;
    boolean requestedEbs = false;
    JsonNode request = event.requestParameters().orElse(null);
    if (request != null) {
      for (JsonNode mapping : request.path("blockDeviceMapping").path("items")) {
        JsonNode ebs = mapping.path("ebs");
        if (!ebs.isMissingNode() && !ebs.isNull()) {
          requestedEbs = true;
          requestedAllEncrypted &= ebs.path("encrypted").asBoolean(false);
        }
      }
    }
    List<Remediation> remediations = new ArrayList<>();
    for (JsonNode instance : response.path("instancesSet").path("items")) {
      String id = instance.path("instanceId").asText("");
      boolean ebsRoot = !"instance-store".equals(instance.path("rootDeviceType").asText("ebs"));
      if (AwsNames.isEc2Id("i", id) && (ebsRoot || requestedEbs && !requestedAllEncrypted)) {
        remediations.add(withKey(EncryptVolume.forInstance(id), kmsKey).build());
      }
    }
    return remediations;
  }

  private static EncryptVolume.Builder withKey(EncryptVolume.Builder b, @Nullable String key) {
    return key == null ? b : b.kmsKey(key);
  }
}
