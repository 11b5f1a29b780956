package dev.remediate.ec2;

import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.aws.AwsNames;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.Setting;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.plan.Step;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.immutables.value.Value;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Volume;

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
@Value.Immutable
public abstract class EncryptVolume extends AbstractRemediation<EncryptVolume> {
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
  private static final Set<String> SWAP_KINDS = Set.of("StopInstances", "DetachVolume",
      "AttachVolume", "ModifyInstanceAttribute", "StartInstances");

  private static final WaiterLimits DEFAULT_LIMITS = WaiterLimits.ofDefaults();
  /** A KMS key reference, checked as {@link Builder#kmsKey} checks it (shared with the scan). */
  static final SpecKind<String> KMS_KEY = SpecKind.of("a KMS key",
      k -> KmsKeys.validate(ID, "kmsKey(KEY)", k), k -> k);
  private static final SpecTable<EncryptVolume, Builder> SPEC =
      SpecTable.<EncryptVolume, Builder>of(ID)
          .start("volume", SpecKind.aws(AwsNames::volumeId), r -> r.volumeId().orElse(null),
              EncryptVolume::forVolume)
          .start("instance", SpecKind.aws(AwsNames::instanceId),
              r -> r.instanceId().orElse(null), EncryptVolume::forInstance)
          .optional("kmsKey", KMS_KEY, r -> r.kmsKey().orElse(null), Builder::kmsKey)
          .optional("keepOriginal", SpecKind.bool(), true, EncryptVolume::keepOriginal,
              Builder::keepOriginal)
          .optional("deleteSnapshots", SpecKind.bool(), true, EncryptVolume::deleteSnapshots,
              Builder::deleteSnapshots)
          .optional("allowAutoScalingGroup", SpecKind.bool(), false,
              EncryptVolume::allowAutoScalingGroup, Builder::allowAutoScalingGroup)
          .optional("snapshotTimeout", SpecKind.duration(), DEFAULT_LIMITS.snapshot(),
              EncryptVolume::snapshotTimeout, (b, d) -> b.values.snapshotTimeout(d))
          .optional("volumeTimeout", SpecKind.duration(), DEFAULT_LIMITS.volume(),
              EncryptVolume::volumeTimeout, (b, d) -> b.values.volumeTimeout(d))
          .optional("instanceTimeout", SpecKind.duration(), DEFAULT_LIMITS.instance(),
              EncryptVolume::instanceTimeout, (b, d) -> b.values.instanceTimeout(d))
          .build(Builder::build);

  EncryptVolume() {}

  /**
   * Encrypts one volume. An attached volume is swapped on its instance (stopping it when it runs);
   * an unattached one gets an encrypted twin with the same tags, and the original is kept.
   *
   * @param volumeId e.g. {@code vol-0123456789abcdef0}
   * @return a builder
   */
  public static Builder forVolume(String volumeId) {
    Builder b = new Builder();
    b.values.volumeId(volumeId);
    return b;
  }

  /**
   * Encrypts every unencrypted volume of one instance, with one stop and one start.
   *
   * @param instanceId e.g. {@code i-0123456789abcdef0}
   * @return a builder
   */
  public static Builder forInstance(String instanceId) {
    Builder b = new Builder();
    b.values.instanceId(instanceId);
    return b;
  }

  /** @return the volume of the volume form */
  public abstract Optional<String> volumeId();

  /** @return the instance of the instance form */
  public abstract Optional<String> instanceId();

  /** @return the wanted key; empty means the region's EBS default key */
  public abstract Optional<String> kmsKey();

  /** @return whether originals are kept (detached, tagged) */
  @Value.Default
  public boolean keepOriginal() {
    return true;
  }

  /** @return whether transient snapshots are deleted after verification */
  @Value.Default
  public boolean deleteSnapshots() {
    return true;
  }

  /** @return whether instances of Auto Scaling groups may be stopped */
  @Value.Default
  public boolean allowAutoScalingGroup() {
    return false;
  }

  /** @return the wait for a snapshot to complete ({@link WaiterLimits#snapshot()}) */
  @Value.Default
  Duration snapshotTimeout() {
    return DEFAULT_LIMITS.snapshot();
  }

  /** @return the wait for a new volume ({@link WaiterLimits#volume()}) */
  @Value.Default
  Duration volumeTimeout() {
    return DEFAULT_LIMITS.volume();
  }

  /** @return the wait for a stop, start, detach or attach ({@link WaiterLimits#instance()}) */
  @Value.Default
  Duration instanceTimeout() {
    return DEFAULT_LIMITS.instance();
  }

  /** @return how long each kind of wait may last */
  public WaiterLimits waiterLimits() {
    return new WaiterLimits(snapshotTimeout(), volumeTimeout(), instanceTimeout());
  }

  /**
   * Every check of the values, in one place: exactly one form, its id, the key reference and the
   * waiter limits.
   *
   * @throws InvalidRemediationException naming the bad value
   */
  @Value.Check
  final void check() {
    if (volumeId().isPresent() == instanceId().isPresent()) {
      throw new InvalidRemediationException(ID + ": name either a volume (forVolume) or an "
          + "instance (forInstance), not both and not neither");
    }
    volumeId().ifPresent(AwsNames::volumeId);
    instanceId().ifPresent(AwsNames::instanceId);
    kmsKey().ifPresent(k -> KmsKeys.validate(ID, "kmsKey(KEY)", k));
    waiterLimits(); // the record refuses a limit that is not positive
  }

  @Override
  protected SpecTable<EncryptVolume, ?> specTable() {
    return SPEC;
  }

  // ------------------------------------------------------------------------ observe, decide

  /**
   * Observes the target ({@link EbsObserver}: the instance, its volumes, the intermediates of an
   * earlier apply; the key and the prechecks' facts only when a volume needs work), then decides
   * ({@link EbsDecision}, no AWS call).
   */
  @Override
  public Plan plan(RemediationContext context) {
    EbsObserver observer = new EbsObserver(context, instanceTimeout());
    EbsObservation base = instanceId().isPresent() ? observer.observeInstance(targetId())
        : observer.observeVolume(targetId());
    EbsDecision decision = decision(context);
    EbsObservation obs = observer.complete(base, decision,
        () -> observer.resolveKey(kmsKey().orElse(null)));
    return toPlan(context, decision.decide(obs));
  }

  EbsDecision decision(RemediationContext context) {
    return new EbsDecision(this, context::isOptedOut, context.optOutReason());
  }

  /** The plan of this remediation's target, holding the decision. */
  Plan toPlan(RemediationContext context, EbsDecision.Decided decided) {
    Plan.Builder plan = context.newPlan(this, targetType(), targetId())
        .addAllControls(CONTROLS)
        .addAllSteps(decided.steps())
        .addAllSkipped(decided.skipped())
        .addAllWarnings(decided.warnings());
    if (decided.work()) {
      plan.addAllIamActions(IAM_ACTIONS);
    }
    return plan.build();
  }

  String targetType() {
    return instanceId().isPresent() ? "AWS::EC2::Instance" : "AWS::EC2::Volume";
  }

  String targetId() {
    return instanceId().or(this::volumeId).orElseThrow();
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
      // be started again (only if it is still stopped by that apply; see EncryptVolumeCompensation)
      return new EncryptVolumeCompensation(this, context).run(steps);
    }
    if (!started) {
      return List.of("nothing to undo: no volume was detached and the instance was not stopped "
          + "by this apply; " + kept);
    }
    if (finished) {
      return List.of("nothing to undo: the swap had completed and the instance is back in its "
          + "state on its encrypted volumes; " + kept);
    }
    return new EncryptVolumeCompensation(this, context).run(steps);
  }

  static Ec2Client ec2(RemediationContext context) {
    return context.scope().client(Ec2Client.class, Ec2Client::builder);
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

  /** Builds an {@link EncryptVolume}; {@link #build()} checks every value. */
  @SuppressWarnings("immutables:incompat") // not an extension of the generated builder: it wraps one
  public static final class Builder {
    private final ImmutableEncryptVolume.Builder values = ImmutableEncryptVolume.builder();

    private Builder() {}

    /**
     * The KMS key to encrypt with (default: the region's EBS default key, read with
     * {@code GetEbsDefaultKmsKeyId}; when that cannot be read, {@code alias/aws/ebs} and the plan
     * says so).
     *
     * @param kmsKey key id, key ARN, alias name or alias ARN
     * @return this builder
     * @throws InvalidRemediationException when it is null (leave the call out for the default)
     */
    public Builder kmsKey(String kmsKey) {
      values.kmsKey(KmsKeys.given(ID, "kmsKey(KEY)", kmsKey));
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
      values.keepOriginal(keep);
      return this;
    }

    /**
     * Deletes the transient snapshots once the replacements are verified (default true).
     *
     * @param delete whether to delete them
     * @return this builder
     */
    public Builder deleteSnapshots(boolean delete) {
      values.deleteSnapshots(delete);
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
      values.allowAutoScalingGroup(allow);
      return this;
    }

    /**
     * Sets how long waits may last (default {@link WaiterLimits#ofDefaults()}).
     *
     * @param limits the limits
     * @return this builder
     */
    public Builder waiterLimits(WaiterLimits limits) {
      Objects.requireNonNull(limits, "limits");
      values.snapshotTimeout(limits.snapshot()).volumeTimeout(limits.volume())
          .instanceTimeout(limits.instance());
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the remediation
     * @throws InvalidRemediationException naming the bad value
     */
    public EncryptVolume build() {
      return values.build();
    }
  }

  /** The catalog entry for {@link EncryptVolume}, both forms. */
  public static final class Type extends AbstractRemediationType {
    /** Creates the type (service loader). */
    public Type() {
      super(ID, "Replace unencrypted EBS volumes of an instance, or one volume, with encrypted copies "
          + "(snapshot, encrypted volume, swap at the same device)",
          CONTROLS, IAM_ACTIONS, EnumSet.of(Flag.DOWNTIME, Flag.DESTRUCTIVE));
      observeAsScanned(false); // unencrypted volumes, by tag
    }

    @Override
    public Remediation fromSpec(RemediationSpec spec) {
      return spec.parameters().containsKey("scope") ? EbsRegionScan.SPEC.fromSpec(spec)
          : SPEC.fromSpec(spec);
    }

    @Override
    public List<Setting> settings() {
      return List.of(
          Setting.text("encryption.kmsKey", "KMS key of the encrypted copies (required for a "
              + "region-wide scan: a scan never guesses the key)"),
          Setting.text("encryption.tag", "KEY=VALUE: only instances and volumes with this tag"));
    }

    /**
     * Every unencrypted volume of the region: one plan per instance with unencrypted attached
     * volumes (its {@link #forInstance} plan: one stop and one start, flagged DOWNTIME when it
     * runs) and one per unattached unencrypted volume (its {@link #forVolume} plan, no downtime).
     * Settings: {@code encryption.kmsKey} (required: a scan must not guess the key), and
     * {@code encryption.tag} = {@code KEY=VALUE} to select instances and unattached volumes by tag.
     * Apply stops at most {@code Guardrails.maxConcurrentDowntime()} instances at once (default 1).
     *
     * @param settings scan settings
     * @return the region-wide remediation, or empty without {@code encryption.kmsKey}
     */
    @Override
    public Optional<Remediation> forRegion(Map<String, String> settings) {
      String key = setting(settings, "encryption.kmsKey");
      if (key == null) {
        return Optional.empty();
      }
      return Optional.of(EbsRegionScan.of(key, setting(settings, "encryption.tag")));
    }

    /**
     * The remediation of {@code --target i-...} ({@link #forInstance}) or {@code --target vol-...}
     * ({@link #forVolume}), with {@code encryption.kmsKey} when set (else the region's default key).
     *
     * @param resourceId an instance or volume id
     * @param settings scan settings
     * @return the remediation, or empty for another kind of id
     */
    @Override
    public Optional<Remediation> forTarget(String resourceId, Map<String, String> settings) {
      Builder b;
      if (resourceId.startsWith("i-")) {
        b = forInstance(resourceId);
      } else if (resourceId.startsWith("vol-")) {
        b = forVolume(resourceId);
      } else {
        return Optional.empty();
      }
      String key = setting(settings, "encryption.kmsKey");
      if (key != null) {
        b.kmsKey(key);
      }
      return Optional.of(b.build());
    }

    private static @Nullable String setting(Map<String, String> settings, String key) {
      String value = settings.get(key);
      return value == null || value.isBlank() ? null : value.trim();
    }
  }


}
