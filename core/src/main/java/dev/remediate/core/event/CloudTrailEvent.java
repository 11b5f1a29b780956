package dev.remediate.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * One CloudTrail record, with every field of AWS's "CloudTrail record contents" (event versions up
 * to 1.11). Read records with {@link CloudTrailReader}; build them by hand (tests) with
 * {@link #builder()}.
 *
 * <p>The reader is lenient: a field missing from a record (even one CloudTrail always writes, such
 * as {@code eventID}) is an empty {@link Optional}, or empty text for the three routing fields
 * {@code eventSource}, {@code eventName} and {@code awsRegion}.
 * {@code requestParameters}, {@code responseElements}, {@code additionalEventData} and the other
 * service-specific parts are opaque JSON trees: empty when CloudTrail wrote {@code null} or left the
 * field out. Their {@code ...Json()} companions give the same data as JSON text. A record from
 * {@link CloudTrailReader} builds the trees of the three largest parts on first access. Fields
 * this model does not know are kept in {@link #unknownFields()}. Treat the JSON trees as read-only.
 *
 * <pre>{@code
 * try (CloudTrailReader reader = CloudTrailReader.open(Path.of("trail.json.gz"))) {
 *   reader.stream()
 *       .filter(event -> !event.isError())
 *       .forEach(event -> System.out.println(event.eventTimeText().orElse("?") + " " + event.key() + " by "
 *           + event.userIdentity().arn().orElse("?")));
 * }
 * }</pre>
 */
@Value.Immutable
public abstract class CloudTrailEvent implements SecurityEvent {
  /**
   * The record format version as written, e.g. {@code 1.09}; compare with
   * {@link #eventVersionNumber()}.
   *
   * @return the version text; empty when the record has none
   */
  public abstract Optional<String> eventVersion();

  /**
   * When the request was completed. The reader accepts CloudTrail's form and the variants found in
   * exports and documentation (a space instead of {@code T}, fractional seconds of any length, an
   * offset, no zone meaning UTC); {@link #eventTimeText()} keeps the text as written.
   *
   * @return the instant; empty when the record has no {@code eventTime} or it does not parse
   */
  public abstract Optional<Instant> eventTime();

  /** @return {@code eventTime} exactly as written (also when it does not parse); empty when absent */
  public abstract Optional<String> eventTimeText();

  /**
   * The service the request was made to, e.g. {@code ec2.amazonaws.com}. With
   * {@link #eventName()} it keys the event rules: a record lacking either cannot be routed
   * ({@link #isRoutable()}).
   *
   * @return the service; empty text when the record has none
   */
  @Value.Default
  public String eventSource() {
    return "";
  }

  /** @return the API action, e.g. {@code CreateVpc}; empty text when the record has none */
  @Value.Default
  public String eventName() {
    return "";
  }

  /**
   * The region the request was made to. When a record in an EventBridge envelope lacks it, the
   * reader takes the envelope's {@code region}.
   *
   * @return the region, e.g. {@code us-east-1}; empty text when neither names one
   */
  @Value.Default
  public String awsRegion() {
    return "";
  }

  /**
   * The caller's address ({@code sourceIPAddress}): an IP address, or a name such as
   * {@code AWS Internal} or a service host name. Empty for Insights events, which have no caller.
   *
   * @return the address as written
   */
  @Value.Default
  public String sourceIpAddress() {
    return "";
  }

  /** @return the caller's user agent; contains {@code remediate/} when Remediate made the call */
  public abstract Optional<String> userAgent();

  /** @return who made the call; all fields empty when the record has no {@code userIdentity} */
  @Value.Default
  public UserIdentity userIdentity() {
    return UserIdentity.none();
  }

  /** @return the AWS error code when the request failed, e.g. {@code AccessDenied} */
  public abstract Optional<String> errorCode();

  /** @return the error message; AWS may truncate it (ending in {@code ...}) */
  public abstract Optional<String> errorMessage();

  /** @return the request parameters; empty when {@code null} or absent */
  @Value.Lazy
  public Optional<JsonNode> requestParameters() {
    return requestParametersData().map(OpaqueJson::tree);
  }

  /** @return the response elements (ids of new resources are here); empty when {@code null} or absent */
  @Value.Lazy
  public Optional<JsonNode> responseElements() {
    return responseElementsData().map(OpaqueJson::tree);
  }

  /** @return service-specific data that is not part of the request or response */
  @Value.Lazy
  public Optional<JsonNode> additionalEventData() {
    return additionalEventDataData().map(OpaqueJson::tree);
  }

  // The three largest opaque parts are kept as checked bytes by the reader and become trees on
  // first access (see OpaqueJson); the builder below sets them from trees.
  abstract Optional<OpaqueJson> requestParametersData();

  abstract Optional<OpaqueJson> responseElementsData();

  abstract Optional<OpaqueJson> additionalEventDataData();

  /** @return the service's request id ({@code requestID}) */
  public abstract Optional<String> requestId();

  /** @return CloudTrail's unique id of this record ({@code eventID}); empty when absent */
  public abstract Optional<String> eventId();

  /** @return whether the call only reads */
  public abstract Optional<Boolean> readOnly();

  /** @return whether this is a management event */
  public abstract Optional<Boolean> managementEvent();

  /**
   * The record type, e.g. {@code AwsApiCall}, {@code AwsServiceEvent}, {@code AwsConsoleSignIn}.
   *
   * @return the type; empty when absent
   */
  public abstract Optional<String> eventType();

  /** @return {@code Management}, {@code Data}, {@code NetworkActivity} or {@code Insight} */
  public abstract Optional<String> eventCategory();

  /** @return the account that received the record (a string, like every account id) */
  public abstract Optional<String> recipientAccountId();

  /** @return the resources the record names ({@code resources}); empty when absent */
  public abstract List<EventResource> resources();

  /** @return the id shared by the records of one cross-account action ({@code sharedEventID}) */
  public abstract Optional<String> sharedEventId();

  /** @return the VPC endpoint the call came through */
  public abstract Optional<String> vpcEndpointId();

  /** @return the account that owns the VPC endpoint */
  public abstract Optional<String> vpcEndpointAccountId();

  /** @return the API version of the call ({@code apiVersion}) */
  public abstract Optional<String> apiVersion();

  /** @return details of an AWS service event ({@code serviceEventDetails}), opaque */
  public abstract Optional<JsonNode> serviceEventDetails();

  /** @return the TLS connection of the call */
  public abstract Optional<TlsDetails> tlsDetails();

  /** @return whether the call used console session credentials (CloudTrail writes the string "true") */
  public abstract Optional<Boolean> sessionCredentialFromConsole();

  /** @return {@code edgeDeviceDetails} (Snow family devices), opaque */
  public abstract Optional<JsonNode> edgeDeviceDetails();

  /** @return {@code insightDetails} of an Insights event, opaque */
  public abstract Optional<JsonNode> insightDetails();

  /** @return {@code addendum}: why a record was delivered late or changed, opaque */
  public abstract Optional<JsonNode> addendum();

  /** @return {@code eventContext} (e.g. tag context), opaque */
  public abstract Optional<JsonNode> eventContext();

  /** @return top-level fields this model does not know, in record order, kept as JSON */
  public abstract Map<String, JsonNode> unknownFields();

  /**
   * {@link #eventVersion()} as a number pair, so that {@code 1.10} sorts after {@code 1.9}.
   *
   * @return the version; empty when absent or not a version number
   */
  public Optional<EventVersion> eventVersionNumber() {
    return eventVersion().flatMap(EventVersion::tryParse);
  }

  /**
   * Whether event rules can route this record: it names its {@code eventSource},
   * {@code eventName} and region. Readers hand out the others too; commands count them.
   *
   * @return true when the three are present
   */
  public boolean isRoutable() {
    return !eventSource().isEmpty() && !eventName().isEmpty() && !awsRegion().isEmpty();
  }

  @Override
  public String region() {
    return awsRegion();
  }

  @Override
  public String describe() {
    return (eventName().isEmpty() ? "record" : eventName()) + eventId().map(id -> " " + id).orElse("");
  }

  /** @return true when the request failed ({@link #errorCode()} is present) */
  public boolean isError() {
    return errorCode().isPresent();
  }

  /** @return the ({@code eventSource}, {@code eventName}) pair event rules are keyed by */
  public EventKey key() {
    return new EventKey(eventSource(), eventName());
  }

  /** @return {@link #requestParameters()} as JSON text */
  public Optional<String> requestParametersJson() {
    return requestParameters().map(JsonNode::toString);
  }

  /** @return {@link #responseElements()} as JSON text */
  public Optional<String> responseElementsJson() {
    return responseElements().map(JsonNode::toString);
  }

  /** @return {@link #additionalEventData()} as JSON text */
  public Optional<String> additionalEventDataJson() {
    return additionalEventData().map(JsonNode::toString);
  }

  /**
   * The account the record's resources live in: {@link #recipientAccountId()}, else the caller's
   * account.
   *
   * @return the account id, or empty when the record names none
   */
  @Override
  public Optional<String> account() {
    return recipientAccountId().or(() -> userIdentity().accountId());
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link CloudTrailEvent}; required fields are those without {@code Optional}. */
  public static final class Builder extends ImmutableCloudTrailEvent.Builder {
    Builder() {}

    /**
     * Sets {@code requestParameters}.
     *
     * @param json the parameters
     * @return this builder
     */
    public Builder requestParameters(JsonNode json) {
      return requestParameters(Optional.of(json));
    }

    /**
     * Sets {@code requestParameters}.
     *
     * @param json the parameters, or empty for {@code null}
     * @return this builder
     */
    public Builder requestParameters(Optional<? extends JsonNode> json) {
      return requestParametersData(json.map(OpaqueJson::of));
    }

    /**
     * Sets {@code responseElements}.
     *
     * @param json the response elements
     * @return this builder
     */
    public Builder responseElements(JsonNode json) {
      return responseElements(Optional.of(json));
    }

    /**
     * Sets {@code responseElements}.
     *
     * @param json the response elements, or empty for {@code null}
     * @return this builder
     */
    public Builder responseElements(Optional<? extends JsonNode> json) {
      return responseElementsData(json.map(OpaqueJson::of));
    }

    /**
     * Sets {@code additionalEventData}.
     *
     * @param json the data
     * @return this builder
     */
    public Builder additionalEventData(JsonNode json) {
      return additionalEventData(Optional.of(json));
    }

    /**
     * Sets {@code additionalEventData}.
     *
     * @param json the data, or empty for {@code null}
     * @return this builder
     */
    public Builder additionalEventData(Optional<? extends JsonNode> json) {
      return additionalEventDataData(json.map(OpaqueJson::of));
    }
  }
}
