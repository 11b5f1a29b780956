package dev.remediate.ec2;

import static dev.remediate.ec2.EbsObserver.filter;
import static dev.remediate.ec2.EncryptVolume.ID;
import static dev.remediate.ec2.EncryptVolume.TAG_ORIGIN_INSTANCE;
import static dev.remediate.ec2.EncryptVolume.TAG_ORIGIN_VOLUME;

import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import dev.remediate.ec2.EbsObservation.ResolvedKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.immutables.value.Value;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeAttachment;

/**
 * The region-wide form of {@link EncryptVolume} ({@code EncryptVolume.Type.forRegion}): one plan
 * per instance with unencrypted attached volumes (its {@link EncryptVolume#forInstance} plan: one
 * stop, one start, flagged DOWNTIME when it runs) and one per unattached unencrypted volume (its
 * {@link EncryptVolume#forVolume} plan, no downtime).
 *
 * <p>Observes the whole region with a few paginated reads: {@code DescribeVolumes} of the
 * unencrypted volumes; when there are any, the library's own intermediates
 * ({@code DescribeVolumes}, {@code DescribeSnapshots} by tag key), the instances concerned
 * ({@code DescribeInstances} by id, and by tag when selected), every volume attached to them
 * ({@code DescribeVolumes} by attachment). Then per target, only for targets that need changes:
 * the key ({@code DescribeKey}, once for the region) and the swap's prechecks (instance type once
 * per type, stop protection per running instance). A target refused by a precheck gets an empty
 * plan naming the reason in {@link Plan#skipped()}; the other targets are planned.
 *
 * <p>The originals an earlier swap kept (detached, tagged) belong to their instance's target, never
 * to a target of their own.
 */
@Value.Immutable
abstract class EbsRegionScan extends AbstractRemediation<EbsRegionScan> {
  /** How many ids one filter takes. */
  private static final int IDS_PER_CALL = 200;

  static final SpecTable<EbsRegionScan, ImmutableEbsRegionScan.Builder> SPEC =
      SpecTable.<EbsRegionScan, ImmutableEbsRegionScan.Builder>of(ID)
          .start("scope", SpecKind.word("region"), r -> "region",
              scope -> ImmutableEbsRegionScan.builder())
          .required("kmsKey", EncryptVolume.KMS_KEY, EbsRegionScan::kmsKey,
              ImmutableEbsRegionScan.Builder::kmsKey)
          .optional("tag", SpecKind.text(), EbsRegionScan::tag, ImmutableEbsRegionScan.Builder::tag)
          .build(ImmutableEbsRegionScan.Builder::build);

  EbsRegionScan() {}

  /** @return the key (setting {@code encryption.kmsKey}) */
  abstract String kmsKey();

  /**
   * @return {@code KEY=VALUE} selecting instances and unattached volumes by tag (setting
   *     {@code encryption.tag}), key and value trimmed; null for all
   */
  abstract @Nullable String tag();

  /** @return the key of {@link #tag()}, or null for all */
  final @Nullable String tagKey() {
    String tag = tag();
    return tag == null ? null : tag.substring(0, tag.indexOf('='));
  }

  /** @return the value of {@link #tag()}, or null for all */
  final @Nullable String tagValue() {
    String tag = tag();
    return tag == null ? null : tag.substring(tag.indexOf('=') + 1);
  }

  /**
   * Every check of the values, in one place: the key reference, and the tag is
   * {@code KEY=VALUE}.
   *
   * @return this, or a copy with the tag's key and value trimmed
   * @throws InvalidRemediationException naming the bad value
   */
  @Value.Check
  final EbsRegionScan normalised() {
    KmsKeys.validate(ID, "kmsKey(KEY)", kmsKey());
    String tag = tag();
    if (tag == null) {
      return this;
    }
    int eq = tag.indexOf('=');
    if (eq <= 0 || tag.substring(0, eq).isBlank()) {
      throw new InvalidRemediationException(ID + ": encryption.tag '" + tag
          + "' must be KEY=VALUE, e.g. encrypt=yes");
    }
    String trimmed = tag.substring(0, eq).trim() + "=" + tag.substring(eq + 1).trim();
    return trimmed.equals(tag) ? this : ImmutableEbsRegionScan.copyOf(this).withTag(trimmed);
  }

  /**
   * @param kmsKey the key (setting {@code encryption.kmsKey})
   * @param tag {@code KEY=VALUE} selecting instances and unattached volumes by tag (setting
   *     {@code encryption.tag}), or null for all
   */
  static EbsRegionScan of(String kmsKey, @Nullable String tag) {
    return ImmutableEbsRegionScan.builder().kmsKey(kmsKey).tag(tag).build();
  }

  @Override
  protected SpecTable<EbsRegionScan, ?> specTable() {
    return SPEC;
  }

  /** The region-wide form has one plan per target: see {@link #planEach}. */
  @Override
  public Plan plan(RemediationContext context) {
    throw new InvalidRemediationException(ID + " for a whole region makes one plan per target: "
        + "use planEach (Remediator.planSet), or EncryptVolume.forInstance/forVolume");
  }

  @Override
  public List<Plan> planEach(RemediationContext context) {
    EbsObserver observer = new EbsObserver(context,
        EncryptVolume.WaiterLimits.ofDefaults().instance());
    List<Volume> unencrypted = observer.volumes(filter("encrypted", "false"));
    if (unencrypted.isEmpty()) {
      return List.of();
    }
    List<Volume> ours = observer.volumes(filter("tag-key", TAG_ORIGIN_VOLUME));
    Set<String> instanceIds = new TreeSet<>();
    List<Volume> loose = new ArrayList<>();
    for (Volume v : unencrypted) {
      String owner = owner(v, ours);
      if (owner != null) {
        instanceIds.add(owner);
      } else if (selected(NetworkSupport.tags(v.tags()))) {
        loose.add(v);
      }
    }
    Map<String, Instance> instances = instances(observer, instanceIds);
    Map<String, List<Volume>> attached = attached(observer, instances.keySet());
    List<Snapshot> snapshots = instances.isEmpty() && loose.isEmpty() ? List.of()
        : observer.snapshots(filter("tag-key", TAG_ORIGIN_VOLUME));
    String kmsKey = kmsKey();
    Supplier<ResolvedKey> key = once(() -> observer.resolveKey(kmsKey));
    List<Plan> plans = new ArrayList<>();
    instances.forEach((id, instance) -> plans.add(planOne(context, observer, key,
        EncryptVolume.forInstance(id).kmsKey(kmsKey).build(),
        EbsObservation.of(instance, attached.getOrDefault(id, List.of()), null,
            tagged(ours, TAG_ORIGIN_INSTANCE, id), taggedSnapshots(snapshots, TAG_ORIGIN_INSTANCE,
                id)))));
    for (Volume v : loose) {
      String id = v.volumeId();
      plans.add(planOne(context, observer, key, EncryptVolume.forVolume(id).kmsKey(kmsKey).build(),
          EbsObservation.of(null, List.of(), v, tagged(ours, TAG_ORIGIN_VOLUME, id),
              taggedSnapshots(snapshots, TAG_ORIGIN_VOLUME, id))));
    }
    return plans;
  }

  /**
   * The instance whose target an unencrypted volume belongs to: the one it is attached to, or the
   * one an earlier swap detached it from (one of our encrypted volumes names both); else null.
   */
  private static @Nullable String owner(Volume v, List<Volume> ours) {
    String attachedTo = v.attachments().stream().map(VolumeAttachment::instanceId)
        .filter(Objects::nonNull).findFirst().orElse(null);
    if (attachedTo != null || !EbsAdoption.detachedBySwap(v, ours)) {
      return attachedTo;
    }
    return ours.stream().map(r -> NetworkSupport.tags(r.tags()))
        .filter(t -> v.volumeId().equals(t.get(TAG_ORIGIN_VOLUME)))
        .map(t -> t.get(TAG_ORIGIN_INSTANCE)).filter(Objects::nonNull).findFirst().orElse(null);
  }

  private boolean selected(Map<String, String> tags) {
    String tagKey = tagKey();
    return tagKey == null || Objects.equals(tagValue(), tags.get(tagKey));
  }

  /** The instances by id (selected by tag), settled; gone or terminating ones left out. */
  private Map<String, Instance> instances(EbsObserver observer, Set<String> ids) {
    Map<String, Instance> found = new TreeMap<>();
    for (List<String> chunk : chunks(ids)) {
      List<Filter> filters = new ArrayList<>();
      filters.add(Filter.builder().name("instance-id").values(chunk).build());
      String tagKey = tagKey();
      if (tagKey != null) {
        filters.add(filter("tag:" + tagKey, tagValue()));
      }
      observer.ec2().describeInstancesPaginator(r -> r.filters(filters)).reservations()
          .forEach(r -> r.instances().forEach(i -> found.put(i.instanceId(), i)));
    }
    Map<String, Instance> settled = new TreeMap<>();
    found.forEach((id, instance) -> {
      InstanceStateName state = instance.state().name();
      if (state == InstanceStateName.PENDING || state == InstanceStateName.STOPPING) {
        instance = observer.settled(instance);
      }
      state = instance.state().name();
      if (state == InstanceStateName.RUNNING || state == InstanceStateName.STOPPED) {
        settled.put(id, instance);
      }
    });
    return settled;
  }

  /** Every volume attached to the instances, by instance. */
  private static Map<String, List<Volume>> attached(EbsObserver observer, Set<String> ids) {
    Map<String, List<Volume>> byInstance = new LinkedHashMap<>();
    for (List<String> chunk : chunks(ids)) {
      for (Volume v : observer.volumes(Filter.builder().name("attachment.instance-id")
          .values(chunk).build())) {
        v.attachments().stream().map(VolumeAttachment::instanceId).filter(ids::contains)
            .distinct().forEach(i -> byInstance.computeIfAbsent(i, k -> new ArrayList<>()).add(v));
      }
    }
    return byInstance;
  }

  private static List<List<String>> chunks(Set<String> ids) {
    List<String> all = new ArrayList<>(ids);
    List<List<String>> chunks = new ArrayList<>();
    for (int i = 0; i < all.size(); i += IDS_PER_CALL) {
      chunks.add(all.subList(i, Math.min(all.size(), i + IDS_PER_CALL)));
    }
    return chunks;
  }

  private static List<Volume> tagged(List<Volume> volumes, String key, String value) {
    return volumes.stream().filter(v -> value.equals(NetworkSupport.tags(v.tags()).get(key)))
        .toList();
  }

  private static List<Snapshot> taggedSnapshots(List<Snapshot> snapshots, String key,
      String value) {
    return snapshots.stream().filter(s -> value.equals(NetworkSupport.tags(s.tags()).get(key)))
        .toList();
  }

  /** Plans one target; a precheck's refusal becomes an empty plan naming the reason. */
  private static Plan planOne(RemediationContext context, EbsObserver observer,
      Supplier<ResolvedKey> key, EncryptVolume target, EbsObservation base) {
    EbsDecision decision = target.decision(context);
    try {
      return target.toPlan(context, decision.decide(observer.complete(base, decision, key)));
    } catch (KeyUnusable e) {
      throw e.failure; // the key setting is wrong: no target can be planned
    } catch (RemediationException e) {
      return target.toPlan(context, new EbsDecision.Decided(List.of(),
          List.of(Skip.of(target.targetId(), "refused: " + e.getMessage())),
          List.of(target.targetId() + " is not planned: " + e.getMessage()), false));
    }
  }

  /** Reads the key at most once, for every target of the scan. */
  private static Supplier<ResolvedKey> once(Supplier<ResolvedKey> read) {
    ResolvedKey[] memo = new ResolvedKey[1];
    return () -> {
      synchronized (memo) {
        if (memo[0] == null) {
          try {
            memo[0] = read.get();
          } catch (RemediationException e) {
            throw new KeyUnusable(e);
          }
        }
        return memo[0];
      }
    };
  }

  /** The key cannot be used: a failure of the whole scan, not of one target. */
  private static final class KeyUnusable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient RemediationException failure;

    KeyUnusable(RemediationException failure) {
      super(failure.getMessage(), failure, false, false);
      this.failure = failure;
    }
  }

  @Override
  public void execute(Step step, RemediationContext context) {
    throw new InvalidRemediationException(ID + ": steps are carried out by the remediation of "
        + "their target (EncryptVolume.forInstance/forVolume), rebuilt from the plan's spec");
  }

}
