package dev.remediate.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every subcommand has: the parent command (for the {@link CliEnvironment}), its picocli
 * spec (for the output streams) and the {@link GlobalOptions}.
 */
abstract class BaseCommand {
  @ParentCommand
  Remediate parent;

  @Spec
  CommandSpec spec;

  @Mixin
  GlobalOptions global;

  /**
   * Fails on a bad --region, --endpoint or --profile before anything else is read or printed,
   * whether or not the command calls AWS (a typo is bad input everywhere).
   */
  void checkGlobalOptions() {
    global.regions();
    global.endpoint(env().env());
    global.profile().ifPresent(GlobalOptions::checkProfile);
  }

  CliEnvironment env() {
    return parent.env();
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
