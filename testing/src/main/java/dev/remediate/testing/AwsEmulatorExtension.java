package dev.remediate.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * JUnit 5 extension that gives each test an AWS emulator with clean state and ready SDK clients.
 *
 * <ul>
 *   <li>One emulator per test JVM ({@link EmulatorEndpoint#shared()}): an external endpoint when
 *       {@code REMEDIATE_EMULATOR_ENDPOINT} (or system property {@code remediate.emulator.endpoint})
 *       is set; else a moto server started on a free loopback port; else, where Docker runs, a
 *       LocalStack container (needs {@code LOCALSTACK_AUTH_TOKEN}) or the public moto image.</li>
 *   <li>Before each test: emulator state reset ({@code POST /moto-api/reset}), a fresh
 *       {@link AwsEmulator} (scope, recorder, fault injector); after it, clients closed.</li>
 *   <li>No emulator: the test is skipped with the reason, except when the environment variable
 *       {@code CI} is {@code true}, where it fails.</li>
 * </ul>
 *
 * <pre>{@code
 * @ExtendWith(AwsEmulatorExtension.class)
 * class RestrictDefaultSecurityGroupTest {
 *   @Test
 *   void apply_openDefaultGroup_removesEveryRule(AwsEmulator aws) { ... }
 * }
 * }</pre>
 */
public final class AwsEmulatorExtension
    implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(AwsEmulatorExtension.class);

  /** Creates the extension (for {@code @ExtendWith} and {@code @RegisterExtension}). */
  public AwsEmulatorExtension() {}

  @Override
  public void beforeEach(ExtensionContext context) {
    EmulatorEndpoint endpoint = EmulatorEndpoint.shared();
    if (!endpoint.isAvailable()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new ExtensionConfigurationException(
            "CI=true but no AWS emulator is available: " + endpoint.description());
      }
      throw new TestAbortedException("Skipped: " + endpoint.description());
    }
    endpoint.reset();
    context.getStore(NS).put(AwsEmulator.class, new AwsEmulator(endpoint));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    AwsEmulator emulator = context.getStore(NS).remove(AwsEmulator.class, AwsEmulator.class);
    if (emulator != null) {
      emulator.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == AwsEmulator.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    AwsEmulator emulator = context.getStore(NS).get(AwsEmulator.class, AwsEmulator.class);
    if (emulator == null) {
      throw new ExtensionConfigurationException(
          "AwsEmulator can be injected into test methods and @BeforeEach methods only");
    }
    return emulator;
  }
}
