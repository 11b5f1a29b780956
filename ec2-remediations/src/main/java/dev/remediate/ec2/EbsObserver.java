package dev.remediate.ec2;

import static dev.remediate.ec2.EncryptVolume.TAG_ORIGIN_INSTANCE;
import static dev.remediate.ec2.EncryptVolume.TAG_ORIGIN_VOLUME;

import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.aws.AwsErrors;
import dev.remediate.ec2.EbsObservation.InstanceFacts;
import dev.remediate.ec2.EbsObservation.ResolvedKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.EbsEncryptionSupport;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceAttributeName;
import software.amazon.awssdk.services.ec2.model.InstanceLifecycleType;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.SpotInstanceType;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeAttachment;
import software.amazon.awssdk.services.ec2.waiters.Ec2Waiter;

/**
 * Every read {@link EncryptVolume} makes while planning, for one target or (through
 * {@link EbsRegionScan}) for many: the base facts, then the second round the decision asks for
 * ({@link #complete}). Instances are observed settled: {@code pending} and {@code stopping} are
 * waited out.
 */
final class EbsObserver {
  private static final Logger LOG = LoggerFactory.getLogger(EbsObserver.class);

  private final RemediationContext context;
  private final Ec2Client ec2;
  private final Duration instanceWait;
  /** Instance types already read, so a region scan reads each type once. */
  private final Map<String, Optional<InstanceTypeInfo>> types = new ConcurrentHashMap<>();

  EbsObserver(RemediationContext context, Duration instanceWait) {
    this.context = context;
    this.ec2 = EncryptVolume.ec2(context);
    this.instanceWait = instanceWait;
  }

  Ec2Client ec2() {
    return ec2;
  }

  // ------------------------------------------------------------------------ base facts

  /** The base facts of {@code EncryptVolume.forInstance(instanceId)}. */
  EbsObservation observeInstance(String instanceId) {
    Instance instance = settledInstance(instanceId);
    List<Volume> attached = volumes(filter("attachment.instance-id", instanceId));
    List<Volume> ours = volumes(filter("tag:" + TAG_ORIGIN_INSTANCE, instanceId));
    return EbsObservation.of(instance, attached, null, ours,
        snapshots(filter("tag:" + TAG_ORIGIN_INSTANCE, instanceId)));
  }

  /** The base facts of {@code EncryptVolume.forVolume(volumeId)}. */
  EbsObservation observeVolume(String volumeId) {
    Volume volume = volumes(filter("volume-id", volumeId)).stream().findFirst()
        .orElseThrow(() -> new RemediationException("Volume " + volumeId + " not found in "
            + context.region()));
    String attachedTo = volume.attachments().stream().map(VolumeAttachment::instanceId)
        .findFirst().orElse(null);
    Instance instance = attachedTo == null ? null : settledInstance(attachedTo);
    List<Volume> ours = volumes(filter("tag:" + TAG_ORIGIN_VOLUME, volumeId));
    if (instance == null) {
      // an interrupted swap leaves the origin detached: its instance is on our new volume's tag
      String origin = ours.stream().map(v -> NetworkSupport.tags(v.tags()).get(TAG_ORIGIN_INSTANCE))
          .filter(Objects::nonNull).findFirst().orElse(null);
      instance = origin == null ? null : settledInstance(origin);
    }
    return EbsObservation.of(instance, attachedTo == null ? List.of() : List.of(volume), volume,
        ours, snapshots(filter("tag:" + TAG_ORIGIN_VOLUME, volumeId)));
  }

  /** The instance, once out of {@code pending}/{@code stopping}; fails unless running or stopped. */
  Instance settledInstance(String id) {
    return settled(describeInstance(id));
  }

  /** {@code instance}, or its state after waiting out {@code pending}/{@code stopping}. */
  Instance settled(Instance instance) {
    String id = instance.instanceId();
    InstanceStateName state = instance.state().name();
    if (state == InstanceStateName.PENDING || state == InstanceStateName.STOPPING) {
      LOG.debug("Waiting for {} to leave state {}", id, state);
      try (Ec2Waiter waiter = EbsWaits.waiter(ec2, context, instanceWait)) {
        if (state == InstanceStateName.PENDING) {
          waiter.waitUntilInstanceRunning(r -> r.instanceIds(id));
        } else {
          waiter.waitUntilInstanceStopped(r -> r.instanceIds(id));
        }
      }
      instance = describeInstance(id);
      state = instance.state().name();
    }
    if (state != InstanceStateName.RUNNING && state != InstanceStateName.STOPPED) {
      throw new RemediationException("Instance " + id + " is " + instance.state().nameAsString()
          + "; its volumes can only be encrypted when it is running or stopped");
    }
    return instance;
  }

  private Instance describeInstance(String id) {
    return ec2.describeInstances(r -> r.instanceIds(id)).reservations().stream()
        .flatMap(r -> r.instances().stream()).findFirst()
        .orElseThrow(() -> new RemediationException("Instance " + id + " not found in "
            + context.region()));
  }

  /** Every volume matching the filters, sorted by id (paginated). */
  List<Volume> volumes(Filter... filters) {
    List<Volume> volumes = new ArrayList<>();
    ec2.describeVolumesPaginator(r -> r.filters(filters)).volumes().forEach(volumes::add);
    volumes.sort((a, b) -> a.volumeId().compareTo(b.volumeId()));
    return volumes;
  }

  /** This account's snapshots matching the filter (paginated). */
  List<Snapshot> snapshots(Filter filter) {
    // OwnerIds=self keeps public snapshots out; the owner-id filter, redundant on AWS, keeps the
    // emulator from scanning every snapshot it knows (seconds per call in moto)
    List<Snapshot> snapshots = new ArrayList<>();
    ec2.describeSnapshotsPaginator(r -> r.ownerIds("self").filters(
        filter("owner-id", context.account()), filter)).snapshots().forEach(snapshots::add);
    return snapshots;
  }

  static Filter filter(String name, String... values) {
    return Filter.builder().name(name).values(values).build();
  }

  // ------------------------------------------------------------------------ second round

  /**
   * Reads what the decision needs for this target, and nothing more: the key when a volume is not
   * encrypted with a known key, the instance's facts when a volume is swapped on it (after the
   * prechecks that need no read have passed), the originals of earlier swaps when they are to be
   * deleted.
   *
   * @param base the base facts
   * @param decision the target's decision
   * @param key reads (or gives the already read) key
   * @return the complete observation
   */
  EbsObservation complete(EbsObservation base, EbsDecision decision, Supplier<ResolvedKey> key) {
    EbsObservation obs = base;
    EbsDecision.Units units = decision.units(obs);
    if (units.needsKey()) {
      obs = obs.withKey(key.get());
      units = decision.units(obs);
    }
    if (!units.work().isEmpty()) {
      decision.checkWithoutFacts(obs, units);
      if (EbsDecision.needsFacts(obs, units)) {
        obs = obs.withFacts(facts(Objects.requireNonNull(obs.instance())));
      }
    }
    List<String> originals = decision.originalsToLookUp(units);
    if (!originals.isEmpty()) {
      Map<String, Volume> found = new TreeMap<>();
      volumes(Filter.builder().name("volume-id").values(originals).build())
          .forEach(v -> found.put(v.volumeId(), v));
      obs = obs.withOriginals(found);
    }
    return obs;
  }

  /**
   * The key to encrypt with: the given one, or the region's EBS default key (the AWS managed key
   * when that cannot be read, with a warning); checked usable with {@code DescribeKey}.
   *
   * @param kmsKey the key asked for, or null
   * @return the key's ARN and warnings
   */
  ResolvedKey resolveKey(@Nullable String kmsKey) {
    List<String> warnings = new ArrayList<>();
    String key = kmsKey;
    if (key == null) {
      try {
        key = ec2.getEbsDefaultKmsKeyId(r -> { }).kmsKeyId();
      } catch (AwsServiceException e) {
        warnings.add("The region's EBS default KMS key could not be read (GetEbsDefaultKmsKeyId: "
            + AwsErrors.describe(e) + "); using the AWS managed key "
            + KmsKeys.AWS_MANAGED_EBS_KEY + ". To choose the key, " + KmsKeys.advice("kmsKey(KEY)")
            + ".");
      }
      if (key == null || key.isBlank()) {
        key = KmsKeys.AWS_MANAGED_EBS_KEY;
      }
    }
    return new ResolvedKey(KmsKeys.describeUsable(context, key).arn(), warnings);
  }

  /** The instance's facts for a swap: type support, stop protection, one-time Spot. */
  InstanceFacts facts(Instance instance) {
    String typeName = instance.instanceTypeAsString();
    InstanceTypeInfo type = types.computeIfAbsent(typeName, t -> ec2.describeInstanceTypes(r -> r
        .instanceTypesWithStrings(t)).instanceTypes().stream().findFirst())
        .orElseThrow(() -> new RemediationException("Instance type " + typeName + " of "
            + instance.instanceId() + " is unknown in " + context.region()));
    boolean supported = type.ebsInfo() != null
        && type.ebsInfo().encryptionSupport() == EbsEncryptionSupport.SUPPORTED;
    boolean store = Boolean.TRUE.equals(type.instanceStorageSupported());
    if (!supported || instance.state().name() != InstanceStateName.RUNNING) {
      return new InstanceFacts(supported, store, false, null);
    }
    // read now rather than fail after the apply has begun: stop protection makes the stop fail
    boolean protectedFromStop = Boolean.TRUE.equals(ec2.describeInstanceAttribute(r -> r
        .instanceId(instance.instanceId()).attribute(InstanceAttributeName.DISABLE_API_STOP))
        .disableApiStop().value());
    if (protectedFromStop || instance.instanceLifecycle() != InstanceLifecycleType.SPOT) {
      return new InstanceFacts(true, store, protectedFromStop, null);
    }
    String request = instance.spotInstanceRequestId();
    boolean oneTime = request == null || ec2.describeSpotInstanceRequests(r -> r
        .spotInstanceRequestIds(request)).spotInstanceRequests().stream()
        .noneMatch(q -> q.type() == SpotInstanceType.PERSISTENT);
    return new InstanceFacts(true, store, false, !oneTime ? null : request == null ? "-" : request);
  }
}
