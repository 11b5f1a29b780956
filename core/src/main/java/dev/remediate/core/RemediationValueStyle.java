package dev.remediate.core;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.immutables.value.Value;

/**
 * The Immutables style of remediation values, for the package (in {@code package-info.java}) or
 * the class of an {@code @Value.Immutable} remediation that extends {@link AbstractRemediation}.
 *
 * <ul>
 *   <li>The generated class and its builder are package-private: users see the hand-written
 *       abstract class and its thin public builder, never an {@code Immutable*} type.</li>
 *   <li>Immutables' own null and "required value not set" checks are off: a null or missing value
 *       reaches the remediation's one {@code @Value.Check} method, which refuses it like any bad
 *       value, with an {@link InvalidRemediationException} naming it. That method must therefore
 *       expect null in every value (the {@link dev.remediate.core.aws.AwsNames} checks do).</li>
 *   <li>Null given to the setter of an {@code Optional} value means "not given".</li>
 *   <li>No equals, hash code or text are generated: {@link AbstractRemediation} makes them the
 *       spec's, final.</li>
 * </ul>
 *
 * <pre>{@code
 * // package-info.java
 * @RemediationValueStyle
 * package com.example.remediations;
 * }</pre>
 */
@Documented
@Target({ElementType.PACKAGE, ElementType.TYPE})
@Retention(RetentionPolicy.CLASS)
@Value.Style(
    jdkOnly = true,
    visibility = Value.Style.ImplementationVisibility.PACKAGE,
    builderVisibility = Value.Style.BuilderVisibility.PACKAGE,
    validationMethod = Value.Style.ValidationMethod.NONE,
    optionalAcceptNullable = true,
    defaults = @Value.Immutable(prehash = false))
public @interface RemediationValueStyle {}
