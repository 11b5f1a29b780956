package dev.remediate.testing;

import dev.remediate.core.aws.AwsScope;
import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * One test's view of the AWS emulator: a fresh {@link AwsScope} (region {@code us-east-1}, account
 * {@value #ACCOUNT}, test credentials) whose clients report to this test's {@link ApiCallRecorder}
 * and {@link FaultInjector}. Given to tests by {@link AwsEmulatorExtension}.
 *
 * <pre>{@code
 * @ExtendWith(AwsEmulatorExtension.class)
 * class MyTest {
 *   @Test
 *   void plan_compliantVpc_isEmpty(AwsEmulator aws) {
 *     Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
 *     ...
 *     assertEquals(1, aws.recorder().count("DescribeSecurityGroupRules"));
 *   }
 * }
 * }</pre>
 */
public final class AwsEmulator implements AutoCloseable {
  /** The account moto uses by default. */
  public static final String ACCOUNT = "123456789012";
  /** The region tests use. */
  public static final Region REGION = Region.US_EAST_1;

  private final EmulatorEndpoint endpoint;
  private final ApiCallRecorder recorder = new ApiCallRecorder();
  private final FaultInjector faults = new FaultInjector();
  private final AwsScope scope;

  AwsEmulator(EmulatorEndpoint endpoint) {
    this.endpoint = endpoint;
    this.scope = scopeBuilder(REGION).build();
  }

  /**
   * A scope builder pointed at the emulator with test credentials, a fast retry strategy (4
   * attempts, millisecond backoff, no circuit breaker), short waiter polls, and this test's recorder
   * and fault injector. Use it for a scope in another region or with other settings.
   *
   * @param region the region
   * @return the builder
   */
  public AwsScope.Builder scopeBuilder(Region region) {
    BackoffStrategy fast = BackoffStrategy.exponentialDelay(Duration.ofMillis(5),
        Duration.ofMillis(50));
    return AwsScope.builder()
        .region(region)
        .account(ACCOUNT)
        .endpointOverride(endpoint.uri())
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(4)
            .backoffStrategy(fast)
            .throttlingBackoffStrategy(fast)
            .circuitBreakerEnabled(false)
            .build())
        .waiterPollInterval(Duration.ofMillis(100))
        .waiterTimeout(Duration.ofSeconds(30))
        .addInterceptor(recorder)
        .addInterceptor(faults)
        .clientCustomizer(AwsEmulator::forEmulator);
  }

  private static void forEmulator(AwsClientBuilder<?, ?> builder) {
    if (builder instanceof S3ClientBuilder s3) {
      s3.forcePathStyle(true);
    }
  }

  /** @return this test's scope: us-east-1, account {@value #ACCOUNT} */
  public AwsScope scope() {
    return scope;
  }

  /**
   * A client of this test's scope.
   *
   * @param type client interface, e.g. {@code Ec2Client.class}
   * @param builder its builder factory, e.g. {@code Ec2Client::builder}
   * @param <C> client type
   * @param <B> builder type
   * @return the client
   */
  public <C extends SdkClient, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>> C client(
      Class<C> type, Supplier<B> builder) {
    return scope.client(type, builder);
  }

  /** @return the calls this test made */
  public ApiCallRecorder recorder() {
    return recorder;
  }

  /** @return this test's fault injector (empty at the start of each test) */
  public FaultInjector faults() {
    return faults;
  }

  /** @return the emulator's endpoint */
  public URI endpoint() {
    return endpoint.uri();
  }

  /** @return what the emulator is (moto server, container, external endpoint) */
  public String description() {
    return endpoint.description();
  }

  /** @return true for moto, whose rules differ from AWS's in ways AWS-FACTS.md lists */
  public boolean isMoto() {
    return endpoint.isMoto();
  }

  /** Clears all emulator state, calls recorded and faults. */
  public void reset() {
    endpoint.reset();
    recorder.reset();
    faults.reset();
  }

  /** Closes the scope's clients. */
  @Override
  public void close() {
    scope.close();
  }
}
