/** The AWS Lambda adapter for EventBridge "AWS API Call via CloudTrail" events: {@link dev.remediate.examples.lambda.RemediateHandler}. */
@NullMarked
package dev.remediate.examples.lambda;

import org.jspecify.annotations.NullMarked;
