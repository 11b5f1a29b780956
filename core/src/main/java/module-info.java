/**
 * Remediate's core: the plan/apply engine, the AWS scope, the CloudTrail record model and readers,
 * the event-rule SPI and router, and plan rendering.
 *
 * <p>Exports only API packages. {@code dev.remediate.core.internal} (plan JSON, fingerprints,
 * version) is not exported: read and write plans through {@link dev.remediate.core.plan.Plan} and
 * {@link dev.remediate.core.plan.PlanSet}. Remediation modules contribute
 * {@link dev.remediate.core.RemediationType}s and
 * {@link dev.remediate.core.event.EventRuleProvider}s through {@link java.util.ServiceLoader}.
 */
module dev.remediate.core {
  exports dev.remediate.core;
  exports dev.remediate.core.aws;
  exports dev.remediate.core.event;
  exports dev.remediate.core.plan;
  exports dev.remediate.core.policy;

  requires transitive software.amazon.awssdk.core;
  requires transitive software.amazon.awssdk.awscore;
  requires transitive software.amazon.awssdk.regions;
  requires transitive software.amazon.awssdk.auth;
  requires transitive software.amazon.awssdk.http;
  requires transitive software.amazon.awssdk.policybuilder.iam;
  requires transitive software.amazon.awssdk.utils;
  requires transitive com.fasterxml.jackson.databind;
  requires software.amazon.awssdk.services.sts;
  requires software.amazon.awssdk.services.organizations;
  requires software.amazon.awssdk.http.apache;
  requires software.amazon.awssdk.retries.api;
  requires software.amazon.awssdk.retries;
  requires org.slf4j;
  requires java.logging;
  requires static transitive org.jspecify;
  requires static org.immutables.value.annotations;

  uses dev.remediate.core.RemediationType;
  uses dev.remediate.core.event.EventRuleProvider;
}
