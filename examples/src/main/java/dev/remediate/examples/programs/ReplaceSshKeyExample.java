package dev.remediate.examples.programs;

import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.ec2.ReplaceSshKey;
import dev.remediate.testing.SsmManagedInstances;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * {@code ec2.replace-ssh-key}: replaces the SSH key of a Linux instance that Systems Manager
 * manages: a new key pair whose private key goes only into a SecureString parameter
 * ({@code /remediate/ssh-keys/<instance-id>}), the login user's authorized keys replaced through
 * Run Command, the instance tagged with the new key pair. An instance SSM does not manage gets an
 * empty plan saying what to do by hand.
 *
 * <p>On the emulator it launches an instance; the emulator cannot tell whether SSM manages it (it
 * has no {@code DescribeInstanceInformation}), so the example registers it as managed with the
 * testing module's {@link SsmManagedInstances}. Read the private key afterwards with
 * {@code aws ssm get-parameter --with-decryption --name /remediate/ssh-keys/<instance-id>}.
 *
 * <pre>{@code
 * ReplaceSshKeyExample                                         # emulator
 * ReplaceSshKeyExample --region eu-west-1 i-0abc1234           # real AWS, plan only
 * ReplaceSshKeyExample --region eu-west-1 --apply i-0abc1234   # real AWS, apply
 * }</pre>
 */
public final class ReplaceSshKeyExample {
  /** The command line. */
  static final String USAGE = "ReplaceSshKeyExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply] [INSTANCE_ID]";

  private ReplaceSshKeyExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply] [INSTANCE_ID]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, ReplaceSshKeyExample::run);
  }

  /**
   * Plans (and applies) the key replacement.
   *
   * @param example where to run
   * @return the first plan set
   */
  public static PlanSet run(ExampleSupport example) {
    if (!example.emulator()) {
      String instance = example.argument(0, "INSTANCE_ID");
      return example.planAndApply(ReplaceSshKey.forInstance(instance).build());
    }
    String instance = example.scope().client(Ec2Client.class, Ec2Client::builder)
        .runInstances(r -> r.imageId("ami-04681a1dbd79675a5").minCount(1).maxCount(1)
            .instanceType("t3.micro")).instances().get(0).instanceId();
    try (AwsScope managed = AwsScope.builder().region(example.scope().region())
        .account(example.scope().account())
        .endpointOverride(example.scope().endpointOverride())
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("testing", "testing")))
        .addInterceptor(new SsmManagedInstances().online(instance, "Linux")).build()) {
      return ExampleSupport.onEmulator(managed, example.out())
          .planAndApply(ReplaceSshKey.forInstance(instance).build());
    }
  }
}
