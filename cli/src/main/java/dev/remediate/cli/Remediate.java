package dev.remediate.cli;

import dev.remediate.core.aws.SecretSafeLogging;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.aws.AwsScope;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code remediate}, the command-line tool: lists the catalog, scans regions, reacts to CloudTrail
 * records and applies saved plans.
 *
 * <p>Exit codes: {@value #EXIT_OK} success and nothing to change, {@value #EXIT_FAILURE} failure,
 * {@value #EXIT_BAD_INPUT} bad input (one line on standard error), {@value #EXIT_CHANGES} a scan
 * planned changes.
 *
 * <pre>{@code
 * remediate catalog --iam-policy > policy.json
 * remediate scan --region eu-west-1 --config remediate.yaml --out plans.json
 * remediate apply plans.json
 * }</pre>
 *
 * <p>In process (tests, embedding): {@link #execute(CliEnvironment, PrintWriter, PrintWriter,
 * String...)}.
 */
@Command(name = "remediate", mixinStandardHelpOptions = true,
    versionProvider = Remediate.VersionProvider.class,
    description = "Finds and fixes insecure AWS configuration with plans you can review.",
    subcommands = {CatalogCommand.class, ScanCommand.class, ReactCommand.class,
        ApplyCommand.class, EventsCommand.class,
        CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success; for scan: nothing needs doing", "1:failure",
        "2:bad input (unknown flag, malformed file, unknown id)",
        "3:scan, react: changes are planned (and, for react, not applied)"})
public final class Remediate implements Runnable {
  /** Success; for {@code scan}: nothing needs doing. */
  public static final int EXIT_OK = 0;
  /** A failure while planning or applying. */
  public static final int EXIT_FAILURE = 1;
  /** Bad input: unknown flag, malformed config or plan, unreadable file, unknown id. */
  public static final int EXIT_BAD_INPUT = 2;
  /** {@code scan}: changes are planned (like {@code terraform plan -detailed-exitcode}). */
  public static final int EXIT_CHANGES = 3;

  private final CliEnvironment env;

  @Spec
  CommandSpec spec;

  /**
   * Creates the command.
   *
   * @param env what the tool takes from its surroundings
   */
  public Remediate(CliEnvironment env) {
    this.env = env;
  }

  /** @return the environment */
  CliEnvironment env() {
    return env;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a subcommand is required: catalog, scan, react, apply, events");
  }

  /**
   * Runs the tool and exits with its exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    configureLogging(args);
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code = execute(CliEnvironment.system(), out, err, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs the tool in process.
   *
   * @param env the environment
   * @param out standard output
   * @param err standard error
   * @param args the command line
   * @return the exit code
   */
  public static int execute(CliEnvironment env, PrintWriter out, PrintWriter err,
      String... args) {
    boolean debug = debugRequested(args);
    CommandLine cli = new CommandLine(new Remediate(env));
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler((e, a) -> {
      CommandLine failed = e.getCommandLine();
      err.println("remediate: " + parameterMessage(e) + " (see '"
          + failed.getCommandSpec().qualifiedName() + " --help')");
      if (debug) {
        e.printStackTrace(err);
      }
      return EXIT_BAD_INPUT;
    });
    cli.setExecutionExceptionHandler((e, c, parsed) -> {
      int code = exitCode(e);
      err.println("remediate: " + message(e));
      if (debug) {
        e.printStackTrace(err);
      }
      return code;
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /**
   * Runs the tool in process, capturing its output (tests, embedding).
   *
   * @param env the environment
   * @param args the command line
   * @return exit code, standard output and standard error
   */
  public static Result run(CliEnvironment env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = execute(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  /**
   * What one in-process run produced.
   *
   * @param exitCode the exit code
   * @param out standard output
   * @param err standard error
   */
  public record Result(int exitCode, String out, String err) {}

  /** Picocli's message, in the words of this tool: "unknown command", no "option option". */
  private static String parameterMessage(CommandLine.ParameterException e) {
    CommandLine failed = e.getCommandLine();
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched
        && failed.getCommandSpec().parent() == null && !unmatched.getUnmatched().isEmpty()
        && !unmatched.getUnmatched().get(0).startsWith("-")) {
      return "unknown command '" + unmatched.getUnmatched().get(0) + "'; commands: "
          + String.join(", ", failed.getSubcommands().keySet().stream()
              .filter(name -> !name.equals("help")).toList());
    }
    return String.valueOf(e.getMessage()).replace("option option", "option");
  }

  private static int exitCode(Exception e) {
    if (e instanceof CliException cli) {
      return cli.exitCode();
    }
    if (e instanceof InvalidRemediationException) {
      return EXIT_BAD_INPUT;
    }
    return EXIT_FAILURE;
  }

  private static String message(Exception e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName() + " (run with --log-level debug for details)";
    }
    if (e instanceof CliException || e instanceof dev.remediate.core.RemediationException) {
      return message;
    }
    return e.getClass().getSimpleName() + ": " + message;
  }

  static boolean debugRequested(String... args) {
    List<String> list = Arrays.asList(args);
    for (int i = 0; i < list.size(); i++) {
      String arg = list.get(i);
      String value = null;
      if (arg.equals("--log-level") && i + 1 < list.size()) {
        value = list.get(i + 1);
      } else if (arg.startsWith("--log-level=")) {
        value = arg.substring("--log-level=".length());
      }
      if (value != null) {
        String level = value.toLowerCase(Locale.ROOT);
        if (level.equals("debug") || level.equals("trace")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Sets the SLF4J simple logger's level from {@code --log-level} before any logger exists.
   *
   * @param args the command line
   */
  static void configureLogging(String... args) {
    String level = "warn";
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--log-level") && i + 1 < args.length) {
        level = args[i + 1];
      } else if (args[i].startsWith("--log-level=")) {
        level = args[i].substring("--log-level=".length());
      }
    }
    level = level.toLowerCase(Locale.ROOT);
    // an unknown level is refused by the option's converter; until then, the default
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        GlobalOptions.LogLevel.LEVELS.contains(level) ? level : "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    SecretSafeLogging.install();
  }

  /** Prints the library version for {@code --version}. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"remediate " + AwsScope.libraryVersion()};
    }
  }
}
