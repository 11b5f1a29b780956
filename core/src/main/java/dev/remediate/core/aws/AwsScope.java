package dev.remediate.core.aws;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.RemediationException;
import dev.remediate.core.internal.Version;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.utils.IoUtils;

/**
 * Where remediations act: an account and a region, with the credentials, retry strategy, waiter
 * settings and (for emulators) endpoint override that every SDK client is built with.
 *
 * <p>Clients are created lazily, once per type and region, and closed with the scope. Each carries
 * the user-agent suffix {@code remediate/<version>}, which CloudTrail records, so the event router
 * can ignore the library's own calls. The account is looked up once with STS
 * {@code GetCallerIdentity} unless given.
 *
 * <pre>{@code
 * try (AwsScope scope = AwsScope.builder().region(Region.EU_WEST_1).build()) {
 *   Ec2Client ec2 = scope.client(Ec2Client.class, Ec2Client::builder);
 *   String account = scope.account();
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class AwsScope implements AutoCloseable {
  /**
   * The library's version, e.g. {@code 0.1.0}; every client's user agent carries
   * {@code remediate/<version>}, which lets the event router ignore the library's own calls.
   *
   * @return the version, or {@code dev} when run from classes without a build
   */
  public static String libraryVersion() {
    return dev.remediate.core.internal.Version.get();
  }

  private static final Logger LOG = LoggerFactory.getLogger(AwsScope.class);
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  /** Regions of the commercial partition: two letters, words, a number (eu-west-1). */
  private static final Pattern REGION_LIKE = Pattern.compile("(af|ap|ca|eu|il|me|mx|sa|us)(-[a-z]+)+-\\d+");

  /** Default for how long a waiter may wait. */
  public static final Duration DEFAULT_WAITER_TIMEOUT = Duration.ofMinutes(30);
  /** Default pause between two waiter polls. */
  public static final Duration DEFAULT_WAITER_POLL_INTERVAL = Duration.ofSeconds(15);
  /** Default number of attempts (first try included) for one AWS call. */
  public static final int DEFAULT_MAX_ATTEMPTS = 8;

  private final Shared shared;
  private final Region region;

  private AwsScope(Shared shared, Region region) {
    this.shared = shared;
    this.region = region;
  }

  /** @return a builder */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the region this scope acts in */
  public Region region() {
    return region;
  }

  /**
   * The same account, credentials and settings in another region. Clients are shared; closing the
   * original scope closes them.
   *
   * @param other the region
   * @return a scope for that region
   */
  public AwsScope inRegion(Region other) {
    return other.equals(region) ? this : new AwsScope(shared, other);
  }

  /**
   * The same settings (endpoint, retry strategy, interceptors, client customizer, waiters) in
   * another account reached with other credentials, e.g. those of an assumed role
   * ({@link AccountRole#scopeFor}). Clients handed to this scope's builder are not carried over.
   * The new scope builds its own clients: close it when done.
   *
   * @param account the other account's 12-digit id
   * @param credentials credentials acting in it
   * @return a scope in this scope's region
   */
  public AwsScope inAccount(String account, AwsCredentialsProvider credentials) {
    return new AwsScope(new Shared(shared, AwsNames.accountId(account),
        Objects.requireNonNull(credentials, "credentials")), region);
  }

  /**
   * The account id: given to the builder, or looked up once with STS {@code GetCallerIdentity}.
   *
   * @return 12 digits
   */
  public String account() {
    String account = shared.account;
    if (account == null) {
      // its own lock, never held while another lock is taken elsewhere: client(...) below takes
      // none while building, and the shared HTTP client's lock is taken alone
      synchronized (shared.accountLock) {
        account = shared.account;
        if (account == null) {
          try {
            account = client(StsClient.class, StsClient::builder).getCallerIdentity().account();
          } catch (RuntimeException e) {
            throw new RemediationException(
                "Could not find the account with STS GetCallerIdentity in " + region + ": "
                    + e.getMessage(), e);
          }
          shared.account = account;
        }
      }
    }
    return account;
  }

  /** @return the endpoint override, if one was given (emulators) */
  public @Nullable URI endpointOverride() {
    return shared.endpoint;
  }

  /** @return waiter settings built from this scope's timeout and poll interval */
  public WaiterOverrideConfiguration waiterConfiguration() {
    return waiterConfiguration(shared.waiterTimeout);
  }

  /**
   * Waiter settings with a specific timeout (long operations such as snapshot copies).
   *
   * @param timeout how long to wait at most
   * @return the settings
   */
  public WaiterOverrideConfiguration waiterConfiguration(Duration timeout) {
    long attempts = Math.max(2, timeout.toMillis() / Math.max(1, shared.waiterPoll.toMillis()) + 1);
    return WaiterOverrideConfiguration.builder()
        .waitTimeout(timeout)
        .maxAttempts((int) Math.min(Integer.MAX_VALUE, attempts))
        .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(shared.waiterPoll))
        .build();
  }

  /** @return the pause between waiter polls */
  public Duration waiterPollInterval() {
    return shared.waiterPoll;
  }

  /** @return the default waiter timeout */
  public Duration waiterTimeout() {
    return shared.waiterTimeout;
  }

  /**
   * The client of a type in this scope's region: the one handed to the builder, or one built once
   * with this scope's settings.
   *
   * @param type the client interface, e.g. {@code Ec2Client.class}
   * @param builder its builder factory, e.g. {@code Ec2Client::builder}
   * @param <C> the client type
   * @param <B> its builder type
   * @return the client
   */
  public <C extends SdkClient, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>> C client(
      Class<C> type, Supplier<B> builder) {
    SdkClient given = shared.givenClients.get(type);
    if (given != null && region.equals(shared.defaultRegion)) {
      return type.cast(given);
    }
    Key key = new Key(type, region);
    SdkClient client = shared.clients.get(key);
    if (client == null) {
      // built outside the map: a map's compute function must be short and take no lock, and
      // building a client takes the shared HTTP client's; two threads racing both build, one
      // client is kept and the other closed (it does not own the shared HTTP client)
      SdkClient built = build(builder.get());
      client = shared.clients.putIfAbsent(key, built);
      if (client == null) {
        client = built;
      } else {
        IoUtils.closeQuietlyV2(built, null);
      }
    }
    return type.cast(client);
  }

  /**
   * The client of a global service (IAM) for this scope's partition: built once in the
   * partition's global region ({@code aws-global}, {@code aws-cn-global},
   * {@code aws-us-gov-global}, ...) and shared by every region of the scope, so that a global
   * resource is read and changed through one client whatever region a remediation plans in.
   *
   * <pre>{@code
   * IamClient iam = scope.globalClient(IamClient.class, IamClient::builder);
   * }</pre>
   *
   * @param type the client interface, e.g. {@code IamClient.class}
   * @param builder its builder factory, e.g. {@code IamClient::builder}
   * @param <C> the client type
   * @param <B> its builder type
   * @return the client
   */
  public <C extends SdkClient, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>> C globalClient(
      Class<C> type, Supplier<B> builder) {
    return inRegion(globalRegion(region)).client(type, builder);
  }

  /**
   * The global region of a region's partition, e.g. {@code aws-global} for {@code eu-west-1}.
   *
   * @param region a region
   * @return its partition's global region (the region itself when the partition has none known)
   */
  public static Region globalRegion(Region region) {
    String id = region.id();
    if (region.isGlobalRegion()) {
      return region;
    } else if (id.startsWith("cn-")) {
      return Region.AWS_CN_GLOBAL;
    } else if (id.startsWith("us-gov-")) {
      return Region.AWS_US_GOV_GLOBAL;
    } else if (id.startsWith("us-isob-")) {
      return Region.AWS_ISO_B_GLOBAL;
    } else if (id.startsWith("us-iso-")) {
      return Region.AWS_ISO_GLOBAL;
    }
    return REGION_LIKE.matcher(id).matches() ? Region.AWS_GLOBAL : region;
  }

  private <C extends SdkClient, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>> C build(
      B builder) {
    ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
        .retryStrategy(shared.retryStrategy)
        .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, Version.userAgent());
    shared.interceptors.forEach(override::addExecutionInterceptor);
    builder.region(region)
        .credentialsProvider(shared.credentials)
        .httpClient(shared.httpClient())
        .overrideConfiguration(override.build());
    if (shared.endpoint != null) {
      builder.endpointOverride(shared.endpoint);
    }
    shared.customizer.accept(builder);
    C client = builder.build();
    LOG.debug("Built {} for {}", client.serviceName(), region);
    return client;
  }

  /** Closes every client this scope built (not those handed in) and the shared HTTP client. */
  @Override
  public void close() {
    shared.clients.values().forEach(c -> IoUtils.closeQuietlyV2(c, null));
    shared.clients.clear();
    SdkHttpClient http = shared.http;
    if (http != null) {
      http.close();
    }
  }

  @Override
  public String toString() {
    return "AwsScope{region=" + region + (shared.account != null ? ", account=" + shared.account : "")
        + (shared.endpoint != null ? ", endpoint=" + shared.endpoint : "") + "}";
  }

  private record Key(Class<?> type, Region region) {}

  private static final class Shared {
    final Map<Key, SdkClient> clients = new ConcurrentHashMap<>();
    final Map<Class<?>, SdkClient> givenClients;
    final AwsCredentialsProvider credentials;
    final @Nullable URI endpoint;
    final RetryStrategy retryStrategy;
    final List<ExecutionInterceptor> interceptors;
    final Consumer<AwsClientBuilder<?, ?>> customizer;
    final Duration waiterTimeout;
    final Duration waiterPoll;
    final Region defaultRegion;
    volatile @Nullable String account;
    volatile @Nullable SdkHttpClient http;
    /** Guards the one {@code GetCallerIdentity} of {@link AwsScope#account()}. */
    final Object accountLock = new Object();
    /** Guards the creation of {@link #http}. */
    private final Object httpLock = new Object();

    Shared(Builder b, Region defaultRegion) {
      this.givenClients = Map.copyOf(b.clients);
      this.credentials = b.credentials != null ? b.credentials : DefaultCredentialsProvider.builder().build();
      this.endpoint = b.endpoint;
      this.retryStrategy = b.retryStrategy != null ? b.retryStrategy
          : AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(b.maxAttempts).build();
      this.interceptors = List.copyOf(b.interceptors);
      this.customizer = b.customizer;
      this.waiterTimeout = b.waiterTimeout;
      this.waiterPoll = b.waiterPoll;
      this.defaultRegion = defaultRegion;
      this.account = b.account;
    }

    Shared(Shared base, String account, AwsCredentialsProvider credentials) {
      this.givenClients = Map.of();
      this.credentials = credentials;
      this.endpoint = base.endpoint;
      this.retryStrategy = base.retryStrategy;
      this.interceptors = base.interceptors;
      this.customizer = base.customizer;
      this.waiterTimeout = base.waiterTimeout;
      this.waiterPoll = base.waiterPoll;
      this.defaultRegion = base.defaultRegion;
      this.account = account;
    }

    SdkHttpClient httpClient() {
      SdkHttpClient client = http;
      if (client == null) {
        synchronized (httpLock) {
          client = http;
          if (client == null) {
            client = ApacheHttpClient.builder().maxConnections(50).build();
            http = client;
          }
        }
      }
      return client;
    }
  }

  /** Builds an {@link AwsScope}. Only the region is required. */
  public static final class Builder {
    private @Nullable Region region;
    private @Nullable String account;
    private @Nullable AwsCredentialsProvider credentials;
    private @Nullable URI endpoint;
    private @Nullable RetryStrategy retryStrategy;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private final List<ExecutionInterceptor> interceptors = new ArrayList<>();
    private Consumer<AwsClientBuilder<?, ?>> customizer = b -> {};
    private Duration waiterTimeout = DEFAULT_WAITER_TIMEOUT;
    private Duration waiterPoll = DEFAULT_WAITER_POLL_INTERVAL;
    private final Map<Class<?>, SdkClient> clients = new HashMap<>();

    private Builder() {}

    /**
     * Sets the region (required).
     *
     * @param region the region
     * @return this builder
     */
    public Builder region(Region region) {
      this.region = Objects.requireNonNull(region, "region");
      return this;
    }

    /**
     * Sets the region by id.
     *
     * @param regionId e.g. {@code eu-west-1}
     * @return this builder
     */
    public Builder region(String regionId) {
      if (regionId == null || !regionId.matches("[a-z]{2}(-[a-z]+)+-\\d+")) {
        throw new InvalidRemediationException("'" + regionId + "' is not a region id like us-east-1");
      }
      return region(Region.of(regionId));
    }

    /**
     * Gives the account id instead of looking it up with STS.
     *
     * @param account 12 digits
     * @return this builder
     */
    public Builder account(String account) {
      if (account == null || !ACCOUNT.matcher(account).matches()) {
        throw new InvalidRemediationException("'" + account + "' is not a 12-digit account id");
      }
      this.account = account;
      return this;
    }

    /**
     * Sets the credentials (default: the SDK's default chain).
     *
     * @param credentials the provider
     * @return this builder
     */
    public Builder credentialsProvider(AwsCredentialsProvider credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * Sends every call to this endpoint (an emulator such as moto or LocalStack).
     *
     * @param endpoint e.g. {@code http://127.0.0.1:5000}
     * @return this builder
     */
    public Builder endpointOverride(URI endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      if (endpoint.getScheme() == null || endpoint.getHost() == null) {
        throw new InvalidRemediationException("Endpoint '" + endpoint + "' must be an absolute URI");
      }
      this.endpoint = endpoint;
      return this;
    }

    /**
     * Sets the retry strategy (default: the SDK's standard strategy for AWS, with
     * {@value AwsScope#DEFAULT_MAX_ATTEMPTS} attempts, which backs off on throttling).
     *
     * @param retryStrategy the strategy
     * @return this builder
     */
    public Builder retryStrategy(RetryStrategy retryStrategy) {
      this.retryStrategy = Objects.requireNonNull(retryStrategy, "retryStrategy");
      return this;
    }

    /**
     * Sets the number of attempts of the default retry strategy.
     *
     * @param maxAttempts 1 or more
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new InvalidRemediationException("maxAttempts must be at least 1, was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Adds an interceptor to every client built (call recording, fault injection).
     *
     * @param interceptor the interceptor
     * @return this builder
     */
    public Builder addInterceptor(ExecutionInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Customises every client builder after the scope configured it, e.g. to force path-style S3
     * addressing for an emulator.
     *
     * @param customizer the customizer
     * @return this builder
     */
    public Builder clientCustomizer(Consumer<AwsClientBuilder<?, ?>> customizer) {
      this.customizer = Objects.requireNonNull(customizer, "customizer");
      return this;
    }

    /**
     * Sets how long waiters wait by default (default 30 minutes).
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder waiterTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new InvalidRemediationException("waiterTimeout must be positive, was " + timeout);
      }
      this.waiterTimeout = timeout;
      return this;
    }

    /**
     * Sets the pause between waiter polls (default 15 seconds).
     *
     * @param interval positive
     * @return this builder
     */
    public Builder waiterPollInterval(Duration interval) {
      if (interval == null || interval.isNegative() || interval.isZero()) {
        throw new InvalidRemediationException("waiterPollInterval must be positive, was " + interval);
      }
      this.waiterPoll = interval;
      return this;
    }

    /**
     * Hands in a client to use instead of building one (default region only). The scope does not
     * close it.
     *
     * @param type the client interface
     * @param client the client
     * @param <C> the client type
     * @return this builder
     */
    public <C extends SdkClient> Builder client(Class<C> type, C client) {
      clients.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(client, "client"));
      return this;
    }

    /** @return the scope */
    public AwsScope build() {
      if (region == null) {
        throw new InvalidRemediationException("AwsScope needs a region: call region(...)");
      }
      return new AwsScope(new Shared(this, region), region);
    }
  }
}
