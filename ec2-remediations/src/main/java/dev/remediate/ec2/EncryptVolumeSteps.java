package dev.remediate.ec2;

import dev.remediate.core.aws.AwsErrors;
import static dev.remediate.ec2.EncryptVolume.TAG_KMS_KEY;
import static dev.remediate.ec2.EncryptVolume.TAG_ORIGIN_ATTACHMENT;
import static dev.remediate.ec2.EncryptVolume.TAG_REPLACED_BY;
import static dev.remediate.ec2.EncryptVolume.TAG_STOPPED_BY;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateVolumeRequest;
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
 * The steps of {@link EncryptVolume}, for one apply (compensation: {@link EncryptVolumeCompensation};
 * waits: {@link EbsWaits}). Ids made by earlier steps
 * of the same apply travel in {@link RemediationContext#outputs()} ({@code snapshot:<origin>},
 * {@code replacement:<origin>}); ids adopted from an interrupted apply travel in step parameters.
 */
final class EncryptVolumeSteps {
  private static final Logger LOG = LoggerFactory.getLogger(EncryptVolumeSteps.class);
  private final EncryptVolume remediation;
  private final RemediationContext context;
  private final Ec2Client ec2;
  private final EbsWaits waits;

  EncryptVolumeSteps(EncryptVolume remediation, RemediationContext context) {
    this.remediation = remediation;
    this.context = context;
    this.ec2 = EncryptVolume.ec2(context);
    this.waits = new EbsWaits(ec2, context, remediation.waiterLimits());
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
      case "StartInstances" -> waits.start(step.parameter("instance"));
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
    Map<String, String> tags = EbsTags.ourTags(context.operationId(), volume,
        step.parameters().get("instance"));
    putStop(step, tags);
    String id = ec2.createSnapshot(r -> r.volumeId(volume)
        .description(EncryptVolume.SNAPSHOT_DESCRIPTION + ": " + volume + ", operation "
            + context.operationId())
        .tagSpecifications(EbsTags.tagSpec(ResourceType.SNAPSHOT, tags))).snapshotId();
    context.outputs().put("snapshot:" + volume, id);
    LOG.debug("Created snapshot {} of {}", id, volume);
    recordSnapshotStart(waits.awaitSnapshot(id));
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
      recordSnapshotStart(waits.awaitSnapshot(snapshot));
    }
    Map<String, String> tags = new LinkedHashMap<>(Tags.decode(step.parameters()
        .getOrDefault("tags", "")));
    String instance = step.parameters().get("instance");
    tags.putAll(EbsTags.ourTags(context.operationId(), volume, instance));
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
        .tagSpecifications(EbsTags.tagSpec(ResourceType.VOLUME, tags))
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
    waits.awaitVolume(id, remediation.waiterLimits().volume(), "available",
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
    String stopValue = EbsTags.stopValue(context.operationId(),
        step.parameters().get("launchTime"));
    context.outputs().put("stop", stopValue);
    ec2.createTags(r -> r.resources(instance).tags(Tag.builder().key(TAG_STOPPED_BY)
        .value(stopValue).build()));
    try {
      ec2.stopInstances(r -> r.instanceIds(instance));
      context.progress("stopping " + instance, -1);
      try (Ec2Waiter waiter = waits.instanceWaiter()) {
        waiter.waitUntilInstanceStopped(r -> r.instanceIds(instance));
      }
    } catch (RuntimeException failure) {
      // the first step: the engine compensates only after a completed step, so undo it here
      String undone;
      try {
        Instance observed = waits.settle(instance);
        if (observed.state().name() == InstanceStateName.RUNNING) {
          ec2.deleteTags(r -> r.resources(instance)
              .tags(Tag.builder().key(TAG_STOPPED_BY).build()));
          undone = instance + " is still running; nothing else was changed";
        } else {
          waits.start(instance);
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
      String code = AwsErrors.code(e);
      if (!"IncorrectState".equals(code) && !"InvalidAttachment.NotFound".equals(code)) {
        throw e;
      }
      List<Volume> found = waits.describeVolumes(List.of(volume));
      if (found.stream().anyMatch(v -> EbsWaits.isAttached(v, instance, null))) {
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
    waits.awaitVolume(volume, remediation.waiterLimits().instance(), "detached",
        v -> v.state() == VolumeState.AVAILABLE);
  }

  /**
   * Before every detach: the instance is stopped, was not launched since planning, and not after
   * the earliest snapshot of this apply (else it may have run and written since the snapshots, and
   * the replacements would lose those writes). Never pull a volume from a running OS.
   */
  private void checkNotRunSinceSnapshots(String instance, Step step) {
    Instance observed = waits.describeInstance(instance);
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
      waits.awaitVolume(replacement, remediation.waiterLimits().volume(), "available",
          v -> v.state() == VolumeState.AVAILABLE);
    }
    ec2.attachVolume(r -> r.volumeId(replacement).instanceId(instance).device(device));
    waits.awaitVolume(replacement, remediation.waiterLimits().instance(),
        "attached to " + instance + " at " + device, v -> EbsWaits.isAttached(v, instance, device));
  }

  private void restoreDeleteOnTermination(Step step) {
    List<InstanceBlockDeviceMappingSpecification> mappings = new ArrayList<>();
    for (String entry : step.parameter("devices").split(",")) {
      String[] parts = entry.split("\\|");
      String replacement = replacement(parts[1], "-".equals(parts[3]) ? null : parts[3]);
      mappings.add(EbsTags.deleteOnTermination(parts[0], replacement,
          Boolean.parseBoolean(parts[2])));
    }
    ec2.modifyInstanceAttribute(r -> r.instanceId(step.parameter("instance"))
        .blockDeviceMappings(mappings));
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
      if (!AwsErrors.is(e, "InvalidSnapshot.NotFound")) {
        throw e;
      }
    }
  }

  private void deleteOriginal(Step step) {
    String volume = step.parameter("volume");
    verifyReplacement(step);
    List<Volume> found = waits.describeVolumes(List.of(volume));
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
    Volume v = waits.awaitVolume(replacement, remediation.waiterLimits().volume(), "settled",
        x -> x.state() == VolumeState.AVAILABLE || x.state() == VolumeState.IN_USE);
    if (!Boolean.TRUE.equals(v.encrypted())
        || keyArn != null && v.kmsKeyId() != null && !keyArn.equals(v.kmsKeyId())) {
      throw new RemediationException("Replacement " + replacement + " is not encrypted with "
          + keyArn + " (encrypted=" + v.encrypted() + ", key=" + v.kmsKeyId()
          + "): keeping every snapshot and original");
    }
    if (instance != null && !EbsWaits.isAttached(v, instance, device)) {
      throw new RemediationException("Replacement " + replacement + " is not attached to "
          + instance + " at " + device + ": keeping every snapshot and original");
    }
    context.outputs().put("verified:" + replacement, "true");
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

  @Override
  public String toString() {
    return "EncryptVolumeSteps{" + Objects.toString(remediation) + "}";
  }
}
