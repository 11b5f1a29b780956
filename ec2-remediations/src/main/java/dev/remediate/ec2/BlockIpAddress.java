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
import dev.remediate.core.plan.SpecKind;
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
import software.amazon.awssdk.services.ec2.model.NetworkAclAssociation;
import software.amazon.awssdk.services.ec2.model.RuleAction;

/**
 * Denies all traffic from and to one address (IPv4 or IPv6, any prefix) in the network ACLs of a VPC
 * or of given subnets, at free rule numbers below the first allow rule, inbound and outbound. Network
 * ACLs are stateless, so this also cuts connections already established.
 *
 * <pre>{@code
 * BlockIpAddress block = BlockIpAddress.of("203.0.113.7").inVpc("vpc-0abc1234").build();
 * Remediation undo = UnblockIpAddress.of(block);
 * }</pre>
 *
 * <p><b>Observe</b>: the ACLs concerned with one {@code DescribeNetworkAcls} (filtered by VPC, or by
 * the subnets' associations); only ACLs associated with a subnet matter. <b>Decide</b>, per ACL and
 * direction: already blocked when a deny-all entry for exactly this CIDR has a number below every
 * allow entry of the same address family; otherwise the highest free number below the first such
 * allow entry. Refuses (plan fails naming the ACL) when no number is free below the allows or when
 * one more entry would exceed the quota (20 by default), which counts every entry of the
 * direction: IPv4 and IPv6, and the default deny entries (32767, 32768) too. <b>Steps</b>: record the
 * numbers in a tag on the ACL ({@code remediate:block:<cidr>} = {@code ingress=N,egress=M}) first,
 * so {@link UnblockIpAddress} removes exactly these entries; then {@code CreateNetworkAclEntry} per
 * direction. The plan warns that every subnet on the ACL is affected.
 */
@Value.Immutable
public abstract class BlockIpAddress extends AbstractRemediation<BlockIpAddress> {
  /** The catalog id. */
  public static final String ID = "ec2.block-ip";
  /** Prefix of the ACL tag recording the entries made for one CIDR. */
  public static final String TAG_PREFIX = "remediate:block:";
  /** AWS's default quota of entries per direction of one network ACL. */
  public static final int DEFAULT_MAX_ENTRIES = 20;
  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.of("ec2:DescribeNetworkAcls",
      "ec2:CreateNetworkAclEntry", "ec2:CreateTags");

  private static final SpecTable<BlockIpAddress, Builder> SPEC = IpBlockScope.<BlockIpAddress, Builder>spec(ID,
      BlockIpAddress::scope, BlockIpAddress::of, Builder::inVpc, Builder::inSubnets)
      .optional("maxEntriesPerDirection", SpecKind.integer(), DEFAULT_MAX_ENTRIES,
          BlockIpAddress::maxEntriesPerDirection, Builder::maxEntriesPerDirection)
      .build(Builder::build);

  BlockIpAddress() {}

  /** @return the CIDR, normalised by the check (a bare address is /32 or /128) */
  abstract String cidr();

  /** @return the VPC, or null when subnets are named */
  abstract @Nullable String vpcId();

  /** @return the subnets, sorted by the check, or empty when a VPC is named */
  abstract List<String> subnetIds();

  /** @return the CIDR, the VPC or the subnets, with their reads */
  IpBlockScope scope() {
    return new IpBlockScope(cidr(), vpcId(), subnetIds());
  }

  /** @return the entries-per-direction quota checked before adding */
  @Value.Default
  int maxEntriesPerDirection() {
    return DEFAULT_MAX_ENTRIES;
  }

  /**
   * Every check of the values, in one place: the scope's ({@link IpBlockScope#checked}) and the quota.
   *
   * @return this, or a copy with the CIDR and subnets normalised
   * @throws InvalidRemediationException naming the bad value
   */
  @Value.Check
  final BlockIpAddress normalised() {
    maxEntries(maxEntriesPerDirection());
    IpBlockScope scope = IpBlockScope.checked(cidr(), vpcId(), subnetIds());
    return scope.equals(scope()) ? this : ImmutableBlockIpAddress.builder().from(this)
        .cidr(scope.cidr()).subnetIds(scope.subnetIds()).build();
  }

  /**
   * Checks the entries-per-direction quota (for the value check, and for the setting, so that
   * its refusal names the setting).
   *
   * @return {@code max}
   * @throws InvalidRemediationException when it is not from 1 to 40
   */
  static int maxEntries(int max) {
    if (max < 1 || max > 40) {
      throw new InvalidRemediationException("maxEntriesPerDirection must be 1-40, was " + max);
    }
    return max;
  }

  /**
   * Blocks one address or CIDR.
   *
   * @param address e.g. {@code 203.0.113.7}, {@code 198.51.100.0/24}, {@code 2001:db8::1}
   * @return a builder; name the VPC or subnets, then {@code build()}
   */
  public static Builder of(String address) {
    return new Builder(address);
  }

  @Override
  protected SpecTable<BlockIpAddress, ?> specTable() {
    return SPEC;
  }

  static String describe(NetworkAcl acl) {
    StringBuilder out = new StringBuilder(acl.networkAclId()).append(' ')
        .append(NetworkSupport.tags(acl.tags()));
    acl.associations().stream().map(NetworkAclAssociation::subnetId).sorted()
        .forEach(s -> out.append(' ').append(s));
    acl.entries().stream().map(e -> (Boolean.TRUE.equals(e.egress()) ? "out " : "in ")
            + e.ruleNumber() + " " + e.ruleActionAsString() + " " + e.protocol() + " "
            + e.cidrBlock() + " " + e.ipv6CidrBlock())
        .sorted().forEach(e -> out.append("\n  ").append(e));
    return out.toString();
  }

  // ---------------------------------------------------------------- observe, then decide

  /** Observes the ACLs ({@link IpBlockScope#describeAcls}) and decides ({@link AclDecision#block}). */
  @Override
  public Plan plan(RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    IpBlockScope scope = scope();
    List<NetworkAcl> acls = scope.describeAcls(ec2);
    AclDecision.Outcome outcome = AclDecision.block(scope, maxEntriesPerDirection(), acls,
        context::isOptedOut, context.optOutReason());
    Plan.Builder plan = context.newPlan(this, vpcId() != null ? "AWS::EC2::VPC"
        : "AWS::EC2::Subnet", scope.targetId())
        .addAllSteps(outcome.steps()).addAllWarnings(outcome.warnings())
        .addAllSkipped(outcome.skipped())
        .addIamActions("ec2:DescribeNetworkAcls");
    if (!outcome.steps().isEmpty()) {
      plan.addIamActions("ec2:CreateNetworkAclEntry", "ec2:CreateTags");
    }
    return plan.fingerprint(context.fingerprint(canonical(spec().toString(), acls))).build();
  }

  /** What the fingerprint digests: the spec and every observed ACL. */
  static String canonical(String spec, List<NetworkAcl> acls) {
    StringBuilder canonical = new StringBuilder(spec).append('\n');
    acls.forEach(acl -> canonical.append(describe(acl)).append('\n'));
    return canonical.toString();
  }

  // ---------------------------------------------------------------- steps

  @Override
  public void execute(Step step, RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    switch (step.kind()) {
      case "CreateTags" -> ec2.createTags(r -> r.resources(step.resource())
          .tags(t -> t.key(step.parameter("key")).value(step.parameter("value"))));
      case "CreateNetworkAclEntry" -> createEntry(ec2, step);
      default -> throw new RemediationException("BlockIpAddress has no step " + step.kind());
    }
  }

  private void createEntry(Ec2Client ec2, Step step) {
    boolean egress = "egress".equals(step.parameter("direction"));
    int number = Integer.parseInt(step.parameter("ruleNumber"));
    try {
      ec2.createNetworkAclEntry(r -> {
        r.networkAclId(step.resource()).egress(egress).ruleNumber(number).protocol("-1")
            .ruleAction(RuleAction.DENY);
        if (NetworkSupport.isIpv6(cidr())) {
          r.ipv6CidrBlock(cidr());
        } else {
          r.cidrBlock(cidr());
        }
      });
    } catch (AwsServiceException e) {
      if (!AwsErrors.is(e, "NetworkAclEntryAlreadyExists")) {
        throw e;
      }
      // Already there from a retried apply? Only if it is our entry; else the re-plan says so.
    }
  }

  // ---------------------------------------------------------------- value

  /** Builds a {@link BlockIpAddress}; {@code build()} checks every value. */
  @SuppressWarnings("immutables:incompat") // not an extension of the generated builder: it wraps one
  public static final class Builder {
    private final ImmutableBlockIpAddress.Builder values = ImmutableBlockIpAddress.builder();

    private Builder(String address) {
      values.cidr(address);
    }

    /**
     * Blocks in every network ACL associated with a subnet of this VPC.
     *
     * @param vpcId e.g. {@code vpc-0abc1234}
     * @return this builder
     */
    public Builder inVpc(String vpcId) {
      values.vpcId(vpcId);
      return this;
    }

    /**
     * Blocks in the network ACLs of these subnets (every subnet sharing such an ACL is affected).
     *
     * @param subnetIds subnet ids
     * @return this builder
     */
    public Builder inSubnets(String... subnetIds) {
      values.subnetIds(List.of(subnetIds));
      return this;
    }

    /**
     * Sets the entries-per-direction quota checked before adding (default
     * {@value BlockIpAddress#DEFAULT_MAX_ENTRIES}; raise it when the account's quota is raised).
     *
     * @param max 1 to 40
     * @return this builder
     */
    public Builder maxEntriesPerDirection(int max) {
      values.maxEntriesPerDirection(max);
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the remediation
     * @throws InvalidRemediationException naming the bad value
     */
    public BlockIpAddress build() {
      return values.build();
    }
  }

  /** The catalog entry of {@link BlockIpAddress}. */
  public static final class Type extends AbstractRemediationType {
    /** The address or CIDR to block, for {@code --target} of a VPC or subnet. */
    static final Setting ADDRESS = Setting.text("blockIp.address", "Address or CIDR to deny "
        + "in and out (IPv4 or IPv6; a bare address is /32 or /128), in the network ACLs of the "
        + "VPC or subnet given with --target; required to block");
    /** The entries-per-direction quota checked before adding. */
    static final Setting MAX_ENTRIES = Setting.integer("blockIp.maxEntriesPerDirection",
        "Entries a network ACL may hold per direction (AWS's quota; 1-40, raise it with the "
        + "quota)", String.valueOf(DEFAULT_MAX_ENTRIES));

    /** Creates the type (service loader). */
    public Type() {
      super(ID, "Deny one address in and out in the network ACLs of a VPC or of subnets",
          List.of(), IAM_ACTIONS, EnumSet.noneOf(Flag.class));
      specTable(SPEC);
    }

    @Override
    public List<Setting> settings() {
      return List.of(ADDRESS, MAX_ENTRIES);
    }

    /**
     * A VPC id or a subnet id, with the setting {@code blockIp.address} (without it: empty, the
     * type is not configured) and {@code blockIp.maxEntriesPerDirection}.
     */
    @Override
    public Optional<Remediation> forTarget(String resourceId, Map<String, String> settings) {
      Optional<Builder> block = forTarget(resourceId, ADDRESS, settings);
      block.ifPresent(b -> MAX_ENTRIES.valueIn(settings,
          max -> b.maxEntriesPerDirection(maxEntries(Integer.parseInt(max)))));
      return block.map(Builder::build);
    }

    /**
     * The block of one {@code --target}, shared with {@link UnblockIpAddress}: empty when the id
     * is not a VPC or subnet id, or when the address setting is absent.
     *
     * @throws InvalidRemediationException naming the setting or the id when one is malformed
     */
    static Optional<Builder> forTarget(String resourceId, Setting address,
        Map<String, String> settings) {
      return IpBlockScope.targetCidr(resourceId, address, settings).map(cidr -> resourceId
          .startsWith("vpc-") ? of(cidr).inVpc(resourceId) : of(cidr).inSubnets(resourceId));
    }
  }
}
