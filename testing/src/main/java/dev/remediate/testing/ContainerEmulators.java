package dev.remediate.testing;

import java.net.URI;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * Starts an emulator container with Testcontainers where a Docker engine is available: LocalStack
 * when {@code LOCALSTACK_AUTH_TOKEN} is set (LocalStack images need it since March 2026), else the
 * public moto image. Loaded only when Testcontainers is on the class path.
 */
final class ContainerEmulators {
  /** The moto image used when Docker is available and LocalStack is not configured. */
  static final String MOTO_IMAGE = "motoserver/moto:5.1.0";
  /** The LocalStack image used when {@code LOCALSTACK_AUTH_TOKEN} is set. */
  static final String LOCALSTACK_IMAGE = "localstack/localstack:4.4";

  private ContainerEmulators() {}

  record Started(URI endpoint, String description, boolean moto, AutoCloseable container) {}

  static Optional<Started> start() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      return Optional.empty();
    }
    String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
    if (token != null && !token.isBlank()) {
      LocalStackContainer localstack =
          new LocalStackContainer(DockerImageName.parse(LOCALSTACK_IMAGE))
              .withEnv("LOCALSTACK_AUTH_TOKEN", token);
      localstack.start();
      return Optional.of(new Started(localstack.getEndpoint(),
          "LocalStack container " + LOCALSTACK_IMAGE + " at " + localstack.getEndpoint(), false,
          localstack));
    }
    GenericContainer<?> moto = new GenericContainer<>(DockerImageName.parse(MOTO_IMAGE))
        .withExposedPorts(5000)
        .waitingFor(Wait.forHttp("/moto-api/").forStatusCode(200));
    moto.start();
    URI endpoint = URI.create("http://" + moto.getHost() + ":" + moto.getMappedPort(5000));
    return Optional.of(new Started(endpoint, "moto container " + MOTO_IMAGE + " at " + endpoint,
        true, moto));
  }
}
