package dev.remediate.cloudtrail;

import dev.remediate.core.aws.AwsErrors;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Step;
import dev.remediate.core.policy.PolicyDocuments;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.policybuilder.iam.IamEffect;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamPrincipalType;
import software.amazon.awssdk.policybuilder.iam.IamStatement;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.model.Trail;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.Tag;

/**
 * The KMS key of a trail (FSBP CloudTrail.2): a given key whose policy gets the statements
 * CloudTrail needs, or a key created for the trail (alias {@code alias/remediate-cloudtrail-<trail>},
 * so an interrupted apply adopts it, rotation on). Observe, decide (no AWS call) and steps.
 */
final class TrailKey {
  static final String CREATE_KEY_STEP = "CreateKey";
  static final String ENABLE_KEY_ROTATION = "EnableKeyRotation";
  static final String PUT_KEY_POLICY = "PutKeyPolicy";
  private static final String KEY_ADMIN_SID = "EnableAccountAdministration";

  private TrailKey() {}

  /** Which case of the key was found. */
  enum Mode {
    /** No key wanted. */
    NONE,
    /** A given key of another account: its policy is not ours to read or change. */
    FOREIGN,
    /** A given key of this account, its policy read. */
    GIVEN,
    /** A created key is wanted, but the trail already has a key: kept. */
    TRAIL_HAS_KEY,
    /** A created key is wanted and its alias does not exist yet. */
    ALIAS_MISSING,
    /** A created key is wanted and its alias exists (an earlier apply made it). */
    ALIAS_EXISTS
  }

  /**
   * What was read of the key.
   *
   * @param mode the case
   * @param arn the key's ARN (the trail's key for {@link Mode#TRAIL_HAS_KEY}), or null
   * @param keyId the key id of an existing created key, or null
   * @param rotation whether rotation is on (existing created key)
   * @param policy the key policy, when read
   */
  record Observed(Mode mode, @Nullable String arn, @Nullable String keyId, boolean rotation,
      @Nullable String policy) {
    static final Observed NONE = new Observed(Mode.NONE, null, null, false, null);
  }

  // ---------------------------------------------------------------- observe

  /**
   * Resolves a given key to its ARN with {@code DescribeKey}, refusing a missing or disabled key.
   *
   * @return the ARN, or null when no key was given
   */
  static @Nullable String resolveGiven(EnsureTrail wanted, RemediationContext context) {
    String given = wanted.kmsKey();
    if (given == null || EnsureTrail.CREATE_KEY.equals(given)) {
      return null;
    }
    KeyMetadata key;
    try {
      key = kms(context).describeKey(r -> r.keyId(given)).keyMetadata();
    } catch (RuntimeException e) {
      if (AwsErrors.is(e, "NotFoundException")) {
        throw new RemediationException("KMS key '" + given + "' does not exist in "
            + context.region() + " (a trail's key must be in the trail's home Region)", e);
      }
      throw e;
    }
    requireEnabled(given, key.keyState(), key.keyStateAsString());
    return key.arn();
  }

  /** Refuses a key CloudTrail cannot encrypt with. */
  static void requireEnabled(String key, @Nullable KeyState state, String stateText) {
    if (state != KeyState.ENABLED) {
      throw new RemediationException("KMS key '" + key + "' is " + stateText
          + ", not Enabled: CloudTrail cannot encrypt with it");
    }
  }

  /** Reads what deciding the key needs: the given key's policy, or the created key's state. */
  static Observed observe(EnsureTrail wanted, @Nullable String givenArn, @Nullable Trail managed,
      RemediationContext context) {
    if (wanted.kmsKey() == null) {
      return Observed.NONE;
    }
    KmsClient kms = kms(context);
    if (givenArn != null) {
      if (!givenArn.contains(":" + context.account() + ":")) {
        return new Observed(Mode.FOREIGN, givenArn, null, false, null);
      }
      return new Observed(Mode.GIVEN, givenArn, null, false, policy(kms, givenArn));
    }
    if (managed != null && managed.kmsKeyId() != null) {
      return new Observed(Mode.TRAIL_HAS_KEY, managed.kmsKeyId(), null, false, null);
    }
    KeyMetadata existing;
    try {
      existing = kms.describeKey(r -> r.keyId(wanted.keyAlias())).keyMetadata();
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "NotFoundException")) {
        throw e;
      }
      return new Observed(Mode.ALIAS_MISSING, null, null, false, null);
    }
    String keyId = existing.keyId();
    boolean rotation = Boolean.TRUE.equals(
        kms.getKeyRotationStatus(r -> r.keyId(keyId)).keyRotationEnabled());
    return new Observed(Mode.ALIAS_EXISTS, existing.arn(), keyId, rotation,
        policy(kms, existing.arn()));
  }

  private static @Nullable String policy(KmsClient kms, String keyArn) {
    return kms.getKeyPolicy(r -> r.keyId(keyArn).policyName("default")).policy();
  }

  // ---------------------------------------------------------------- decide

  /**
   * Plans the key steps.
   *
   * @return what the trail's {@code KmsKeyId} should be, or null without SSE-KMS
   */
  static @Nullable String plan(EnsureTrail wanted, Observed key, String trailArn,
      TrailObservation o, Plan.Builder plan) {
    List<IamStatement> statements = statements(wanted.trailName(), trailArn, o.account());
    switch (key.mode()) {
      case NONE -> {
        return null;
      }
      case FOREIGN -> plan.addWarnings("KMS key " + key.arn() + " belongs to another account: its "
          + "key policy must let cloudtrail.amazonaws.com use it for " + trailArn
          + "; not checked here");
      case GIVEN -> planPolicy(key.arn(), key.policy(), statements, plan);
      case TRAIL_HAS_KEY -> { }
      case ALIAS_MISSING -> {
        plan.addSteps(createKey(wanted, statements, o));
        return wanted.keyAlias();
      }
      case ALIAS_EXISTS -> {
        if (!key.rotation()) {
          plan.addSteps(Step.builder().kind(ENABLE_KEY_ROTATION).action(Action.CHANGE)
              .resource(key.arn()).summary("turn on yearly rotation of KMS key "
                  + wanted.keyAlias())
              .before("rotation off").after("rotation on").putParameters("keyId", key.keyId())
              .build());
        }
        planPolicy(key.arn(), key.policy(), statements, plan);
      }
      default -> throw new IllegalStateException(key.mode().toString());
    }
    return key.arn();
  }

  private static Step createKey(EnsureTrail wanted, List<IamStatement> statements,
      TrailObservation o) {
    List<IamStatement> all = new ArrayList<>();
    all.add(IamStatement.builder().sid(KEY_ADMIN_SID).effect(IamEffect.ALLOW)
        .addPrincipal(IamPrincipalType.AWS, "arn:aws:iam::" + o.account() + ":root")
        .addAction("kms:*").addResource("*").build());
    all.addAll(statements);
    String policy = IamPolicy.builder().version(PolicyDocuments.VERSION).statements(all).build()
        .toJson();
    String alias = wanted.keyAlias();
    return Step.builder().kind(CREATE_KEY_STEP).action(Action.ADD)
        .resource("arn:aws:kms:" + o.region() + ":" + o.account() + ":" + alias)
        .summary("create KMS key " + alias + " for trail " + wanted.trailName()
            + " with the key policy CloudTrail needs and yearly rotation")
        .after(policy).putParameters("alias", alias).putParameters("policy", policy)
        .putParameters("description", "CloudTrail log encryption for trail "
            + wanted.trailName() + " (created by remediate)")
        .build();
  }

  private static void planPolicy(@Nullable String keyArn, @Nullable String policy,
      List<IamStatement> statements, Plan.Builder plan) {
    String merged = PolicyDocuments.merge(policy, statements).orElse(null);
    if (merged == null || keyArn == null) {
      return;
    }
    var step = Step.builder().kind(PUT_KEY_POLICY).action(Action.CHANGE).resource(keyArn)
        .summary("merge statements " + Policies.describe(statements) + " into the policy of KMS "
            + "key " + keyArn + " (other statements kept)")
        .after(merged).putParameters("keyId", keyArn).putParameters("policy", merged);
    if (policy != null) {
      step.before(policy);
    }
    plan.addSteps(step.build());
  }

  /** The statements CloudTrail needs in the key policy, restricted to this trail. */
  static List<IamStatement> statements(String trailName, String trailArn, String account) {
    String sid = Names.sidSuffix(trailName);
    return List.of(
        Policies.allowService("RemediateCloudTrailEncrypt" + sid, "cloudtrail.amazonaws.com",
            List.of("kms:GenerateDataKey*"), List.of("*"),
            Policies.conditions(Policies.condition("StringEquals", "aws:SourceArn", trailArn),
                Policies.condition("StringLike", "kms:EncryptionContext:aws:cloudtrail:arn",
                    "arn:aws:cloudtrail:*:" + account + ":trail/*"))),
        Policies.allowService("RemediateCloudTrailDescribeKey" + sid, "cloudtrail.amazonaws.com",
            List.of("kms:DescribeKey"), List.of("*"),
            Policies.conditions(Policies.condition("StringEquals", "aws:SourceArn", trailArn))));
  }

  // ---------------------------------------------------------------- steps

  /**
   * Carries out a key step.
   *
   * @return false when the step is not a key step
   */
  static boolean execute(Step step, RemediationContext context) {
    switch (step.kind()) {
      case CREATE_KEY_STEP -> create(context, step);
      case ENABLE_KEY_ROTATION ->
          kms(context).enableKeyRotation(r -> r.keyId(step.parameter("keyId")));
      case PUT_KEY_POLICY -> kms(context).putKeyPolicy(r -> r.keyId(step.parameter("keyId"))
          .policyName("default").policy(step.parameter("policy")));
      default -> {
        return false;
      }
    }
    return true;
  }

  private static void create(RemediationContext context, Step step) {
    KmsClient kms = kms(context);
    String alias = step.parameter("alias");
    String keyId;
    try {
      // An earlier, interrupted apply may have created the key already: adopt it by alias.
      keyId = kms.describeKey(r -> r.keyId(alias)).keyMetadata().keyId();
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "NotFoundException")) {
        throw e;
      }
      keyId = kms.createKey(r -> r.policy(step.parameter("policy"))
          .description(step.parameter("description"))
          .tags(Tag.builder().tagKey("remediate:purpose").tagValue("cloudtrail").build()))
          .keyMetadata().keyId();
      String created = keyId;
      try {
        kms.createAlias(r -> r.aliasName(alias).targetKeyId(created));
      } catch (RuntimeException ae) {
        if (!AwsErrors.is(ae, "AlreadyExistsException")) {
          throw ae;
        }
      }
    }
    String id = keyId;
    kms.enableKeyRotation(r -> r.keyId(id));
  }

  private static KmsClient kms(RemediationContext context) {
    return context.scope().inRegion(Region.of(context.region()))
        .client(KmsClient.class, KmsClient::builder);
  }
}
