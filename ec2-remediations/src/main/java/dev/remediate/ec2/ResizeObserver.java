package dev.remediate.ec2;

import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.aws.AwsErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;
import software.amazon.awssdk.services.ec2.model.LocationType;

/**
 * Every read {@link ResizeInstance} makes, into an {@link Observation}: {@code DescribeInstances}
 * of the instance; unless it already has the target type, {@code DescribeInstanceTypes} of its
 * type and the target type, and {@code DescribeInstanceTypeOfferings} of the target type in the
 * instance's Availability Zone. For {@value ResizeInstance#NEXT}, instead: the sizes of the
 * instance's family ({@code DescribeInstanceTypes} filtered by {@code instance-type}
 * {@code <family>.*}, paginated) and which of them are offered in the zone (one
 * {@code DescribeInstanceTypeOfferings} naming them). An instance carrying the tags of an
 * interrupted resize ({@link ResizeDecision#FROM_TAG}, {@link ResizeDecision#TARGET_TAG}) is
 * observed against the type of its tag.
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
   * One size of an instance family, for ordering.
   *
   * @param info the type
   * @param vcpus its default vCPUs
   * @param memoryMib its memory, MiB
   */
  record Size(TypeInfo info, int vcpus, long memoryMib) {}

  /**
   * What was read.
   *
   * @param instance the instance
   * @param current its type, or null when not read (already the target type)
   * @param target the target type, or null when not read or not an instance type
   * @param offeredInZone whether the target type is offered in the instance's zone
   * @param resizeFrom the value of tag {@link ResizeDecision#FROM_TAG}, or null
   * @param resizeTarget the value of tag {@link ResizeDecision#TARGET_TAG}, or null
   * @param family the sizes of the instance's family (read for {@value ResizeInstance#NEXT}
   *     only, else empty)
   * @param familyOffered the names of those sizes offered in the instance's zone
   */
  record Observation(InstanceFacts instance, @Nullable TypeInfo current,
      @Nullable TypeInfo target, boolean offeredInZone, @Nullable String resizeFrom,
      @Nullable String resizeTarget, List<Size> family, Set<String> familyOffered) {
    Observation {
      family = List.copyOf(family);
      familyOffered = Set.copyOf(familyOffered);
    }

    /**
     * An observation of a named target type and no interrupted resize.
     *
     * @param instance the instance
     * @param current its type, or null
     * @param target the target type, or null
     * @param offeredInZone whether the target type is offered in the zone
     */
    Observation(InstanceFacts instance, @Nullable TypeInfo current, @Nullable TypeInfo target,
        boolean offeredInZone) {
      this(instance, current, target, offeredInZone, null, null, List.of(), Set.of());
    }
  }

  /**
   * @throws RemediationException when the instance is not found
   */
  static Observation observe(String instanceId, String targetType, RemediationContext context) {
    return observe(instance(instanceId, context), targetType, context);
  }

  /**
   * @throws RemediationException when the instance is not found
   */
  static Instance instance(String instanceId, RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    return describe(ec2, instanceId).orElseThrow(() ->
        new RemediationException("Instance " + instanceId + " not found in " + context.region()));
  }

  /** Observes an instance already described, for the wanted type. */
  static Observation observe(Instance found, String targetType, RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    InstanceFacts facts = facts(found);
    Map<String, String> tags = NetworkSupport.tags(found.tags());
    String from = tags.get(ResizeDecision.FROM_TAG);
    String to = tags.get(ResizeDecision.TARGET_TAG);
    String wanted = from != null && to != null ? to : targetType;
    if (facts.type().equals(wanted)) {
      return new Observation(facts, null, null, true, from, to, List.of(), Set.of());
    }
    if (ResizeInstance.NEXT.equals(wanted)) {
      return family(ec2, facts, from, to);
    }
    String target = wanted;
    TypeInfo current = null;
    TypeInfo info = null;
    try {
      for (InstanceTypeInfo t : ec2.describeInstanceTypes(r -> r.instanceTypesWithStrings(
          facts.type(), target)).instanceTypes()) {
        if (t.instanceTypeAsString().equals(target)) {
          info = info(t);
        } else if (t.instanceTypeAsString().equals(facts.type())) {
          current = info(t);
        }
      }
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "InvalidInstanceType")) {
        throw e;
      }
    }
    boolean offered = info != null && !ec2.describeInstanceTypeOfferings(r -> r
            .locationType(LocationType.AVAILABILITY_ZONE)
            .filters(NetworkSupport.filter("location", List.of(facts.availabilityZone())),
                NetworkSupport.filter("instance-type", List.of(target))))
        .instanceTypeOfferings().isEmpty();
    return new Observation(facts, current, info, offered, from, to, List.of(), Set.of());
  }

  /** The sizes of the instance's family and those offered in its zone. */
  private static Observation family(Ec2Client ec2, InstanceFacts facts, @Nullable String from,
      @Nullable String to) {
    String family = facts.type().substring(0, facts.type().indexOf('.'));
    List<Size> sizes = new ArrayList<>();
    ec2.describeInstanceTypesPaginator(r -> r.filters(NetworkSupport.filter("instance-type",
            List.of(family + ".*")))).instanceTypes().forEach(t -> sizes.add(new Size(info(t),
        t.vCpuInfo() == null || t.vCpuInfo().defaultVCpus() == null ? 0
            : t.vCpuInfo().defaultVCpus(),
        t.memoryInfo() == null || t.memoryInfo().sizeInMiB() == null ? 0
            : t.memoryInfo().sizeInMiB())));
    Set<String> offered = new TreeSet<>();
    if (!sizes.isEmpty()) {
      ec2.describeInstanceTypeOfferingsPaginator(r -> r
              .locationType(LocationType.AVAILABILITY_ZONE)
              .filters(NetworkSupport.filter("location", List.of(facts.availabilityZone())),
                  NetworkSupport.filter("instance-type",
                      sizes.stream().map(s -> s.info().name()).toList())))
          .instanceTypeOfferings().forEach(o -> offered.add(o.instanceTypeAsString()));
    }
    TypeInfo current = sizes.stream().map(Size::info).filter(t -> t.name().equals(facts.type()))
        .findFirst().orElse(null);
    return new Observation(facts, current, null, false, from, to, sizes, offered);
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
