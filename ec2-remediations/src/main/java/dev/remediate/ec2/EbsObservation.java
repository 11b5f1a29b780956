package dev.remediate.ec2;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Volume;

/**
 * Everything {@link EncryptVolume} read about one target (an instance, or one volume): the input of
 * {@link EbsDecision}, which makes no AWS call. Made by {@link EbsObserver} (one target) or
 * {@link EbsRegionScan} (every target of a region, from a few paginated reads).
 *
 * <p>Read in two rounds: the base facts first, then only what the decision says it needs for this
 * target ({@link #key()} when a volume is not encrypted with a known key, {@link #facts()} when a
 * volume is swapped on the instance, {@link #originals()} when originals are to be deleted).
 *
 * @param instance the instance (settled: running or stopped), or null for an unattached volume
 * @param attached volumes attached to the instance (instance form), or the volume form's volume
 *     when attached; sorted by id
 * @param volume the volume form's volume, or null for the instance form
 * @param ours encrypted volumes made by earlier applies for this target (tagged
 *     {@value EncryptVolume#TAG_ORIGIN_INSTANCE} or {@value EncryptVolume#TAG_ORIGIN_VOLUME})
 * @param snapshots snapshots made by earlier applies for this target
 * @param key the resolved key, or null when not read (yet)
 * @param facts the instance's facts for the prechecks, or null when not read (yet)
 * @param originals originals of earlier swaps looked up again by id (only with keepOriginal false)
 */
record EbsObservation(@Nullable Instance instance, List<Volume> attached, @Nullable Volume volume,
    List<Volume> ours, List<Snapshot> snapshots, @Nullable ResolvedKey key,
    @Nullable InstanceFacts facts, Map<String, Volume> originals) {

  EbsObservation {
    attached = List.copyOf(attached);
    ours = List.copyOf(ours);
    snapshots = List.copyOf(snapshots);
    originals = Map.copyOf(originals);
  }

  /** The base facts, before the second round of reads. */
  static EbsObservation of(@Nullable Instance instance, List<Volume> attached,
      @Nullable Volume volume, List<Volume> ours, List<Snapshot> snapshots) {
    return new EbsObservation(instance, attached, volume, ours, snapshots, null, null, Map.of());
  }

  EbsObservation withKey(ResolvedKey resolved) {
    return new EbsObservation(instance, attached, volume, ours, snapshots, resolved, facts,
        originals);
  }

  EbsObservation withFacts(InstanceFacts read) {
    return new EbsObservation(instance, attached, volume, ours, snapshots, key, read, originals);
  }

  EbsObservation withOriginals(Map<String, Volume> found) {
    return new EbsObservation(instance, attached, volume, ours, snapshots, key, facts, found);
  }

  /**
   * The KMS key volumes must be encrypted with.
   *
   * @param arn its ARN (what EBS reports on volumes encrypted with it)
   * @param warnings what a reviewer should know about how it was chosen
   */
  record ResolvedKey(String arn, List<String> warnings) {
    ResolvedKey {
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * What the prechecks of a swap need to know about the instance, beyond DescribeInstances.
   *
   * @param encryptionSupported whether its type supports EBS encryption
   * @param instanceStore whether its type has instance store volumes (erased by a stop)
   * @param stopProtected whether DisableApiStop is on (read only for a running instance)
   * @param oneTimeSpotRequest the one-time Spot request it belongs to, or null (read only for a
   *     running Spot Instance); {@code "-"} when it is a Spot Instance without a request id
   */
  record InstanceFacts(boolean encryptionSupported, boolean instanceStore, boolean stopProtected,
      @Nullable String oneTimeSpotRequest) {}
}
