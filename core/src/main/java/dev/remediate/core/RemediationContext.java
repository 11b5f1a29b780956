package dev.remediate.core;

import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.internal.Fingerprints;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Step;
import dev.remediate.core.plan.Target;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Remediation} works with while planning and applying: the {@link AwsScope} (clients,
 * account, region), the {@link Guardrails}, the progress listener, and, during one apply, the plan
 * being applied and the outputs earlier steps left for later ones (e.g. a snapshot id).
 *
 * <p>Created by {@link Remediator}; remediations never create one.
 *
 * <pre>{@code
 * public Plan plan(RemediationContext context) {
 *   Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
 *   String state = describe(ec2, vpcId); // observe
 *   return context.newPlan(this, "AWS::EC2::VPC", vpcId)
 *       .fingerprint(context.fingerprint(state))
 *       .build();
 * }
 * }</pre>
 */
public final class RemediationContext {
  private final AwsScope scope;
  private final Guardrails guardrails;
  private final ApplyListener listener;
  private final Clock clock;
  private final @Nullable Plan plan;
  private final Map<String, String> promises;
  private final Map<String, String> outputs = new ConcurrentHashMap<>();
  private volatile @Nullable Step currentStep;

  RemediationContext(AwsScope scope, Guardrails guardrails, ApplyListener listener, Clock clock,
      @Nullable Plan plan, Map<String, String> promises) {
    this.scope = scope;
    this.guardrails = guardrails;
    this.listener = listener;
    this.clock = clock;
    this.plan = plan;
    this.promises = Map.copyOf(promises);
  }

  /** @return the AWS scope: clients, account, region */
  public AwsScope scope() {
    return scope;
  }

  /** @return the guardrails in force */
  public Guardrails guardrails() {
    return guardrails;
  }

  /** @return the account id (looked up once per scope) */
  public String account() {
    return scope.account();
  }

  /** @return the region id, e.g. {@code us-east-1} */
  public String region() {
    return scope.region().id();
  }

  /**
   * Tells whether a resource's tags opt it out of remediation.
   *
   * @param tags the resource's tags by key
   * @return true when the opt-out tag key is present
   */
  public boolean isOptedOut(Map<String, String> tags) {
    return tags.containsKey(guardrails.optOutTagKey());
  }

  /** @return the reason text used in a plan's skipped list for opted-out resources */
  public String optOutReason() {
    return "opt-out tag " + guardrails.optOutTagKey();
  }

  /**
   * Starts a plan for a target in this context's account and region, observed now.
   *
   * @param remediation the remediation planning
   * @param type resource type, e.g. {@code AWS::EC2::VPC}
   * @param id resource id
   * @return a plan builder with remediation, target and observation time set
   */
  public Plan.Builder newPlan(Remediation remediation, String type, String id) {
    return Plan.builder()
        .remediation(remediation.spec())
        .target(Target.of(type, id, region(), account()))
        .observedAt(clock.instant());
  }

  /**
   * Digests a canonical description of observed state for {@link Plan#fingerprint()}.
   *
   * @param canonicalState deterministic text of everything the decision depended on
   * @return the fingerprint
   */
  public String fingerprint(String canonicalState) {
    return Fingerprints.of(canonicalState);
  }

  /**
   * Tells whether a plan made earlier in the same {@link Remediator#planSet} will create a
   * resource, so that this remediation can plan against it instead of failing because it does not
   * exist yet. A plan that uses a promise adds the returned key to {@link Plan#requires()}.
   *
   * <pre>{@code
   * Optional<String> trailPlan = context.promised(logGroupArn);
   * trailPlan.ifPresent(plan::addRequires); // "after cloudtrail.trail creates the log group"
   * }</pre>
   *
   * @param resource the resource as the providing plan names it in {@link Plan#provides()}
   * @return the key of the plan that provides it, or empty
   */
  public java.util.Optional<String> promised(String resource) {
    return java.util.Optional.ofNullable(promises.get(resource));
  }

  /**
   * An idempotency token for one AWS call that carries out several steps together
   * ({@link Remediation#executeBatch}): the same steps give the same token, at most 64 characters.
   *
   * @param steps the steps of the call
   * @return the token
   */
  public String batchToken(java.util.List<Step> steps) {
    StringBuilder canonical = new StringBuilder();
    steps.stream().map(Step::identity).sorted().forEach(id -> canonical.append(id).append('\n'));
    return Fingerprints.of(canonical.toString()).substring("sha256:".length(),
        "sha256:".length() + 64);
  }

  /** @return the plan being applied; fails when called while planning */
  public Plan plan() {
    if (plan == null) {
      throw new IllegalStateException("No plan is being applied in this context");
    }
    return plan;
  }

  /**
   * A stable id for this apply, derived from the plan's fingerprint: the same plan applied twice
   * gets the same id, so tags and client tokens let a retried apply find its own work.
   *
   * @return 16 hex digits
   */
  public String operationId() {
    return plan().fingerprint().replace("sha256:", "").substring(0, 16);
  }

  /**
   * An idempotency token for an AWS call that accepts one ({@code ClientToken}), derived from the
   * plan and the step, at most 64 characters.
   *
   * @param step the step
   * @param discriminator distinguishes several calls within one step, e.g. a VPC id
   * @return the token
   */
  public String clientToken(Step step, String discriminator) {
    return Fingerprints.of(plan().fingerprint() + "|" + step.kind() + "|" + step.resource() + "|"
        + discriminator).substring("sha256:".length(), "sha256:".length() + 64);
  }

  /** @return values earlier steps of this apply left for later ones */
  public Map<String, String> outputs() {
    return outputs;
  }

  /**
   * Reports progress of the current step to the listener.
   *
   * @param message what is happening
   * @param percent 0 to 100, or -1 when unknown
   */
  public void progress(String message, int percent) {
    Step step = currentStep;
    if (step != null) {
      listener.onProgress(step, message, percent);
    }
  }

  /** @return the clock */
  public Clock clock() {
    return clock;
  }

  void currentStep(@Nullable Step step) {
    this.currentStep = step;
  }

  ApplyListener listener() {
    return listener;
  }

  @Override
  public String toString() {
    return "RemediationContext{" + scope + ", " + guardrails + "}";
  }

  static RemediationContext forPlanning(AwsScope scope, Guardrails guardrails, Clock clock) {
    return forPlanning(scope, guardrails, clock, Map.of());
  }

  static RemediationContext forPlanning(AwsScope scope, Guardrails guardrails, Clock clock,
      Map<String, String> promises) {
    return new RemediationContext(scope, guardrails, ApplyListener.NONE, clock, null, promises);
  }

  static RemediationContext forApplying(AwsScope scope, Guardrails guardrails,
      ApplyListener listener, Clock clock, @Nullable Plan plan) {
    return new RemediationContext(scope, guardrails, Objects.requireNonNull(listener), clock, plan,
        Map.of());
  }
}
