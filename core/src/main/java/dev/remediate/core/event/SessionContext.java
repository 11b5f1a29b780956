package dev.remediate.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * The session of temporary credentials ({@code userIdentity.sessionContext}): its attributes, the
 * issuer, web identity federation data and the source identity.
 *
 * <pre>{@code
 * event.userIdentity().sessionContext().ifPresent(session -> {
 *   boolean mfa = session.mfaAuthenticated().orElse(false);
 *   Optional<Instant> since = session.creationInstant();
 *   String issuer = session.sessionIssuer().flatMap(SessionIssuer::arn).orElse("?");
 * });
 * }</pre>
 */
@Value.Immutable
public abstract class SessionContext {
  /** @return {@code attributes.creationDate} as CloudTrail wrote it, usually ISO-8601 */
  public abstract Optional<String> creationDate();

  /** @return {@code attributes.mfaAuthenticated} (CloudTrail writes the string "true" or "false") */
  public abstract Optional<Boolean> mfaAuthenticated();

  /** @return the principal that issued the credentials */
  public abstract Optional<SessionIssuer> sessionIssuer();

  /** @return {@code webIdFederationData}, opaque (often empty) */
  public abstract Optional<JsonNode> webIdFederationData();

  /** @return {@code sourceIdentity} */
  public abstract Optional<String> sourceIdentity();

  /** @return {@code ec2RoleDelivery}, e.g. {@code 2.0} for IMDSv2 credentials */
  public abstract Optional<String> ec2RoleDelivery();

  /** @return {@code assumedRoot}, "true" for a root session a management account assumed */
  public abstract Optional<String> assumedRoot();

  /** @return fields of {@code sessionContext} (or of its {@code attributes}, prefixed {@code attributes.}) this model does not know */
  public abstract Map<String, JsonNode> unknownFields();

  /**
   * Reads {@link #creationDate()} as an instant when it is ISO-8601.
   *
   * @return the instant, or empty when absent or in another format
   */
  public Optional<Instant> creationInstant() {
    try {
      return creationDate().map(Instant::parse);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link SessionContext}. */
  public static final class Builder extends ImmutableSessionContext.Builder {
    Builder() {}
  }
}
