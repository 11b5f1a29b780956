package dev.remediate.ec2;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.aws.AwsErrors;
import dev.remediate.core.aws.AwsNames;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;

/**
 * KMS key references for the EBS encryption remediations: validation at build time (key id, key
 * ARN, alias name, alias ARN, checked with {@link AwsNames#kmsKey}) and resolution to an enabled
 * symmetric key at plan time.
 */
final class KmsKeys {
  /** The AWS managed key for EBS, used when the region's default key cannot be read. */
  static final String AWS_MANAGED_EBS_KEY = "alias/aws/ebs";

  private KmsKeys() {}

  /**
   * Validates a key reference.
   *
   * @param owner the remediation, for the message
   * @param javaCall the builder call that takes the key, e.g. {@code kmsKey(KEY)}, for the advice
   * @param key key id, key ARN, alias name or alias ARN
   * @return the key, unchanged
   * @throws InvalidRemediationException naming the value, the setting and the Java call when it is
   *     none of these
   */
  static String validate(String owner, String javaCall, @Nullable String key) {
    try {
      return AwsNames.kmsKey(given(owner, javaCall, key));
    } catch (InvalidRemediationException e) {
      throw new InvalidRemediationException(owner + ": KMS key '" + key + "' is not a KMS key id, "
          + "key ARN, alias name (alias/...) or alias ARN; " + advice(javaCall)
          + " to one of these", e);
    }
  }

  /**
   * A key a caller chose: refuses null (a key left out is not a key chosen), for the builder
   * methods that take one; the value's check validates its form.
   *
   * @param owner the remediation, for the message
   * @param javaCall the builder call that takes the key, for the advice
   * @param key the key, or null
   * @return the key
   * @throws InvalidRemediationException when it is null
   */
  static String given(String owner, String javaCall, @Nullable String key) {
    if (key == null) {
      throw new InvalidRemediationException(owner + ": no KMS key given; " + advice(javaCall));
    }
    return key;
  }

  /**
   * How to choose the key: the setting for the command line, the builder call for Java.
   *
   * @param javaCall e.g. {@code kmsKey(KEY)}
   * @return e.g. {@code set encryption.kmsKey=KEY (Java: kmsKey(KEY))}
   */
  static String advice(String javaCall) {
    return EnableEbsEncryptionByDefault.Type.KMS_KEY.advice("KEY", javaCall);
  }

  /**
   * Resolves a key reference with {@code DescribeKey} and checks that it can encrypt EBS volumes.
   *
   * @param context the context
   * @param key key id, ARN or alias
   * @return the key's metadata (its ARN is what EBS reports on encrypted volumes)
   * @throws RemediationException when the key does not exist, is not enabled, or is not a
   *     symmetric encryption key
   */
  static KeyMetadata describeUsable(RemediationContext context, String key) {
    KmsClient kms = context.scope().client(KmsClient.class, KmsClient::builder);
    KeyMetadata metadata;
    try {
      metadata = kms.describeKey(r -> r.keyId(key)).keyMetadata();
    } catch (AwsServiceException e) {
      throw new RemediationException("KMS key '" + key + "' cannot be used in " + context.region()
          + ": DescribeKey failed with " + AwsErrors.describe(e) + ": " + e.getMessage(), e);
    }
    if (metadata.keyState() != KeyState.ENABLED) {
      throw new RemediationException("KMS key '" + key + "' (" + metadata.arn() + ") is "
          + metadata.keyStateAsString() + ", not Enabled: EBS cannot encrypt with it");
    }
    String spec = metadata.keySpecAsString();
    String usage = metadata.keyUsageAsString();
    if (spec != null && !"SYMMETRIC_DEFAULT".equals(spec)
        || usage != null && !"ENCRYPT_DECRYPT".equals(usage)) {
      throw new RemediationException("KMS key '" + key + "' (" + metadata.arn() + ") is a "
          + spec + " " + usage + " key; EBS needs a symmetric ENCRYPT_DECRYPT key");
    }
    return metadata;
  }
}
