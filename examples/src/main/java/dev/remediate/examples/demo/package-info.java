/** The demo ({@code ./demo}): {@link dev.remediate.examples.demo.Demo}. */
@NullMarked
package dev.remediate.examples.demo;

import org.jspecify.annotations.NullMarked;
