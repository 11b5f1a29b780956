/** The {@code remediate} command-line tool: {@link dev.remediate.cli.Remediate} and its subcommands. */
@NullMarked
package dev.remediate.cli;

import org.jspecify.annotations.NullMarked;
