package dev.remediate.examples.programs;

import dev.remediate.core.Guardrails;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.Remediation;
import dev.remediate.core.Remediator;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.aws.SecretSafeLogging;
import dev.remediate.testing.MotoServer;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * What every example program shares: where it runs and the plan / apply / plan-again loop.
 *
 * <p>With no arguments an example starts the local AWS emulator (moto), creates something to fix
 * and applies. With {@code --profile NAME}, {@code --region REGION} and/or {@code --endpoint URL}
 * (another endpoint, e.g. an emulator you run) it acts on the account there: it creates nothing,
 * acts only on the resources its own arguments name (missing ones: the usage line and exit 2) and
 * only plans, unless {@code --apply} is given. Own arguments without those flags are refused: the
 * emulator it would start has none of those resources.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   try (ExampleSupport example = ExampleSupport.open(args)) {
 *     example.planAndApply(RestrictDefaultSecurityGroup.forAllVpcs());
 *   }
 * }
 * }</pre>
 */
public final class ExampleSupport implements AutoCloseable {
  private final @Nullable MotoServer moto;
  private final boolean emulator;
  private final AwsScope scope;
  private final boolean apply;
  private final List<String> rest;
  private final PrintStream out;

  private ExampleSupport(@Nullable MotoServer moto, boolean emulator, AwsScope scope,
      boolean apply, List<String> rest, PrintStream out) {
    this.moto = moto;
    this.emulator = emulator;
    this.scope = scope;
    this.apply = apply;
    this.rest = List.copyOf(rest);
    this.out = out;
  }

  /**
   * Reads the common arguments and opens the scope: the emulator (started now) or real AWS.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply] [own
   *     arguments...]}
   * @return the example's surroundings; close it
   * @throws UsageException on a flag without its value, or own arguments without a place to use
   *     them (they name resources of an account, and the emulator the example starts is empty)
   */
  public static ExampleSupport open(String... args) {
    SecretSafeLogging.install();
    String profile = null;
    String region = null;
    String endpoint = null;
    boolean apply = false;
    List<String> rest = new ArrayList<>();
    Iterator<String> it = Arrays.asList(args).iterator();
    while (it.hasNext()) {
      String arg = it.next();
      switch (arg) {
        case "--profile" -> profile = value(arg, it);
        case "--region" -> region = value(arg, it);
        case "--endpoint" -> endpoint = value(arg, it);
        case "--apply" -> apply = true;
        default -> {
          if (arg.startsWith("--")) {
            throw new UsageException("unknown option " + arg);
          }
          rest.add(arg);
        }
      }
    }
    if (profile == null && region == null && endpoint == null) {
      if (!rest.isEmpty()) {
        throw new UsageException("arguments " + rest + " name resources of an account: give "
            + "--region or --profile (or --endpoint) with them; without, the example runs on "
            + "its own empty emulator");
      }
      return onOwnEmulator();
    }
    AwsScope.Builder builder = AwsScope.builder().region(region != null ? region : "us-east-1");
    if (profile != null) {
      builder.credentialsProvider(ProfileCredentialsProvider.builder().profileName(profile)
          .build());
    }
    if (endpoint != null) {
      builder.endpointOverride(URI.create(endpoint)).clientCustomizer(ExampleSupport::pathStyle);
    }
    System.out.println("Running against " + (endpoint != null ? endpoint : "AWS")
        + (apply ? "" : " (plan only; add --apply)"));
    return new ExampleSupport(null, false, builder.build(), apply, rest, System.out);
  }

  private static ExampleSupport onOwnEmulator() {
    MotoServer moto = MotoServer.start();
    AwsScope scope = AwsScope.builder().region(Region.US_EAST_1)
        .endpointOverride(moto.endpoint())
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("testing", "testing")))
        .maxAttempts(3)
        .clientCustomizer(ExampleSupport::pathStyle)
        .build();
    System.out.println("Running against the local emulator at " + moto.endpoint());
    return new ExampleSupport(moto, true, scope, true, List.of(), System.out);
  }

  private static void pathStyle(Object builder) {
    if (builder instanceof S3ClientBuilder s3) {
      s3.forcePathStyle(true);
    }
  }

  /**
   * Runs an example's body: bad arguments print the usage line and exit 2, like the CLI.
   *
   * @param usage the example's usage line, e.g. {@code BlockIpAddressExample [--region R] ...}
   * @param args the command line
   * @param body what the example does
   * @param err where the usage goes
   * @return the exit code: 0, or 2 for bad arguments
   */
  public static int execute(String usage, String[] args, Consumer<ExampleSupport> body,
      PrintStream err) {
    try (ExampleSupport example = open(args)) {
      body.accept(example);
      return 0;
    } catch (UsageException e) {
      err.println("usage: " + usage);
      err.println(e.getMessage());
      return 2;
    }
  }

  /**
   * {@link #execute} for a {@code main} method: exits with 2 on bad arguments.
   *
   * @param usage the usage line
   * @param args the command line
   * @param body what the example does
   */
  public static void main(String usage, String[] args, Consumer<ExampleSupport> body) {
    int code = execute(usage, args, body, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * The example's own argument at a position, required against AWS (where the example creates
   * nothing to act on).
   *
   * @param index the position among the example's own arguments
   * @param name how the usage line names it, e.g. {@code INSTANCE_ID}
   * @return the argument
   * @throws UsageException when it is missing
   */
  public String argument(int index, String name) {
    if (index >= rest.size()) {
      throw new UsageException("missing " + name + ": against AWS the example acts only on "
          + "resources you name, and creates none");
    }
    return rest.get(index);
  }

  /** Bad example arguments: the usage line and exit code 2. */
  public static final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message one line naming what is wrong
     */
    public UsageException(String message) {
      super(message);
    }
  }

  /**
   * Wraps an emulator scope the caller owns (tests: the emulator extension's scope). Examples
   * then create what they fix and apply, as with the emulator they start themselves.
   *
   * @param scope the scope
   * @param out where to print
   * @param args the example's own arguments
   * @return the example's surroundings; closing it closes the scope
   */
  public static ExampleSupport onEmulator(AwsScope scope, PrintStream out, String... args) {
    return new ExampleSupport(null, true, scope, true, List.of(args), out);
  }

  private static String value(String flag, Iterator<String> it) {
    if (!it.hasNext()) {
      throw new UsageException(flag + " needs a value");
    }
    return it.next();
  }

  /** @return the scope to act in */
  public AwsScope scope() {
    return scope;
  }

  /** @return true when running against the emulator */
  public boolean emulator() {
    return emulator;
  }

  /** @return true on the emulator or with {@code --apply} */
  public boolean applyRequested() {
    return apply;
  }

  /** @return the arguments the common ones left */
  public List<String> arguments() {
    return rest;
  }

  /** @return where to print */
  public PrintStream out() {
    return out;
  }

  /**
   * Plans a remediation (one plan per target), prints the plan set, and (on the emulator or with
   * {@code --apply}) applies it target by target and shows that a second plan set is empty.
   *
   * @param remediation the remediation
   * @param guardrails the guardrails to apply with (consent to flags goes here)
   * @return the first plan set
   */
  public PlanSet planAndApply(Remediation remediation, Guardrails guardrails) {
    Remediator remediator = Remediator.builder().scope(scope).guardrails(guardrails).build();
    PlanSet plans = remediator.planSet(List.of(remediation));
    out.print(plans.toText());
    if (plans.isEmpty() || !apply) {
      out.println(plans.isEmpty() ? "Compliant: nothing to do." : "Plan only: nothing changed.");
      return plans;
    }
    PlanSetResult result = remediator.apply(plans);
    out.print(result.toText());
    PlanSet again = remediator.planSet(List.of(remediation));
    out.println("Second plan: " + (again.isEmpty() ? "empty, compliant"
        : again.changes() + " change(s) left"));
    return plans;
  }

  /**
   * {@link #planAndApply(Remediation, Guardrails)} with default guardrails (no consent).
   *
   * @param remediation the remediation
   * @return the first plan set
   */
  public PlanSet planAndApply(Remediation remediation) {
    return planAndApply(remediation, Guardrails.ofDefaults());
  }

  /** Closes the scope and stops the emulator this example started. */
  @Override
  public void close() {
    scope.close();
    if (moto != null) {
      moto.close();
    }
  }
}
