/**
 * Plans as data: {@link dev.remediate.core.plan.Plan}, its {@link dev.remediate.core.plan.Step}s,
 * the {@link dev.remediate.core.plan.Target} and the {@link dev.remediate.core.plan.RemediationSpec}
 * that rebuilds the remediation. Plans render as text ({@link dev.remediate.core.plan.Plan#toText()})
 * and as versioned JSON that round-trips ({@link dev.remediate.core.plan.Plan#toJson()},
 * {@link dev.remediate.core.plan.Plan#fromJson(String)}).
 */
@NullMarked
@Value.Style(
    jdkOnly = true,
    visibility = Value.Style.ImplementationVisibility.PACKAGE,
    overshadowImplementation = true,
    defaults = @Value.Immutable(copy = true, prehash = false))
package dev.remediate.core.plan;

import org.immutables.value.Value;
import org.jspecify.annotations.NullMarked;
