/** Implementation details. Not part of the API: may change in any release. */
@NullMarked
package dev.remediate.core.internal;

import org.jspecify.annotations.NullMarked;
