package dev.remediate.ec2;

import static dev.remediate.ec2.EncryptVolume.TAG_KMS_KEY;
import static dev.remediate.ec2.EncryptVolume.TAG_ORIGIN_ATTACHMENT;
import static dev.remediate.ec2.EncryptVolume.TAG_ORIGIN_INSTANCE;
import static dev.remediate.ec2.EncryptVolume.TAG_ORIGIN_VOLUME;
import static dev.remediate.ec2.EncryptVolume.TAG_PREFIX;
import static dev.remediate.ec2.EncryptVolume.TAG_REPLACED_BY;
import static dev.remediate.ec2.EncryptVolume.TAG_STOP;
import static dev.remediate.ec2.EncryptVolume.TAG_STOPPED_BY;

import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeState;
import software.amazon.awssdk.services.ec2.model.VolumeType;

/**
 * The decision of {@link EncryptVolume}: turns an {@link EbsObservation} of one target into its
 * steps, with no AWS call. In two parts: {@link #units} finds which originals need work and what
 * earlier applies left for them (and says whether the key must be read first); {@link #decide}
 * checks that the swap is safe and orders the steps: stop, copies, swap, start, cleanup.
 */
final class EbsDecision {
  private static final int MAX_USER_TAGS = 50 - 6;

  private final EncryptVolume remediation;
  private final Predicate<Map<String, String>> optedOut;
  private final String optOutReason;

  /**
   * @param remediation the single-target remediation (its options: key, keepOriginal, ...)
   * @param optedOut whether tags opt a resource out
   * @param optOutReason the reason given for opted-out resources
   */
  EbsDecision(EncryptVolume remediation, Predicate<Map<String, String>> optedOut,
      String optOutReason) {
    this.remediation = remediation;
    this.optedOut = optedOut;
    this.optOutReason = optOutReason;
  }

  /** One original volume and where it stands. */
  record Unit(String original, @Nullable Volume volume, @Nullable String device,
      boolean deleteOnTermination, boolean attachedNow, @Nullable Volume replacement,
      @Nullable Snapshot snapshot) {
    boolean swapsOnInstance() {
      return device != null;
    }
  }

  /**
   * Originals needing work ({@code work}), originals an earlier apply already replaced
   * ({@code done}), resources skipped, warnings; {@code needsKey} when the key must be read before
   * deciding; {@code optedOut} when the whole instance is opted out.
   */
  record Units(List<Unit> work, List<Unit> done, List<Skip> skipped, List<String> warnings,
      boolean needsKey, @Nullable Skip optedOut) {
    static final Units NEEDS_KEY = new Units(List.of(), List.of(), List.of(), List.of(), true, null);

    boolean swaps() {
      return work.stream().anyMatch(Unit::swapsOnInstance);
    }
  }

  /** The steps in execution order, with what goes with them. */
  record Decided(List<Step> steps, List<Skip> skipped, List<String> warnings, boolean work) {}

  // ------------------------------------------------------------------------------ units

  /** Working lists while finding units. */
  private static final class Acc {
    final List<Unit> work = new ArrayList<>();
    final List<Unit> done = new ArrayList<>();
    final Set<String> seen = new TreeSet<>();
    final List<Skip> skipped = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
  }

  /**
   * Finds which originals need work. Fails (naming the volume) when an attachment is still
   * settling or an interrupted swap cannot be resumed safely.
   *
   * @param obs the observation; its key may be absent
   * @return the units, or {@link Units#NEEDS_KEY} when the key is needed and absent
   */
  Units units(EbsObservation obs) {
    Instance instance = obs.instance();
    if (instance != null && optedOut.test(NetworkSupport.tags(instance.tags()))) {
      return new Units(List.of(), List.of(), List.of(), List.of(), false,
          Skip.of(instance.instanceId(), optOutReason));
    }
    String keyArn = obs.key() == null ? null : obs.key().arn();
    Acc acc = new Acc();
    for (Volume v : candidates(obs)) {
      if (!original(obs, v, acc, keyArn)) {
        return Units.NEEDS_KEY;
      }
    }
    if (!resumed(obs, acc, keyArn)) {
      return Units.NEEDS_KEY;
    }
    return new Units(acc.work, acc.done, acc.skipped, acc.warnings, false, null);
  }

  private static List<Volume> candidates(EbsObservation obs) {
    List<Volume> candidates = new ArrayList<>(obs.attached());
    if (obs.volume() != null && obs.attached().isEmpty()) {
      candidates.add(obs.volume());
    }
    return candidates;
  }

  /** Decides one original volume; false when the key is needed and absent. */
  private boolean original(EbsObservation obs, Volume v, Acc acc, @Nullable String keyArn) {
    if (EbsAdoption.detachedBySwap(v, obs.ours())) {
      return true; // detached by an earlier swap: resumed(...) decides
    }
    acc.seen.add(v.volumeId());
    if (optedOut.test(NetworkSupport.tags(v.tags()))) {
      acc.skipped.add(Skip.of(v.volumeId(), optOutReason));
      return true;
    }
    boolean encrypted = Boolean.TRUE.equals(v.encrypted());
    if (encrypted && remediation.kmsKey().isEmpty()) {
      return true; // encrypted: compliant with FSBP EC2.3; no key was asked for
    }
    if (keyArn == null) {
      return false;
    }
    if (encrypted && keyArn.equals(v.kmsKeyId())) {
      return true;
    }
    String device = v.attachments().isEmpty() ? null : v.attachments().get(0).device();
    Volume twin = device == null ? EbsAdoption.twin(obs.ours(), v.volumeId(), keyArn) : null;
    if (twin != null) {
      acc.done.add(new Unit(v.volumeId(), v, null, false, false, twin, null));
      return true; // an unattached volume with an encrypted twin: done
    }
    acc.work.add(unit(obs, v, device, keyArn, acc.warnings));
    return true;
  }

  private Unit unit(EbsObservation obs, Volume v, @Nullable String device, String keyArn,
      List<String> warnings) {
    Instance instance = obs.instance();
    String trustedStop = EbsTags.trustedStop(instance);
    Predicate<Snapshot> fresh = s -> EbsAdoption.isFresh(s, instance, device, trustedStop, v);
    Snapshot snapshot = EbsAdoption.freshSnapshot(obs.snapshots(), v.volumeId(), fresh);
    Volume replacement = EbsAdoption.adoptableVolume(obs.ours(), v.volumeId(), keyArn,
        obs.snapshots(), device == null ? null : fresh);
    for (Volume r : obs.ours()) {
      if (r != replacement && r.attachments().isEmpty()
          && v.volumeId().equals(NetworkSupport.tags(r.tags()).get(TAG_ORIGIN_VOLUME))) {
        warnings.add("Volume " + r.volumeId() + " is an encrypted copy of " + v.volumeId()
            + " made before the volume last changed; it is not used: delete it when you no "
            + "longer need it.");
      }
    }
    if (device != null && instance != null
        && !"attached".equals(v.attachments().get(0).stateAsString())) {
      throw new RemediationException("Volume " + v.volumeId() + " is "
          + v.attachments().get(0).stateAsString() + " on " + instance.instanceId()
          + "; plan again once the attachment has settled");
    }
    boolean dot = device != null && EbsTags.deleteOnTerminationByDevice(instance).getOrDefault(device, false);
    return new Unit(v.volumeId(), v, device, dot, device != null, replacement,
        replacement == null ? snapshot : null);
  }

  /** New volumes of an interrupted swap: attached (done) or waiting to be attached. */
  private boolean resumed(EbsObservation obs, Acc acc, @Nullable String keyArn) {
    Instance instance = obs.instance();
    if (instance == null) {
      return true;
    }
    Map<String, String> deviceVolume = EbsTags.volumesByDevice(instance);
    for (Volume r : obs.ours()) {
      Map<String, String> tags = NetworkSupport.tags(r.tags());
      String origin = tags.get(TAG_ORIGIN_VOLUME);
      String attachment = tags.get(TAG_ORIGIN_ATTACHMENT);
      if (origin == null || acc.seen.contains(origin) || attachment == null
          || !instance.instanceId().equals(tags.get(TAG_ORIGIN_INSTANCE))) {
        continue;
      }
      String device = attachment.substring(0, attachment.lastIndexOf('|'));
      boolean dot = Boolean.parseBoolean(attachment.substring(attachment.lastIndexOf('|') + 1));
      String atDevice = deviceVolume.get(device);
      if (r.volumeId().equals(atDevice)) {
        acc.done.add(new Unit(origin, null, device, dot, false, r, null));
        continue;
      }
      if (atDevice != null || r.state() == VolumeState.IN_USE
          || !EbsAdoption.isUsableReplacement(r, tags.get(TAG_KMS_KEY))) {
        continue;
      }
      if (keyArn == null) {
        return false;
      }
      if (keyArn.equals(tags.get(TAG_KMS_KEY))) {
        String trustedStop = EbsTags.trustedStop(instance);
        if (trustedStop == null || !trustedStop.equals(tags.get(TAG_STOP))) {
          throw new RemediationException("Device " + device + " of " + instance.instanceId()
              + " is empty and its original " + origin + " is detached, but the encrypted copy "
              + r.volumeId() + " predates the instance's last start: attach " + origin + " at "
              + device + " again, then plan again");
        }
        acc.seen.add(origin);
        acc.work.add(new Unit(origin, null, device, dot, false, r, null));
      }
    }
    return true;
  }

  /**
   * Originals of earlier swaps that must be looked up again to delete them (keepOriginal false).
   *
   * @param units the units
   * @return their ids; empty when originals are kept
   */
  List<String> originalsToLookUp(Units units) {
    if (remediation.keepOriginal()) {
      return List.of();
    }
    return units.done().stream().filter(u -> u.volume() == null).map(Unit::original).toList();
  }

  /** Whether a swap is planned on the instance, so the prechecks need its facts. */
  static boolean needsFacts(EbsObservation obs, Units units) {
    return obs.instance() != null && units.swaps();
  }

  // ------------------------------------------------------------------------------ prechecks

  /**
   * The prechecks that need nothing but the base observation: volumes swappable, instance not in an
   * Auto Scaling group (unless accepted). Run before the facts are read.
   *
   * @throws RemediationException naming the problem
   */
  void checkWithoutFacts(EbsObservation obs, Units units) {
    for (Unit u : units.work()) {
      Volume v = u.volume();
      if (v != null && Boolean.TRUE.equals(v.multiAttachEnabled())) {
        throw new RemediationException("Volume " + u.original() + " is a multi-attach volume: "
            + "it cannot be swapped safely while other instances may use it");
      }
      if (v != null && v.state() != VolumeState.AVAILABLE && v.state() != VolumeState.IN_USE) {
        throw new RemediationException("Volume " + u.original() + " is " + v.stateAsString()
            + "; plan again once it is available or in-use");
      }
      if (v != null && Tags.userTags(NetworkSupport.tags(v.tags()), TAG_PREFIX).size()
          > MAX_USER_TAGS) {
        throw new RemediationException("Volume " + u.original() + " has more than "
            + MAX_USER_TAGS + " tags: its copy could not carry them and this remediation's 6 "
            + "bookkeeping tags");
      }
    }
    Instance instance = obs.instance();
    String group = instance == null ? null
        : NetworkSupport.tags(instance.tags()).get(EncryptVolume.ASG_TAG);
    if (group != null && units.swaps() && !remediation.allowAutoScalingGroup()) {
      throw new RemediationException("Instance " + instance.instanceId()
          + " belongs to Auto Scaling group '" + group + "', which may replace it while it is "
          + "stopped. Suspend the group's health checks or put the instance in standby, then "
          + "build the remediation with allowAutoScalingGroup(true)");
    }
  }

  private static void checkFacts(Instance instance, EbsObservation.InstanceFacts facts) {
    if (!facts.encryptionSupported()) {
      throw new RemediationException("Instance type " + instance.instanceTypeAsString() + " of "
          + instance.instanceId() + " does not support EBS encryption: an encrypted volume "
          + "could not be attached");
    }
    if (facts.stopProtected()) {
      throw new RemediationException("Instance " + instance.instanceId() + " has stop "
          + "protection (DisableApiStop): it cannot be stopped to swap its volumes. Turn the "
          + "protection off, or stop the instance yourself, then plan again");
    }
    if (facts.oneTimeSpotRequest() != null) {
      throw new RemediationException("Instance " + instance.instanceId() + " is a Spot "
          + "Instance of a one-time request ("
          + ("-".equals(facts.oneTimeSpotRequest()) ? null : facts.oneTimeSpotRequest())
          + "): it cannot be stopped, so its volumes cannot be swapped");
    }
  }

  // ------------------------------------------------------------------------------ decide

  /** What the step builders share. */
  private record Frame(EbsObservation obs, Units units, @Nullable Instance instance,
      @Nullable String keyArn, @Nullable String trustedStop, boolean running,
      @Nullable String stopTag) {}

  /**
   * Decides the target's steps.
   *
   * @param obs the complete observation (key, facts and originals read where {@link #units},
   *     {@link #needsFacts} and {@link #originalsToLookUp} asked for them)
   * @return the decision
   * @throws RemediationException when a precheck refuses the target
   */
  Decided decide(EbsObservation obs) {
    Units units = units(obs);
    if (units.optedOut() != null) {
      return new Decided(List.of(), List.of(units.optedOut()), List.of(), false);
    }
    if (units.needsKey()) {
      throw new IllegalStateException("the KMS key was not read before deciding");
    }
    Frame f = frame(obs, units);
    if (!units.work().isEmpty()) {
      checkWithoutFacts(obs, units);
      if (needsFacts(obs, units)) {
        checkFacts(Objects.requireNonNull(f.instance()), Objects.requireNonNull(obs.facts(),
            "the instance's facts were not read before deciding"));
      }
    }
    List<Step> steps = new ArrayList<>();
    stop(f).ifPresent(steps::add);
    copies(f, steps);
    swap(f, steps);
    start(f, steps);
    cleanup(f, steps);
    return new Decided(steps, units.skipped(), warnings(f), !units.work().isEmpty());
  }

  private static Frame frame(EbsObservation obs, Units units) {
    Instance instance = obs.instance();
    String trustedStop = EbsTags.trustedStop(instance);
    boolean running = instance != null && instance.state().name() == InstanceStateName.RUNNING;
    String stopTag = units.swaps() && running ? EncryptVolume.STOP_OF_THIS_APPLY
        : !running ? trustedStop : null;
    return new Frame(obs, units, instance, obs.key() == null ? null : obs.key().arn(),
        trustedStop, running, stopTag);
  }

  private static List<String> warnings(Frame f) {
    List<String> warnings = new ArrayList<>();
    if (f.obs().key() != null) {
      warnings.addAll(f.obs().key().warnings());
    }
    warnings.addAll(f.units().warnings());
    Instance instance = f.instance();
    EbsObservation.InstanceFacts facts = f.obs().facts();
    if (instance != null && f.running() && facts != null && facts.instanceStore()
        && f.units().swaps()) {
      warnings.add("Instance type " + instance.instanceTypeAsString() + " has instance "
          + "store volumes: stopping " + instance.instanceId() + " erases their data.");
    }
    if (instance != null && f.units().swaps() && !f.running() && f.trustedStop() == null) {
      warnings.add("Instance " + instance.instanceId() + " is stopped: it must stay stopped "
          + "until apply has finished swapping its volumes.");
    }
    return warnings;
  }

  /**
   * A running instance is stopped before its volumes are snapshotted: a snapshot taken while it
   * runs would miss every write made before the swap.
   */
  private static Optional<Step> stop(Frame f) {
    Instance instance = f.instance();
    if (instance == null || !f.units().swaps() || !f.running()) {
      return Optional.empty();
    }
    return Optional.of(Step.builder().kind("StopInstances").action(Action.CHANGE)
        .resource(instance.instanceId())
        .summary("stop " + instance.instanceId() + " once, before its volumes are snapshotted;"
            + " it stays down during snapshots, volume creation and the swap")
        .before("running").after("stopped")
        .addFlags(Flag.DOWNTIME)
        .putParameters("instance", instance.instanceId())
        .putParameters("launchTime", String.valueOf(instance.launchTime()))
        .build());
  }

  /** Per original: snapshot, encrypted volume, tag naming the replacement. */
  private static void copies(Frame f, List<Step> steps) {
    for (Unit u : f.units().work()) {
      if (u.replacement() == null && u.snapshot() == null) {
        steps.add(step(f, "CreateSnapshot", Action.ADD, u.original(),
            "snapshot " + u.original() + " (unencrypted, transient)", u).build());
      }
      if (u.replacement() == null) {
        steps.add(createVolume(f, u));
      }
      if (u.volume() == null || u.replacement() == null || !u.replacement().volumeId()
          .equals(NetworkSupport.tags(u.volume().tags()).get(TAG_REPLACED_BY))) {
        steps.add(step(f, "CreateTags", Action.ADD, u.original(), "tag " + u.original()
            + " with the id of its encrypted replacement (it is kept)", u).build());
      }
    }
  }

  private static Step createVolume(Frame f, Unit u) {
    Volume v = Objects.requireNonNull(u.volume());
    Map<String, String> userTags = Tags.userTags(NetworkSupport.tags(v.tags()), TAG_PREFIX);
    Step.Builder b = step(f, "CreateVolume", Action.ADD, u.original(),
        "create an encrypted " + v.volumeTypeAsString() + " volume of " + v.size()
            + " GiB in " + v.availabilityZone() + " from the snapshot of " + u.original(), u)
        .before("unencrypted")
        .after("encrypted with " + f.keyArn())
        .putParameters("availabilityZone", v.availabilityZone())
        .putParameters("volumeType", v.volumeTypeAsString())
        .putParameters("size", String.valueOf(v.size()))
        .putParameters("tags", Tags.encode(userTags));
    if (u.snapshot() != null) {
      b.putParameters("snapshot", u.snapshot().snapshotId());
    }
    if (v.iops() != null && carriesIops(v.volumeType())) {
      b.putParameters("iops", String.valueOf(v.iops()));
    }
    if (v.throughput() != null && v.volumeType() == VolumeType.GP3) {
      b.putParameters("throughput", String.valueOf(v.throughput()));
    }
    return b.build();
  }

  private static boolean carriesIops(@Nullable VolumeType type) {
    return type == VolumeType.GP3 || type == VolumeType.IO1 || type == VolumeType.IO2;
  }

  /** Per swapped original: detach (when attached), attach; then DeleteOnTermination restored. */
  private static void swap(Frame f, List<Step> steps) {
    StringBuilder devices = new StringBuilder();
    for (Unit u : f.units().work()) {
      if (!u.swapsOnInstance()) {
        continue;
      }
      if (u.attachedNow()) {
        steps.add(detach(f, u));
      }
      steps.add(step(f, "AttachVolume", Action.ADD, u.original(),
          "attach the encrypted replacement of " + u.original() + " at " + u.device(), u)
          .build());
      if (u.deleteOnTermination()) { // attaching sets false: only true needs restoring
        appendDevice(devices, u, u.replacement() == null ? "-" : u.replacement().volumeId());
      }
    }
    Map<String, Boolean> current = EbsTags.deleteOnTerminationByDevice(f.instance());
    for (Unit u : f.units().done()) {
      // an interrupted apply may have attached a replacement without restoring the attribute
      if (u.device() != null && f.instance() != null
          && current.getOrDefault(u.device(), false) != u.deleteOnTermination()) {
        appendDevice(devices, u, Objects.requireNonNull(u.replacement()).volumeId());
      }
    }
    if (devices.length() > 0) {
      String instance = Objects.requireNonNull(f.instance()).instanceId();
      steps.add(Step.builder().kind("ModifyInstanceAttribute").action(Action.CHANGE)
          .resource(instance)
          .summary("restore DeleteOnTermination of the swapped devices")
          .after(devices.toString())
          .putParameters("instance", instance)
          .putParameters("devices", devices.toString())
          .build());
    }
  }

  private static void appendDevice(StringBuilder devices, Unit u, String replacement) {
    devices.append(devices.length() == 0 ? "" : ",").append(u.device()).append('|')
        .append(u.original()).append('|').append(u.deleteOnTermination()).append('|')
        .append(replacement);
  }

  private static Step detach(Frame f, Unit u) {
    Instance instance = Objects.requireNonNull(f.instance());
    Step.Builder detach = step(f, "DetachVolume", Action.REMOVE, u.original(),
        "detach " + u.original() + " from " + u.device() + " (kept)", u);
    // re-checked before the detach: the instance must not have been launched since planning,
    // nor after the snapshot the replacement is made from
    if (instance.launchTime() != null) {
      detach.putParameters("launchTime", instance.launchTime().toString());
    }
    Snapshot from = u.snapshot();
    if (from == null && u.replacement() != null) {
      from = f.obs().snapshots().stream().filter(x -> x.snapshotId()
          .equals(u.replacement().snapshotId())).findFirst().orElse(null);
    }
    if (from != null && from.startTime() != null) {
      detach.putParameters("snapshotStarted", from.startTime().toString());
    }
    return detach.build();
  }

  /** Starts the instance again if it was running (or an earlier apply of ours stopped it). */
  private static void start(Frame f, List<Step> steps) {
    Instance instance = f.instance();
    if (instance == null) {
      return;
    }
    boolean swaps = f.units().swaps();
    String trusted = f.trustedStop();
    boolean startPending = trusted != null && f.units().done().stream()
        .anyMatch(u -> u.replacement() != null
            && trusted.equals(NetworkSupport.tags(u.replacement().tags()).get(TAG_STOP)));
    if (swaps && (f.running() || trusted != null) || !swaps && startPending) {
      steps.add(Step.builder().kind("StartInstances").action(Action.CHANGE)
          .resource(instance.instanceId())
          .summary("start " + instance.instanceId() + " again, as it was running")
          .before("stopped").after("running")
          .putParameters("instance", instance.instanceId())
          .build());
    }
    boolean leftover = NetworkSupport.tags(instance.tags()).get(TAG_STOPPED_BY) != null;
    if (f.running() && leftover && !swaps) {
      steps.add(Step.builder().kind("DeleteTags").action(Action.REMOVE)
          .resource(instance.instanceId())
          .summary("remove the leftover " + TAG_STOPPED_BY + " tag of an earlier, interrupted apply")
          .putParameters("instance", instance.instanceId())
          .build());
    }
  }

  /** After verification: transient snapshots deleted (default), originals only when asked. */
  private void cleanup(Frame f, List<Step> steps) {
    List<Unit> finished = new ArrayList<>(f.units().done());
    finished.addAll(f.units().work());
    if (remediation.deleteSnapshots()) {
      for (Unit u : finished) {
        for (Snapshot s : f.obs().snapshots()) {
          if (EbsAdoption.isOurTransient(s, u.original())) {
            steps.add(step(f, "DeleteSnapshot", Action.REMOVE, s.snapshotId(),
                "delete transient snapshot " + s.snapshotId() + " of " + u.original()
                    + " after verifying its replacement", u)
                .putParameters("snapshot", s.snapshotId()).build());
          }
        }
        if (u.snapshot() == null && u.replacement() == null) {
          steps.add(step(f, "DeleteSnapshot", Action.REMOVE, u.original(),
              "delete the transient snapshot of " + u.original()
                  + " after verifying its replacement", u).build());
        }
      }
    }
    if (remediation.keepOriginal()) {
      return;
    }
    for (Unit u : finished) {
      if (u.volume() != null || f.obs().originals().containsKey(u.original())) {
        steps.add(step(f, "DeleteVolume", Action.REMOVE, u.original(),
            "delete the unencrypted original " + u.original() + " after verifying its replacement",
            u).before("kept").after("deleted").addFlags(Flag.DESTRUCTIVE).build());
      }
    }
  }

  private static Step.Builder step(Frame f, String kind, Action action, String resource,
      String summary, Unit u) {
    Step.Builder b = Step.builder().kind(kind).action(action)
        .resource(resource).summary(summary)
        .putParameters("volume", u.original());
    if (f.keyArn() != null) {
      b.putParameters("kmsKeyArn", f.keyArn());
    }
    if (u.device() != null && f.instance() != null) {
      if (f.stopTag() != null) {
        b.putParameters("stop", f.stopTag());
      }
      b.putParameters("instance", f.instance().instanceId())
          .putParameters("device", u.device())
          .putParameters("deleteOnTermination", String.valueOf(u.deleteOnTermination()));
    }
    if (u.replacement() != null) {
      b.putParameters("replacement", u.replacement().volumeId());
    }
    return b;
  }
}
