package dev.remediate.core.plan;

import org.immutables.value.Value;

/**
 * What a plan is about: a resource type (CloudFormation style, e.g. {@code AWS::EC2::VPC}), its id
 * (or {@code *} for every resource of a region), the region and the account.
 *
 * <pre>{@code
 * Target target = Target.of("AWS::EC2::VPC", "vpc-0abc1234", "us-east-1", "111122223333");
 * System.out.println(target); // AWS::EC2::VPC vpc-0abc1234 (111122223333, us-east-1)
 * String region = plan.target().region();
 * }</pre>
 */
@Value.Immutable
public abstract class Target {
  /** @return the resource type, e.g. {@code AWS::EC2::SecurityGroup} */
  @Value.Parameter
  public abstract String type();

  /** @return the resource id, e.g. {@code sg-0123456789abcdef0}; {@code *} for a whole region */
  @Value.Parameter
  public abstract String id();

  /** @return the AWS region id, e.g. {@code us-east-1} */
  @Value.Parameter
  public abstract String region();

  /** @return the 12-digit account id */
  @Value.Parameter
  public abstract String account();

  /**
   * Creates a target.
   *
   * @param type resource type
   * @param id resource id
   * @param region region id
   * @param account account id
   * @return the target
   */
  public static Target of(String type, String id, String region, String account) {
    return ImmutableTarget.of(type, id, region, account);
  }

  @Override
  public String toString() {
    return type() + " " + id() + " (" + account() + ", " + region() + ")";
  }
}
