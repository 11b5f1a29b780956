package dev.remediate.cli;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationType;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
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
record VpcTag(String key, String value, Set<Flag> flags, String vpcIds) implements Remediation {
  static final String ID = "test.vpc-tag";
  static final Set<String> IAM_ACTIONS = Set.of("ec2:DescribeVpcs", "ec2:CreateTags");

  VpcTag {
    if (key.isBlank()) {
      throw new InvalidRemediationException("tag key must not be blank");
    }
    flags = Set.copyOf(flags);
  }

  VpcTag(String key, String value, Set<Flag> flags) {
    this(key, value, flags, "*");
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
    p.put("vpcId", vpcIds);
    return RemediationSpec.of(ID, p);
  }

  @Override
  public Plan plan(RemediationContext context) {
    return planEach(context).get(0);
  }

  /** One DescribeVpcs (filtered by id unless every VPC is wanted); one plan per VPC. */
  @Override
  public List<Plan> planEach(RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    List<Vpc> vpcs = vpcIds.equals("*") ? ec2.describeVpcs().vpcs()
        : ec2.describeVpcs(r -> r.vpcIds(vpcIds.split(","))).vpcs();
    List<Plan> plans = new java.util.ArrayList<>();
    vpcs.stream().sorted((a, b) -> a.vpcId().compareTo(b.vpcId())).forEach(vpc -> {
      Map<String, String> tags = vpc.tags().stream()
          .collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> a, TreeMap::new));
      Plan.Builder plan = context.newPlan(new VpcTag(key, value, flags, vpc.vpcId()),
          "AWS::EC2::VPC", vpc.vpcId());
      if (context.isOptedOut(tags)) {
        plan.addSkipped(Skip.of(vpc.vpcId(), context.optOutReason()));
      } else if (!value.equals(tags.get(key))) {
        plan.addSteps(Step.builder().kind("CreateTags").action(Action.ADD).resource(vpc.vpcId())
            .summary("tag " + vpc.vpcId() + " with " + key + "=" + value)
            .before(tags.containsKey(key) ? key + "=" + tags.get(key) : "no tag " + key)
            .after(key + "=" + value)
            .addAllFlags(flags).putParameters("vpcId", vpc.vpcId()).build());
      }
      plans.add(plan.addAllIamActions(IAM_ACTIONS).addControls("TEST 1").build());
    });
    return plans;
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
      return new VpcTag(spec.require("key"), spec.require("value"), flags,
          spec.get("vpcId", "*"));
    }

    @Override
    public List<Remediation> forTargets(List<RemediationSpec> specs) {
      // One DescribeVpcs of every VPC: what a region-wide observation costs, and it lets apply
      // report VPCs made after the scan.
      if (!specs.isEmpty()) {
        Map<String, String> p = new TreeMap<>(specs.get(0).parameters());
        p.put("vpcId", "*");
        if (specs.stream().allMatch(s -> sameSettings(s, specs.get(0)))) {
          return List.of(fromSpec(RemediationSpec.of(ID, p)));
        }
      }
      Map<RemediationSpec, List<String>> bySettings = new java.util.LinkedHashMap<>();
      for (RemediationSpec spec : specs) {
        Map<String, String> settings = new TreeMap<>(spec.parameters());
        settings.remove("vpcId");
        bySettings.computeIfAbsent(RemediationSpec.of(ID, settings), k -> new java.util.ArrayList<>())
            .add(spec.get("vpcId", "*"));
      }
      List<Remediation> combined = new java.util.ArrayList<>();
      bySettings.forEach((settings, ids) -> {
        Map<String, String> p = new TreeMap<>(settings.parameters());
        p.put("vpcId", ids.contains("*") ? "*" : String.join(",", ids));
        combined.add(fromSpec(RemediationSpec.of(ID, p)));
      });
      return combined;
    }

    private static boolean sameSettings(RemediationSpec a, RemediationSpec b) {
      Map<String, String> x = new TreeMap<>(a.parameters());
      Map<String, String> y = new TreeMap<>(b.parameters());
      x.remove("vpcId");
      y.remove("vpcId");
      return x.equals(y);
    }

    @Override
    public List<dev.remediate.core.Setting> settings() {
      return List.of(dev.remediate.core.Setting.text("test.tagValue", "the owner tag's value"),
          dev.remediate.core.Setting.text("test.flag", "a flag every step carries"));
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
