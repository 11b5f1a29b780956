package dev.remediate.ec2;

import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.aws.AwsErrors;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;
import software.amazon.awssdk.services.ec2.model.LocationType;

/**
 * Every read {@link ResizeInstance} makes, into an {@link Observation}: {@code DescribeInstances}
 * of the instance; unless it already has the target type, {@code DescribeInstanceTypes} of its
 * type and the target type, and {@code DescribeInstanceTypeOfferings} of the target type in the
 * instance's Availability Zone.
 */
final class ResizeObserver {
  private ResizeObserver() {}

  /**
   * An instance type as the decision needs it.
   *
   * @param name e.g. {@code t3.large}
   * @param architectures supported architectures, e.g. {@code x86_64}
   * @param virtualizationTypes supported virtualization types, e.g. {@code hvm}
   * @param enaSupport {@code unsupported}, {@code supported} or {@code required}, or null
   * @param nvmeSupport EBS NVMe: {@code unsupported}, {@code supported} or {@code required}, or null
   */
  record TypeInfo(String name, Set<String> architectures, Set<String> virtualizationTypes,
      @Nullable String enaSupport, @Nullable String nvmeSupport) {
    TypeInfo {
      architectures = Set.copyOf(architectures);
      virtualizationTypes = Set.copyOf(virtualizationTypes);
    }
  }

  /**
   * The instance as the decision needs it.
   *
   * @param id the instance id
   * @param state e.g. {@code running}
   * @param type its type
   * @param architecture e.g. {@code x86_64}
   * @param virtualizationType e.g. {@code hvm}, or null
   * @param rootDeviceType {@code ebs} or {@code instance-store}
   * @param lifecycle {@code spot}, {@code scheduled}, ..., or null for on-demand
   * @param autoScalingGroup the value of tag {@code aws:autoscaling:groupName}, or null
   * @param availabilityZone its Availability Zone
   * @param enaEnabled whether ENA is enabled on it
   */
  record InstanceFacts(String id, String state, String type, @Nullable String architecture,
      @Nullable String virtualizationType, @Nullable String rootDeviceType,
      @Nullable String lifecycle, @Nullable String autoScalingGroup, String availabilityZone,
      boolean enaEnabled) {}

  /**
   * What was read.
   *
   * @param instance the instance
   * @param current its type, or null when not read (already the target type)
   * @param target the target type, or null when not read or not an instance type
   * @param offeredInZone whether the target type is offered in the instance's zone
   */
  record Observation(InstanceFacts instance, @Nullable TypeInfo current,
      @Nullable TypeInfo target, boolean offeredInZone) {}

  /**
   * @throws RemediationException when the instance is not found
   */
  static Observation observe(String instanceId, String targetType, RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    Instance found = describe(ec2, instanceId).orElseThrow(() ->
        new RemediationException("Instance " + instanceId + " not found in " + context.region()));
    InstanceFacts facts = facts(found);
    if (facts.type().equals(targetType)) {
      return new Observation(facts, null, null, true);
    }
    TypeInfo current = null;
    TypeInfo target = null;
    try {
      for (InstanceTypeInfo t : ec2.describeInstanceTypes(r -> r.instanceTypesWithStrings(
          facts.type(), targetType)).instanceTypes()) {
        if (t.instanceTypeAsString().equals(targetType)) {
          target = info(t);
        } else if (t.instanceTypeAsString().equals(facts.type())) {
          current = info(t);
        }
      }
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "InvalidInstanceType")) {
        throw e;
      }
    }
    boolean offered = target != null && !ec2.describeInstanceTypeOfferings(r -> r
            .locationType(LocationType.AVAILABILITY_ZONE)
            .filters(NetworkSupport.filter("location", List.of(facts.availabilityZone())),
                NetworkSupport.filter("instance-type", List.of(targetType))))
        .instanceTypeOfferings().isEmpty();
    return new Observation(facts, current, target, offered);
  }

  static Optional<Instance> describe(Ec2Client ec2, String instanceId) {
    return ec2.describeInstances(r -> r.filters(NetworkSupport.filter("instance-id",
            List.of(instanceId)))).reservations().stream()
        .flatMap(res -> res.instances().stream()).filter(i -> instanceId.equals(i.instanceId()))
        .findFirst();
  }

  private static InstanceFacts facts(Instance i) {
    return new InstanceFacts(i.instanceId(), i.state() == null ? "unknown"
        : i.state().nameAsString(), i.instanceTypeAsString(), i.architectureAsString(),
        i.virtualizationTypeAsString(), i.rootDeviceTypeAsString(),
        i.instanceLifecycleAsString(),
        NetworkSupport.tags(i.tags()).get(ResizeDecision.ASG_TAG),
        i.placement() == null ? "" : i.placement().availabilityZone(),
        Boolean.TRUE.equals(i.enaSupport())); // AWS leaves enaSupport out when off
  }

  private static TypeInfo info(InstanceTypeInfo t) {
    return new TypeInfo(t.instanceTypeAsString(),
        t.processorInfo() == null ? Set.of()
            : Set.copyOf(t.processorInfo().supportedArchitecturesAsStrings()),
        Set.copyOf(t.supportedVirtualizationTypesAsStrings()),
        t.networkInfo() == null ? null : t.networkInfo().enaSupportAsString(),
        t.ebsInfo() == null ? null : t.ebsInfo().nvmeSupportAsString());
  }
}
