package dev.remediate.iam;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.aws.AwsNames;
import java.util.Optional;

/** How a {@code --target} text is told apart: user or role name, access key id, instance id. */
final class IamTargets {
  private IamTargets() {}

  /**
   * @return the text as an IAM user or role name; empty when it is an access key id, an EC2
   *     resource id (a user or role so named is not worth the confusion with instances, VPCs or
   *     groups given to the same {@code --target}), or not a name at all (an ARN, a path)
   */
  static Optional<String> userName(String text) {
    if (AwsNames.isAccessKeyId(text) || AwsNames.isEc2Id(text)) {
      return Optional.empty();
    }
    try {
      return Optional.of(AwsNames.userName(text));
    } catch (InvalidRemediationException e) {
      return Optional.empty();
    }
  }
}
