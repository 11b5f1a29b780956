package dev.remediate.examples.programs;

import java.util.List;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.StatusType;

/** What the IAM example programs create on the emulator: a user with access keys, a role. */
final class IamExamples {
  private IamExamples() {}

  /** @return the scope's IAM client (global) */
  static IamClient iam(ExampleSupport example) {
    return example.scope().globalClient(IamClient.class, IamClient::builder);
  }

  /** Creates a user with one active and one inactive key; returns the key ids in that order. */
  static List<String> userWithKeys(IamClient iam, String user) {
    iam.createUser(r -> r.userName(user));
    String active = iam.createAccessKey(r -> r.userName(user)).accessKey().accessKeyId();
    String inactive = iam.createAccessKey(r -> r.userName(user)).accessKey().accessKeyId();
    iam.updateAccessKey(r -> r.userName(user).accessKeyId(inactive).status(StatusType.INACTIVE));
    return List.of(active, inactive);
  }
}
