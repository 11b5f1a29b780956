package dev.remediate.ec2;

import dev.remediate.core.aws.AwsErrors;
import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.Setting;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.plan.Step;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.immutables.value.Value;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.NetworkAcl;

/**
 * Undoes {@link BlockIpAddress}: removes exactly the deny entries that the block recorded in the
 * ACL's {@code remediate:block:<cidr>} tag (when the entry at that number is still a deny for that
 * CIDR), then removes the tag. Entries made by others for the same address are left alone.
 *
 * <pre>{@code
 * BlockIpAddress block = BlockIpAddress.of("203.0.113.7").inVpc("vpc-0abc1234").build();
 * remediator.apply(remediator.plan(block));
 * // later
 * remediator.apply(remediator.plan(UnblockIpAddress.of(block)));
 * }</pre>
 */
@Value.Immutable
public abstract class UnblockIpAddress extends AbstractRemediation<UnblockIpAddress> {
  /** The catalog id. */
  public static final String ID = "ec2.unblock-ip";
  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.of("ec2:DescribeNetworkAcls",
      "ec2:DeleteNetworkAclEntry", "ec2:DeleteTags");

  private static final SpecTable<UnblockIpAddress, BlockIpAddress.Builder> SPEC =
      IpBlockScope.<UnblockIpAddress, BlockIpAddress.Builder>spec(ID, UnblockIpAddress::scope,
          BlockIpAddress::of,
          BlockIpAddress.Builder::inVpc, BlockIpAddress.Builder::inSubnets)
      .build(block -> of(block.build()));

  UnblockIpAddress() {}

  /** @return the CIDR, normalised by the check */
  abstract String cidr();

  /** @return the VPC, or null when subnets are named */
  abstract @Nullable String vpcId();

  /** @return the subnets, sorted by the check, or empty when a VPC is named */
  abstract List<String> subnetIds();

  /** @return the CIDR, the VPC or the subnets, with their reads */
  IpBlockScope scope() {
    return new IpBlockScope(cidr(), vpcId(), subnetIds());
  }

  /**
   * Checks the values ({@link IpBlockScope#checked}): a no-op for a copy of a block's, and the
   * check of a value the generated builder made otherwise.
   *
   * @return this, or a copy with the CIDR and subnets normalised
   * @throws InvalidRemediationException naming the bad value
   */
  @Value.Check
  final UnblockIpAddress normalised() {
    IpBlockScope scope = IpBlockScope.checked(cidr(), vpcId(), subnetIds());
    return scope.equals(scope()) ? this : ImmutableUnblockIpAddress.builder().from(this)
        .cidr(scope.cidr()).subnetIds(scope.subnetIds()).build();
  }

  /**
   * Undoes a block: the same address, in the same VPC or subnets. The block's quota setting plays
   * no part.
   *
   * @param block the block to undo, e.g.
   *     {@code BlockIpAddress.of("203.0.113.7").inVpc("vpc-0abc1234").build()}
   * @return the remediation
   */
  public static UnblockIpAddress of(BlockIpAddress block) {
    return ImmutableUnblockIpAddress.builder().cidr(block.cidr()).vpcId(block.vpcId())
        .subnetIds(block.subnetIds()).build();
  }

  @Override
  protected SpecTable<UnblockIpAddress, ?> specTable() {
    return SPEC;
  }

  /** Observes the ACLs ({@code Scope.describeAcls}) and decides ({@link AclDecision#unblock}). */
  @Override
  public Plan plan(RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    IpBlockScope scope = scope();
    List<NetworkAcl> acls = scope.describeAcls(ec2);
    AclDecision.Outcome outcome = AclDecision.unblock(scope, acls);
    Plan.Builder plan = context.newPlan(this, vpcId() != null ? "AWS::EC2::VPC"
        : "AWS::EC2::Subnet", scope.targetId())
        .addAllSteps(outcome.steps()).addAllWarnings(outcome.warnings())
        .addIamActions("ec2:DescribeNetworkAcls");
    if (!outcome.steps().isEmpty()) {
      plan.addIamActions("ec2:DeleteNetworkAclEntry", "ec2:DeleteTags");
    }
    return plan.fingerprint(context.fingerprint(BlockIpAddress.canonical(spec().toString(),
        acls))).build();
  }

  @Override
  public void execute(Step step, RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    switch (step.kind()) {
      case "DeleteNetworkAclEntry" -> {
        try {
          ec2.deleteNetworkAclEntry(r -> r.networkAclId(step.resource())
              .egress("egress".equals(step.parameter("direction")))
              .ruleNumber(Integer.valueOf(step.parameter("ruleNumber"))));
        } catch (AwsServiceException e) {
          if (!AwsErrors.is(e, "InvalidNetworkAclEntry.NotFound")) {
            throw e;
          }
        }
      }
      case "DeleteTags" -> ec2.deleteTags(r -> r.resources(step.resource())
          .tags(t -> t.key(step.parameter("key"))));
      default -> throw new RemediationException("UnblockIpAddress has no step " + step.kind());
    }
  }

  /** The catalog entry of {@link UnblockIpAddress}. */
  public static final class Type extends AbstractRemediationType {
    /** The address or CIDR to unblock, for {@code --target} of a VPC or subnet. */
    static final Setting ADDRESS = Setting.text("unblockIp.address", "Address or CIDR whose "
        + "blocking entries to remove, as it was blocked (blockIp.address), from the network ACLs "
        + "of the VPC or subnet given with --target; required to unblock");

    /** Creates the type (service loader). */
    public Type() {
      super(ID, "Remove exactly the network ACL entries BlockIpAddress made for one address",
          List.of(), IAM_ACTIONS, EnumSet.noneOf(Flag.class));
      specTable(SPEC);
    }

    @Override
    public List<Setting> settings() {
      return List.of(ADDRESS);
    }

    /**
     * A VPC id or a subnet id, with the setting {@code unblockIp.address} (without it: empty, the
     * type is not configured).
     */
    @Override
    public Optional<Remediation> forTarget(String resourceId, Map<String, String> settings) {
      return BlockIpAddress.Type.forTarget(resourceId, ADDRESS, settings)
          .map(block -> of(block.build()));
    }
  }
}
