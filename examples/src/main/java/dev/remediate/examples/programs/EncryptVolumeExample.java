package dev.remediate.examples.programs;

import dev.remediate.testing.EmulatorFixtures;
import dev.remediate.core.Guardrails;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.ec2.EncryptVolume;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * {@code ec2.encrypt-volumes}: replaces an instance's unencrypted EBS volumes with encrypted copies
 * (snapshot, encrypted copy, new volume, swap), keeping the originals detached and tagged. A stop
 * is needed for a running instance: the plan is flagged DOWNTIME, and the example consents on the
 * emulator only. On the emulator it first launches an instance and creates a KMS key.
 *
 * <pre>{@code
 * EncryptVolumeExample                                                   # emulator
 * EncryptVolumeExample --region eu-west-1 i-0abc1234 alias/ebs           # real AWS, plan only
 * }</pre>
 */
public final class EncryptVolumeExample {
  /** The command line. */
  static final String USAGE = "EncryptVolumeExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply] [INSTANCE_ID KMS_KEY]";

  private EncryptVolumeExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply] [INSTANCE_ID KMS_KEY]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, EncryptVolumeExample::run);
  }

  /**
   * Plans (and applies) the encryption of an instance's volumes.
   *
   * @param example where to run
   * @return the first plan
   */
  public static PlanSet run(ExampleSupport example) {
    String instance;
    String key;
    if (example.emulator()) {
      instance = EmulatorFixtures.instance(
          example.scope().client(Ec2Client.class, Ec2Client::builder));
      key = example.scope().client(KmsClient.class, KmsClient::builder)
          .createKey(r -> r.description("ebs")).keyMetadata().arn();
    } else {
      instance = example.argument(0, "INSTANCE_ID");
      key = example.argument(1, "KMS_KEY");
    }
    Guardrails consent = example.emulator()
        ? Guardrails.custom().consentTo(Flag.DOWNTIME).build() : Guardrails.ofDefaults();
    return example.planAndApply(EncryptVolume.forInstance(instance).kmsKey(key).build(), consent);
  }
}
