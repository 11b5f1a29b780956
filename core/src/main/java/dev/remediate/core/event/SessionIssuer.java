package dev.remediate.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * The principal that issued temporary credentials ({@code userIdentity.sessionContext.sessionIssuer}),
 * e.g. the role of an assumed-role session. CloudTrail often sends it empty ({@code {}}): then every
 * field is empty.
 *
 * <pre>{@code
 * Optional<String> roleArn = event.userIdentity().sessionContext()
 *     .flatMap(SessionContext::sessionIssuer)
 *     .filter(issuer -> issuer.type().equals(Optional.of("Role")))
 *     .flatMap(SessionIssuer::arn);
 * }</pre>
 */
@Value.Immutable
public abstract class SessionIssuer {
  /** @return the issuer type, e.g. {@code Role} */
  public abstract Optional<String> type();

  /** @return the issuer's principal id */
  public abstract Optional<String> principalId();

  /** @return the issuer's ARN, e.g. the role ARN */
  public abstract Optional<String> arn();

  /** @return the account that owns the issuer */
  public abstract Optional<String> accountId();

  /** @return the issuer's friendly name, e.g. the role name */
  public abstract Optional<String> userName();

  /** @return fields of {@code sessionIssuer} this model does not know, kept as JSON */
  public abstract Map<String, JsonNode> unknownFields();

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link SessionIssuer}. */
  public static final class Builder extends ImmutableSessionIssuer.Builder {
    Builder() {}
  }
}
