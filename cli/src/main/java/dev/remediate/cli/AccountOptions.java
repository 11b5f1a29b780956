package dev.remediate.cli;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.aws.AccountRole;
import dev.remediate.core.aws.AwsNames;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.aws.Organization;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The accounts {@code scan} and {@code apply} act in: {@code --accounts} or {@code --organization}
 * (less {@code --skip-accounts}), reached through {@code --role} (with {@code --external-id}).
 * Without them, the caller's account only.
 *
 * <pre>{@code
 * remediate scan --accounts 111122223333,444455556666 --region us-east-1 --region eu-west-1
 * remediate scan --organization --skip-accounts 999988887777 --external-id org-secret
 * }</pre>
 */
public final class AccountOptions {
  @Option(names = "--accounts", paramLabel = "ID", split = ",",
      description = "Act in these accounts (12-digit ids, comma-separated; repeatable) through "
          + "--role; the caller's own account needs no role.")
  List<String> accounts = new ArrayList<>();

  @Option(names = "--organization",
      description = "Act in every active account of the caller's organization (Organizations "
          + "ListAccounts, from the management account or a delegated administrator).")
  boolean organization;

  @Option(names = "--skip-accounts", paramLabel = "ID", split = ",",
      description = "Leave these accounts out (with --organization or --accounts).")
  List<String> skipAccounts = new ArrayList<>();

  @Option(names = "--role", paramLabel = "NAME", defaultValue = AccountRole.DEFAULT_ROLE_NAME,
      description = "The role assumed in each member account (default: ${DEFAULT-VALUE}).")
  String role = AccountRole.DEFAULT_ROLE_NAME;

  @Option(names = "--external-id", paramLabel = "ID",
      description = "The external ID the member role's trust policy requires.")
  @Nullable String externalId;

  /** Creates empty options (picocli fills them). */
  public AccountOptions() {}

  /**
   * Checks the values.
   *
   * @throws CliException naming the bad value
   */
  void check() {
    if (organization && !accounts.isEmpty()) {
      throw CliException.badInput("--accounts and --organization cannot be combined");
    }
    requireIds("--accounts", accounts);
    requireIds("--skip-accounts", skipAccounts);
    role();
  }

  private static void requireIds(String option, List<String> ids) {
    for (String id : ids) {
      try {
        AwsNames.accountId(id.strip());
      } catch (InvalidRemediationException e) {
        throw CliException.badInput(option + ": account id '" + id + "' is not 12 digits");
      }
    }
  }

  /** @return true when accounts were chosen (otherwise the caller's account only) */
  boolean given() {
    return organization || !accounts.isEmpty();
  }

  /** @return the role assumed in member accounts */
  AccountRole role() {
    try {
      return AccountRole.builder().roleName(role).externalId(externalId).build();
    } catch (InvalidRemediationException e) {
      throw CliException.badInput((e.getMessage().startsWith("role") ? "--role: "
          : "--external-id: ") + e.getMessage());
    }
  }

  /**
   * The accounts to act in, {@code --skip-accounts} left out.
   *
   * @param caller the caller's scope (lists the organization)
   * @return 12-digit ids
   */
  List<String> resolve(AwsScope caller) {
    List<String> chosen = organization ? Organization.activeAccounts(caller)
        : accounts.stream().map(String::strip).distinct().toList();
    List<String> skipped = skipAccounts.stream().map(String::strip).toList();
    return chosen.stream().filter(a -> !skipped.contains(a)).toList();
  }

  /**
   * Whether a plan's account is chosen (for plans read from a file).
   *
   * @param account the plan's account
   * @return true without {@code --accounts}, or when listed and not skipped
   */
  boolean selects(String account) {
    return (accounts.isEmpty() || accounts.stream().map(String::strip).toList().contains(account))
        && skipAccounts.stream().map(String::strip).noneMatch(account::equals);
  }
}
