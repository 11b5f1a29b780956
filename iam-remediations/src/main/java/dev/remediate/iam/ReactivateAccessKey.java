package dev.remediate.iam;

import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.aws.AwsNames;
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
 * The undo of {@link DeactivateAccessKey}: reactivates exactly the keys the user's
 * {@value DeactivateAccessKey#KEYS_TAG} tag lists, then removes that tag and
 * {@value DeactivateAccessKey#AT_TAG}. A key that was inactive before the deactivation is not
 * listed, so it stays inactive; a listed key deleted since is skipped, said so. A user without the
 * tag plans nothing.
 *
 * <pre>{@code
 * remediator.planAndApply(List.of(ReactivateAccessKey.forUser("alice")));
 * }</pre>
 *
 * <p><b>Observe</b> ({@link UserObserver}): {@code ListUserTags}, {@code ListAccessKeys}.
 * <b>Decide</b> ({@link KeyDecision#reactivate}, no AWS call). <b>Steps</b>:
 * {@code UpdateAccessKey} (status {@code Active}) per listed inactive key, {@code UntagUser}.
 */
@Value.Immutable
public abstract class ReactivateAccessKey extends AbstractRemediation<ReactivateAccessKey> {
  /** The catalog id. */
  public static final String ID = "iam.reactivate-access-key";
  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.of("iam:ListAccessKeys",
      "iam:ListUserTags", "iam:UpdateAccessKey", "iam:UntagUser");

  private static final SpecTable<ReactivateAccessKey, ReactivateAccessKey> SPEC =
      IamSupport.userNameSpec(ID, ReactivateAccessKey::userName, ReactivateAccessKey::forUser);

  ReactivateAccessKey() {}

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
   * Reactivates the keys {@link DeactivateAccessKey} deactivated on a user.
   *
   * @param userName the IAM user name
   * @return the remediation
   * @throws InvalidRemediationException when the name is not an IAM user name, naming it
   */
  public static ReactivateAccessKey forUser(String userName) {
    return ImmutableReactivateAccessKey.builder().userName(userName).build();
  }

  @Override
  protected SpecTable<ReactivateAccessKey, ?> specTable() {
    return SPEC;
  }

  /** @throws RemediationException when the user is not found */
  @Override
  public Plan plan(RemediationContext context) {
    UserObserver.UserFacts facts = UserObserver.observe(IamSupport.iam(context), userName(), false,
        Map.of());
    KeyDecision.Outcome outcome = DeactivateAccessKey.DECISION.reactivate(facts);
    Plan.Builder plan = context.newPlan(this, "AWS::IAM::User", userName())
        .addIamActions("iam:ListAccessKeys", "iam:ListUserTags")
        .addAllSteps(outcome.steps()).addAllSkipped(outcome.skipped());
    outcome.steps().forEach(s -> plan.addIamActions("iam:" + s.kind()));
    return plan.build();
  }

  @Override
  public void execute(Step step, RemediationContext context) {
    IamSteps.execute(step, context);
  }

  /** The catalog entry of {@link ReactivateAccessKey}. */
  public static final class Type extends AbstractRemediationType {
    /** Creates the type (service loader). */
    public Type() {
      super(ID, "Undo " + DeactivateAccessKey.ID + ": reactivate exactly the keys recorded on "
          + "the user", List.of(), IAM_ACTIONS, EnumSet.noneOf(dev.remediate.core.plan.Flag.class));
      specTable(SPEC);
    }

    /** An IAM user name: the keys recorded on that user. */
    @Override
    public Optional<Remediation> forTarget(String resourceId, Map<String, String> settings) {
      return IamTargets.userName(resourceId).map(ReactivateAccessKey::forUser);
    }

    /** Every IAM action of this type acts on a user or role chosen at run time: all responder. */
    @Override
    public Set<String> responderActions() {
      return IamSupport.responderActions(IAM_ACTIONS);
    }
  }
}
