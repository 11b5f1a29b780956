package dev.remediate.core.event;

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

  /** @return a new builder */
  public static ImmutableTlsDetails.Builder builder() {
    return ImmutableTlsDetails.builder();
  }
}
