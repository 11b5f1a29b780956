/**
 * Resource-policy documents as data: merging the statements a remediation needs into an existing
 * bucket, key, topic or trust policy by statement id, without touching anyone else's statements.
 */
@NullMarked
package dev.remediate.core.policy;

import org.jspecify.annotations.NullMarked;
