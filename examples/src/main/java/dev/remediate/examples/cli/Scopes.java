package dev.remediate.examples.cli;

import dev.remediate.core.ApplyListener;
import dev.remediate.core.Guardrails;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.Remediator;
import dev.remediate.core.aws.AwsScope;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The scopes and remediators one command run uses, one per region, opened on first use and
 * closed together.
 */
final class Scopes implements AutoCloseable {
  private final CliEnvironment env;
  private final GlobalOptions options;
  private final Guardrails guardrails;
  private final ApplyListener listener;
  private final Map<String, AwsScope> scopes = new LinkedHashMap<>();
  private final Map<String, Remediator> remediators = new LinkedHashMap<>();

  Scopes(CliEnvironment env, GlobalOptions options, Guardrails guardrails,
      ApplyListener listener) {
    this.env = env;
    this.options = options;
    this.guardrails = guardrails;
    this.listener = listener;
  }

  AwsScope scope(String region) {
    return scopes.computeIfAbsent(region, r -> env.scopes().open(r, options));
  }

  Remediator remediator(String region) {
    RemediationCatalog catalog = env.catalog();
    return remediators.computeIfAbsent(region, r -> Remediator.builder()
        .scope(scope(r))
        .catalog(catalog)
        .guardrails(guardrails)
        .listener(listener)
        .build());
  }

  @Override
  public void close() {
    scopes.values().forEach(AwsScope::close);
    scopes.clear();
    remediators.clear();
  }
}
