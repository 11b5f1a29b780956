package dev.remediate.examples.cli;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationType;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.ImmutablePlan;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Vpc;

/**
 * A small real remediation for the CLI tests, independent of the catalog's: every VPC of the
 * region carries tag {@code key=value}. One DescribeVpcs to plan, one CreateTags per VPC to apply.
 * Parameter {@code flag} puts a consent flag on every step (guardrail tests).
 */
record VpcTag(String key, String value, Set<Flag> flags) implements Remediation {
  static final String ID = "test.vpc-tag";
  static final Set<String> IAM_ACTIONS = Set.of("ec2:DescribeVpcs", "ec2:CreateTags");

  VpcTag {
    if (key.isBlank()) {
      throw new InvalidRemediationException("tag key must not be blank");
    }
    flags = Set.copyOf(flags);
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public RemediationSpec spec() {
    Map<String, String> p = new TreeMap<>();
    p.put("key", key);
    p.put("value", value);
    if (!flags.isEmpty()) {
      p.put("flag", flags.stream().map(Flag::name).sorted().collect(Collectors.joining(",")));
    }
    return RemediationSpec.of(ID, p);
  }

  @Override
  public Plan plan(RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    List<Vpc> vpcs = ec2.describeVpcs().vpcs();
    ImmutablePlan.Builder plan = context.newPlan(this, "AWS::EC2::VPC", "*");
    StringBuilder canonical = new StringBuilder();
    vpcs.stream().sorted((a, b) -> a.vpcId().compareTo(b.vpcId())).forEach(vpc -> {
      Map<String, String> tags = vpc.tags().stream()
          .collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> a, TreeMap::new));
      canonical.append(vpc.vpcId()).append(tags).append('\n');
      if (context.isOptedOut(tags)) {
        plan.addSkipped(Skip.of(vpc.vpcId(), context.optOutReason()));
      } else if (!value.equals(tags.get(key))) {
        plan.addSteps(Step.builder().kind("CreateTags").action(Action.ADD).resource(vpc.vpcId())
            .summary("tag " + vpc.vpcId() + " with " + key + "=" + value)
            .addAllFlags(flags).putParameters("vpcId", vpc.vpcId()).build());
      }
    });
    return plan.fingerprint(context.fingerprint(canonical.toString()))
        .addAllIamActions(IAM_ACTIONS).addControls("TEST 1").build();
  }

  @Override
  public void execute(Step step, RemediationContext context) {
    context.scope().client(Ec2Client.class, Ec2Client::builder).createTags(r -> r
        .resources(step.parameter("vpcId")).tags(Tag.builder().key(key).value(value).build()));
  }

  /** The catalog entry: settings key {@code test.tagValue}. */
  static final class Type implements RemediationType {
    @Override
    public String id() {
      return ID;
    }

    @Override
    public String description() {
      return "Every VPC carries a tag (test only)";
    }

    @Override
    public List<String> controls() {
      return List.of("TEST 1");
    }

    @Override
    public Set<String> iamActions() {
      return IAM_ACTIONS;
    }

    @Override
    public Set<Flag> flags() {
      return EnumSet.of(Flag.DOWNTIME);
    }

    @Override
    public Remediation fromSpec(RemediationSpec spec) {
      Set<Flag> flags = EnumSet.noneOf(Flag.class);
      String flag = spec.get("flag", "");
      if (!flag.isEmpty()) {
        for (String f : flag.split(",")) {
          flags.add(Flag.valueOf(f));
        }
      }
      return new VpcTag(spec.require("key"), spec.require("value"), flags);
    }

    @Override
    public Optional<Remediation> forRegion(Map<String, String> settings) {
      String value = settings.get("test.tagValue");
      if (value == null) {
        return Optional.empty();
      }
      String flag = settings.get("test.flag");
      return Optional.of(new VpcTag("owner", value,
          flag == null ? Set.of() : Set.of(Flag.valueOf(flag))));
    }
  }
}
