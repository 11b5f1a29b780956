package dev.remediate.core.aws;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.RemediationException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The role Remediate assumes in another account (default {@value #DEFAULT_ROLE_NAME}), with an
 * optional external ID. {@link #scopeFor} turns a scope of the caller's account into one acting in
 * the member account: credentials from STS {@code AssumeRole}, session name
 * {@code remediate-<caller>} (so CloudTrail in the member account names who acted), refreshed by
 * the SDK's {@link StsAssumeRoleCredentialsProvider} before they expire.
 *
 * <pre>{@code
 * AccountRole role = AccountRole.builder().roleName("RemediateExecutionRole")
 *     .externalId("org-secret").build();
 * try (AwsScope caller = AwsScope.builder().region("us-east-1").build();
 *     AwsScope member = role.scopeFor(caller, "111122223333")) {
 *   new Remediator(member).planAndApply(...);
 * }
 * }</pre>
 */
public final class AccountRole {
  /** The role name assumed when none is given. */
  public static final String DEFAULT_ROLE_NAME = "RemediateExecutionRole";
  private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
  private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
  private static final Pattern SESSION_CHARS = Pattern.compile("[^\\w+=,.@-]");

  private final String roleName;
  private final @Nullable String externalId;
  private final @Nullable String sessionName;

  private AccountRole(Builder b) {
    this.roleName = b.roleName;
    this.externalId = b.externalId;
    this.sessionName = b.sessionName;
  }

  /** @return a builder (role {@value #DEFAULT_ROLE_NAME}, no external ID) */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the role {@value #DEFAULT_ROLE_NAME} without external ID */
  public static AccountRole ofDefaults() {
    return builder().build();
  }

  /** @return the role's name */
  public String roleName() {
    return roleName;
  }

  /** @return the external ID, if any */
  public Optional<String> externalId() {
    return Optional.ofNullable(externalId);
  }

  /**
   * The role's ARN in an account.
   *
   * @param account 12 digits
   * @return e.g. {@code arn:aws:iam::111122223333:role/RemediateExecutionRole}
   */
  public String roleArn(String account) {
    return "arn:aws:iam::" + AwsNames.accountId(account) + ":role/" + roleName;
  }

  /**
   * A scope acting in another account through this role, in the caller's region. The role is
   * assumed at once, so an account whose role cannot be assumed fails here, not half way through a
   * scan.
   *
   * @param caller the caller's scope (its STS client assumes the role)
   * @param account the member account
   * @return the member account's scope; close it when done
   * @throws RemediationException when the role cannot be assumed, naming the role and the reason
   */
  public AwsScope scopeFor(AwsScope caller, String account) {
    String arn = roleArn(account);
    StsClient sts = caller.client(StsClient.class, StsClient::builder);
    String session = sessionName != null ? sessionName : sessionName(caller);
    StsAssumeRoleCredentialsProvider credentials = StsAssumeRoleCredentialsProvider.builder()
        .stsClient(sts)
        .refreshRequest(r -> {
          r.roleArn(arn).roleSessionName(session);
          if (externalId != null) {
            r.externalId(externalId);
          }
        })
        .build();
    try {
      credentials.resolveCredentials();
    } catch (RuntimeException e) {
      credentials.close();
      throw new RemediationException("cannot assume " + arn + ": " + e.getMessage(), e);
    }
    return caller.inAccount(account, credentials);
  }

  /**
   * {@code remediate-<caller>}: the caller's name (the last part of its ARN: user, role session)
   * or, when STS does not say, its account, cut to the 64 characters STS allows.
   */
  private static String sessionName(AwsScope caller) {
    String name;
    try {
      String arn = caller.client(StsClient.class, StsClient::builder).getCallerIdentity().arn();
      name = arn.substring(Math.max(arn.lastIndexOf('/'), arn.lastIndexOf(':')) + 1);
    } catch (RuntimeException e) {
      name = caller.account();
    }
    String session = "remediate-" + SESSION_CHARS.matcher(name).replaceAll("-");
    return session.length() <= 64 ? session : session.substring(0, 64);
  }

  @Override
  public String toString() {
    return "AccountRole{" + roleName + (externalId != null ? ", externalId=***" : "") + "}";
  }

  /** Builds an {@link AccountRole}. */
  public static final class Builder {
    private String roleName = DEFAULT_ROLE_NAME;
    private @Nullable String externalId;
    private @Nullable String sessionName;

    private Builder() {}

    /**
     * The role's name (not its ARN: the account varies).
     *
     * @param roleName e.g. {@code RemediateExecutionRole}
     * @return this builder
     * @throws InvalidRemediationException when it is not a valid role name, naming it
     */
    public Builder roleName(String roleName) {
      if (roleName == null || !ROLE_NAME.matcher(roleName).matches()) {
        throw new InvalidRemediationException("role name '" + roleName + "' is not a valid IAM "
            + "role name (1-64 of letters, digits, + = , . @ _ -)");
      }
      this.roleName = roleName;
      return this;
    }

    /**
     * The external ID the role's trust policy requires.
     *
     * @param externalId 2-1224 characters; null for none
     * @return this builder
     * @throws InvalidRemediationException when it is not a valid external ID
     */
    public Builder externalId(@Nullable String externalId) {
      if (externalId != null && !EXTERNAL_ID.matcher(externalId).matches()) {
        throw new InvalidRemediationException("external ID is not valid (2-1224 of letters, "
            + "digits, + = , . @ : / _ -)");
      }
      this.externalId = externalId;
      return this;
    }

    /**
     * A fixed session name instead of {@code remediate-<caller>}.
     *
     * @param sessionName 2-64 characters
     * @return this builder
     */
    public Builder sessionName(String sessionName) {
      this.sessionName = Objects.requireNonNull(sessionName, "sessionName");
      return this;
    }

    /** @return the role */
    public AccountRole build() {
      return new AccountRole(this);
    }
  }
}
