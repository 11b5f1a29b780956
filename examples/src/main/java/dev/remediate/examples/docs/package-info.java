/** Files generated from the code: the catalog page and the Lambda adapter's SAM template. */
@NullMarked
package dev.remediate.examples.docs;

import org.jspecify.annotations.NullMarked;
