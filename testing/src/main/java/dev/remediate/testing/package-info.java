/**
 * JUnit 5 support for testing code that uses Remediate (or any AWS SDK v2 code) against an AWS
 * emulator: {@link dev.remediate.testing.AwsEmulatorExtension} gives each test a reset emulator and a
 * ready {@link dev.remediate.core.aws.AwsScope}; {@link dev.remediate.testing.ApiCallRecorder} counts
 * calls; {@link dev.remediate.testing.FaultInjector} makes chosen calls fail.
 */
@NullMarked
package dev.remediate.testing;

import org.jspecify.annotations.NullMarked;
