package dev.remediate.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * The TLS connection of the call ({@code tlsDetails}).
 *
 * <pre>{@code
 * event.tlsDetails()
 *     .flatMap(TlsDetails::tlsVersion)
 *     .filter(version -> !version.equals("TLSv1.3"))
 *     .ifPresent(version -> System.out.println(event.eventName() + " used " + version));
 * }</pre>
 */
@Value.Immutable
public abstract class TlsDetails {
  /** @return the TLS version, e.g. {@code TLSv1.3} */
  public abstract Optional<String> tlsVersion();

  /** @return the cipher suite, e.g. {@code TLS_AES_128_GCM_SHA256} */
  public abstract Optional<String> cipherSuite();

  /** @return the host name the client asked for */
  public abstract Optional<String> clientProvidedHostHeader();

  /** @return fields of {@code tlsDetails} this model does not know, kept as JSON */
  public abstract Map<String, JsonNode> unknownFields();

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link TlsDetails}. */
  public static final class Builder extends ImmutableTlsDetails.Builder {
    Builder() {}
  }
}
