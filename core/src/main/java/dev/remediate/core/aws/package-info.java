/**
 * Where remediations act: {@link dev.remediate.core.aws.AwsScope} holds the account, region,
 * credentials, endpoint override, retry strategy, waiter settings and the SDK clients.
 */
@NullMarked
package dev.remediate.core.aws;

import org.jspecify.annotations.NullMarked;
