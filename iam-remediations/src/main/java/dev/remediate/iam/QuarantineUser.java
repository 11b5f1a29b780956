package dev.remediate.iam;

import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Setting;
import dev.remediate.core.aws.AwsNames;
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
import software.amazon.awssdk.services.iam.IamClient;

/**
 * Quarantines an IAM user: an inline deny-all policy ({@value #POLICY_NAME}: Deny {@code *} on
 * {@code *}) and every active access key deactivated, recorded in the user's tags
 * ({@value #KEYS_TAG}, {@value #AT_TAG}) so that {@link ReleaseUser} undoes exactly that. The
 * console password is left in place (deleting it cannot be undone) unless
 * {@link Builder#deleteLoginProfile()} is asked, a step of its own flagged
 * {@link Flag#DESTRUCTIVE}.
 *
 * <pre>{@code
 * Remediation q = QuarantineUser.of("alice").build();
 * remediator.planAndApply(List.of(q)); // needs consent to Flag.DISRUPTIVE
 * }</pre>
 *
 * <p><b>Observe</b> ({@link UserObserver}): {@code ListUserTags}, {@code ListAccessKeys},
 * {@code GetAccessKeyLastUsed} of each active key, {@code GetUserPolicy} of {@value #POLICY_NAME},
 * {@code GetLoginProfile}. <b>Decide</b> ({@link QuarantineDecision}, no AWS call).
 * <b>Steps</b> ({@link IamSteps}): {@code TagUser}, {@code PutUserPolicy},
 * {@code UpdateAccessKey} per active key (these two {@link Flag#DISRUPTIVE}), and, when asked,
 * {@code DeleteLoginProfile} ({@link Flag#DESTRUCTIVE}).
 */
@Value.Immutable
public abstract class QuarantineUser extends AbstractRemediation<QuarantineUser> {
  /** The catalog id. */
  public static final String ID = "iam.quarantine-user";
  /** The inline deny-all user policy's name. */
  public static final String POLICY_NAME = "RemediateQuarantine";
  /** User tag listing the keys the quarantine deactivated (space-separated). */
  public static final String KEYS_TAG = "remediate:quarantined-keys";
  /** User tag holding the time of the quarantine. */
  public static final String AT_TAG = "remediate:quarantined-at";
  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.of("iam:ListUserTags", "iam:ListAccessKeys",
      "iam:GetAccessKeyLastUsed", "iam:GetUserPolicy", "iam:GetLoginProfile", "iam:TagUser",
      "iam:PutUserPolicy", "iam:UpdateAccessKey", "iam:DeleteLoginProfile");

  private static final SpecTable<QuarantineUser, Builder> SPEC =
      SpecTable.<QuarantineUser, Builder>of(ID)
          .start("userName", SpecKind.aws(AwsNames::userName), QuarantineUser::userName,
              QuarantineUser::of)
          .optional("deleteLoginProfile", SpecKind.bool(), false,
              QuarantineUser::deleteLoginProfile,
              (b, delete) -> {
                if (delete) {
                  b.deleteLoginProfile();
                }
              })
          .build(Builder::build);

  QuarantineUser() {}

  /** @return the IAM user name */
  abstract String userName();

  /** @return whether the console password is deleted too */
  @Value.Default
  boolean deleteLoginProfile() {
    return false;
  }

  /**
   * Checks the values: a well-formed user name.
   *
   * @throws InvalidRemediationException naming the bad value
   */
  @Value.Check
  final void check() {
    AwsNames.userName(userName());
  }

  /**
   * Quarantines a user.
   *
   * @param userName the IAM user name
   * @return a builder
   */
  public static Builder of(String userName) {
    return new Builder(userName);
  }

  @Override
  protected SpecTable<QuarantineUser, ?> specTable() {
    return SPEC;
  }

  /** @throws RemediationException when the user is not found or a same-named policy is not ours */
  @Override
  public Plan plan(RemediationContext context) {
    QuarantineDecision.Observation o = observe(IamSupport.iam(context), userName(), true);
    Plan.Builder plan = context.newPlan(this, "AWS::IAM::User", userName())
        .addIamActions("iam:ListUserTags", "iam:ListAccessKeys", "iam:GetAccessKeyLastUsed",
            "iam:GetUserPolicy", "iam:GetLoginProfile");
    QuarantineDecision.Outcome outcome = QuarantineDecision.quarantine(o, deleteLoginProfile(),
        context::isOptedOut, context.optOutReason());
    outcome.steps().forEach(s -> plan.addIamActions("iam:" + s.kind()));
    return plan.addAllSteps(outcome.steps()).addAllWarnings(outcome.warnings())
        .addAllSkipped(outcome.skipped()).build();
  }

  static QuarantineDecision.Observation observe(IamClient iam, String user, boolean forQuarantine) {
    UserObserver.UserFacts facts = UserObserver.observe(iam, user, forQuarantine, Map.of());
    return new QuarantineDecision.Observation(facts, UserObserver.userPolicy(iam, user,
        POLICY_NAME), forQuarantine && UserObserver.hasLoginProfile(iam, user));
  }

  @Override
  public void execute(Step step, RemediationContext context) {
    IamSteps.execute(step, context);
  }

  /** Builds {@link QuarantineUser}. */
  @SuppressWarnings("immutables:incompat") // not an extension of the generated builder: it wraps one
  public static final class Builder {
    private final ImmutableQuarantineUser.Builder values = ImmutableQuarantineUser.builder();

    private Builder(String userName) {
      values.userName(userName);
    }

    /**
     * Also deletes the user's console password: a step flagged {@link Flag#DESTRUCTIVE} (it
     * cannot be undone; {@link ReleaseUser} does not restore it).
     *
     * @return this builder
     */
    public Builder deleteLoginProfile() {
      values.deleteLoginProfile(true);
      return this;
    }

    /**
     * @return the remediation
     * @throws InvalidRemediationException naming the bad value
     */
    public QuarantineUser build() {
      return values.build();
    }
  }

  /** The catalog entry of {@link QuarantineUser}. */
  public static final class Type extends AbstractRemediationType {
    /** Whether to delete the console password too. */
    static final Setting DELETE_LOGIN_PROFILE = Setting.bool("quarantineUser.deleteLoginProfile",
        "Also delete the quarantined user's console password (cannot be undone; needs consent "
        + "to DESTRUCTIVE)", false);

    /** Creates the type (service loader). */
    public Type() {
      super(ID, "Quarantine a user: inline deny-all policy, active keys deactivated (recorded for "
          + ReleaseUser.ID + "), console password kept unless asked", List.of(), IAM_ACTIONS,
          EnumSet.of(Flag.DISRUPTIVE, Flag.DESTRUCTIVE));
      specTable(SPEC);
    }

    @Override
    public List<Setting> settings() {
      return List.of(DELETE_LOGIN_PROFILE);
    }

    /** An IAM user name, with the setting {@code quarantineUser.deleteLoginProfile}. */
    @Override
    public Optional<Remediation> forTarget(String resourceId, Map<String, String> settings) {
      Optional<String> user = IamTargets.userName(resourceId);
      if (user.isEmpty()) {
        return Optional.empty();
      }
      Builder b = of(user.get());
      if (DELETE_LOGIN_PROFILE.valueIn(settings, Boolean::parseBoolean).orElseThrow()) {
        b.deleteLoginProfile();
      }
      return Optional.of(b.build());
    }

    /** Every IAM action of this type acts on a user or role chosen at run time: all responder. */
    @Override
    public Set<String> responderActions() {
      return IamSupport.responderActions(IAM_ACTIONS);
    }
  }
}
