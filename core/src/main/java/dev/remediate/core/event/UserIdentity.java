package dev.remediate.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * Who made the call ({@code userIdentity}). Every field is optional: AWS service events may carry
 * an identity without {@code type}, and Insights events carry none (then every field is empty).
 *
 * <pre>{@code
 * UserIdentity who = event.userIdentity();
 * String caller = who.arn().or(who::invokedBy).orElse("unknown");
 * UserIdentity alice = UserIdentity.builder() // for tests
 *     .type("IAMUser").accountId("111122223333")
 *     .arn("arn:aws:iam::111122223333:user/alice").userName("alice")
 *     .build();
 * }</pre>
 */
@Value.Immutable
public abstract class UserIdentity {
  /** @return the identity type, e.g. {@code IAMUser}, {@code AssumedRole}, {@code Root}, {@code AWSService} */
  public abstract Optional<String> type();

  /** @return the principal id */
  public abstract Optional<String> principalId();

  /** @return the principal's ARN */
  public abstract Optional<String> arn();

  /** @return the principal's account id (a string of 12 digits, or e.g. {@code ANONYMOUS_PRINCIPAL}) */
  public abstract Optional<String> accountId();

  /** @return the access key id used to sign the call */
  public abstract Optional<String> accessKeyId();

  /** @return the friendly name of the principal */
  public abstract Optional<String> userName();

  /** @return the AWS service that made the call on the principal's behalf, e.g. {@code ec2.amazonaws.com} */
  public abstract Optional<String> invokedBy();

  /** @return the session of temporary credentials */
  public abstract Optional<SessionContext> sessionContext();

  /** @return {@code identityProvider}, for federated and Identity Center principals */
  public abstract Optional<String> identityProvider();

  /** @return {@code credentialId}, for Identity Center bearer tokens */
  public abstract Optional<String> credentialId();

  /** @return {@code onBehalfOf} (Identity Center user), opaque */
  public abstract Optional<JsonNode> onBehalfOf();

  /** @return {@code inScopeOf} (calls made in the scope of a resource), opaque */
  public abstract Optional<JsonNode> inScopeOf();

  /** @return fields of {@code userIdentity} this model does not know, kept as JSON */
  public abstract Map<String, JsonNode> unknownFields();

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link UserIdentity}. */
  public static final class Builder extends ImmutableUserIdentity.Builder {
    Builder() {}
  }

  /** @return an identity with no field set, as for Insights events */
  public static UserIdentity none() {
    return builder().build();
  }
}
