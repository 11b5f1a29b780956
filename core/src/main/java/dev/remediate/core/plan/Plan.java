package dev.remediate.core.plan;

import dev.remediate.core.internal.PlanJson;
import dev.remediate.core.internal.PlanText;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.immutables.value.Value;

/**
 * What a remediation would change, as data. A plan names its {@link #target()}, carries a
 * {@link #fingerprint()} of the state it was made from (apply refuses the plan when the state has
 * changed since), the ordered {@link #steps()}, warnings, resources deliberately skipped, the IAM
 * actions applying needs and the controls it satisfies. A plan with no steps means the target is
 * compliant.
 *
 * <p>Plans render as text a person reads like {@code terraform plan} ({@link #toText()}) and as
 * versioned JSON ({@link #toJson()}, {@link #fromJson(String)}), so a plan made in one process can be
 * reviewed and applied in another:
 *
 * <pre>{@code
 * Plan plan = remediator.plan(RestrictDefaultSecurityGroup.forVpc("vpc-0abc1234"));
 * Files.writeString(path, plan.toJson());
 * // later, elsewhere
 * remediator.apply(Plan.fromJson(Files.readString(path)));
 * }</pre>
 */
@Value.Immutable
public abstract class Plan {
  /**
   * The JSON format version this library writes. Readers accept {@code 2.x}; {@code 1.x} plans
   * (whole regions, one fingerprint, other step shapes) are refused with "plan again".
   */
  public static final String FORMAT_VERSION = "2.1";

  /** @return the remediation that made the plan, rebuildable from this spec */
  public abstract RemediationSpec remediation();

  /** @return what the plan is about */
  public abstract Target target();

  /**
   * A digest of what the plan was made from. Remediations may set it to a digest of the facts the
   * target's steps depend on (it seeds {@link dev.remediate.core.RemediationContext#operationId()}
   * and client tokens); by default it digests the target and the steps. Apply does not compare
   * fingerprints: it compares steps (see {@link dev.remediate.core.Remediator}).
   *
   * @return {@code sha256:} and 64 hex digits
   */
  @Value.Default
  public String fingerprint() {
    StringBuilder canonical = new StringBuilder(target().toString()).append('\n');
    steps().forEach(step -> canonical.append(step.identity()).append('\n'));
    return dev.remediate.core.internal.Fingerprints.of(canonical.toString());
  }

  /** @return when the state was observed */
  public abstract Instant observedAt();

  /** @return the changes, in the order they will be made; empty when compliant */
  public abstract List<Step> steps();

  /** @return things the reviewer should know, e.g. network interfaces that will lose traffic */
  public abstract List<String> warnings();

  /** @return resources left alone on purpose, with the reason */
  public abstract List<Skip> skipped();

  /** @return the IAM actions applying this plan needs, e.g. {@code ec2:RevokeSecurityGroupIngress} */
  @Value.NaturalOrder
  public abstract java.util.SortedSet<String> iamActions();

  /** @return controls satisfied once applied, e.g. {@code FSBP EC2.2}, {@code CIS v3.0 5.4} */
  public abstract List<String> controls();

  /**
   * The plans this one needs applied first, by {@link #key()}: e.g. the CIS alarms of a log group
   * that the trail's plan creates. Apply runs prerequisites first and skips this plan when one of
   * them fails.
   *
   * @return keys of prerequisite plans of the same plan set
   */
  public abstract List<String> requires();

  /**
   * Resources this plan creates that other plans may build on, e.g.
   * {@code arn:aws:logs:us-east-1:111122223333:log-group:trail-logs}.
   *
   * @return resource names (ARNs where the resource has one)
   */
  public abstract List<String> provides();

  /**
   * Identifies the plan within a plan set: remediation id and target, e.g.
   * {@code ec2.default-security-group AWS::EC2::SecurityGroup sg-1 (111122223333, us-east-1)}.
   *
   * @return the key
   */
  public String key() {
    return remediation().id() + " " + target();
  }

  /** @return true when there is nothing to change */
  public boolean isEmpty() {
    return steps().isEmpty();
  }

  /** @return every flag carried by any step */
  public Set<Flag> flags() {
    Set<Flag> flags = EnumSet.noneOf(Flag.class);
    steps().forEach(step -> flags.addAll(step.flags()));
    return flags;
  }

  /** @return the plan as text a person reads, one line per step and a summary line */
  public String toText() {
    return PlanText.render(this);
  }

  /** @return the plan as JSON, in format {@value #FORMAT_VERSION} */
  public String toJson() {
    return PlanJson.write(this);
  }

  /**
   * Reads a plan written by {@link #toJson()}. Fields unknown to this version are ignored.
   *
   * @param json the JSON document
   * @return the plan
   * @throws dev.remediate.core.InvalidRemediationException when the document is not a plan, or is of
   *     an unsupported major format version
   */
  public static Plan fromJson(String json) {
    return PlanJson.read(json);
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a {@link Plan}: set the remediation, target, observation time and steps; everything else
   * is optional. {@link #from(Plan)} starts from an existing plan.
   */
  public static final class Builder extends ImmutablePlan.Builder {
    /** Creates an empty builder; prefer {@link Plan#builder()}. */
    public Builder() {}
  }
}
