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
// The Immutables style of remediation values (docs/writing-a-remediation.md): the generated
// classes package-private; Immutables' own null and "required value not set" checks off, so a
// null or missing value reaches the one @Value.Check and is refused naming it; null for an
// Optional value means "not given". The same in every remediation package: a shared style
// annotation in core made the javadoc of these modules fail (its enums are not on their module
// path there).
@Value.Style(
    jdkOnly = true,
    visibility = Value.Style.ImplementationVisibility.PACKAGE,
    builderVisibility = Value.Style.BuilderVisibility.PACKAGE,
    validationMethod = Value.Style.ValidationMethod.NONE,
    optionalAcceptNullable = true,
    defaults = @Value.Immutable(prehash = false))
package dev.remediate.ec2;

import org.immutables.value.Value;
import org.jspecify.annotations.NullMarked;
