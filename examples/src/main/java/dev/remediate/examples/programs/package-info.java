/** Example programs, one per remediation and per use case, runnable from an IDE against an emulator they start. */
@NullMarked
package dev.remediate.examples.programs;

import org.jspecify.annotations.NullMarked;
