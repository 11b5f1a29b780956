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
@RemediationValueStyle
package dev.remediate.iam;

import dev.remediate.core.RemediationValueStyle;
import org.jspecify.annotations.NullMarked;
