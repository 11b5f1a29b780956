/**
 * The plan/apply engine.
 *
 * <p>A {@link dev.remediate.core.Remediation} describes a desired state for one target. A
 * {@link dev.remediate.core.Remediator} plans it (reads only) and applies a plan (re-checks, honours
 * {@link dev.remediate.core.Guardrails}, runs the steps, verifies):
 *
 * <pre>{@code
 * try (AwsScope scope = AwsScope.builder().region(Region.EU_WEST_1).build()) {
 *   Remediator remediator = Remediator.create(scope);
 *   Plan plan = remediator.plan(RestrictDefaultSecurityGroup.forVpc("vpc-0abc1234"));
 *   System.out.println(plan.toText());
 *   ApplyResult result = remediator.apply(plan);
 * }
 * }</pre>
 */
@NullMarked
package dev.remediate.core;

import org.jspecify.annotations.NullMarked;
