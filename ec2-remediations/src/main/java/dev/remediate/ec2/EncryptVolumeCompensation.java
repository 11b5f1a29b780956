package dev.remediate.ec2;

import static dev.remediate.ec2.EncryptVolume.TAG_STOPPED_BY;

import dev.remediate.core.RemediationContext;
import dev.remediate.core.plan.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMappingSpecification;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeState;

/**
 * Puts an instance back the way it was after a failed swap of {@link EncryptVolume}: each original
 * re-attached at its device (the replacement detached first, and kept), DeleteOnTermination
 * restored, the instance started again when this plan (or the apply it resumes) stopped it. Deletes
 * nothing; an instance found running is left as it is.
 */
final class EncryptVolumeCompensation {
  /** A swap of the plan: original, device, DeleteOnTermination, replacement if made. */
  private record Swap(String original, String device, boolean deleteOnTermination,
      @Nullable String replacement) {}

  /** What the plan's steps say about the instance: its swaps and whether it stopped/started it. */
  private record Swaps(@Nullable String instance, List<Swap> swaps, boolean restart,
      boolean stoppedHere) {}

  private final EncryptVolume remediation;
  private final RemediationContext context;
  private final Ec2Client ec2;
  private final EbsWaits waits;

  EncryptVolumeCompensation(EncryptVolume remediation, RemediationContext context) {
    this.remediation = remediation;
    this.context = context;
    this.ec2 = EncryptVolume.ec2(context);
    this.waits = new EbsWaits(ec2, context, remediation.waiterLimits());
  }

  /**
   * Compensates the given steps of the plan.
   *
   * @param steps the plan's steps (done or not)
   * @return one line per action taken or refused
   */
  List<String> run(List<Step> steps) {
    Swaps plan = swaps(steps);
    List<String> lines = new ArrayList<>();
    if (plan.instance() == null) {
      return lines;
    }
    String id = plan.instance();
    Instance observed = settledState(id);
    boolean running = observed.state().name() != InstanceStateName.STOPPED;
    Map<String, Volume> volumes = volumes(plan.swaps());
    List<InstanceBlockDeviceMappingSpecification> restored = new ArrayList<>();
    for (Swap swap : plan.swaps()) {
      restore(id, swap, volumes, running ? observed.state().nameAsString() : null, lines)
          .ifPresent(restored::add);
    }
    if (!restored.isEmpty()) {
      ec2.modifyInstanceAttribute(r -> r.instanceId(id).blockDeviceMappings(restored));
      lines.add("restored DeleteOnTermination of " + restored.size() + " device(s)");
    }
    restartIfOurs(plan, observed, running, lines);
    lines.add("deleted nothing; intermediates are kept, tagged " + EncryptVolume.TAG_OPERATION
        + "=" + context.operationId() + "; the next plan adopts them only if the instance has "
        + "not run since they were made");
    return lines;
  }

  private Swaps swaps(List<Step> steps) {
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
    return new Swaps(instance, swaps, restart, stoppedHere);
  }

  /** The instance once settled; a read right after StartInstances may still say stopped. */
  private Instance settledState(String id) {
    Instance observed = waits.settle(id);
    if (observed.state().name() == InstanceStateName.STOPPED) {
      waits.sleep(); // confirm before detaching anything
      observed = waits.settle(id);
    }
    return observed;
  }

  private Map<String, Volume> volumes(List<Swap> swaps) {
    List<String> ids = new ArrayList<>();
    for (Swap s : swaps) {
      ids.add(s.original());
      if (s.replacement() != null) {
        ids.add(s.replacement());
      }
    }
    Map<String, Volume> volumes = new LinkedHashMap<>();
    if (!ids.isEmpty()) {
      waits.describeVolumes(ids).forEach(v -> volumes.put(v.volumeId(), v));
    }
    return volumes;
  }

  /**
   * Re-attaches one original at its device, the replacement detached first (and kept).
   *
   * @param runningState the instance's state when it is not stopped (nothing is then touched),
   *     null when stopped
   * @return the DeleteOnTermination mapping to restore, when the original was re-attached
   */
  private Optional<InstanceBlockDeviceMappingSpecification> restore(String id, Swap swap,
      Map<String, Volume> volumes, @Nullable String runningState, List<String> lines) {
    Volume original = volumes.get(swap.original());
    if (original == null) {
      lines.add("original " + swap.original() + " not found: nothing re-attached at "
          + swap.device());
      return Optional.empty();
    }
    if (EbsWaits.isAttached(original, id, swap.device())) {
      return Optional.empty();
    }
    if (runningState != null) {
      lines.add(id + " is " + runningState + ", with " + (swap.replacement() == null
          ? "no replacement" : "encrypted replacement " + swap.replacement()) + " in place of "
          + swap.original() + " at " + swap.device() + ": left as is");
      return Optional.empty();
    }
    Volume replacement = swap.replacement() == null ? null : volumes.get(swap.replacement());
    if (replacement != null && !replacement.attachments().isEmpty()) {
      ec2.detachVolume(r -> r.volumeId(swap.replacement()).instanceId(id));
      waits.awaitVolume(swap.replacement(), remediation.waiterLimits().instance(), "detached",
          v -> v.state() == VolumeState.AVAILABLE);
      lines.add("detached replacement " + swap.replacement() + " from " + swap.device()
          + " (kept)");
    }
    if (original.state() != VolumeState.AVAILABLE) {
      waits.awaitVolume(swap.original(), remediation.waiterLimits().instance(), "detached",
          v -> v.state() == VolumeState.AVAILABLE);
    }
    ec2.attachVolume(r -> r.volumeId(swap.original()).instanceId(id).device(swap.device()));
    waits.awaitVolume(swap.original(), remediation.waiterLimits().instance(),
        "attached to " + id + " at " + swap.device(), v -> EbsWaits.isAttached(v, id,
            swap.device()));
    lines.add("re-attached original " + swap.original() + " at " + swap.device());
    return Optional.of(EbsTags.deleteOnTermination(swap.device(), swap.original(),
        swap.deleteOnTermination()));
  }

  /**
   * A resumed plan (its StopInstances ran in an earlier apply) restarts the instance only while the
   * stopped-by tag still describes the current stop: never one its owner stopped since.
   */
  private void restartIfOurs(Swaps plan, Instance observed, boolean running,
      List<String> lines) {
    String id = observed.instanceId();
    if (plan.restart() && !running
        && (plan.stoppedHere() || EbsTags.trustedStop(observed) != null)) {
      waits.start(id);
      lines.add("started " + id + " again");
    } else if (plan.restart()) {
      ec2.deleteTags(r -> r.resources(id).tags(Tag.builder().key(TAG_STOPPED_BY).build()));
    }
  }
}
