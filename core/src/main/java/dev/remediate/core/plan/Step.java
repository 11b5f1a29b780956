package dev.remediate.core.plan;

import java.util.Optional;
import org.immutables.value.Value;

/**
 * One change in a plan: an operation ({@link #kind()}, e.g. {@code RevokeSecurityGroupRule}) on one
 * resource, with a one-line summary, the state before and after, flags that need consent, and the
 * parameters the remediation needs to carry it out.
 *
 * <pre>{@code
 * Step step = Step.builder()
 *     .kind("RevokeSecurityGroupIngress").action(Action.REMOVE).resource("sg-0123456789abcdef0")
 *     .summary("revoke 1 ingress rule(s) of the default security group")
 *     .putParameters("groupId", "sg-0123456789abcdef0")
 *     .build();
 * String groupId = step.parameter("groupId"); // in Remediation.execute(step, context)
 * }</pre>
 */
@Value.Immutable
public abstract class Step {
  /** @return the operation, named after the AWS API call it makes, e.g. {@code CreateFlowLogs} */
  public abstract String kind();

  /** @return what the step does to the resource */
  public abstract Action action();

  /** @return the resource the step changes, e.g. {@code sgr-0123} or {@code arn:aws:s3:::logs} */
  public abstract String resource();

  /** @return one line a person reads */
  public abstract String summary();

  /** @return the relevant state before the step, when there is one */
  public abstract Optional<String> before();

  /** @return the relevant state after the step */
  public abstract Optional<String> after();

  /** @return flags that need consent to apply this step */
  @Value.NaturalOrder
  public abstract java.util.SortedSet<Flag> flags();

  /** @return what the remediation needs to carry the step out, by name */
  @Value.NaturalOrder
  public abstract java.util.SortedMap<String, String> parameters();

  /**
   * Returns a parameter or fails naming it.
   *
   * @param name parameter name
   * @return its value
   */
  public String parameter(String name) {
    String value = parameters().get(name);
    if (value == null) {
      throw new dev.remediate.core.InvalidRemediationException(
          "Step " + kind() + " on " + resource() + " lacks parameter '" + name + "'");
    }
    return value;
  }

  /**
   * What a person reviewed of this step, as one canonical line: kind, action, resource, flags,
   * before, after and parameters (not the summary, which is prose). Apply runs a saved step only
   * while the step planned now has the same identity.
   *
   * @return the canonical line
   */
  public String identity() {
    return kind() + "|" + action() + "|" + resource() + "|" + flags() + "|" + before().orElse("")
        + "|" + after().orElse("") + "|" + parameters();
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Step}: kind, action, resource and summary are required. */
  public static final class Builder extends ImmutableStep.Builder {
    /** Creates an empty builder; prefer {@link Step#builder()}. */
    public Builder() {}
  }

  /**
   * Checks whether the step carries a flag.
   *
   * @param flag the flag
   * @return true when flagged
   */
  public boolean has(Flag flag) {
    return flags().contains(flag);
  }
}
