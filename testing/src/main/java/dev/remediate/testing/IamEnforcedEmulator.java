package dev.remediate.testing;

import dev.remediate.core.aws.AwsScope;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;

/**
 * A moto server of its own on which IAM can be enforced, so that a test runs the library with the
 * keys of a user holding exactly a given policy, and an action the policy misses fails with
 * {@code AccessDenied} as on AWS. Enforcement is switched at run time ({@code POST
 * /moto-api/reset-auth}) and is global to the server, hence a server per test class, apart from
 * the JVM's shared one that other tests use.
 *
 * <p>moto checks the caller's identity policies against the action and, for IAM role actions
 * and {@code sts:AssumeRole}, the role's ARN (other services: {@code *}). It does not check
 * {@code iam:PassRole} (no request carries it) nor condition keys such as
 * {@code iam:PassedToService} (a condition whose key the request does not supply is treated as
 * met). A few actions have other names than on AWS; see {@code AWS-FACTS.md}.
 *
 * <pre>{@code
 * try (IamEnforcedEmulator moto = IamEnforcedEmulator.start()) {
 *   // set up freely with the administrator's emulator
 *   moto.admin().client(Ec2Client.class, Ec2Client::builder).createVpc(...);
 *   AwsCredentialsProvider user = moto.createUser("remediate-test", policyJson);
 *   moto.enforce();
 *   AwsScope scope = moto.scopeBuilder(Region.US_EAST_1, user).build(); // AccessDenied if missing
 * }
 * }</pre>
 */
public final class IamEnforcedEmulator implements AutoCloseable {
  private final EmulatorEndpoint endpoint;
  private final AwsEmulator admin;

  private IamEnforcedEmulator(EmulatorEndpoint endpoint) {
    this.endpoint = endpoint;
    this.admin = new AwsEmulator(endpoint);
  }

  /**
   * Starts a moto server of its own, IAM not enforced yet.
   *
   * @return the emulator
   * @throws IllegalStateException when moto cannot be started
   */
  public static IamEnforcedEmulator start() {
    return new IamEnforcedEmulator(EmulatorEndpoint.ownMoto(MotoServer.start()));
  }

  /**
   * The emulator with the test credentials: everything is allowed to it until {@link #enforce()},
   * afterwards nothing (they belong to no IAM user).
   *
   * @return the administrator's emulator
   */
  public AwsEmulator admin() {
    return admin;
  }

  /**
   * Creates an IAM user holding exactly one managed policy, and an access key of it. Call it
   * before {@link #enforce()} (or after {@link #relax()}).
   *
   * @param userName the user
   * @param policyDocument the policy JSON
   * @return the user's credentials
   */
  public AwsCredentialsProvider createUser(String userName, String policyDocument) {
    IamClient iam = admin.client(IamClient.class, IamClient::builder);
    iam.createUser(r -> r.userName(userName));
    String arn = iam.createPolicy(r -> r.policyName(userName + "-policy")
        .policyDocument(policyDocument)).policy().arn();
    iam.attachUserPolicy(r -> r.userName(userName).policyArn(arn));
    AccessKey key = iam.createAccessKey(r -> r.userName(userName)).accessKey();
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey()));
  }

  /** From now on every request is checked against its caller's IAM policies. */
  public void enforce() {
    endpoint.post("/moto-api/reset-auth", "0");
  }

  /** From now on no request is checked (for set-up and verification). */
  public void relax() {
    endpoint.post("/moto-api/reset-auth", "inf");
  }

  /** Clears all state and stops enforcing. */
  public void reset() {
    relax();
    admin.reset();
  }

  /**
   * A scope builder on this emulator (like {@link AwsEmulator#scopeBuilder}) with other
   * credentials.
   *
   * @param region the region
   * @param credentials e.g. from {@link #createUser}
   * @return the builder
   */
  public AwsScope.Builder scopeBuilder(Region region, AwsCredentialsProvider credentials) {
    return admin.scopeBuilder(region).credentialsProvider(credentials);
  }

  /** Stops the server. */
  @Override
  public void close() {
    admin.close();
    endpoint.stop();
  }
}
