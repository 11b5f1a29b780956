package dev.remediate.ec2;

import static dev.remediate.ec2.EncryptVolume.TAG_KMS_KEY;
import static dev.remediate.ec2.EncryptVolume.TAG_OPERATION;
import static dev.remediate.ec2.EncryptVolume.TAG_ORIGIN_INSTANCE;
import static dev.remediate.ec2.EncryptVolume.TAG_ORIGIN_VOLUME;
import static dev.remediate.ec2.EncryptVolume.TAG_STOP;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeState;

/**
 * When {@link EncryptVolume} adopts what an earlier, interrupted apply left (tagged snapshots and
 * encrypted volumes) instead of making them again: only intermediates that still hold the
 * original's current data. Pure functions of observed values.
 */
final class EbsAdoption {
  private EbsAdoption() {}

  /** A snapshot this remediation took of {@code original}, not one a backup tool copied. */
  static boolean isOurTransient(Snapshot s, String original) {
    Map<String, String> tags = NetworkSupport.tags(s.tags());
    return original.equals(s.volumeId()) && original.equals(tags.get(TAG_ORIGIN_VOLUME))
        && tags.containsKey(TAG_OPERATION) && s.description() != null
        && s.description().startsWith(EncryptVolume.SNAPSHOT_DESCRIPTION);
  }

  /**
   * Whether a snapshot of an attached volume still holds its current data: the instance is stopped
   * and has not run since. Stopped by this remediation: the snapshot carries that stop's tag.
   * Stopped by its owner: the snapshot is newer than the instance's last launch and the volume's
   * attachment. A snapshot of an unattached volume is taken as current.
   */
  static boolean isFresh(Snapshot s, @Nullable Instance instance, @Nullable String device,
      @Nullable String trustedStop, Volume original) {
    if (instance == null || device == null) {
      return true;
    }
    if (instance.state().name() != InstanceStateName.STOPPED) {
      return false;
    }
    Instant taken = s.startTime();
    String stop = NetworkSupport.tags(s.tags()).get(TAG_STOP);
    if (trustedStop != null || stop != null) {
      // the same stop, and taken after the instance's last launch (LaunchTime has whole-second
      // precision: a snapshot started in that second counts as after it)
      return trustedStop != null && trustedStop.equals(stop) && taken != null
          && instance.launchTime() != null && !taken.isBefore(instance.launchTime());
    }
    Instant attached = original.attachments().isEmpty() ? null
        : original.attachments().get(0).attachTime();
    return taken != null && instance.launchTime() != null && taken.isAfter(instance.launchTime())
        && (attached == null || taken.isAfter(attached));
  }

  /** The latest usable snapshot of {@code original} an earlier apply took, if fresh. */
  static @Nullable Snapshot freshSnapshot(List<Snapshot> snapshots, String original,
      Predicate<Snapshot> fresh) {
    Snapshot found = null;
    for (Snapshot snap : snapshots) {
      if (isOurTransient(snap, original) && snap.state() != software.amazon.awssdk.services.ec2
          .model.SnapshotState.ERROR && fresh.test(snap)) {
        found = snap;
      }
    }
    return found;
  }

  /**
   * An encrypted volume of an earlier apply that can replace {@code origin}: made from it with the
   * key, not in use, and (for an attached origin) made from a fresh snapshot.
   */
  static @Nullable Volume adoptableVolume(List<Volume> ours, String origin, String keyArn,
      List<Snapshot> snapshots, @Nullable Predicate<Snapshot> fresh) {
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

  /** The encrypted twin of an unattached volume, made by an earlier apply with the key. */
  static @Nullable Volume twin(List<Volume> ours, String origin, String keyArn) {
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

  static boolean isUsableReplacement(Volume r, @Nullable String keyArn) {
    return Boolean.TRUE.equals(r.encrypted())
        && (r.kmsKeyId() == null || r.kmsKeyId().equals(keyArn))
        && (r.state() == VolumeState.AVAILABLE || r.state() == VolumeState.CREATING
            || r.state() == VolumeState.IN_USE);
  }

  /** Whether {@code v} was detached by an earlier swap: one of ours replaces it on an instance. */
  static boolean detachedBySwap(Volume v, List<Volume> ours) {
    return v.attachments().isEmpty() && ours.stream().anyMatch(r -> {
      Map<String, String> t = NetworkSupport.tags(r.tags());
      return v.volumeId().equals(t.get(TAG_ORIGIN_VOLUME)) && t.get(TAG_ORIGIN_INSTANCE) != null;
    });
  }
}
