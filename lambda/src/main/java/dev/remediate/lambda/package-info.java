/** The AWS Lambda adapter for EventBridge "AWS API Call via CloudTrail" events: {@link dev.remediate.lambda.RemediateHandler}. */
@NullMarked
package dev.remediate.lambda;

import org.jspecify.annotations.NullMarked;
