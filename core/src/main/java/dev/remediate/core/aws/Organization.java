package dev.remediate.core.aws;

import dev.remediate.core.RemediationException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.Account;
import software.amazon.awssdk.services.organizations.model.AccountStatus;
import software.amazon.awssdk.services.organizations.model.ListAccountsResponse;

/**
 * The accounts of the caller's AWS Organization, for a {@link Fleet}: Organizations
 * {@code ListAccounts} (callable from the management account or a delegated administrator),
 * active accounts only (suspended accounts and those being closed cannot be acted in).
 *
 * <pre>{@code
 * List<String> accounts = Organization.activeAccounts(caller);
 * Fleet fleet = Fleet.builder(caller).accounts(accounts).regions(regions).build();
 * }</pre>
 */
public final class Organization {
  private Organization() {}

  /**
   * The organization's active accounts, in the order Organizations lists them.
   *
   * @param caller a scope of the management account (or a delegated administrator)
   * @return 12-digit account ids, the management account included
   * @throws RemediationException when the accounts cannot be listed, with the reason
   */
  public static List<String> activeAccounts(AwsScope caller) {
    OrganizationsClient organizations = caller.client(OrganizationsClient.class,
        OrganizationsClient::builder);
    List<String> accounts = new ArrayList<>();
    try {
      for (ListAccountsResponse page : organizations.listAccountsPaginator(r -> { })) {
        for (Account account : page.accounts()) {
          if (account.status() == AccountStatus.ACTIVE) {
            accounts.add(account.id());
          }
        }
      }
    } catch (RuntimeException e) {
      throw new RemediationException("Could not list the organization's accounts "
          + "(Organizations ListAccounts): " + e.getMessage(), e);
    }
    return List.copyOf(accounts);
  }
}
