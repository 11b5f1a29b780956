package dev.remediate.core.event;

import java.util.Objects;
import java.util.Optional;

/**
 * A resource a CloudTrail record touched, e.g. {@code ec2 vpc vpc-0abc in us-east-1 of 111122223333}.
 *
 * <pre>{@code
 * ResourceExtractor.extract(event).stream()
 *     .filter(ref -> ref.service().equals("ec2") && ref.type().equals("vpc"))
 *     .forEach(ref -> System.out.println(ref.id() + " in " + ref.region() + " of "
 *         + ref.account().orElse("unknown account")));
 * }</pre>
 *
 * @param service the service's short name, as in ARNs: {@code ec2}, {@code s3}, {@code iam}, ...
 * @param type the resource type, e.g. {@code vpc}, {@code security-group}, {@code bucket}, {@code trail}
 * @param id the id as the record gives it: an EC2 id, a name, or an ARN
 * @param region the region of the record ({@code awsRegion}; global services record theirs too)
 * @param account the account of the record (recipient account, else the caller's), when known
 */
public record ResourceRef(String service, String type, String id, String region,
    Optional<String> account) {
  /**
   * Creates a reference.
   *
   * @param service the service
   * @param type the type
   * @param id the id
   * @param region the region
   * @param account the account, when known
   */
  public ResourceRef {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(account, "account");
  }

  @Override
  public String toString() {
    return service + ":" + type + "/" + id + " (" + region + account.map(a -> ", " + a).orElse("")
        + ")";
  }
}
