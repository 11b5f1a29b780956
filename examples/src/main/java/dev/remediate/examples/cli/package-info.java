/** The {@code remediate} command-line tool: {@link dev.remediate.examples.cli.Remediate} and its subcommands. */
@NullMarked
package dev.remediate.examples.cli;

import org.jspecify.annotations.NullMarked;
