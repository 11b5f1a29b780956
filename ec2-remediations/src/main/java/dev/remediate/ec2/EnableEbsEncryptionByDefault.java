package dev.remediate.ec2;

import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.Setting;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.aws.AwsErrors;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.plan.Step;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.immutables.value.Value;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * EBS encryption by default in one region (the scope's), optionally with a chosen default KMS key:
 * once applied, every new EBS volume and snapshot copy in the region is encrypted. Satisfies FSBP
 * EC2.7 and CIS 2.2.1 (v1.4 and v3.0).
 *
 * <pre>{@code
 * Remediation remediation = EnableEbsEncryptionByDefault.create();
 * Remediation withKey = EnableEbsEncryptionByDefault.withDefaultKey("alias/ebs-default");
 * }</pre>
 *
 * <ul>
 *   <li><b>observe</b>: {@code GetEbsEncryptionByDefault} (one call per region); with a key also
 *       {@code GetEbsDefaultKmsKeyId} and {@code kms:DescribeKey} (the key must be enabled);</li>
 *   <li><b>decide</b>: set the default key first (when it differs), then enable encryption by
 *       default; a missing answer is never read as "enabled" nor ever leads to disabling;</li>
 *   <li><b>steps</b>: {@code ModifyEbsDefaultKmsKeyId}, {@code EnableEbsEncryptionByDefault},
 *       verified with {@code GetEbsEncryptionByDefault}, retried because the setting may lag.</li>
 * </ul>
 *
 * <p>Existing volumes are not changed: encrypt them with {@link EncryptVolume}.
 */
@Value.Immutable
public abstract class EnableEbsEncryptionByDefault
    extends AbstractRemediation<EnableEbsEncryptionByDefault> {
  /** The catalog id. */
  public static final String ID = "ec2.ebs-encryption-by-default";

  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.of(
      "ec2:GetEbsEncryptionByDefault",
      "ec2:EnableEbsEncryptionByDefault",
      "ec2:GetEbsDefaultKmsKeyId",
      "ec2:ModifyEbsDefaultKmsKeyId",
      "kms:DescribeKey");

  /** Controls satisfied. */
  public static final List<String> CONTROLS = List.of("FSBP EC2.7", "CIS v1.4 2.2.1",
      "CIS v3.0 2.2.1");

  /** How many times apply reads the setting back before giving up (it may lag). */
  static final int VERIFY_ATTEMPTS = 8;

  private static final Logger LOG = LoggerFactory.getLogger(EnableEbsEncryptionByDefault.class);
  private static final String KIND_ENABLE = "EnableEbsEncryptionByDefault";
  private static final String KIND_KEY = "ModifyEbsDefaultKmsKeyId";

  private static final SpecTable<EnableEbsEncryptionByDefault, EnableEbsEncryptionByDefault>
      SPEC = SpecTable.<EnableEbsEncryptionByDefault, EnableEbsEncryptionByDefault>of(ID)
          .start("kmsKey", SpecKind.text(), r -> r.kmsKey().orElse(null),
              EnableEbsEncryptionByDefault::withDefaultKey)
          .start(EnableEbsEncryptionByDefault::create)
          .build(r -> r);

  EnableEbsEncryptionByDefault() {}

  /** @return encryption by default, keeping whatever default key the region has */
  public static EnableEbsEncryptionByDefault create() {
    return ImmutableEnableEbsEncryptionByDefault.builder().build();
  }

  /**
   * Encryption by default with a chosen default key.
   *
   * @param kmsKey key id, key ARN, alias name ({@code alias/...}) or alias ARN
   * @return the remediation
   * @throws InvalidRemediationException when the key reference is null or malformed
   */
  public static EnableEbsEncryptionByDefault withDefaultKey(String kmsKey) {
    return ImmutableEnableEbsEncryptionByDefault.builder()
        .kmsKey(KmsKeys.given(ID, "withDefaultKey(KEY)", kmsKey)).build();
  }

  /** @return the wanted default key, if one was chosen */
  public abstract Optional<String> kmsKey();

  /**
   * Every check of the values, in one place: the key reference.
   *
   * @throws InvalidRemediationException naming the bad value
   */
  @Value.Check
  final void check() {
    kmsKey().ifPresent(k -> KmsKeys.validate(ID, "withDefaultKey(KEY)", k));
  }

  @Override
  protected SpecTable<EnableEbsEncryptionByDefault, ?> specTable() {
    return SPEC;
  }

  // ---------------------------------------------------------------------------------- observe

  /**
   * What {@link #plan} reads, as values; {@link #decide} plans from it with no AWS call.
   *
   * @param region the Region
   * @param enabled what {@code GetEbsEncryptionByDefault} answered (null: no answer)
   * @param currentKey the Region's default key as read (an alias other than the wanted reference
   *     resolved to its key ARN), or null when no key was wanted (then it is not read)
   * @param wantedArn the ARN of the wanted key (checked enabled), or null when none was wanted
   */
  record Observation(String region, @Nullable Boolean enabled, @Nullable String currentKey,
      @Nullable String wantedArn) {
    /** What the fingerprint digests. */
    String canonical() {
      return "enabled=" + enabled + "\ncurrentKey=" + currentKey + "\nwantedKey=" + wantedArn;
    }
  }

  /** Observes ({@link #observe}), then decides ({@link #decide}). */
  @Override
  public Plan plan(RemediationContext context) {
    Observation o = observe(context);
    return decide(o, context.newPlan(this, "AWS::EC2::EbsEncryptionByDefault", o.region())
        .fingerprint(context.fingerprint(o.canonical())));
  }

  /** Every read: the setting; with a wanted key, the default key and both keys' ARNs. */
  Observation observe(RemediationContext context) {
    Ec2Client ec2 = ec2(context);
    Boolean enabled = ec2.getEbsEncryptionByDefault(r -> {}).ebsEncryptionByDefault();
    String currentKey = null;
    String wantedArn = null;
    String kmsKey = kmsKey().orElse(null);
    if (kmsKey != null) {
      currentKey = currentDefaultKey(ec2, context);
      wantedArn = KmsKeys.describeUsable(context, kmsKey).arn();
      if (!currentKey.equals(wantedArn) && !currentKey.equals(kmsKey)
          && !currentKey.startsWith("arn:aws")) {
        // an alias such as alias/aws/ebs: resolve it to compare key ARNs
        currentKey = KmsKeys.describeUsable(context, currentKey).arn();
      }
    }
    return new Observation(context.region(), enabled, currentKey, wantedArn);
  }

  private String currentDefaultKey(Ec2Client ec2, RemediationContext context) {
    try {
      return ec2.getEbsDefaultKmsKeyId(r -> {}).kmsKeyId();
    } catch (AwsServiceException e) {
      String withoutKey = "plan without a key (leave " + Type.KMS_KEY.key()
          + " unset; Java: EnableEbsEncryptionByDefault.create())";
      throw new RemediationException("Cannot read the EBS default KMS key in " + context.region()
          + " (GetEbsDefaultKmsKeyId failed with " + AwsErrors.describe(e) + "), so cannot tell "
          + "whether it must change to " + kmsKey().orElse(null) + ". "
          + (AwsErrors.is(e, "AccessDenied", "AccessDeniedException", "UnauthorizedOperation")
              ? "Grant ec2:GetEbsDefaultKmsKeyId, or " + withoutKey
              : "Try again later, or " + withoutKey) + ".", e);
    }
  }

  // ----------------------------------------------------------------------------------- decide

  /**
   * The plan, with no AWS call: set the default key first when it differs from the wanted one,
   * then enable encryption by default unless the answer was "enabled" (a missing answer is never
   * read as enabled, and nothing is ever disabled).
   *
   * @param o what was observed
   * @param plan a plan builder with remediation, target (the Region) and observation time set
   * @return the plan
   */
  Plan decide(Observation o, Plan.Builder plan) {
    String region = o.region();
    String currentKey = o.currentKey();
    String wantedArn = o.wantedArn();
    Boolean enabled = o.enabled();
    boolean isEnabled = Boolean.TRUE.equals(enabled);
    plan.addAllControls(CONTROLS);
    boolean keyDiffers = wantedArn != null && !wantedArn.equals(currentKey);
    if (keyDiffers) {
      plan.addSteps(Step.builder()
          .kind(KIND_KEY)
          .action(Action.CHANGE)
          .resource(region)
          .summary("set the region's default EBS encryption key")
          .before(String.valueOf(currentKey))
          .after(wantedArn)
          .putParameters("kmsKeyArn", wantedArn)
          .build());
      plan.addIamActions("ec2:ModifyEbsDefaultKmsKeyId", "ec2:GetEbsDefaultKmsKeyId",
          "kms:DescribeKey");
    }
    if (!isEnabled) {
      plan.addSteps(Step.builder()
          .kind(KIND_ENABLE)
          .action(Action.CHANGE)
          .resource(region)
          .summary("encrypt every new EBS volume in " + region + " by default")
          .before(enabled == null ? "unknown" : "disabled")
          .after("enabled")
          .build());
      plan.addIamActions("ec2:EnableEbsEncryptionByDefault", "ec2:GetEbsEncryptionByDefault");
      plan.addWarnings("Existing unencrypted volumes stay unencrypted: encrypt them with "
          + EncryptVolume.ID + ".");
      plan.addWarnings("Instance types without EBS encryption support can no longer be launched "
          + "with EBS volumes in " + region + ".");
    }
    return plan.build();
  }

  // ------------------------------------------------------------------------------------ steps

  @Override
  public void execute(Step step, RemediationContext context) {
    Ec2Client ec2 = ec2(context);
    switch (step.kind()) {
      case KIND_KEY -> {
        String wanted = step.parameter("kmsKeyArn");
        String now = ec2.modifyEbsDefaultKmsKeyId(r -> r.kmsKeyId(wanted)).kmsKeyId();
        if (now != null && !now.equals(wanted)) {
          throw new RemediationException("ModifyEbsDefaultKmsKeyId in " + context.region()
              + " answered key " + now + ", not " + wanted);
        }
      }
      case KIND_ENABLE -> {
        ec2.enableEbsEncryptionByDefault(r -> {});
        verifyEnabled(ec2, context);
      }
      default -> throw new InvalidRemediationException(ID + " cannot execute step " + step.kind());
    }
  }

  private static void verifyEnabled(Ec2Client ec2, RemediationContext context) {
    for (int attempt = 1; attempt <= VERIFY_ATTEMPTS; attempt++) {
      if (Boolean.TRUE.equals(ec2.getEbsEncryptionByDefault(r -> {}).ebsEncryptionByDefault())) {
        return;
      }
      LOG.debug("EBS encryption by default not yet reported enabled in {} (attempt {})",
          context.region(), attempt);
      if (attempt < VERIFY_ATTEMPTS) {
        sleep(context.scope().waiterPollInterval().toMillis());
      }
    }
    throw new RemediationException("EnableEbsEncryptionByDefault succeeded in " + context.region()
        + " but GetEbsEncryptionByDefault still reports it disabled after " + VERIFY_ATTEMPTS
        + " reads");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RemediationException("Interrupted while verifying EBS encryption by default", e);
    }
  }

  private static Ec2Client ec2(RemediationContext context) {
    return context.scope().client(Ec2Client.class, Ec2Client::builder);
  }

  /** The catalog entry for {@link EnableEbsEncryptionByDefault}. */
  public static final class Type extends AbstractRemediationType {
    /** The default KMS key to set (shared with ec2.encrypt-volumes). */
    static final Setting KMS_KEY = Setting.text("encryption.kmsKey", "KMS key for EBS "
        + "encryption: key id, key ARN, alias/NAME or alias ARN; absent: the Region's default "
        + "key is kept (aws/ebs unless changed)");

    /** Creates the type (service loader). */
    public Type() {
      super(ID, "Turn on EBS encryption by default in a region, optionally with a chosen default "
          + "KMS key",
          CONTROLS, IAM_ACTIONS, EnumSet.noneOf(Flag.class));
      specTable(SPEC);
    }

    /**
     * The region-wide form: always available; setting {@code encryption.kmsKey} chooses the
     * default key.
     *
     * @param settings scan settings
     * @return the remediation
     */
    @Override
    public Optional<Remediation> forRegion(Map<String, String> settings) {
      return Optional.of(KMS_KEY.<Remediation>valueIn(settings,
          EnableEbsEncryptionByDefault::withDefaultKey).orElseGet(EnableEbsEncryptionByDefault::create));
    }

    @Override
    public List<Setting> settings() {
      return List.of(KMS_KEY);
    }
  }
}
