package dev.remediate.ec2;

import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.ImmutablePlan;
import dev.remediate.core.plan.ImmutableStep;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.EbsEncryptionSupport;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceAttributeName;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMappingSpecification;
import software.amazon.awssdk.services.ec2.model.InstanceLifecycleType;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.SnapshotState;
import software.amazon.awssdk.services.ec2.model.SpotInstanceType;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeAttachment;
import software.amazon.awssdk.services.ec2.model.VolumeState;
import software.amazon.awssdk.services.ec2.model.VolumeType;
import software.amazon.awssdk.services.ec2.waiters.Ec2Waiter;

/**
 * Encrypts EBS volumes in place of unencrypted ones (FSBP EC2.3): snapshot, new encrypted volume,
 * swap. One catalog type, {@value #ID}, in two forms:
 *
 * <ul>
 *   <li>{@link #forVolume(String)} ("EncryptVolume"): one volume, attached or not;</li>
 *   <li>{@link #forInstance(String)} ("EncryptInstanceVolumes"): every unencrypted volume of one
 *       instance, with a single stop and a single start.</li>
 * </ul>
 *
 * <pre>{@code
 * Remediation r = EncryptVolume.forInstance("i-0123456789abcdef0")
 *     .kmsKey("alias/ebs")
 *     .build();
 * Plan plan = remediator.plan(r);                     // flagged DOWNTIME when a stop is needed
 * Remediator.builder().scope(scope)
 *     .guardrails(Guardrails.custom().consentTo(Flag.DOWNTIME).build())
 *     .build().apply(plan);
 * }</pre>
 *
 * <p><b>Observe</b>: the instance (state, type, root device, DeleteOnTermination per device from
 * {@code DescribeInstances}), its volumes, the library's own tagged intermediates (snapshots and
 * new volumes of an earlier, interrupted apply), the KMS key. Every precheck runs before anything
 * changes: the key exists and is enabled, the instance type supports EBS encryption, the instance is
 * not in an Auto Scaling group (unless {@link Builder#allowAutoScalingGroup(boolean)}), no volume
 * is multi-attach, states are settled ({@code pending}/{@code stopping} are waited out).
 *
 * <p><b>Decide</b> (steps in this order): {@code StopInstances} (flagged {@link Flag#DOWNTIME})
 * when the instance runs, once, <em>before</em> the snapshots, so that no write made before the
 * swap is lost (downtime covers snapshots, volume creation and the swap); per volume
 * {@code CreateSnapshot}, {@code CreateVolume} straight from the unencrypted snapshot with
 * {@code Encrypted=true} and the key (there is no separate encrypted snapshot copy: EBS encrypts
 * while creating the volume, which saves one copy that can take hours and one transient snapshot),
 * {@code CreateTags} on the original ({@value #TAG_REPLACED_BY}); per volume {@code DetachVolume}
 * (the instance is re-checked to be stopped first) and {@code AttachVolume} at the same device;
 * one {@code ModifyInstanceAttribute} restoring DeleteOnTermination; {@code StartInstances} when
 * it was running; {@code DeleteSnapshot} of the transient snapshots after verification (default);
 * {@code DeleteVolume} of originals only when asked (flagged {@link Flag#DESTRUCTIVE}).
 *
 * <p><b>Failure</b> after the stop: {@link #compensate} re-attaches the originals at their devices,
 * restores their DeleteOnTermination and starts the instance again if it was running; it deletes
 * nothing. Intermediates stay, tagged with the operation id, their origin and the stop they were
 * made under; a later plan adopts them only if the instance has not run since (otherwise their
 * data may be stale and fresh ones are made).
 */
public final class EncryptVolume implements Remediation {
  /** The catalog id, shared by the volume and the instance form. */
  public static final String ID = "ec2.encrypt-volumes";

  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.of(
      "ec2:DescribeInstances",
      "ec2:DescribeInstanceAttribute",
      "ec2:DescribeInstanceTypes",
      "ec2:DescribeSpotInstanceRequests",
      "ec2:DescribeVolumes",
      "ec2:DescribeSnapshots",
      "ec2:GetEbsDefaultKmsKeyId",
      "ec2:CreateSnapshot",
      "ec2:CreateVolume",
      "ec2:CreateTags",
      "ec2:DeleteTags",
      "ec2:StopInstances",
      "ec2:StartInstances",
      "ec2:DetachVolume",
      "ec2:AttachVolume",
      "ec2:ModifyInstanceAttribute",
      "ec2:DeleteSnapshot",
      "ec2:DeleteVolume",
      "kms:DescribeKey",
      "kms:CreateGrant",
      "kms:GenerateDataKeyWithoutPlaintext",
      "kms:ReEncrypt*",
      "kms:Decrypt");

  /** Controls satisfied. */
  public static final List<String> CONTROLS = List.of("FSBP EC2.3");

  /** Prefix of every tag this remediation writes. */
  public static final String TAG_PREFIX = "remediate:";
  /** On intermediates: the operation id of the apply that made them. */
  public static final String TAG_OPERATION = "remediate:operation";
  /** On intermediates: the volume they were made from. */
  public static final String TAG_ORIGIN_VOLUME = "remediate:origin-volume";
  /** On intermediates: the instance the origin volume was attached to. */
  public static final String TAG_ORIGIN_INSTANCE = "remediate:origin-instance";
  /** On new volumes: {@code <device>|<deleteOnTermination>} of the origin's attachment. */
  public static final String TAG_ORIGIN_ATTACHMENT = "remediate:origin-attachment";
  /** On new volumes: the ARN of the KMS key they are encrypted with. */
  public static final String TAG_KMS_KEY = "remediate:kms-key";
  /** On originals: the id of the encrypted volume that replaces them. */
  public static final String TAG_REPLACED_BY = "remediate:replaced-by";
  /**
   * On snapshots and new volumes made while the instance was stopped by this remediation: the
   * {@value #TAG_STOPPED_BY} value of that stop. Only such intermediates are adopted later.
   */
  public static final String TAG_STOP = "remediate:stop";
  /**
   * On instances this remediation stopped: {@code <operation id>|<launch time at the stop>};
   * removed when it starts them. Trusted only while the instance is stopped and its
   * {@code LaunchTime} still equals the recorded one (its owner has not started it since).
   */
  public static final String TAG_STOPPED_BY = "remediate:stopped-by";

  static final String ASG_TAG = "aws:autoscaling:groupName";
  /** Step parameter value meaning "the stop made by this apply" (its operation id). */
  static final String STOP_OF_THIS_APPLY = "@this-apply";
  /** How the description of every transient snapshot starts. */
  static final String SNAPSHOT_DESCRIPTION = "remediate transient snapshot for encryption";
  private static final int MAX_USER_TAGS = 50 - 6;
  private static final Pattern VOLUME_ID = Pattern.compile("vol-([0-9a-f]{8}|[0-9a-f]{17})");
  private static final Pattern INSTANCE_ID = Pattern.compile("i-([0-9a-f]{8}|[0-9a-f]{17})");
  private static final Set<String> SWAP_KINDS = Set.of("StopInstances", "DetachVolume",
      "AttachVolume", "ModifyInstanceAttribute", "StartInstances");
  private static final Logger LOG = LoggerFactory.getLogger(EncryptVolume.class);

  private final @Nullable String volumeId;
  private final @Nullable String instanceId;
  private final @Nullable String kmsKey;
  private final boolean keepOriginal;
  private final boolean deleteSnapshots;
  private final boolean allowAutoScalingGroup;
  private final WaiterLimits waiterLimits;

  private EncryptVolume(Builder b) {
    this.volumeId = b.volumeId;
    this.instanceId = b.instanceId;
    this.kmsKey = b.kmsKey;
    this.keepOriginal = b.keepOriginal;
    this.deleteSnapshots = b.deleteSnapshots;
    this.allowAutoScalingGroup = b.allowAutoScalingGroup;
    this.waiterLimits = b.waiterLimits;
  }

  /**
   * Encrypts one volume. An attached volume is swapped on its instance (stopping it when it runs);
   * an unattached one gets an encrypted twin with the same tags, and the original is kept.
   *
   * @param volumeId e.g. {@code vol-0123456789abcdef0}
   * @return a builder
   */
  public static Builder forVolume(String volumeId) {
    if (volumeId == null || !VOLUME_ID.matcher(volumeId).matches()) {
      throw new InvalidRemediationException(ID + ": '" + volumeId
          + "' is not a volume id like vol-0123456789abcdef0");
    }
    return new Builder(volumeId, null);
  }

  /**
   * Encrypts every unencrypted volume of one instance, with one stop and one start.
   *
   * @param instanceId e.g. {@code i-0123456789abcdef0}
   * @return a builder
   */
  public static Builder forInstance(String instanceId) {
    if (instanceId == null || !INSTANCE_ID.matcher(instanceId).matches()) {
      throw new InvalidRemediationException(ID + ": '" + instanceId
          + "' is not an instance id like i-0123456789abcdef0");
    }
    return new Builder(null, instanceId);
  }

  /** @return the volume of the volume form */
  public Optional<String> volumeId() {
    return Optional.ofNullable(volumeId);
  }

  /** @return the instance of the instance form */
  public Optional<String> instanceId() {
    return Optional.ofNullable(instanceId);
  }

  /** @return the wanted key; empty means the region's EBS default key */
  public Optional<String> kmsKey() {
    return Optional.ofNullable(kmsKey);
  }

  /** @return whether originals are kept (detached, tagged) */
  public boolean keepOriginal() {
    return keepOriginal;
  }

  /** @return whether transient snapshots are deleted after verification */
  public boolean deleteSnapshots() {
    return deleteSnapshots;
  }

  /** @return whether instances of Auto Scaling groups may be stopped */
  public boolean allowAutoScalingGroup() {
    return allowAutoScalingGroup;
  }

  /** @return how long each kind of wait may last */
  public WaiterLimits waiterLimits() {
    return waiterLimits;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public RemediationSpec spec() {
    Map<String, String> p = new TreeMap<>();
    if (volumeId != null) {
      p.put("volume", volumeId);
    }
    if (instanceId != null) {
      p.put("instance", instanceId);
    }
    if (kmsKey != null) {
      p.put("kmsKey", kmsKey);
    }
    if (!keepOriginal) {
      p.put("keepOriginal", "false");
    }
    if (!deleteSnapshots) {
      p.put("deleteSnapshots", "false");
    }
    if (allowAutoScalingGroup) {
      p.put("allowAutoScalingGroup", "true");
    }
    WaiterLimits d = WaiterLimits.ofDefaults();
    if (!waiterLimits.snapshot().equals(d.snapshot())) {
      p.put("snapshotTimeout", waiterLimits.snapshot().toString());
    }
    if (!waiterLimits.volume().equals(d.volume())) {
      p.put("volumeTimeout", waiterLimits.volume().toString());
    }
    if (!waiterLimits.instance().equals(d.instance())) {
      p.put("instanceTimeout", waiterLimits.instance().toString());
    }
    return RemediationSpec.of(ID, p);
  }

  // ---------------------------------------------------------------------------------- observe

  /** What planning saw. */
  private static final class Observation {
    @Nullable Instance instance;
    final List<Volume> attached = new ArrayList<>();
    final List<Volume> ours = new ArrayList<>();
    final List<Snapshot> snapshots = new ArrayList<>();
    final Map<String, Volume> originals = new TreeMap<>();
    @Nullable Volume volume;
    @Nullable String keyArn;
    @Nullable String stopTag;
    final List<String> warnings = new ArrayList<>();
  }

  @Override
  public Plan plan(RemediationContext context) {
    Ec2Client ec2 = ec2(context);
    Observation obs = new Observation();
    String originFilter;
    String originValue;
    if (instanceId != null) {
      obs.instance = settledInstance(ec2, context, instanceId);
      obs.attached.addAll(volumes(ec2, Filter.builder().name("attachment.instance-id")
          .values(instanceId).build()));
      originFilter = TAG_ORIGIN_INSTANCE;
      originValue = instanceId;
    } else {
      obs.volume = volumes(ec2, Filter.builder().name("volume-id").values(volumeId).build())
          .stream().findFirst().orElseThrow(() -> new RemediationException(
              "Volume " + volumeId + " not found in " + context.region()));
      String attachedTo = attachedInstance(obs.volume);
      if (attachedTo != null) {
        obs.instance = settledInstance(ec2, context, attachedTo);
        obs.attached.add(obs.volume);
      }
      originFilter = TAG_ORIGIN_VOLUME;
      originValue = volumeId;
    }
    obs.ours.addAll(volumes(ec2, Filter.builder().name("tag:" + originFilter)
        .values(originValue).build()));
    if (instanceId == null && obs.instance == null) {
      // an interrupted swap leaves the origin detached: its instance is on our new volume's tag
      obs.ours.stream().map(v -> NetworkSupport.tags(v.tags()).get(TAG_ORIGIN_INSTANCE))
          .filter(Objects::nonNull).findFirst()
          .ifPresent(i -> obs.instance = settledInstance(ec2, context, i));
    }
    // OwnerIds=self keeps public snapshots out; the owner-id filter, redundant on AWS, keeps the
    // emulator from scanning every snapshot it knows (seconds per call in moto)
    ec2.describeSnapshotsPaginator(r -> r.ownerIds("self").filters(
        Filter.builder().name("owner-id").values(context.account()).build(),
        Filter.builder().name("tag:" + originFilter).values(originValue).build()))
        .snapshots().forEach(obs.snapshots::add);
    return decide(context, ec2, obs);
  }

  private Instance settledInstance(Ec2Client ec2, RemediationContext context, String id) {
    Instance instance = describeInstance(ec2, context, id);
    InstanceStateName state = instance.state().name();
    if (state == InstanceStateName.PENDING || state == InstanceStateName.STOPPING) {
      LOG.debug("Waiting for {} to leave state {}", id, state);
      try (Ec2Waiter waiter = waiter(ec2, context, waiterLimits.instance())) {
        if (state == InstanceStateName.PENDING) {
          waiter.waitUntilInstanceRunning(r -> r.instanceIds(id));
        } else {
          waiter.waitUntilInstanceStopped(r -> r.instanceIds(id));
        }
      }
      instance = describeInstance(ec2, context, id);
      state = instance.state().name();
    }
    if (state != InstanceStateName.RUNNING && state != InstanceStateName.STOPPED) {
      throw new RemediationException("Instance " + id + " is " + instance.state().nameAsString()
          + "; its volumes can only be encrypted when it is running or stopped");
    }
    return instance;
  }

  private static Instance describeInstance(Ec2Client ec2, RemediationContext context, String id) {
    return ec2.describeInstances(r -> r.instanceIds(id)).reservations().stream()
        .flatMap(r -> r.instances().stream()).findFirst()
        .orElseThrow(() -> new RemediationException("Instance " + id + " not found in "
            + context.region()));
  }

  private static List<Volume> volumes(Ec2Client ec2, Filter filter) {
    List<Volume> volumes = new ArrayList<>();
    ec2.describeVolumesPaginator(r -> r.filters(filter)).volumes().forEach(volumes::add);
    volumes.sort((a, b) -> a.volumeId().compareTo(b.volumeId()));
    return volumes;
  }

  private static @Nullable String attachedInstance(Volume volume) {
    return volume.attachments().stream().map(VolumeAttachment::instanceId).findFirst()
        .orElse(null);
  }

  // ----------------------------------------------------------------------------------- decide

  /** One original volume and where it stands. */
  private record Unit(String original, @Nullable Volume volume, @Nullable String device,
      boolean deleteOnTermination, boolean attachedNow, @Nullable Volume replacement,
      @Nullable Snapshot snapshot) {
    boolean swapsOnInstance() {
      return device != null;
    }
  }

  private Plan decide(RemediationContext context, Ec2Client ec2, Observation obs) {
    Instance instance = obs.instance;
    String targetType = instanceId != null ? "AWS::EC2::Instance" : "AWS::EC2::Volume";
    String targetId = instanceId != null ? instanceId : Objects.requireNonNull(volumeId);
    ImmutablePlan.Builder plan = context.newPlan(this, targetType, targetId)
        .addAllControls(CONTROLS);
    StringBuilder canonical = new StringBuilder();
    canonical.append("target=").append(targetId).append('\n');

    Map<String, String> instanceTags = instance == null ? Map.of() : NetworkSupport.tags(instance.tags());
    // the stopped-by tag counts only while it describes the current stop (see trustedStop)
    String trustedStop = trustedStop(instance);
    if (instance != null) {
      canonical.append(describe(instance, instanceTags));
      if (context.isOptedOut(instanceTags)) {
        plan.addSkipped(Skip.of(instance.instanceId(), context.optOutReason()));
        return plan.fingerprint(context.fingerprint(canonical.toString())).build();
      }
    }
    Map<String, Boolean> deleteOnTermination = new TreeMap<>();
    Map<String, String> deviceVolume = new TreeMap<>();
    if (instance != null) {
      for (InstanceBlockDeviceMapping m : instance.blockDeviceMappings()) {
        if (m.ebs() != null) {
          deleteOnTermination.put(m.deviceName(), Boolean.TRUE.equals(m.ebs().deleteOnTermination()));
          deviceVolume.put(m.deviceName(), m.ebs().volumeId());
        }
      }
    }
    obs.attached.forEach(v -> canonical.append(describe(v)));
    obs.ours.forEach(v -> canonical.append("ours ").append(describe(v)));
    obs.snapshots.forEach(s -> canonical.append("snapshot ").append(s.snapshotId()).append(' ')
        .append(s.state() == SnapshotState.ERROR ? "error" : "ok").append(' ')
        .append(NetworkSupport.tags(s.tags())).append('\n'));

    // which originals need work, and what earlier applies left for them
    List<Unit> work = new ArrayList<>();
    List<Unit> done = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    List<Volume> candidates = new ArrayList<>(obs.attached);
    if (obs.volume != null && obs.attached.isEmpty()) {
      candidates.add(obs.volume);
    }
    String keyArn = null;
    boolean keyResolved = false;
    for (Volume v : candidates) {
      if (v.attachments().isEmpty() && obs.ours.stream().anyMatch(r -> {
        Map<String, String> t = NetworkSupport.tags(r.tags());
        return v.volumeId().equals(t.get(TAG_ORIGIN_VOLUME)) && t.get(TAG_ORIGIN_INSTANCE) != null;
      })) {
        continue; // detached by an earlier swap: the loop over our new volumes below decides
      }
      seen.add(v.volumeId());
      Map<String, String> tags = NetworkSupport.tags(v.tags());
      if (context.isOptedOut(tags)) {
        plan.addSkipped(Skip.of(v.volumeId(), context.optOutReason()));
        continue;
      }
      if (Boolean.TRUE.equals(v.encrypted()) && kmsKey == null) {
        continue; // encrypted: compliant with FSBP EC2.3; no key was asked for
      }
      if (!keyResolved) {
        keyArn = resolveKey(context, ec2, obs);
        keyResolved = true;
      }
      if (Boolean.TRUE.equals(v.encrypted()) && keyArn.equals(v.kmsKeyId())) {
        continue;
      }
      String device = v.attachments().isEmpty() ? null : v.attachments().get(0).device();
      if (device == null) {
        Volume twin = twin(obs.ours, v.volumeId(), keyArn);
        if (twin != null) {
          done.add(new Unit(v.volumeId(), v, null, false, false, twin, null));
          continue; // an unattached volume with an encrypted twin: done
        }
      }
      Snapshot freshSnapshot = null;
      for (Snapshot snap : obs.snapshots) {
        if (isOurTransient(snap, v.volumeId()) && snap.state() != SnapshotState.ERROR
            && isFresh(snap, instance, device, trustedStop, v)) {
          freshSnapshot = snap;
        }
      }
      Volume replacement = adoptableVolume(obs.ours, v.volumeId(), keyArn, obs.snapshots,
          device == null ? null : s -> isFresh(s, instance, device, trustedStop, v));
      for (Volume r : obs.ours) {
        if (r != replacement && r.attachments().isEmpty()
            && v.volumeId().equals(NetworkSupport.tags(r.tags()).get(TAG_ORIGIN_VOLUME))) {
          obs.warnings.add("Volume " + r.volumeId() + " is an encrypted copy of " + v.volumeId()
              + " made before the volume last changed; it is not used: delete it when you no "
              + "longer need it.");
        }
      }
      if (device != null && instance != null && !"attached".equals(
          v.attachments().get(0).stateAsString())) {
        throw new RemediationException("Volume " + v.volumeId() + " is "
            + v.attachments().get(0).stateAsString() + " on " + instance.instanceId()
            + "; plan again once the attachment has settled");
      }
      work.add(new Unit(v.volumeId(), v, device,
          device != null && deleteOnTermination.getOrDefault(device, false), device != null,
          replacement, replacement == null ? freshSnapshot : null));
    }
    // new volumes of an interrupted apply: attached (done) or waiting to be attached
    for (Volume r : obs.ours) {
      Map<String, String> tags = NetworkSupport.tags(r.tags());
      String origin = tags.get(TAG_ORIGIN_VOLUME);
      String attachment = tags.get(TAG_ORIGIN_ATTACHMENT);
      if (origin == null || seen.contains(origin) || attachment == null || instance == null
          || !instance.instanceId().equals(tags.get(TAG_ORIGIN_INSTANCE))) {
        continue;
      }
      String device = attachment.substring(0, attachment.lastIndexOf('|'));
      boolean dot = Boolean.parseBoolean(attachment.substring(attachment.lastIndexOf('|') + 1));
      String atDevice = deviceVolume.get(device);
      if (r.volumeId().equals(atDevice)) {
        done.add(new Unit(origin, null, device, dot, false, r, null));
      } else if (atDevice == null && r.state() != VolumeState.IN_USE
          && isUsableReplacement(r, tags.get(TAG_KMS_KEY))) {
        if (!keyResolved) {
          keyArn = resolveKey(context, ec2, obs);
          keyResolved = true;
        }
        if (keyArn.equals(tags.get(TAG_KMS_KEY))) {
          if (trustedStop == null || !trustedStop.equals(tags.get(TAG_STOP))) {
            throw new RemediationException("Device " + device + " of " + instance.instanceId()
                + " is empty and its original " + origin + " is detached, but the encrypted copy "
                + r.volumeId() + " predates the instance's last start: attach " + origin + " at "
                + device + " again, then plan again");
          }
          seen.add(origin);
          work.add(new Unit(origin, null, device, dot, false, r, null));
        }
      }
    }
    canonical.append("key=").append(keyArn).append('\n');
    obs.keyArn = keyArn;

    boolean wasStoppedByUs = trustedStop != null;
    boolean running = instance != null && instance.state().name() == InstanceStateName.RUNNING;
    boolean swaps = work.stream().anyMatch(Unit::swapsOnInstance);
    if (!work.isEmpty()) {
      precheck(context, ec2, obs, work, instanceTags);
    }

    String stoppedBy = instanceTags.get(TAG_STOPPED_BY);
    obs.stopTag = swaps && running ? STOP_OF_THIS_APPLY : !running ? trustedStop : null;
    // ---- steps, in execution order
    // a running instance is stopped before its volumes are snapshotted: a snapshot taken while it
    // runs would miss every write made before the swap
    if (swaps && running) {
      plan.addSteps(Step.builder().kind("StopInstances").action(Action.CHANGE)
          .resource(instance.instanceId())
          .summary("stop " + instance.instanceId() + " once, before its volumes are snapshotted;"
              + " it stays down during snapshots, volume creation and the swap")
          .before("running").after("stopped")
          .addFlags(Flag.DOWNTIME)
          .putParameters("instance", instance.instanceId())
          .putParameters("launchTime", String.valueOf(instance.launchTime()))
          .build());
    }
    for (Unit u : work) {
      if (u.replacement == null && u.snapshot == null) {
        plan.addSteps(step("CreateSnapshot", Action.ADD, u.original,
            "snapshot " + u.original + " (unencrypted, transient)", u, obs).build());
      }
      if (u.replacement == null) {
        Volume v = Objects.requireNonNull(u.volume);
        Map<String, String> userTags = Tags.userTags(NetworkSupport.tags(v.tags()), TAG_PREFIX);
        ImmutableStep.Builder b = step("CreateVolume", Action.ADD, u.original,
            "create an encrypted " + v.volumeTypeAsString() + " volume of " + v.size()
                + " GiB in " + v.availabilityZone() + " from the snapshot of " + u.original, u, obs)
            .before("unencrypted")
            .after("encrypted with " + keyArn)
            .putParameters("availabilityZone", v.availabilityZone())
            .putParameters("volumeType", v.volumeTypeAsString())
            .putParameters("size", String.valueOf(v.size()))
            .putParameters("tags", Tags.encode(userTags));
        if (u.snapshot != null) {
          b.putParameters("snapshot", u.snapshot.snapshotId());
        }
        if (v.iops() != null && carriesIops(v.volumeType())) {
          b.putParameters("iops", String.valueOf(v.iops()));
        }
        if (v.throughput() != null && v.volumeType() == VolumeType.GP3) {
          b.putParameters("throughput", String.valueOf(v.throughput()));
        }
        plan.addSteps(b.build());
      }
      if (u.volume == null || u.replacement == null || !u.replacement.volumeId()
          .equals(NetworkSupport.tags(u.volume.tags()).get(TAG_REPLACED_BY))) {
        plan.addSteps(step("CreateTags", Action.ADD, u.original,
            "tag " + u.original + " with the id of its encrypted replacement (it is kept)", u, obs)
            .build());
      }
    }
    StringBuilder devices = new StringBuilder();
    for (Unit u : work) {
      if (!u.swapsOnInstance()) {
        continue;
      }
      if (u.attachedNow) {
        ImmutableStep.Builder detach = step("DetachVolume", Action.REMOVE, u.original,
            "detach " + u.original + " from " + u.device + " (kept)", u, obs);
        // re-checked before the detach: the instance must not have been launched since planning,
        // nor after the snapshot the replacement is made from
        if (instance.launchTime() != null) {
          detach.putParameters("launchTime", instance.launchTime().toString());
        }
        Snapshot from = u.snapshot;
        if (from == null && u.replacement != null) {
          from = obs.snapshots.stream().filter(x -> x.snapshotId()
              .equals(u.replacement.snapshotId())).findFirst().orElse(null);
        }
        if (from != null && from.startTime() != null) {
          detach.putParameters("snapshotStarted", from.startTime().toString());
        }
        plan.addSteps(detach.build());
      }
      plan.addSteps(step("AttachVolume", Action.ADD, u.original,
          "attach the encrypted replacement of " + u.original + " at " + u.device, u, obs)
          .build());
      if (u.deleteOnTermination) { // attaching sets false: only true needs restoring
        devices.append(devices.length() == 0 ? "" : ",").append(u.device).append('|')
            .append(u.original).append('|').append(u.deleteOnTermination).append('|')
            .append(u.replacement == null ? "-" : u.replacement.volumeId());
      }
    }
    for (Unit u : done) {
      // an interrupted apply may have attached a replacement without restoring the attribute
      if (u.device != null && instance != null
          && deleteOnTermination.getOrDefault(u.device, false) != u.deleteOnTermination) {
        devices.append(devices.length() == 0 ? "" : ",").append(u.device).append('|')
            .append(u.original).append('|').append(u.deleteOnTermination).append('|')
            .append(Objects.requireNonNull(u.replacement).volumeId());
      }
    }
    if (devices.length() > 0) {
      plan.addSteps(Step.builder().kind("ModifyInstanceAttribute").action(Action.CHANGE)
          .resource(instance.instanceId())
          .summary("restore DeleteOnTermination of the swapped devices")
          .after(devices.toString())
          .putParameters("instance", instance.instanceId())
          .putParameters("devices", devices.toString())
          .build());
    }
    boolean startPending = trustedStop != null && done.stream()
        .anyMatch(u -> u.replacement != null
            && trustedStop.equals(NetworkSupport.tags(u.replacement.tags()).get(TAG_STOP)));
    if (instance != null && (swaps && (running || wasStoppedByUs) || !swaps && startPending)) {
      plan.addSteps(Step.builder().kind("StartInstances").action(Action.CHANGE)
          .resource(instance.instanceId())
          .summary("start " + instance.instanceId() + " again, as it was running")
          .before("stopped").after("running")
          .putParameters("instance", instance.instanceId())
          .build());
    }
    if (instance != null && running && stoppedBy != null && !swaps) {
      plan.addSteps(Step.builder().kind("DeleteTags").action(Action.REMOVE)
          .resource(instance.instanceId())
          .summary("remove the leftover " + TAG_STOPPED_BY + " tag of an earlier, interrupted apply")
          .putParameters("instance", instance.instanceId())
          .build());
    }
    List<Unit> finished = new ArrayList<>(done);
    finished.addAll(work);
    if (deleteSnapshots) {
      for (Unit u : finished) {
        for (Snapshot s : obs.snapshots) {
          if (isOurTransient(s, u.original)) {
            plan.addSteps(step("DeleteSnapshot", Action.REMOVE, s.snapshotId(),
                "delete transient snapshot " + s.snapshotId() + " of " + u.original
                    + " after verifying its replacement", u, obs)
                .putParameters("snapshot", s.snapshotId()).build());
          }
        }
        if (u.snapshot == null && u.replacement == null) {
          plan.addSteps(step("DeleteSnapshot", Action.REMOVE, u.original,
              "delete the transient snapshot of " + u.original
                  + " after verifying its replacement", u, obs).build());
        }
      }
    }
    if (!keepOriginal) {
      Map<String, Volume> originals = originalsStillThere(ec2, obs, done);
      for (Unit u : finished) {
        if (u.volume != null || originals.containsKey(u.original)) {
          plan.addSteps(step("DeleteVolume", Action.REMOVE, u.original,
              "delete the unencrypted original " + u.original + " after verifying its replacement",
              u, obs).before("kept").after("deleted").addFlags(Flag.DESTRUCTIVE).build());
        }
      }
    }
    plan.addAllWarnings(obs.warnings);
    if (swaps && !running && !wasStoppedByUs && instance != null) {
      plan.addWarnings("Instance " + instance.instanceId() + " is stopped: it must stay stopped "
          + "until apply has finished swapping its volumes.");
    }
    if (!work.isEmpty()) {
      plan.addAllIamActions(IAM_ACTIONS);
    }
    return plan.fingerprint(context.fingerprint(canonical.toString())).build();
  }

  private static ImmutableStep.Builder step(String kind, Action action, String resource,
      String summary, Unit u, Observation obs) {
    ImmutableStep.Builder b = Step.builder().kind(kind).action(action)
        .resource(resource).summary(summary)
        .putParameters("volume", u.original);
    if (obs.keyArn != null) {
      b.putParameters("kmsKeyArn", obs.keyArn);
    }
    if (u.device != null && obs.instance != null) {
      if (obs.stopTag != null) {
        b.putParameters("stop", obs.stopTag);
      }
      b.putParameters("instance", obs.instance.instanceId())
          .putParameters("device", u.device)
          .putParameters("deleteOnTermination", String.valueOf(u.deleteOnTermination));
    }
    if (u.replacement != null) {
      b.putParameters("replacement", u.replacement.volumeId());
    }
    return b;
  }

  private Map<String, Volume> originalsStillThere(Ec2Client ec2, Observation obs,
      List<Unit> done) {
    List<String> unknown = done.stream().filter(u -> u.volume == null).map(Unit::original)
        .toList();
    Map<String, Volume> found = new TreeMap<>();
    if (!unknown.isEmpty()) {
      volumes(ec2, Filter.builder().name("volume-id").values(unknown).build())
          .forEach(v -> found.put(v.volumeId(), v));
    }
    obs.originals.putAll(found);
    return found;
  }

  private String resolveKey(RemediationContext context, Ec2Client ec2, Observation obs) {
    String key = kmsKey;
    if (key == null) {
      try {
        key = ec2.getEbsDefaultKmsKeyId(r -> {}).kmsKeyId();
      } catch (AwsServiceException e) {
        obs.warnings.add("The region's EBS default KMS key could not be read (GetEbsDefaultKmsKeyId: "
            + NetworkSupport.errorCode(e) + "); using the AWS managed key " + KmsKeys.AWS_MANAGED_EBS_KEY
            + ". Pass kmsKey(...) to choose the key.");
        key = KmsKeys.AWS_MANAGED_EBS_KEY;
      }
      if (key == null || key.isBlank()) {
        key = KmsKeys.AWS_MANAGED_EBS_KEY;
      }
    }
    return KmsKeys.describeUsable(context, key).arn();
  }

  private void precheck(RemediationContext context, Ec2Client ec2, Observation obs,
      List<Unit> work, Map<String, String> instanceTags) {
    for (Unit u : work) {
      Volume v = u.volume;
      if (v != null && Boolean.TRUE.equals(v.multiAttachEnabled())) {
        throw new RemediationException("Volume " + u.original + " is a multi-attach volume: "
            + "it cannot be swapped safely while other instances may use it");
      }
      if (v != null && v.state() != VolumeState.AVAILABLE && v.state() != VolumeState.IN_USE) {
        throw new RemediationException("Volume " + u.original + " is " + v.stateAsString()
            + "; plan again once it is available or in-use");
      }
      if (v != null && Tags.userTags(NetworkSupport.tags(v.tags()), TAG_PREFIX).size() > MAX_USER_TAGS) {
        throw new RemediationException("Volume " + u.original + " has more than " + MAX_USER_TAGS
            + " tags: its copy could not carry them and this remediation's 6 bookkeeping tags");
      }
    }
    Instance instance = obs.instance;
    if (instance == null || work.stream().noneMatch(Unit::swapsOnInstance)) {
      return;
    }
    String group = instanceTags.get(ASG_TAG);
    if (group != null && !allowAutoScalingGroup) {
      throw new RemediationException("Instance " + instance.instanceId()
          + " belongs to Auto Scaling group '" + group + "', which may replace it while it is "
          + "stopped. Suspend the group's health checks or put the instance in standby, then "
          + "build the remediation with allowAutoScalingGroup(true)");
    }
    InstanceTypeInfo type = ec2.describeInstanceTypes(r -> r.instanceTypesWithStrings(
        instance.instanceTypeAsString())).instanceTypes().stream().findFirst()
        .orElseThrow(() -> new RemediationException("Instance type "
            + instance.instanceTypeAsString() + " of " + instance.instanceId()
            + " is unknown in " + context.region()));
    if (type.ebsInfo() == null
        || type.ebsInfo().encryptionSupport() != EbsEncryptionSupport.SUPPORTED) {
      throw new RemediationException("Instance type " + instance.instanceTypeAsString() + " of "
          + instance.instanceId() + " does not support EBS encryption: an encrypted volume "
          + "could not be attached");
    }
    if (instance.state().name() == InstanceStateName.RUNNING) {
      // fail now rather than after the apply has begun: stop protection makes StopInstances fail
      if (Boolean.TRUE.equals(ec2.describeInstanceAttribute(r -> r
          .instanceId(instance.instanceId()).attribute(InstanceAttributeName.DISABLE_API_STOP))
          .disableApiStop().value())) {
        throw new RemediationException("Instance " + instance.instanceId() + " has stop "
            + "protection (DisableApiStop): it cannot be stopped to swap its volumes. Turn the "
            + "protection off, or stop the instance yourself, then plan again");
      }
      if (Boolean.TRUE.equals(type.instanceStorageSupported())) {
        obs.warnings.add("Instance type " + instance.instanceTypeAsString() + " has instance "
            + "store volumes: stopping " + instance.instanceId() + " erases their data.");
      }
      if (instance.instanceLifecycle() == InstanceLifecycleType.SPOT) {
        String request = instance.spotInstanceRequestId();
        boolean oneTime = request == null || ec2.describeSpotInstanceRequests(r -> r
            .spotInstanceRequestIds(request)).spotInstanceRequests().stream()
            .noneMatch(q -> q.type() == SpotInstanceType.PERSISTENT);
        if (oneTime) {
          throw new RemediationException("Instance " + instance.instanceId() + " is a Spot "
              + "Instance of a one-time request (" + request + "): it cannot be stopped, so its "
              + "volumes cannot be swapped");
        }
      }
    }
  }

  private static boolean carriesIops(@Nullable VolumeType type) {
    return type == VolumeType.GP3 || type == VolumeType.IO1 || type == VolumeType.IO2;
  }

  private static @Nullable Volume adoptableVolume(List<Volume> ours, String origin,
      String keyArn, List<Snapshot> snapshots,
      java.util.function.@Nullable Predicate<Snapshot> fresh) {
    for (Volume r : ours) {
      Map<String, String> tags = NetworkSupport.tags(r.tags());
      if (origin.equals(tags.get(TAG_ORIGIN_VOLUME)) && keyArn.equals(tags.get(TAG_KMS_KEY))
          && isUsableReplacement(r, keyArn) && r.state() != VolumeState.IN_USE
          && (fresh == null || snapshots.stream().anyMatch(s -> s.snapshotId()
              .equals(r.snapshotId()) && isOurTransient(s, origin) && fresh.test(s)))) {
        return r;
      }
    }
    return null;
  }

  /** A snapshot this remediation took of {@code original}, not one a backup tool copied. */
  static boolean isOurTransient(Snapshot s, String original) {
    Map<String, String> tags = NetworkSupport.tags(s.tags());
    return original.equals(s.volumeId()) && original.equals(tags.get(TAG_ORIGIN_VOLUME))
        && tags.containsKey(TAG_OPERATION) && s.description() != null
        && s.description().startsWith(SNAPSHOT_DESCRIPTION);
  }

  /**
   * Whether a snapshot of an attached volume still holds its current data: the instance is stopped
   * and has not run since. Stopped by this remediation: the snapshot carries that stop's tag.
   * Stopped by its owner: the snapshot is newer than the instance's last launch and the volume's
   * attachment. A snapshot of an unattached volume is taken as current.
   */
  private static boolean isFresh(Snapshot s, @Nullable Instance instance, @Nullable String device,
      @Nullable String trustedStop, Volume original) {
    if (instance == null || device == null) {
      return true;
    }
    if (instance.state().name() != InstanceStateName.STOPPED) {
      return false;
    }
    java.time.Instant taken = s.startTime();
    String stop = NetworkSupport.tags(s.tags()).get(TAG_STOP);
    if (trustedStop != null || stop != null) {
      // the same stop, and taken after the instance's last launch (LaunchTime has whole-second
      // precision: a snapshot started in that second counts as after it)
      return trustedStop != null && trustedStop.equals(stop) && taken != null
          && instance.launchTime() != null && !taken.isBefore(instance.launchTime());
    }
    java.time.Instant attached = original.attachments().isEmpty() ? null
        : original.attachments().get(0).attachTime();
    return taken != null && instance.launchTime() != null && taken.isAfter(instance.launchTime())
        && (attached == null || taken.isAfter(attached));
  }

  private static @Nullable Volume twin(List<Volume> ours, String origin, String keyArn) {
    for (Volume r : ours) {
      Map<String, String> tags = NetworkSupport.tags(r.tags());
      if (origin.equals(tags.get(TAG_ORIGIN_VOLUME)) && keyArn.equals(tags.get(TAG_KMS_KEY))
          && tags.get(TAG_ORIGIN_INSTANCE) == null && r.state() != VolumeState.CREATING
          && isUsableReplacement(r, keyArn)) {
        return r;
      }
    }
    return null;
  }

  private static boolean isUsableReplacement(Volume r, @Nullable String keyArn) {
    return Boolean.TRUE.equals(r.encrypted())
        && (r.kmsKeyId() == null || r.kmsKeyId().equals(keyArn))
        && (r.state() == VolumeState.AVAILABLE || r.state() == VolumeState.CREATING
            || r.state() == VolumeState.IN_USE);
  }

  private static String describe(Instance i, Map<String, String> tags) {
    StringBuilder s = new StringBuilder("instance ").append(i.instanceId()).append(' ')
        .append(i.state().nameAsString()).append(' ').append(i.instanceTypeAsString()).append(' ')
        .append(i.rootDeviceName()).append(' ').append(i.launchTime()).append(' ').append(tags)
        .append('\n');
    i.blockDeviceMappings().forEach(m -> s.append("  bdm ").append(m.deviceName()).append(' ')
        .append(m.ebs() == null ? "-" : m.ebs().volumeId() + " " + m.ebs().deleteOnTermination())
        .append('\n'));
    return s.toString();
  }

  private static String describe(Volume v) {
    return "volume " + v.volumeId() + " " + v.volumeTypeAsString() + " " + v.size() + " "
        + v.iops() + " " + v.throughput() + " " + v.availabilityZone() + " " + v.encrypted() + " "
        + v.kmsKeyId() + " " + v.multiAttachEnabled() + " "
        + (v.state() == VolumeState.CREATING ? "available" : v.stateAsString()) + " "
        + v.attachments().stream().map(a -> a.instanceId() + ":" + a.device()).toList() + " "
        + NetworkSupport.tags(v.tags()) + "\n";
  }

  // ------------------------------------------------------------------------------------ steps

  @Override
  public void execute(Step step, RemediationContext context) {
    new EncryptVolumeSteps(this, context).execute(step);
  }

  @Override
  public List<String> compensate(List<Step> completed, RuntimeException failure,
      RemediationContext context) {
    List<Step> steps = context.plan().steps();
    Step failed = completed.size() < steps.size() ? steps.get(completed.size()) : null;
    boolean started = completed.stream().anyMatch(s -> SWAP_KINDS.contains(s.kind()))
        || failed != null && SWAP_KINDS.contains(failed.kind());
    boolean finished = steps.stream().filter(s -> SWAP_KINDS.contains(s.kind()))
        .allMatch(completed::contains);
    String kept = "intermediates are kept, tagged " + TAG_OPERATION + "=" + context.operationId()
        + "; the next plan adopts them only if the instance has not run since they were made";
    boolean resumed = steps.stream().anyMatch(s -> s.kind().equals("StartInstances"))
        && steps.stream().noneMatch(s -> s.kind().equals("StopInstances"));
    if (!started && resumed) {
      // a resumed plan failed before its swap: the instance an earlier apply stopped must still
      // be started again (only if it is still stopped by that apply; see EncryptVolumeSteps)
      return new EncryptVolumeSteps(this, context).compensate(steps);
    }
    if (!started) {
      return List.of("nothing to undo: no volume was detached and the instance was not stopped "
          + "by this apply; " + kept);
    }
    if (finished) {
      return List.of("nothing to undo: the swap had completed and the instance is back in its "
          + "state on its encrypted volumes; " + kept);
    }
    return new EncryptVolumeSteps(this, context).compensate(steps);
  }

  static Ec2Client ec2(RemediationContext context) {
    return context.scope().client(Ec2Client.class, Ec2Client::builder);
  }

  static Ec2Waiter waiter(Ec2Client ec2, RemediationContext context, Duration timeout) {
    return Ec2Waiter.builder().client(ec2)
        .overrideConfiguration(context.scope().waiterConfiguration(timeout)).build();
  }

  static TagSpecification tagSpec(ResourceType type, Map<String, String> tags) {
    return TagSpecification.builder().resourceType(type).tags(Tags.toSdk(tags)).build();
  }

  static InstanceBlockDeviceMappingSpecification deleteOnTermination(String device,
      String volume, boolean delete) {
    return InstanceBlockDeviceMappingSpecification.builder().deviceName(device)
        .ebs(e -> e.volumeId(volume).deleteOnTermination(delete)).build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncryptVolume e && Objects.equals(volumeId, e.volumeId)
        && Objects.equals(instanceId, e.instanceId) && Objects.equals(kmsKey, e.kmsKey)
        && keepOriginal == e.keepOriginal && deleteSnapshots == e.deleteSnapshots
        && allowAutoScalingGroup == e.allowAutoScalingGroup
        && waiterLimits.equals(e.waiterLimits);
  }

  @Override
  public int hashCode() {
    return Objects.hash(volumeId, instanceId, kmsKey, keepOriginal, deleteSnapshots,
        allowAutoScalingGroup, waiterLimits);
  }

  @Override
  public String toString() {
    return "EncryptVolume" + spec().parameters();
  }

  /**
   * How long each kind of wait may last before apply gives up (the intermediates stay, tagged, and
   * the next plan adopts them). Defaults are sized for large volumes: a first snapshot of a
   * multi-TiB volume can take many hours.
   *
   * @param snapshot waiting for a snapshot to complete; default {@value #DEFAULT_SNAPSHOT_HOURS}
   *     hours
   * @param volume waiting for a new volume to become available; default
   *     {@value #DEFAULT_VOLUME_HOURS} hours
   * @param instance waiting for a stop, start, detach or attach; default
   *     {@value #DEFAULT_INSTANCE_MINUTES} minutes
   */
  public record WaiterLimits(Duration snapshot, Duration volume, Duration instance) {
    /** Default snapshot wait, in hours. */
    public static final int DEFAULT_SNAPSHOT_HOURS = 24;
    /** Default volume creation wait, in hours. */
    public static final int DEFAULT_VOLUME_HOURS = 2;
    /** Default stop/start/detach/attach wait, in minutes. */
    public static final int DEFAULT_INSTANCE_MINUTES = 60;

    /**
     * Validates the limits.
     *
     * @param snapshot positive
     * @param volume positive
     * @param instance positive
     */
    public WaiterLimits {
      requirePositive("snapshot", snapshot);
      requirePositive("volume", volume);
      requirePositive("instance", instance);
    }

    /** @return the defaults: 24 hours, 2 hours, 60 minutes */
    public static WaiterLimits ofDefaults() {
      return new WaiterLimits(Duration.ofHours(DEFAULT_SNAPSHOT_HOURS),
          Duration.ofHours(DEFAULT_VOLUME_HOURS), Duration.ofMinutes(DEFAULT_INSTANCE_MINUTES));
    }

    private static void requirePositive(String name, Duration d) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new InvalidRemediationException(ID + ": waiter limit '" + name
            + "' must be a positive duration, was " + d);
      }
    }
  }

  /** Builds an {@link EncryptVolume}; every value is checked at once or at {@link #build()}. */
  public static final class Builder {
    private final @Nullable String volumeId;
    private final @Nullable String instanceId;
    private @Nullable String kmsKey;
    private boolean keepOriginal = true;
    private boolean deleteSnapshots = true;
    private boolean allowAutoScalingGroup;
    private WaiterLimits waiterLimits = WaiterLimits.ofDefaults();

    private Builder(@Nullable String volumeId, @Nullable String instanceId) {
      this.volumeId = volumeId;
      this.instanceId = instanceId;
    }

    /**
     * The KMS key to encrypt with (default: the region's EBS default key, read with
     * {@code GetEbsDefaultKmsKeyId}; when that cannot be read, {@code alias/aws/ebs} and the plan
     * says so).
     *
     * @param kmsKey key id, key ARN, alias name or alias ARN
     * @return this builder
     */
    public Builder kmsKey(String kmsKey) {
      this.kmsKey = KmsKeys.validate(ID, kmsKey);
      return this;
    }

    /**
     * Keeps the unencrypted originals, detached and tagged with their replacement's id (default
     * true). False adds a {@link Flag#DESTRUCTIVE} step deleting each original after verification.
     *
     * @param keep whether to keep originals
     * @return this builder
     */
    public Builder keepOriginal(boolean keep) {
      this.keepOriginal = keep;
      return this;
    }

    /**
     * Deletes the transient snapshots once the replacements are verified (default true).
     *
     * @param delete whether to delete them
     * @return this builder
     */
    public Builder deleteSnapshots(boolean delete) {
      this.deleteSnapshots = delete;
      return this;
    }

    /**
     * Accepts stopping an instance of an Auto Scaling group (default false: such plans are
     * refused, because the group may replace a stopped instance).
     *
     * @param allow whether to allow it
     * @return this builder
     */
    public Builder allowAutoScalingGroup(boolean allow) {
      this.allowAutoScalingGroup = allow;
      return this;
    }

    /**
     * Sets how long waits may last (default {@link WaiterLimits#ofDefaults()}).
     *
     * @param limits the limits
     * @return this builder
     */
    public Builder waiterLimits(WaiterLimits limits) {
      this.waiterLimits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** @return the remediation */
    public EncryptVolume build() {
      return new EncryptVolume(this);
    }
  }

  /** The catalog entry for {@link EncryptVolume}, both forms. */
  public static final class Type extends AbstractRemediationType {
    /** Creates the type (service loader). */
    public Type() {
      super(ID, "Replace unencrypted EBS volumes of an instance, or one volume, with encrypted copies "
          + "(snapshot, encrypted volume, swap at the same device)",
          CONTROLS, IAM_ACTIONS, EnumSet.of(Flag.DOWNTIME, Flag.DESTRUCTIVE));
    }

    @Override
    public Remediation fromSpec(RemediationSpec spec) {
      if (!ID.equals(spec.id())) {
        throw new InvalidRemediationException("Spec " + spec + " is not for " + ID);
      }
      Map<String, String> p = spec.parameters();
      String volume = p.get("volume");
      String instance = p.get("instance");
      if ((volume == null) == (instance == null)) {
        throw new InvalidRemediationException("Spec " + spec
            + " needs exactly one of the parameters 'volume' and 'instance'");
      }
      Builder b = volume != null ? forVolume(volume) : forInstance(instance);
      if (p.containsKey("kmsKey")) {
        b.kmsKey(p.get("kmsKey"));
      }
      b.keepOriginal(bool(spec, "keepOriginal", true));
      b.deleteSnapshots(bool(spec, "deleteSnapshots", true));
      b.allowAutoScalingGroup(bool(spec, "allowAutoScalingGroup", false));
      WaiterLimits d = WaiterLimits.ofDefaults();
      b.waiterLimits(new WaiterLimits(duration(spec, "snapshotTimeout", d.snapshot()),
          duration(spec, "volumeTimeout", d.volume()),
          duration(spec, "instanceTimeout", d.instance())));
      return b.build();
    }

    private static boolean bool(RemediationSpec spec, String name, boolean dflt) {
      String v = spec.parameters().get(name);
      if (v == null) {
        return dflt;
      }
      if (!v.equals("true") && !v.equals("false")) {
        throw new InvalidRemediationException("Spec " + spec.id() + ": parameter '" + name
            + "' must be true or false, was '" + v + "'");
      }
      return Boolean.parseBoolean(v);
    }

    private static Duration duration(RemediationSpec spec, String name, Duration dflt) {
      String v = spec.parameters().get(name);
      if (v == null) {
        return dflt;
      }
      try {
        return Duration.parse(v);
      } catch (DateTimeParseException e) {
        throw new InvalidRemediationException("Spec " + spec.id() + ": parameter '" + name
            + "' must be an ISO-8601 duration such as PT2H, was '" + v + "'", e);
      }
    }

    /**
     * No region-wide form: every plan stops instances and needs a person's consent, so a scan
     * must not build one for every instance of a region. Build it per instance instead.
     *
     * @param settings scan settings (ignored)
     * @return empty
     */
    @Override
    public Optional<Remediation> forRegion(Map<String, String> settings) {
      return Optional.empty();
    }
  }

  /** The {@value #TAG_STOPPED_BY} value of a stop: the operation id and the launch time. */
  static String stopValue(String operationId, @Nullable String launchTime) {
    return operationId + "|" + (launchTime == null ? "-" : launchTime);
  }

  /**
   * The {@value #TAG_STOPPED_BY} value of {@code instance} if it still describes the current stop:
   * the instance is stopped and its launch time is the one recorded when this remediation stopped
   * it. An owner who started it since (and maybe stopped it again) changed the launch time: the tag
   * then says nothing about the current stop, and null is returned.
   */
  static @Nullable String trustedStop(@Nullable Instance instance) {
    if (instance == null || instance.state() == null
        || instance.state().name() != InstanceStateName.STOPPED || instance.launchTime() == null) {
      return null;
    }
    String value = NetworkSupport.tags(instance.tags()).get(TAG_STOPPED_BY);
    if (value == null || value.lastIndexOf('|') < 0) {
      return null;
    }
    return instance.launchTime().toString().equals(value.substring(value.lastIndexOf('|') + 1))
        ? value : null;
  }

  static Map<String, String> ourTags(String operationId, String origin,
      @Nullable String instance) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(TAG_OPERATION, operationId);
    tags.put(TAG_ORIGIN_VOLUME, origin);
    if (instance != null) {
      tags.put(TAG_ORIGIN_INSTANCE, instance);
    }
    return tags;
  }
}
