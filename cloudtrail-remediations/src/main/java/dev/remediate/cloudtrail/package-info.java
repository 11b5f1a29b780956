/**
 * Audit-logging remediations: {@link dev.remediate.cloudtrail.EnsureTrail} (a multi-Region CloudTrail
 * trail, its bucket, key and CloudWatch Logs delivery), {@link dev.remediate.cloudtrail.EnableConfigRecorder}
 * (the AWS Config recorder and delivery channel of a Region) and {@link dev.remediate.cloudtrail.CisAlarms}
 * (the CIS metric filters and alarms on the trail's log group).
 *
 * <p>Every resource policy these remediations write (bucket, key, topic, trust policies) is merged
 * with the existing one by statement id, never overwritten, and every statement that lets a service
 * principal in carries the confused-deputy conditions {@code aws:SourceAccount} or
 * {@code aws:SourceArn}.
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
package dev.remediate.cloudtrail;

import org.immutables.value.Value;
import org.jspecify.annotations.NullMarked;
