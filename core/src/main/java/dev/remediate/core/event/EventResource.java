package dev.remediate.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * One entry of a record's {@code resources} list: a resource the call touched, as CloudTrail names
 * it.
 *
 * <pre>{@code
 * for (EventResource resource : event.resources()) {
 *   resource.arn().ifPresent(arn -> System.out.println(resource.type().orElse("?") + " " + arn));
 * }
 * EventResource key = EventResource.builder()
 *     .arn("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
 *     .type("AWS::KMS::Key").build();
 * }</pre>
 */
@Value.Immutable
public abstract class EventResource {
  /** @return the resource's ARN ({@code ARN}) */
  public abstract Optional<String> arn();

  /** @return the account that owns the resource ({@code accountId}) */
  public abstract Optional<String> accountId();

  /** @return the resource type, e.g. {@code AWS::KMS::Key} ({@code type}) */
  public abstract Optional<String> type();

  /** @return fields of the {@code resources} entry this model does not know, kept as JSON */
  public abstract Map<String, JsonNode> unknownFields();

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link EventResource}. */
  public static final class Builder extends ImmutableEventResource.Builder {
    Builder() {}
  }
}
