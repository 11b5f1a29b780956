package dev.remediate.ec2;

import static dev.remediate.ec2.EncryptVolume.TAG_KMS_KEY;
import static dev.remediate.ec2.EncryptVolume.TAG_ORIGIN_ATTACHMENT;
import static dev.remediate.ec2.EncryptVolume.TAG_REPLACED_BY;
import static dev.remediate.ec2.EncryptVolume.TAG_STOPPED_BY;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateVolumeRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMappingSpecification;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeAttachment;
import software.amazon.awssdk.services.ec2.model.VolumeState;
import software.amazon.awssdk.services.ec2.waiters.Ec2Waiter;

/**
 * The steps of {@link EncryptVolume} and its compensation, for one apply. Ids made by earlier steps
 * of the same apply travel in {@link RemediationContext#outputs()} ({@code snapshot:<origin>},
 * {@code replacement:<origin>}); ids adopted from an interrupted apply travel in step parameters.
 */
final class EncryptVolumeSteps {
  private static final Logger LOG = LoggerFactory.getLogger(EncryptVolumeSteps.class);
  /** How long a {@code stopped} read after StartInstances may be a stale read, by default. */
  static final Duration DEFAULT_START_GRACE = Duration.ofSeconds(30);
  /**
   * How long, after StartInstances, a {@code stopped} read is taken for a stale read rather than a
   * failed start (unless {@code pending} was seen or the state reason is a {@code Server.} error).
   * Package-private and mutable so that tests can shorten it.
   */
  static volatile Duration startGrace = DEFAULT_START_GRACE;

  private final EncryptVolume remediation;
  private final RemediationContext context;
  private final Ec2Client ec2;

  EncryptVolumeSteps(EncryptVolume remediation, RemediationContext context) {
    this.remediation = remediation;
    this.context = context;
    this.ec2 = EncryptVolume.ec2(context);
  }

  void execute(Step step) {
    switch (step.kind()) {
      case "CreateSnapshot" -> createSnapshot(step);
      case "CreateVolume" -> createVolume(step);
      case "CreateTags" -> tagOriginal(step);
      case "StopInstances" -> stop(step);
      case "DetachVolume" -> detach(step);
      case "AttachVolume" -> attach(step);
      case "ModifyInstanceAttribute" -> restoreDeleteOnTermination(step);
      case "StartInstances" -> start(step.parameter("instance"));
      case "DeleteTags" -> ec2.deleteTags(r -> r.resources(step.parameter("instance"))
          .tags(Tag.builder().key(TAG_STOPPED_BY).build()));
      case "DeleteSnapshot" -> deleteSnapshot(step);
      case "DeleteVolume" -> deleteOriginal(step);
      default -> throw new InvalidRemediationException(EncryptVolume.ID + " cannot execute step "
          + step.kind());
    }
  }

  // ------------------------------------------------------------------ before the stop

  private void createSnapshot(Step step) {
    String volume = step.parameter("volume");
    Map<String, String> tags = EncryptVolume.ourTags(context.operationId(), volume,
        step.parameters().get("instance"));
    putStop(step, tags);
    String id = ec2.createSnapshot(r -> r.volumeId(volume)
        .description(EncryptVolume.SNAPSHOT_DESCRIPTION + ": " + volume + ", operation "
            + context.operationId())
        .tagSpecifications(EncryptVolume.tagSpec(ResourceType.SNAPSHOT, tags))).snapshotId();
    context.outputs().put("snapshot:" + volume, id);
    LOG.debug("Created snapshot {} of {}", id, volume);
    recordSnapshotStart(awaitSnapshot(id));
  }

  /** Remembers when a snapshot of this apply started: no detach happens on a later launch. */
  private void recordSnapshotStart(Snapshot s) {
    if (s.startTime() != null) {
      context.outputs().put("snapshot-started:" + s.snapshotId(), s.startTime().toString());
    }
  }

  private void createVolume(Step step) {
    String volume = step.parameter("volume");
    String snapshot = context.outputs().get("snapshot:" + volume);
    if (snapshot == null) {
      snapshot = step.parameter("snapshot"); // adopted from an interrupted apply: may be pending
      recordSnapshotStart(awaitSnapshot(snapshot));
    }
    Map<String, String> tags = new LinkedHashMap<>(Tags.decode(step.parameters()
        .getOrDefault("tags", "")));
    String instance = step.parameters().get("instance");
    tags.putAll(EncryptVolume.ourTags(context.operationId(), volume, instance));
    putStop(step, tags);
    String keyArn = step.parameter("kmsKeyArn");
    tags.put(TAG_KMS_KEY, keyArn);
    if (instance != null) {
      tags.put(TAG_ORIGIN_ATTACHMENT, step.parameter("device") + "|"
          + step.parameter("deleteOnTermination"));
    }
    CreateVolumeRequest.Builder request = CreateVolumeRequest.builder()
        .availabilityZone(step.parameter("availabilityZone"))
        .snapshotId(snapshot)
        .volumeType(step.parameter("volumeType"))
        .size(Integer.valueOf(step.parameter("size")))
        .encrypted(true)
        .kmsKeyId(keyArn)
        .tagSpecifications(EncryptVolume.tagSpec(ResourceType.VOLUME, tags))
        .clientToken(context.clientToken(step, volume));
    String iops = step.parameters().get("iops");
    if (iops != null) {
      request.iops(Integer.valueOf(iops));
    }
    String throughput = step.parameters().get("throughput");
    if (throughput != null) {
      request.throughput(Integer.valueOf(throughput));
    }
    String id = ec2.createVolume(request.build()).volumeId();
    context.outputs().put("replacement:" + volume, id);
    LOG.debug("Created encrypted volume {} for {}", id, volume);
    awaitVolume(id, remediation.waiterLimits().volume(), "available",
        v -> v.state() == VolumeState.AVAILABLE);
  }

  /** Tags an intermediate with the stop it was made under, so only it is adopted later. */
  private void putStop(Step step, Map<String, String> tags) {
    String stop = step.parameters().get("stop");
    if (stop != null) {
      tags.put(EncryptVolume.TAG_STOP, EncryptVolume.STOP_OF_THIS_APPLY.equals(stop)
          ? context.outputs().getOrDefault("stop", context.operationId()) : stop);
    }
  }

  private void tagOriginal(Step step) {
    String volume = step.parameter("volume");
    String replacement = replacement(step);
    ec2.createTags(r -> r.resources(volume).tags(Tag.builder().key(TAG_REPLACED_BY)
        .value(replacement).build()));
  }

  // ------------------------------------------------------------------ the swap

  private void stop(Step step) {
    String instance = step.parameter("instance");
    // the launch time seen by the plan (a restart since then makes the plan stale): the tag is
    // trusted later only while the instance still has this launch time
    String stopValue = EncryptVolume.stopValue(context.operationId(),
        step.parameters().get("launchTime"));
    context.outputs().put("stop", stopValue);
    ec2.createTags(r -> r.resources(instance).tags(Tag.builder().key(TAG_STOPPED_BY)
        .value(stopValue).build()));
    try {
      ec2.stopInstances(r -> r.instanceIds(instance));
      context.progress("stopping " + instance, -1);
      try (Ec2Waiter waiter = instanceWaiter()) {
        waiter.waitUntilInstanceStopped(r -> r.instanceIds(instance));
      }
    } catch (RuntimeException failure) {
      // the first step: the engine compensates only after a completed step, so undo it here
      String undone;
      try {
        Instance observed = settle(instance);
        if (observed.state().name() == InstanceStateName.RUNNING) {
          ec2.deleteTags(r -> r.resources(instance)
              .tags(Tag.builder().key(TAG_STOPPED_BY).build()));
          undone = instance + " is still running; nothing else was changed";
        } else {
          start(instance);
          undone = instance + " was started again; nothing else was changed";
        }
      } catch (RuntimeException e) {
        failure.addSuppressed(e);
        undone = "restarting " + instance + " failed too (" + e.getMessage() + "): start it";
      }
      throw new RemediationException("Stopping " + instance + " failed: " + failure.getMessage()
          + "; " + undone, failure);
    }
  }

  private void detach(Step step) {
    String volume = step.parameter("volume");
    String instance = step.parameter("instance");
    checkNotRunSinceSnapshots(instance, step);
    try {
      ec2.detachVolume(r -> r.volumeId(volume).instanceId(instance)
          .device(step.parameter("device")));
    } catch (AwsServiceException e) {
      String code = NetworkSupport.errorCode(e);
      if (!"IncorrectState".equals(code) && !"InvalidAttachment.NotFound".equals(code)) {
        throw e;
      }
      List<Volume> found = describeVolumes(List.of(volume));
      if (found.stream().anyMatch(v -> isAttached(v, instance, null))) {
        throw e; // refused while still attached: not "already detached"
      }
      List<String> others = found.stream().flatMap(v -> v.attachments().stream())
          .map(VolumeAttachment::instanceId).filter(i -> !instance.equals(i)).distinct().toList();
      if (!others.isEmpty()) {
        throw new RemediationException("Volume " + volume + " is attached to " + others
            + ", not to " + instance + " (" + code + "): someone moved it; it is not detached "
            + "and nothing is attached in its place", e);
      }
      LOG.debug("{} already detached from {} ({})", volume, instance, code);
    }
    awaitVolume(volume, remediation.waiterLimits().instance(), "detached",
        v -> v.state() == VolumeState.AVAILABLE);
  }

  /**
   * Before every detach: the instance is stopped, was not launched since planning, and not after
   * the earliest snapshot of this apply (else it may have run and written since the snapshots, and
   * the replacements would lose those writes). Never pull a volume from a running OS.
   */
  private void checkNotRunSinceSnapshots(String instance, Step step) {
    Instance observed = describeInstance(instance);
    if (observed.state().name() != InstanceStateName.STOPPED) {
      throw new RemediationException("Instance " + instance + " is "
          + observed.state().nameAsString() + ", not stopped: no volume is detached from it");
    }
    Instant launched = observed.launchTime();
    String planned = step.parameters().get("launchTime");
    Instant earliest = null;
    String adopted = step.parameters().get("snapshotStarted");
    if (adopted != null) {
      earliest = Instant.parse(adopted);
    }
    for (Map.Entry<String, String> e : context.outputs().entrySet()) {
      if (e.getKey().startsWith("snapshot-started:")) {
        Instant t = Instant.parse(e.getValue());
        earliest = earliest == null || t.isBefore(earliest) ? t : earliest;
      }
    }
    // LaunchTime has whole-second precision: a launch in the second a snapshot started counts as
    // before it; the equality with the planned launch time catches a launch in that second
    boolean relaunched = planned != null && (launched == null
        || !planned.equals(launched.toString()));
    if (relaunched || earliest != null && (launched == null || launched.isAfter(earliest))) {
      throw new RemediationException("Instance " + instance + " was launched at " + launched
          + (relaunched ? ", since planning (launch time then " + planned + ")"
              : ", after the earliest snapshot of this apply (" + earliest + ")")
          + ": it may have run and written since its volumes were snapshotted; no volume is "
          + "detached from it");
    }
  }

  private void attach(Step step) {
    String instance = step.parameter("instance");
    String device = step.parameter("device");
    String replacement = replacement(step);
    if (!context.outputs().containsKey("replacement:" + step.parameter("volume"))) {
      awaitVolume(replacement, remediation.waiterLimits().volume(), "available",
          v -> v.state() == VolumeState.AVAILABLE);
    }
    ec2.attachVolume(r -> r.volumeId(replacement).instanceId(instance).device(device));
    awaitVolume(replacement, remediation.waiterLimits().instance(),
        "attached to " + instance + " at " + device, v -> isAttached(v, instance, device));
  }

  private void restoreDeleteOnTermination(Step step) {
    List<InstanceBlockDeviceMappingSpecification> mappings = new ArrayList<>();
    for (String entry : step.parameter("devices").split(",")) {
      String[] parts = entry.split("\\|");
      String replacement = replacement(parts[1], "-".equals(parts[3]) ? null : parts[3]);
      mappings.add(EncryptVolume.deleteOnTermination(parts[0], replacement,
          Boolean.parseBoolean(parts[2])));
    }
    ec2.modifyInstanceAttribute(r -> r.instanceId(step.parameter("instance"))
        .blockDeviceMappings(mappings));
  }

  private void start(String instance) {
    InstanceStateName first = ec2.startInstances(r -> r.instanceIds(instance))
        .startingInstances().stream().filter(c -> instance.equals(c.instanceId()))
        .map(c -> c.currentState() == null ? null : c.currentState().name())
        .filter(Objects::nonNull).findFirst().orElse(null);
    context.progress("starting " + instance, -1);
    awaitRunning(instance, first);
    ec2.deleteTags(r -> r.resources(instance).tags(Tag.builder().key(TAG_STOPPED_BY).build()));
  }

  /**
   * Polls until the instance runs. The first state is the one StartInstances answered
   * ({@code first}, null if it named none): a DescribeInstances right after the call can still say
   * {@code stopped}. Unlike the SDK's InstanceRunning waiter, which keeps polling an instance that
   * fell back to {@code stopped} (e.g. insufficient capacity) until its timeout, this fails on
   * {@code stopped} once a read has shown {@code pending}, when the state reason is a
   * {@code Server.} error, or after {@link #startGrace}; and at once on {@code stopping},
   * {@code shutting-down} or {@code terminated}.
   */
  private void awaitRunning(String instance, @Nullable InstanceStateName first) {
    Instant begun = Instant.now();
    Instant deadline = begun.plus(remediation.waiterLimits().instance());
    boolean pendingSeen = false;
    if (first == InstanceStateName.RUNNING) {
      return;
    }
    if (first == InstanceStateName.PENDING) {
      sleep(); // the answer of StartInstances is the first state: poll after it
    }
    while (true) {
      Instance observed = describeInstance(instance);
      InstanceStateName state = observed.state().name();
      if (state == InstanceStateName.RUNNING) {
        return;
      }
      String reason = observed.stateReason() == null ? null : observed.stateReason().code();
      boolean failed = state == InstanceStateName.STOPPED ? pendingSeen
          || reason != null && reason.startsWith("Server.")
          || Instant.now().isAfter(begun.plus(startGrace))
          : state != InstanceStateName.PENDING;
      pendingSeen |= state == InstanceStateName.PENDING;
      if (failed) {
        throw new RemediationException("Instance " + instance + " did not start: it is "
            + observed.state().nameAsString()
            + (observed.stateReason() == null ? "" : " (" + observed.stateReason().message() + ")"));
      }
      if (Instant.now().isAfter(deadline)) {
        throw new RemediationException("Instance " + instance + " still pending after "
            + remediation.waiterLimits().instance());
      }
      sleep();
    }
  }

  // ------------------------------------------------------------------ after verification

  private void deleteSnapshot(Step step) {
    String volume = step.parameter("volume");
    String snapshot = step.parameters().get("snapshot");
    if (snapshot == null) {
      snapshot = context.outputs().get("snapshot:" + volume);
    }
    if (snapshot == null) {
      return; // no snapshot was made by this apply
    }
    verifyReplacement(step);
    String id = snapshot;
    try {
      ec2.deleteSnapshot(r -> r.snapshotId(id));
    } catch (AwsServiceException e) {
      if (!"InvalidSnapshot.NotFound".equals(NetworkSupport.errorCode(e))) {
        throw e;
      }
    }
  }

  private void deleteOriginal(Step step) {
    String volume = step.parameter("volume");
    verifyReplacement(step);
    List<Volume> found = describeVolumes(List.of(volume));
    if (found.isEmpty()) {
      return;
    }
    if (found.get(0).state() != VolumeState.AVAILABLE) {
      throw new RemediationException("Original " + volume + " is "
          + found.get(0).stateAsString() + ", not available: not deleting it");
    }
    ec2.deleteVolume(r -> r.volumeId(volume));
  }

  /** Checks the replacement exists, is encrypted with the key and sits where the original was. */
  private void verifyReplacement(Step step) {
    String replacement = replacement(step);
    if (context.outputs().containsKey("verified:" + replacement)) {
      return;
    }
    String instance = step.parameters().get("instance");
    String device = step.parameters().get("device");
    String keyArn = step.parameters().get("kmsKeyArn");
    Volume v = awaitVolume(replacement, remediation.waiterLimits().volume(), "settled",
        x -> x.state() == VolumeState.AVAILABLE || x.state() == VolumeState.IN_USE);
    if (!Boolean.TRUE.equals(v.encrypted())
        || keyArn != null && v.kmsKeyId() != null && !keyArn.equals(v.kmsKeyId())) {
      throw new RemediationException("Replacement " + replacement + " is not encrypted with "
          + keyArn + " (encrypted=" + v.encrypted() + ", key=" + v.kmsKeyId()
          + "): keeping every snapshot and original");
    }
    if (instance != null && !isAttached(v, instance, device)) {
      throw new RemediationException("Replacement " + replacement + " is not attached to "
          + instance + " at " + device + ": keeping every snapshot and original");
    }
    context.outputs().put("verified:" + replacement, "true");
  }

  // ------------------------------------------------------------------ compensation

  /** A swap of the plan: original, device, DeleteOnTermination, replacement if made. */
  private record Swap(String original, String device, boolean deleteOnTermination,
      @Nullable String replacement) {}

  List<String> compensate(List<Step> steps) {
    List<String> lines = new ArrayList<>();
    String instance = null;
    List<Swap> swaps = new ArrayList<>();
    boolean restart = false;
    boolean stoppedHere = false;
    for (Step s : steps) {
      if (s.kind().equals("AttachVolume")) {
        instance = s.parameter("instance");
        swaps.add(new Swap(s.parameter("volume"), s.parameter("device"),
            Boolean.parseBoolean(s.parameter("deleteOnTermination")),
            context.outputs().getOrDefault("replacement:" + s.parameter("volume"),
                s.parameters().get("replacement"))));
      }
      if (s.kind().equals("StartInstances") || s.kind().equals("StopInstances")) {
        instance = s.parameter("instance");
        restart |= s.kind().equals("StartInstances");
        stoppedHere |= s.kind().equals("StopInstances");
      }
    }
    if (instance == null) {
      return lines;
    }
    String id = instance;
    Instance observed = settle(id);
    if (observed.state().name() == InstanceStateName.STOPPED) {
      // a read right after StartInstances can still say stopped: confirm before detaching anything
      sleep();
      observed = settle(id);
    }
    boolean running = observed.state().name() != InstanceStateName.STOPPED;
    List<String> ids = new ArrayList<>();
    swaps.forEach(s -> {
      ids.add(s.original);
      if (s.replacement != null) {
        ids.add(s.replacement);
      }
    });
    Map<String, Volume> volumes = new LinkedHashMap<>();
    if (!ids.isEmpty()) {
      describeVolumes(ids).forEach(v -> volumes.put(v.volumeId(), v));
    }
    List<InstanceBlockDeviceMappingSpecification> restored = new ArrayList<>();
    for (Swap swap : swaps) {
      Volume original = volumes.get(swap.original);
      if (original == null) {
        lines.add("original " + swap.original + " not found: nothing re-attached at "
            + swap.device);
        continue;
      }
      if (isAttached(original, id, swap.device)) {
        continue;
      }
      if (running) {
        lines.add(id + " is " + observed.state().nameAsString() + ", with " + (swap.replacement == null ? "no replacement"
            : "encrypted replacement " + swap.replacement) + " in place of " + swap.original
            + " at " + swap.device + ": left as is");
        continue;
      }
      Volume replacement = swap.replacement == null ? null : volumes.get(swap.replacement);
      if (replacement != null && !replacement.attachments().isEmpty()) {
        ec2.detachVolume(r -> r.volumeId(swap.replacement).instanceId(id));
        awaitVolume(swap.replacement, remediation.waiterLimits().instance(), "detached",
            v -> v.state() == VolumeState.AVAILABLE);
        lines.add("detached replacement " + swap.replacement + " from " + swap.device
            + " (kept)");
      }
      if (original.state() != VolumeState.AVAILABLE) {
        awaitVolume(swap.original, remediation.waiterLimits().instance(), "detached",
            v -> v.state() == VolumeState.AVAILABLE);
      }
      ec2.attachVolume(r -> r.volumeId(swap.original).instanceId(id).device(swap.device));
      awaitVolume(swap.original, remediation.waiterLimits().instance(),
          "attached to " + id + " at " + swap.device, v -> isAttached(v, id, swap.device));
      lines.add("re-attached original " + swap.original + " at " + swap.device);
      restored.add(EncryptVolume.deleteOnTermination(swap.device, swap.original,
          swap.deleteOnTermination));
    }
    if (!restored.isEmpty()) {
      ec2.modifyInstanceAttribute(r -> r.instanceId(id).blockDeviceMappings(restored));
      lines.add("restored DeleteOnTermination of " + restored.size() + " device(s)");
    }
    // a resumed plan (its StopInstances ran in an earlier apply) restarts the instance only while
    // the stopped-by tag still describes the current stop: never one its owner stopped since
    if (restart && !running && (stoppedHere || EncryptVolume.trustedStop(observed) != null)) {
      start(id);
      lines.add("started " + id + " again");
    } else if (restart) {
      ec2.deleteTags(r -> r.resources(id).tags(Tag.builder().key(TAG_STOPPED_BY).build()));
    }
    lines.add("deleted nothing; intermediates are kept, tagged " + EncryptVolume.TAG_OPERATION
        + "=" + context.operationId() + "; the next plan adopts them only if the instance has "
        + "not run since they were made");
    return lines;
  }

  private Instance settle(String instance) {
    Instance observed = describeInstance(instance);
    InstanceStateName state = observed.state().name();
    if (state == InstanceStateName.STOPPING || state == InstanceStateName.PENDING) {
      try (Ec2Waiter waiter = instanceWaiter()) {
        if (state == InstanceStateName.STOPPING) {
          waiter.waitUntilInstanceStopped(r -> r.instanceIds(instance));
        } else {
          waiter.waitUntilInstanceRunning(r -> r.instanceIds(instance));
        }
      }
      observed = describeInstance(instance);
    }
    return observed;
  }

  // ------------------------------------------------------------------ helpers

  private String replacement(Step step) {
    return replacement(step.parameter("volume"), step.parameters().get("replacement"));
  }

  private String replacement(String original, @Nullable String adopted) {
    String made = context.outputs().get("replacement:" + original);
    if (made != null) {
      return made;
    }
    if (adopted != null) {
      return adopted;
    }
    throw new RemediationException("No encrypted replacement of " + original
        + " was made or adopted by this apply");
  }

  private static boolean isAttached(Volume v, String instance, @Nullable String device) {
    for (VolumeAttachment a : v.attachments()) {
      if (instance.equals(a.instanceId()) && (device == null || device.equals(a.device()))
          && "attached".equals(a.stateAsString())) {
        return true;
      }
    }
    return false;
  }

  private Instance describeInstance(String instance) {
    return ec2.describeInstances(r -> r.instanceIds(instance)).reservations().stream()
        .flatMap(r -> r.instances().stream()).findFirst()
        .orElseThrow(() -> new RemediationException("Instance " + instance + " not found"));
  }

  private List<Volume> describeVolumes(List<String> ids) {
    return ec2.describeVolumes(r -> r.filters(Filter.builder().name("volume-id").values(ids)
        .build())).volumes();
  }

  private Ec2Waiter instanceWaiter() {
    return EncryptVolume.waiter(ec2, context, remediation.waiterLimits().instance());
  }

  /** Polls a snapshot until completed, reporting its progress; fails on {@code error}. */
  private Snapshot awaitSnapshot(String id) {
    Instant deadline = Instant.now().plus(remediation.waiterLimits().snapshot());
    while (true) {
      Snapshot s = ec2.describeSnapshots(r -> r.snapshotIds(id)).snapshots().stream().findFirst()
          .orElseThrow(() -> new RemediationException("Snapshot " + id + " disappeared"));
      switch (s.state()) {
        case COMPLETED -> {
          context.progress("snapshot " + id + " completed", 100);
          return s;
        }
        case ERROR -> throw new RemediationException("Snapshot " + id + " failed: "
            + s.stateMessage() + ". It is kept; the next plan takes a new snapshot.");
        default -> context.progress("snapshot " + id + " " + s.progress(), percent(s.progress()));
      }
      if (Instant.now().isAfter(deadline)) {
        throw new RemediationException("Snapshot " + id + " still " + s.stateAsString()
            + " at " + s.progress() + " after " + remediation.waiterLimits().snapshot()
            + ". It is kept and tagged: plan again later and the new plan adopts it.");
      }
      sleep();
    }
  }

  /** Polls a volume until a condition holds; fails on {@code error} or deletion. */
  private Volume awaitVolume(String id, Duration timeout, String what, Predicate<Volume> done) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      Volume v = describeVolumes(List.of(id)).stream().findFirst()
          .orElseThrow(() -> new RemediationException("Volume " + id + " disappeared"));
      if (done.test(v)) {
        return v;
      }
      if (v.state() == VolumeState.ERROR || v.state() == VolumeState.DELETING
          || v.state() == VolumeState.DELETED) {
        throw new RemediationException("Volume " + id + " is " + v.stateAsString()
            + " while waiting for it to be " + what);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new RemediationException("Volume " + id + " is not " + what + " after " + timeout
            + " (state " + v.stateAsString() + ")");
      }
      sleep();
    }
  }

  static int percent(@Nullable String progress) {
    if (progress == null) {
      return -1;
    }
    try {
      return Math.max(0, Math.min(100, Integer.parseInt(progress.replace("%", "").trim())));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void sleep() {
    try {
      Thread.sleep(context.scope().waiterPollInterval().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RemediationException("Interrupted while waiting; intermediates are kept", e);
    }
  }

  @Override
  public String toString() {
    return "EncryptVolumeSteps{" + Objects.toString(remediation) + "}";
  }
}
