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
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.immutables.value.Value;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Revokes a role's active sessions, as the IAM console's "Revoke active sessions" does: the inline
 * role policy {@value #POLICY_NAME} denies every action to sessions whose
 * {@code aws:TokenIssueTime} is before the time of apply. Sessions issued after keep working;
 * applying again later moves the time forward. The role is chosen by name, or as the role of an
 * EC2 instance's profile (credentials stolen from an instance).
 *
 * <pre>{@code
 * Remediation byName = RevokeRoleSessions.forRole("app-role").build();
 * Remediation ofInstance = RevokeRoleSessions.forInstance("i-0abc1234def567890").build();
 * remediator.planAndApply(List.of(ofInstance)); // needs consent to Flag.DISRUPTIVE
 * }</pre>
 *
 * <p><b>Observe</b> ({@link RoleObserver}): {@code ec2:DescribeInstances} and
 * {@code iam:GetInstanceProfile} for an instance; {@code iam:GetRole},
 * {@code iam:GetRolePolicy}. <b>Decide</b> ({@link RevokeDecision}, no AWS call; read it for how
 * the time is kept out of staleness): refused for a service-linked role; nothing when a
 * revocation was written less than {@link Builder#recentMinutes(int) recentMinutes} (default
 * {@value #DEFAULT_RECENT_MINUTES}) ago; else one {@code PutRolePolicy} step, flagged
 * {@link Flag#DISRUPTIVE} (needs approval: every running workload of the role loses its current
 * credentials and must obtain new ones). <b>Steps</b> ({@link IamSteps}): {@code PutRolePolicy}
 * with the time of apply.
 */
@Value.Immutable
public abstract class RevokeRoleSessions extends AbstractRemediation<RevokeRoleSessions> {
  /** The catalog id. */
  public static final String ID = "iam.revoke-role-sessions";
  /** The inline role policy's name, as the IAM console names it. */
  public static final String POLICY_NAME = "AWSRevokeOlderSessions";
  /** Default of {@link Builder#recentMinutes(int)}. */
  public static final int DEFAULT_RECENT_MINUTES = 15;
  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.of("iam:GetRole", "iam:GetRolePolicy",
      "iam:PutRolePolicy", "iam:GetInstanceProfile", "ec2:DescribeInstances");

  private static final SpecTable<RevokeRoleSessions, Builder> SPEC =
      SpecTable.<RevokeRoleSessions, Builder>of(ID)
          .start("roleName", SpecKind.aws(AwsNames::roleName), RevokeRoleSessions::roleName,
              RevokeRoleSessions::forRole)
          .start("instanceId", SpecKind.aws(AwsNames::instanceId),
              RevokeRoleSessions::instanceId, RevokeRoleSessions::forInstance)
          .withDefault("recentMinutes", SpecKind.integer(), DEFAULT_RECENT_MINUTES,
              RevokeRoleSessions::recentMinutes, Builder::recentMinutes)
          .build(Builder::build);

  RevokeRoleSessions() {}

  /** @return the role chosen by name, or null when chosen by instance */
  abstract @Nullable String roleName();

  /** @return the instance whose profile's role is chosen, or null when chosen by name */
  abstract @Nullable String instanceId();

  /** @return how many minutes a revocation counts as done */
  @Value.Default
  int recentMinutes() {
    return DEFAULT_RECENT_MINUTES;
  }

  /**
   * Every check of the values, in one place: exactly one of a role and an instance, well-formed,
   * and {@code recentMinutes} from 1 to 1440.
   *
   * @throws InvalidRemediationException naming the bad value
   */
  @Value.Check
  final void check() {
    IamSupport.requireOne("a role", roleName(), AwsNames::roleName, "an instance", instanceId(),
        AwsNames::instanceId);
    int minutes = recentMinutes();
    if (minutes < 1 || minutes > 1440) {
      throw new InvalidRemediationException("recentMinutes " + minutes + " is not from 1 to 1440");
    }
  }

  /**
   * Revokes the sessions of a role chosen by name.
   *
   * @param roleName the IAM role name
   * @return a builder
   */
  public static Builder forRole(String roleName) {
    return new Builder().roleName(roleName);
  }

  /**
   * Revokes the sessions of the role of an instance's profile.
   *
   * @param instanceId e.g. {@code i-0abc1234def567890}
   * @return a builder
   */
  public static Builder forInstance(String instanceId) {
    return new Builder().instanceId(instanceId);
  }

  @Override
  protected SpecTable<RevokeRoleSessions, ?> specTable() {
    return SPEC;
  }

  /**
   * @throws RemediationException when the role or instance is not found, or the role is
   *     service-linked
   */
  @Override
  public Plan plan(RemediationContext context) {
    String roleName = roleName();
    String instanceId = instanceId();
    RoleObserver.Observation o = roleName != null
        ? RoleObserver.ofRole(IamSupport.iam(context), roleName)
        : RoleObserver.ofInstance(context.scope().client(Ec2Client.class, Ec2Client::builder),
            IamSupport.iam(context), java.util.Objects.requireNonNull(instanceId));
    Plan.Builder plan = roleName != null ? context.newPlan(this, "AWS::IAM::Role", roleName)
        : context.newPlan(this, "AWS::EC2::Instance", instanceId);
    plan.addIamActions("iam:GetRole", "iam:GetRolePolicy");
    if (instanceId != null) {
      plan.addIamActions("ec2:DescribeInstances", "iam:GetInstanceProfile");
    }
    RevokeDecision.Outcome outcome = new RevokeDecision(context.clock().instant(),
        Duration.ofMinutes(recentMinutes())).decide(o, context::isOptedOut, context.optOutReason());
    outcome.steps().forEach(s -> plan.addIamActions("iam:" + s.kind()));
    return plan.addAllSteps(outcome.steps()).addAllWarnings(outcome.warnings())
        .addAllSkipped(outcome.skipped()).build();
  }

  @Override
  public void execute(Step step, RemediationContext context) {
    IamSteps.execute(step, context);
  }

  /** Builds {@link RevokeRoleSessions}; {@link #build()} validates every value. */
  @SuppressWarnings("immutables:incompat") // not an extension of the generated builder: it wraps one
  public static final class Builder {
    private final ImmutableRevokeRoleSessions.Builder values =
        ImmutableRevokeRoleSessions.builder();

    private Builder() {}

    private Builder roleName(String roleName) {
      values.roleName(roleName);
      return this;
    }

    private Builder instanceId(String instanceId) {
      values.instanceId(instanceId);
      return this;
    }

    /**
     * How old a revocation may be and still count as done (default
     * {@value RevokeRoleSessions#DEFAULT_RECENT_MINUTES}): a plan made within this time after an
     * apply is empty; later, it revokes again, moving the time forward.
     *
     * @param minutes 1 to 1440
     * @return this builder
     */
    public Builder recentMinutes(int minutes) {
      values.recentMinutes(minutes);
      return this;
    }

    /**
     * @return the remediation
     * @throws InvalidRemediationException naming the bad value
     */
    public RevokeRoleSessions build() {
      return values.build();
    }
  }

  /** The catalog entry of {@link RevokeRoleSessions}; its plans need consent to DISRUPTIVE. */
  public static final class Type extends AbstractRemediationType {
    static final Setting RECENT_MINUTES = Setting.integer("revokeSessions.recentMinutes",
        "How many minutes a revocation of a role's sessions counts as done: planning later revokes "
        + "again, moving the time forward", String.valueOf(DEFAULT_RECENT_MINUTES));

    /** Creates the type (service loader). */
    public Type() {
      super(ID, "Revoke a role's active sessions (deny sessions issued before the time of apply: "
          + POLICY_NAME + "), by role name or an instance's profile role", List.of(),
          IAM_ACTIONS, EnumSet.of(Flag.DISRUPTIVE));
      specTable(SPEC);
    }

    @Override
    public List<Setting> settings() {
      return List.of(RECENT_MINUTES);
    }

    /**
     * An instance id ({@code i-...}): the role of its profile; an IAM role name: that role; with
     * the setting {@code revokeSessions.recentMinutes}.
     */
    @Override
    public Optional<Remediation> forTarget(String resourceId, Map<String, String> settings) {
      Builder b;
      if (resourceId.matches("i-[0-9a-f]+")) {
        b = forInstance(resourceId);
      } else {
        Optional<String> role = IamTargets.userName(resourceId);
        if (role.isEmpty()) {
          return Optional.empty();
        }
        b = forRole(role.get());
      }
      RECENT_MINUTES.valueIn(settings, Integer::parseInt).ifPresent(b::recentMinutes);
      return Optional.of(b.build());
    }

    /** Every IAM action of this type acts on a user or role chosen at run time: all responder. */
    @Override
    public Set<String> responderActions() {
      return IamSupport.responderActions(IAM_ACTIONS);
    }
  }
}
