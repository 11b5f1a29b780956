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
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.plan.Step;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.immutables.value.Value;

/**
 * The undo of {@link QuarantineUser}: deletes the inline policy
 * {@value QuarantineUser#POLICY_NAME} (only when it is the quarantine's deny-all; another policy
 * of that name is refused) and reactivates exactly the keys the user's
 * {@value QuarantineUser#KEYS_TAG} tag lists, then removes the record tags. The console password is
 * never touched. A user that is not quarantined plans nothing.
 *
 * <pre>{@code
 * remediator.planAndApply(List.of(ReleaseUser.of("alice")));
 * }</pre>
 *
 * <p><b>Observe</b>: {@code ListUserTags}, {@code ListAccessKeys}, {@code GetUserPolicy}.
 * <b>Decide</b> ({@link QuarantineDecision#release}, no AWS call). <b>Steps</b>:
 * {@code DeleteUserPolicy}, {@code UpdateAccessKey} (status {@code Active}) per listed key,
 * {@code UntagUser}.
 */
@Value.Immutable
public abstract class ReleaseUser extends AbstractRemediation<ReleaseUser> {
  /** The catalog id. */
  public static final String ID = "iam.release-user";
  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.of("iam:ListUserTags", "iam:ListAccessKeys",
      "iam:GetUserPolicy", "iam:DeleteUserPolicy", "iam:UpdateAccessKey", "iam:UntagUser");

  private static final SpecTable<ReleaseUser, ReleaseUser> SPEC =
      IamSupport.userNameSpec(ID, ReleaseUser::userName, ReleaseUser::of);

  ReleaseUser() {}

  /** @return the IAM user name */
  abstract String userName();

  /**
   * Checks the value: a well-formed user name.
   *
   * @throws InvalidRemediationException naming the bad value
   */
  @Value.Check
  final void check() {
    AwsNames.userName(userName());
  }

  /**
   * Releases a quarantined user.
   *
   * @param userName the IAM user name
   * @return the remediation
   * @throws InvalidRemediationException when the name is not an IAM user name, naming it
   */
  public static ReleaseUser of(String userName) {
    return ImmutableReleaseUser.builder().userName(userName).build();
  }

  @Override
  protected SpecTable<ReleaseUser, ?> specTable() {
    return SPEC;
  }

  /** @throws RemediationException when the user is not found or a same-named policy is not ours */
  @Override
  public Plan plan(RemediationContext context) {
    QuarantineDecision.Outcome outcome = QuarantineDecision.release(
        QuarantineUser.observe(IamSupport.iam(context), userName(), false));
    Plan.Builder plan = context.newPlan(this, "AWS::IAM::User", userName())
        .addIamActions("iam:ListUserTags", "iam:ListAccessKeys", "iam:GetUserPolicy");
    outcome.steps().forEach(s -> plan.addIamActions("iam:" + s.kind()));
    return plan.addAllSteps(outcome.steps()).addAllSkipped(outcome.skipped()).build();
  }

  @Override
  public void execute(Step step, RemediationContext context) {
    IamSteps.execute(step, context);
  }

  /** The catalog entry of {@link ReleaseUser}. */
  public static final class Type extends AbstractRemediationType {
    /** Creates the type (service loader). */
    public Type() {
      super(ID, "Undo " + QuarantineUser.ID + ": delete its deny-all policy, reactivate exactly "
          + "the keys it recorded (the password is never touched)", List.of(), IAM_ACTIONS,
          EnumSet.noneOf(Flag.class));
      specTable(SPEC);
    }

    /** An IAM user name. */
    @Override
    public Optional<Remediation> forTarget(String resourceId, Map<String, String> settings) {
      return IamTargets.userName(resourceId).map(ReleaseUser::of);
    }

    /** Every IAM action of this type acts on a user or role chosen at run time: all responder. */
    @Override
    public Set<String> responderActions() {
      return IamSupport.responderActions(IAM_ACTIONS);
    }
  }
}
