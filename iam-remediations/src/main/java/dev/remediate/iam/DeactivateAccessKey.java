package dev.remediate.iam;

import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.aws.AwsNames;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.plan.Step;
import dev.remediate.iam.UserObserver.KeyOwner;
import dev.remediate.iam.UserObserver.UserFacts;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.immutables.value.Value;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * Deactivates a compromised access key, or every active key of a user: {@code UpdateAccessKey}
 * with status {@code Inactive}, never {@code DeleteAccessKey} (deleting cannot be undone). The
 * user is tagged {@value #KEYS_TAG} (the deactivated key ids, space-separated: IAM tag values allow
 * no comma) and {@value #AT_TAG} (the time of apply), so {@link ReactivateAccessKey} reactivates
 * exactly those keys.
 *
 * <pre>{@code
 * Remediation one = DeactivateAccessKey.forAccessKey("AKIAIOSFODNN7EXAMPLE");
 * Remediation all = DeactivateAccessKey.forUser("alice");
 * remediator.planAndApply(List.of(one)); // needs consent to Flag.DISRUPTIVE
 * }</pre>
 *
 * <p><b>Observe</b> ({@link UserObserver}): for a key, {@code GetAccessKeyLastUsed} (its owner and
 * last use); then the user's {@code ListUserTags} and {@code ListAccessKeys}, and
 * {@code GetAccessKeyLastUsed} of each other active key it will change. <b>Decide</b>
 * ({@link KeyDecision}, no AWS call): nothing when the keys are already inactive; else record, then
 * deactivate each active key. Each step's summary shows the key's last use (date, service,
 * region); its identity holds only the key and {@code Active -> Inactive}, so a key used again
 * between plan and apply is not a different step. <b>Steps</b> ({@link IamSteps}):
 * {@code TagUser}, {@code UpdateAccessKey} ({@link Flag#DISRUPTIVE}: whatever uses the key stops
 * working). A temporary key ({@code ASIA...}) cannot be deactivated: the plan is refused, pointing
 * to {@link RevokeRoleSessions}.
 */
@Value.Immutable
public abstract class DeactivateAccessKey extends AbstractRemediation<DeactivateAccessKey> {
  /** The catalog id. */
  public static final String ID = "iam.deactivate-access-key";
  /** User tag listing the keys this remediation deactivated. */
  public static final String KEYS_TAG = "remediate:deactivated-keys";
  /** User tag holding the time of the last deactivation. */
  public static final String AT_TAG = "remediate:deactivated-at";
  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.of("iam:GetAccessKeyLastUsed",
      "iam:ListAccessKeys", "iam:ListUserTags", "iam:UpdateAccessKey", "iam:TagUser");
  static final KeyDecision DECISION = new KeyDecision(KEYS_TAG, AT_TAG);

  private static final SpecTable<DeactivateAccessKey, DeactivateAccessKey> SPEC =
      SpecTable.<DeactivateAccessKey, DeactivateAccessKey>of(ID)
          .start("accessKeyId", SpecKind.aws(AwsNames::accessKeyId),
              DeactivateAccessKey::accessKeyId, DeactivateAccessKey::forAccessKey)
          .start("userName", SpecKind.aws(AwsNames::userName), DeactivateAccessKey::userName,
              DeactivateAccessKey::forUser)
          .build(r -> r);

  DeactivateAccessKey() {}

  /** @return the key to deactivate, or null when every active key of a user is */
  abstract @Nullable String accessKeyId();

  /** @return the user whose active keys to deactivate, or null when one key is named */
  abstract @Nullable String userName();

  /**
   * Every check of the values, in one place: exactly one of a key and a user, well-formed.
   *
   * @throws InvalidRemediationException naming the bad value
   */
  @Value.Check
  final void check() {
    IamSupport.requireOne("an access key", accessKeyId(), AwsNames::accessKeyId, "a user",
        userName(), AwsNames::userName);
  }

  /**
   * Deactivates one access key; its user is found with {@code GetAccessKeyLastUsed}.
   *
   * @param accessKeyId e.g. {@code AKIAIOSFODNN7EXAMPLE}
   * @return the remediation
   * @throws InvalidRemediationException when the id is not an access key id, naming it
   */
  public static DeactivateAccessKey forAccessKey(String accessKeyId) {
    return ImmutableDeactivateAccessKey.builder().accessKeyId(accessKeyId).build();
  }

  /**
   * Deactivates every active access key of a user.
   *
   * @param userName the IAM user name
   * @return the remediation
   * @throws InvalidRemediationException when the name is not an IAM user name, naming it
   */
  public static DeactivateAccessKey forUser(String userName) {
    return ImmutableDeactivateAccessKey.builder().userName(userName).build();
  }

  @Override
  protected SpecTable<DeactivateAccessKey, ?> specTable() {
    return SPEC;
  }

  /**
   * @throws RemediationException when the key or the user is not found, or the key is temporary
   */
  @Override
  public Plan plan(RemediationContext context) {
    IamClient iam = IamSupport.iam(context);
    String accessKeyId = accessKeyId();
    String user = userName();
    Map<String, UserObserver.LastUse> known = Map.of();
    if (accessKeyId != null) {
      if (accessKeyId.startsWith("ASIA")) {
        throw new RemediationException("Access key " + accessKeyId + " is temporary (ASIA...): it "
            + "belongs to a role session and cannot be deactivated; revoke the role's sessions "
            + "instead (" + RevokeRoleSessions.ID + ")");
      }
      KeyOwner owner = UserObserver.owner(iam, accessKeyId);
      user = owner.user();
      known = Map.of(accessKeyId, owner.lastUse());
    }
    UserFacts facts = UserObserver.observe(iam, java.util.Objects.requireNonNull(user), true,
        known);
    Plan.Builder plan = accessKeyId != null
        ? context.newPlan(this, "AWS::IAM::AccessKey", accessKeyId)
        : context.newPlan(this, "AWS::IAM::User", user);
    plan.addIamActions("iam:ListAccessKeys", "iam:ListUserTags", "iam:GetAccessKeyLastUsed");
    KeyDecision.Outcome outcome = DECISION.deactivate(facts, Optional.ofNullable(accessKeyId),
        "deactivated, never deleted: " + ReactivateAccessKey.ID + " reactivates it",
        context::isOptedOut, context.optOutReason());
    outcome.steps().forEach(s -> plan.addIamActions("iam:" + s.kind()));
    return plan.addAllSteps(outcome.steps()).addAllSkipped(outcome.skipped()).build();
  }

  @Override
  public void execute(Step step, RemediationContext context) {
    IamSteps.execute(step, context);
  }

  /** The catalog entry of {@link DeactivateAccessKey}. */
  public static final class Type extends AbstractRemediationType {
    /** Creates the type (service loader). */
    public Type() {
      super(ID, "Deactivate an access key, or every active key of a user (never deleted; "
          + "recorded on the user for " + ReactivateAccessKey.ID + ")", List.of(), IAM_ACTIONS,
          EnumSet.of(Flag.DISRUPTIVE));
      specTable(SPEC);
    }

    /**
     * An access key id ({@code AKIA...}/{@code ASIA...}): that key; an IAM user name: every active
     * key of that user; anything else (an ARN, a text with characters names do not have): empty.
     */
    @Override
    public Optional<Remediation> forTarget(String resourceId, Map<String, String> settings) {
      if (AwsNames.isAccessKeyId(resourceId)) {
        return Optional.of(forAccessKey(resourceId));
      }
      return IamTargets.userName(resourceId).map(DeactivateAccessKey::forUser);
    }

    /** Every IAM action of this type acts on a user or role chosen at run time: all responder. */
    @Override
    public Set<String> responderActions() {
      return IamSupport.responderActions(IAM_ACTIONS);
    }
  }
}
