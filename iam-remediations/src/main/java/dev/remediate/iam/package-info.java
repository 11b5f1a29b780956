/**
 * IAM incident response: deactivate a compromised access key (and reactivate exactly those keys
 * later), revoke a role's active sessions (the IAM console's "Revoke active sessions"), quarantine
 * a user (and release it). Each remediation reads top to bottom: an observer that makes every read
 * into an immutable observation, a decision with no AWS call, the steps. IAM is global: every
 * remediation uses the scope's global IAM client
 * ({@link dev.remediate.core.aws.AwsScope#globalClient}).
 *
 * <pre>{@code
 * Remediator remediator = Remediator.builder().scope(scope)
 *     .guardrails(Guardrails.custom().consentTo(Flag.DISRUPTIVE).build()).build();
 * remediator.planAndApply(List.of(DeactivateAccessKey.forAccessKey("AKIAIOSFODNN7EXAMPLE")));
 * }</pre>
 */
@NullMarked
// The Immutables style of remediation values: the same as dev.remediate.ec2's, which says why.
@Value.Style(
    jdkOnly = true,
    visibility = Value.Style.ImplementationVisibility.PACKAGE,
    builderVisibility = Value.Style.BuilderVisibility.PACKAGE,
    validationMethod = Value.Style.ValidationMethod.NONE,
    optionalAcceptNullable = true,
    defaults = @Value.Immutable(prehash = false))
package dev.remediate.iam;

import org.immutables.value.Value;
import org.jspecify.annotations.NullMarked;
