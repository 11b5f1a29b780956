package dev.remediate.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one AWS emulator endpoint of a test JVM, found once: an external endpoint if configured, else a
 * moto server started here, else a container where Docker is available, else none (with the reason).
 *
 * <p>Configuration: system property {@value #ENDPOINT_PROPERTY} or environment variable
 * {@value #ENDPOINT_ENV} names an external endpoint (a LocalStack or moto container you started).
 *
 * <pre>{@code
 * EmulatorEndpoint endpoint = EmulatorEndpoint.shared();
 * Assumptions.assumeTrue(endpoint.isAvailable(), endpoint.description());
 * endpoint.reset();
 * AwsScope scope = AwsScope.builder().region(Region.US_EAST_1)
 *     .endpointOverride(endpoint.uri()).account("123456789012").build();
 * }</pre>
 */
public final class EmulatorEndpoint {
  /** System property naming an external emulator endpoint. */
  public static final String ENDPOINT_PROPERTY = "remediate.emulator.endpoint";
  /** Environment variable naming an external emulator endpoint. */
  public static final String ENDPOINT_ENV = "REMEDIATE_EMULATOR_ENDPOINT";

  private static final Logger LOG = LoggerFactory.getLogger(EmulatorEndpoint.class);
  private static volatile @Nullable EmulatorEndpoint shared;

  private final @Nullable URI uri;
  private final String description;
  private final boolean moto;
  private final @Nullable AutoCloseable owned;

  private EmulatorEndpoint(@Nullable URI uri, String description, boolean moto,
      @Nullable AutoCloseable owned) {
    this.uri = uri;
    this.description = description;
    this.moto = moto;
    this.owned = owned;
  }

  /**
   * The endpoint of this JVM, found (and started) on first use, stopped when the JVM exits.
   *
   * @return the endpoint; check {@link #isAvailable()}
   */
  public static EmulatorEndpoint shared() {
    EmulatorEndpoint endpoint = shared;
    if (endpoint == null) {
      synchronized (EmulatorEndpoint.class) {
        endpoint = shared;
        if (endpoint == null) {
          endpoint = resolve();
          shared = endpoint;
          EmulatorEndpoint toClose = endpoint;
          Runtime.getRuntime().addShutdownHook(new Thread(toClose::stop, "remediate-emulator-stop"));
        }
      }
    }
    return endpoint;
  }

  private static EmulatorEndpoint resolve() {
    String external = System.getProperty(ENDPOINT_PROPERTY);
    if (external == null || external.isBlank()) {
      external = System.getenv(ENDPOINT_ENV);
    }
    if (external != null && !external.isBlank()) {
      URI uri = URI.create(external.trim());
      boolean isMoto = MotoServer.answers(uri);
      return new EmulatorEndpoint(uri, "external emulator at " + uri, isMoto, null);
    }
    String motoProblem;
    try {
      MotoServer server = MotoServer.start();
      LOG.debug("Started {}", server);
      return new EmulatorEndpoint(server.endpoint(),
          "moto server at " + server.endpoint() + " (" + server.python() + ")", true, server);
    } catch (IllegalStateException e) {
      motoProblem = e.getMessage();
    }
    Optional<EmulatorEndpoint> container = startContainer();
    if (container.isPresent()) {
      return container.get();
    }
    return new EmulatorEndpoint(null, "no AWS emulator: " + motoProblem
        + "; no Docker engine for a LocalStack or moto container; no " + ENDPOINT_ENV + " set", false,
        null);
  }

  private static Optional<EmulatorEndpoint> startContainer() {
    try {
      Class.forName("org.testcontainers.DockerClientFactory");
    } catch (ClassNotFoundException e) {
      return Optional.empty();
    }
    try {
      return ContainerEmulators.start().map(c -> new EmulatorEndpoint(c.endpoint(), c.description(),
          c.moto(), c.container()));
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("No container emulator: {}", e.toString());
      return Optional.empty();
    }
  }

  /** @return true when an emulator can be reached */
  public boolean isAvailable() {
    return uri != null;
  }

  /** @return the endpoint */
  public URI uri() {
    if (uri == null) {
      throw new IllegalStateException(description);
    }
    return uri;
  }

  /** @return what the endpoint is, or why there is none */
  public String description() {
    return description;
  }

  /** @return true when the emulator is moto (supports {@code /moto-api/}) */
  public boolean isMoto() {
    return moto;
  }

  /**
   * A moto server of its own (not the JVM's shared one), stopped by {@link #stop()}.
   *
   * @param server the server
   * @return its endpoint
   */
  static EmulatorEndpoint ownMoto(MotoServer server) {
    return new EmulatorEndpoint(server.endpoint(), "moto server at " + server.endpoint()
        + " (own)", true, server);
  }

  /** Clears all emulator state (moto: {@code POST /moto-api/reset}). */
  public void reset() {
    if (uri == null) {
      return;
    }
    if (moto) {
      post("/moto-api/reset");
    } else {
      post("/_localstack/state/reset");
    }
  }

  private void post(String path) {
    post(path, "");
  }

  /**
   * POSTs a body to a path of the emulator.
   *
   * @param path e.g. {@code /moto-api/reset-auth}
   * @param body the body
   */
  void post(String path, String body) {
    try {
      HttpURLConnection c = (HttpURLConnection) uri().resolve(path).toURL().openConnection();
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      // not a form: moto reads the raw body (reset-auth's count)
      c.setRequestProperty("Content-Type", "text/plain");
      c.setConnectTimeout(2000);
      c.setReadTimeout(30000);
      try (OutputStream out = c.getOutputStream()) {
        out.write(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      int code = c.getResponseCode();
      c.disconnect();
      if (code >= 300) {
        throw new IllegalStateException("POST " + path + " answered HTTP " + code);
      }
    } catch (IOException e) {
      throw new IllegalStateException("Could not reset the emulator at " + uri + ": " + e, e);
    }
  }

  void stop() {
    if (owned != null) {
      try {
        owned.close();
      } catch (Exception e) {
        LOG.debug("Stopping the emulator failed: {}", e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return description;
  }
}
