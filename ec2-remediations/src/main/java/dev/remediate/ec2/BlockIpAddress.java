package dev.remediate.ec2;

import static dev.remediate.ec2.NetworkSupport.csv;
import static dev.remediate.ec2.NetworkSupport.errorCode;

import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.Setting;
import dev.remediate.core.aws.AwsNames;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.plan.Step;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.NetworkAcl;
import software.amazon.awssdk.services.ec2.model.NetworkAclAssociation;
import software.amazon.awssdk.services.ec2.model.NetworkAclEntry;
import software.amazon.awssdk.services.ec2.model.RuleAction;

/**
 * Denies all traffic from and to one address (IPv4 or IPv6, any prefix) in the network ACLs of a VPC
 * or of given subnets, at free rule numbers below the first allow rule, inbound and outbound. Network
 * ACLs are stateless, so this also cuts connections already established.
 *
 * <pre>{@code
 * Remediation block = BlockIpAddress.of("203.0.113.7").inVpc("vpc-0abc1234").build();
 * Remediation undo = UnblockIpAddress.of("203.0.113.7").inVpc("vpc-0abc1234").build();
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
public final class BlockIpAddress extends AbstractRemediation<BlockIpAddress> {
  /** The catalog id. */
  public static final String ID = "ec2.block-ip";
  /** Prefix of the ACL tag recording the entries made for one CIDR. */
  public static final String TAG_PREFIX = "remediate:block:";
  /** AWS's default quota of entries per direction of one network ACL. */
  public static final int DEFAULT_MAX_ENTRIES = 20;
  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.of("ec2:DescribeNetworkAcls",
      "ec2:CreateNetworkAclEntry", "ec2:CreateTags");

  private static final SpecTable<BlockIpAddress, Builder> SPEC = Scope.spec(ID,
      (BlockIpAddress r) -> r.scope, BlockIpAddress::of, Builder::inVpc, Builder::inSubnets)
      .optional("maxEntriesPerDirection", SpecKind.integer(), DEFAULT_MAX_ENTRIES,
          r -> r.maxEntries, Builder::maxEntriesPerDirection)
      .build(Builder::build);

  private final Scope scope;
  private final int maxEntries;

  private BlockIpAddress(Scope scope, int maxEntries) {
    this.scope = scope;
    this.maxEntries = maxEntries;
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

  /**
   * Where a block applies: one CIDR, and either a VPC or a set of subnets. Shared with
   * {@link UnblockIpAddress}.
   */
  record Scope(String cidr, @Nullable String vpcId, List<String> subnetIds) {
    static Scope of(String address, @Nullable String vpcId, @Nullable Collection<String> subnets) {
      String cidr = NetworkSupport.requireCidr(address, "Address to block");
      if ((vpcId == null) == (subnets == null || subnets.isEmpty())) {
        throw new InvalidRemediationException("Name either a VPC (inVpc) or subnets (inSubnets) "
            + "for address " + address + ", not both and not neither");
      }
      if (vpcId != null) {
        return new Scope(cidr, AwsNames.vpcId(vpcId), List.of());
      }
      return new Scope(cidr, null, NetworkSupport.requireIds(subnets, AwsNames::subnetId, "subnet"));
    }

    /**
     * The spec parameters of a scope, shared by {@link BlockIpAddress} and
     * {@link UnblockIpAddress}: {@code address}, and {@code vpc} or {@code subnets}.
     */
    static <R extends Remediation, B> SpecTable.Builder<R, B> spec(String id,
        Function<R, Scope> scope, Function<String, B> of, BiConsumer<B, String> inVpc,
        BiConsumer<B, String[]> inSubnets) {
      return SpecTable.<R, B>of(id)
          .start("address", SpecKind.aws(AwsNames::cidr), r -> scope.apply(r).cidr(), of)
          .optional("vpc", SpecKind.aws(AwsNames::vpcId), r -> scope.apply(r).vpcId(), inVpc)
          .optional("subnets", SpecKind.list(SpecKind.aws(AwsNames::subnetId)),
              r -> scope.apply(r).vpcId() != null ? null : scope.apply(r).subnetIds(),
              (b, subnets) -> inSubnets.accept(b, subnets.toArray(String[]::new)));
    }

    String targetId() {
      return vpcId != null ? vpcId : csv(subnetIds);
    }

    /**
     * The address setting for a {@code --target}: empty when the id is not a VPC or subnet id, or
     * when the setting is absent; the CIDR (checked with {@link AwsNames#cidr}) otherwise.
     *
     * @throws InvalidRemediationException naming the setting or the id when one is malformed
     */
    static Optional<String> targetCidr(String resourceId, Setting address,
        Map<String, String> settings) {
      if (!resourceId.startsWith("vpc-") && !resourceId.startsWith("subnet-")) {
        return Optional.empty();
      }
      if (resourceId.startsWith("vpc-")) {
        AwsNames.vpcId(resourceId);
      } else {
        AwsNames.subnetId(resourceId);
      }
      return address.valueIn(settings, AwsNames::cidr);
    }

    String tagKey() {
      return TAG_PREFIX + cidr;
    }

    boolean ipv6() {
      return NetworkSupport.isIpv6(cidr);
    }

    /** The ACLs associated with the VPC's subnets or with the given subnets: one call, paginated. */
    List<NetworkAcl> describeAcls(Ec2Client ec2) {
      List<NetworkAcl> acls = new ArrayList<>();
      if (vpcId != null) {
        ec2.describeNetworkAclsPaginator(r -> r.filters(NetworkSupport.filter("vpc-id",
            List.of(vpcId)))).networkAcls().forEach(acls::add);
        acls.removeIf(a -> a.associations().isEmpty());
        if (acls.isEmpty()) {
          throw new RemediationException("VPC " + vpcId + " has no network ACL associated with a "
              + "subnet (or does not exist)");
        }
      } else {
        ec2.describeNetworkAclsPaginator(r -> r.filters(NetworkSupport.filter(
            "association.subnet-id", subnetIds))).networkAcls().forEach(acls::add);
        Set<String> missing = new TreeSet<>(subnetIds);
        acls.forEach(a -> a.associations().forEach(s -> missing.remove(s.subnetId())));
        if (!missing.isEmpty()) {
          throw new RemediationException("Subnet(s) " + missing + " not found (no network ACL is "
              + "associated with them)");
        }
      }
      acls.sort(java.util.Comparator.comparing(NetworkAcl::networkAclId));
      return acls;
    }

    boolean matches(NetworkAclEntry e) {
      return cidr.equals(ipv6() ? normalise(e.ipv6CidrBlock()) : normalise(e.cidrBlock()));
    }

    private static @Nullable String normalise(@Nullable String cidr) {
      return cidr == null ? null : NetworkSupport.requireCidr(cidr, "ACL entry");
    }
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

  /** Observes the ACLs ({@link Scope#describeAcls}) and decides ({@link AclDecision#block}). */
  @Override
  public Plan plan(RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    List<NetworkAcl> acls = scope.describeAcls(ec2);
    AclDecision.Outcome outcome = AclDecision.block(scope, maxEntries, acls, context::isOptedOut,
        context.optOutReason());
    Plan.Builder plan = context.newPlan(this, scope.vpcId != null ? "AWS::EC2::VPC"
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
        if (scope.ipv6()) {
          r.ipv6CidrBlock(scope.cidr());
        } else {
          r.cidrBlock(scope.cidr());
        }
      });
    } catch (AwsServiceException e) {
      if (!"NetworkAclEntryAlreadyExists".equals(errorCode(e))) {
        throw e;
      }
      // Already there from a retried apply? Only if it is our entry; else the re-plan says so.
    }
  }

  // ---------------------------------------------------------------- value

  /** Builds a {@link BlockIpAddress}. */
  public static final class Builder {
    private final String address;
    private @Nullable String vpcId;
    private @Nullable List<String> subnetIds;
    private int maxEntries = DEFAULT_MAX_ENTRIES;

    private Builder(String address) {
      this.address = address;
    }

    /**
     * Blocks in every network ACL associated with a subnet of this VPC.
     *
     * @param vpcId e.g. {@code vpc-0abc1234}
     * @return this builder
     */
    public Builder inVpc(String vpcId) {
      this.vpcId = vpcId;
      return this;
    }

    /**
     * Blocks in the network ACLs of these subnets (every subnet sharing such an ACL is affected).
     *
     * @param subnetIds subnet ids
     * @return this builder
     */
    public Builder inSubnets(String... subnetIds) {
      this.subnetIds = List.of(subnetIds);
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
      if (max < 1 || max > 40) {
        throw new InvalidRemediationException("maxEntriesPerDirection must be 1-40, was " + max);
      }
      this.maxEntries = max;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the remediation
     * @throws InvalidRemediationException naming the bad value
     */
    public BlockIpAddress build() {
      return new BlockIpAddress(Scope.of(address, vpcId, subnetIds), maxEntries);
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
      Optional<String> cidr = Scope.targetCidr(resourceId, ADDRESS, settings);
      if (cidr.isEmpty()) {
        return Optional.empty();
      }
      Builder b = of(cidr.get());
      if (resourceId.startsWith("vpc-")) {
        b.inVpc(resourceId);
      } else {
        b.inSubnets(resourceId);
      }
      MAX_ENTRIES.valueIn(settings, max -> b.maxEntriesPerDirection(Integer.parseInt(max)));
      return Optional.of(b.build());
    }
  }
}
