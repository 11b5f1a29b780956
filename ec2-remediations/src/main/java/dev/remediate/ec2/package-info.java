/**
 * EC2 and VPC remediations: one class per remediation, each readable top to bottom (observe, decide,
 * steps), with its {@link dev.remediate.core.RemediationType} registered for the catalog.
 *
 * <pre>{@code
 * Remediator remediator = Remediator.create(scope);
 * Plan plan = remediator.plan(RestrictDefaultSecurityGroup.forVpc("vpc-0abc1234"));
 * System.out.print(plan.toText());
 * remediator.apply(plan);
 * }</pre>
 */
@NullMarked
@RemediationValueStyle
package dev.remediate.ec2;

import dev.remediate.core.RemediationValueStyle;
import org.jspecify.annotations.NullMarked;
