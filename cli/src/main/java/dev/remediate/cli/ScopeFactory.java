package dev.remediate.cli;

import dev.remediate.core.aws.AwsScope;

/**
 * Opens the {@link AwsScope} the tool acts in for one region. The default builds it from the
 * common flags ({@code --profile}, {@code --endpoint} / {@code AWS_ENDPOINT_URL}); tests hand in
 * scopes pointed at the emulator.
 *
 * <pre>{@code
 * ScopeFactory emulator = (region, options) -> aws.scopeBuilder(Region.of(region)).build();
 * }</pre>
 */
@FunctionalInterface
public interface ScopeFactory {
  /**
   * Opens a scope; the caller closes it.
   *
   * @param region the region id, e.g. {@code us-east-1}
   * @param options the common flags of the command being run
   * @return the scope
   */
  AwsScope open(String region, GlobalOptions options);
}
