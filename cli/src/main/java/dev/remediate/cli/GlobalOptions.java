package dev.remediate.cli;

import dev.remediate.core.aws.AwsScope;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileLocation;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The flags every subcommand takes: {@code --region} (repeatable), {@code --profile},
 * {@code --endpoint} (default: the {@code AWS_ENDPOINT_URL} environment variable) and
 * {@code --log-level}.
 *
 * <pre>{@code
 * remediate scan --region eu-west-1 --region us-east-1 --profile audit
 * }</pre>
 */
public final class GlobalOptions {
  /** The region used when none is given and none is configured. */
  public static final String FALLBACK_REGION = "us-east-1";

  private static final java.util.regex.Pattern REGION =
      java.util.regex.Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

  @Option(names = "--region", paramLabel = "REGION",
      description = "AWS region, e.g. eu-west-1 (repeatable where a command acts in several).")
  List<String> regions = new ArrayList<>();

  @Option(names = "--profile", paramLabel = "NAME",
      description = "Named profile from ~/.aws/config for credentials and region.")
  @Nullable String profile;

  @Option(names = "--endpoint", paramLabel = "URL",
      description = "Send every AWS call to this endpoint (an emulator such as moto or LocalStack);"
          + " default: the AWS_ENDPOINT_URL environment variable.")
  @Nullable String endpoint;

  @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "warn",
      converter = LogLevel.class,
      description = "error, warn, info, debug or trace (default: ${DEFAULT-VALUE}); debug also "
          + "prints stack traces.")
  String logLevel = "warn";

  /** Creates empty options (picocli fills them). */
  public GlobalOptions() {}

  /**
   * The regions given with {@code --region}, in order, without repeats.
   *
   * @return region ids
   * @throws CliException when one is not a region id like {@code us-east-1}
   */
  public List<String> regions() {
    for (String region : regions) {
      checkRegion(region);
    }
    return List.copyOf(new LinkedHashSet<>(regions));
  }

  static String checkRegion(String region) {
    if (!REGION.matcher(region).matches()) {
      throw CliException.badInput("'" + region + "' is not a region id like us-east-1");
    }
    if (!KNOWN_AREAS.contains(area(region))) {
      throw CliException.badInput("'" + region + "' is not an AWS region (regions start with "
          + String.join(", ", new java.util.TreeSet<>(KNOWN_AREAS)) + ")");
    }
    return region;
  }

  /**
   * The areas AWS regions are named after ({@code us}, {@code eu}, {@code ap}, {@code us-gov}...),
   * from the SDK's region list: a region AWS added after this SDK was released still passes, a
   * made-up one ({@code xx-yyyy-1}) is refused before any call.
   */
  private static final Set<String> KNOWN_AREAS = software.amazon.awssdk.regions.Region.regions()
      .stream().map(r -> r.id()).filter(id -> REGION.matcher(id).matches())
      .map(GlobalOptions::area).collect(java.util.stream.Collectors.toUnmodifiableSet());

  private static String area(String region) {
    String withoutNumber = region.substring(0, region.lastIndexOf('-'));
    String[] parts = withoutNumber.split("-");
    // us-gov-west-1 -> us-gov, eu-west-1 -> eu, ap-southeast-7 -> ap
    return parts.length > 2 ? parts[0] + "-" + parts[1] : parts[0];
  }

  /** Accepts the documented levels only (any case), so a typo is bad input. */
  static final class LogLevel implements CommandLine.ITypeConverter<String> {
    static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");

    @Override
    public String convert(String value) {
      String level = value.toLowerCase(Locale.ROOT);
      if (!LEVELS.contains(level)) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a log level: "
            + String.join(", ", LEVELS));
      }
      return level;
    }
  }

  /** @return the profile given with {@code --profile} */
  public Optional<String> profile() {
    return Optional.ofNullable(profile);
  }

  /** @return true when {@code --log-level} is debug or trace */
  public boolean debug() {
    String level = logLevel.toLowerCase(Locale.ROOT);
    return level.equals("debug") || level.equals("trace");
  }

  /**
   * The endpoint override: {@code --endpoint}, else {@code AWS_ENDPOINT_URL}.
   *
   * @param env the environment variables
   * @return the endpoint, if any
   * @throws CliException when the value is not an absolute http(s) URL
   */
  public Optional<URI> endpoint(Map<String, String> env) {
    String value = endpoint != null ? endpoint : env.get("AWS_ENDPOINT_URL");
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(value);
      if (uri.getHost() == null || !("http".equals(uri.getScheme())
          || "https".equals(uri.getScheme()))) {
        throw CliException.badInput("endpoint '" + value + "' is not an http(s) URL like "
            + "http://127.0.0.1:5000");
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      throw CliException.badInput("endpoint '" + value + "' is not a URL: " + e.getReason());
    }
  }

  /**
   * The region a command that acts in one region uses: the first {@code --region}, else
   * {@code AWS_REGION} / {@code AWS_DEFAULT_REGION}, else the profile's region, else
   * {@value #FALLBACK_REGION}.
   *
   * @param env the environment variables
   * @return a region id
   */
  public String homeRegion(Map<String, String> env) {
    if (!regions.isEmpty()) {
      return checkRegion(regions.get(0));
    }
    for (String name : List.of("AWS_REGION", "AWS_DEFAULT_REGION")) {
      String value = env.get(name);
      if (value != null && !value.isBlank()) {
        return checkRegion(value);
      }
    }
    try {
      return new AwsProfileRegionProvider(null, profile).getRegion().id();
    } catch (RuntimeException e) {
      return FALLBACK_REGION;
    }
  }

  /**
   * Checks that a profile is defined in the AWS config or credentials file (as the SDK finds them:
   * {@code AWS_CONFIG_FILE} / {@code aws.configFile}, {@code AWS_SHARED_CREDENTIALS_FILE} /
   * {@code aws.sharedCredentialsFile}, else {@code ~/.aws}), so that a misspelt {@code --profile}
   * is one line of bad input before any call rather than a failure per remediation.
   *
   * @param name the profile name
   * @return the name
   * @throws CliException when the files cannot be read or do not define the profile
   */
  static String checkProfile(String name) {
    ProfileFile files;
    try {
      files = ProfileFile.defaultProfileFile();
    } catch (RuntimeException e) {
      throw CliException.badInput("cannot read the AWS config files for profile '" + name
          + "': " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
    if (files.profile(name).isEmpty()) {
      throw CliException.badInput("profile '" + name + "' is not defined in "
          + ProfileFileLocation.configurationFilePath() + " or "
          + ProfileFileLocation.credentialsFilePath() + " (known: "
          + (files.profiles().isEmpty() ? "none"
              : String.join(", ", new java.util.TreeSet<>(files.profiles().keySet()))) + ")");
    }
    return name;
  }

  /** Attempts of the command line's retry strategy, as the library's default. */
  static final int MAX_ATTEMPTS = 8;

  /**
   * The default {@link ScopeFactory}: credentials from the profile or the SDK's default chain,
   * the endpoint override (with path-style S3 addressing, which emulators need), and the SDK's
   * adaptive retry strategy ({@value #MAX_ATTEMPTS} attempts): {@code apply} runs several targets
   * at once, and when AWS throttles, the adaptive strategy slows all of the scope's calls down
   * together instead of letting each retry on its own.
   *
   * @param env the environment variables
   * @return the factory
   */
  static ScopeFactory defaultScopes(Map<String, String> env) {
    return (region, options) -> {
      AwsScope.Builder builder = AwsScope.builder().region(region).retryStrategy(
          AwsRetryStrategy.adaptiveRetryStrategy().toBuilder().maxAttempts(MAX_ATTEMPTS).build());
      options.profile().ifPresent(p -> builder.credentialsProvider(
          ProfileCredentialsProvider.builder().profileName(checkProfile(p)).build()));
      options.endpoint(env).ifPresent(uri -> builder.endpointOverride(uri)
          .clientCustomizer(b -> {
            if (b instanceof S3ClientBuilder s3) {
              s3.forcePathStyle(true);
            }
          }));
      return builder.build();
    };
  }
}
