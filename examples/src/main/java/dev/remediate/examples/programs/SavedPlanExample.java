package dev.remediate.examples.programs;

import dev.remediate.core.PlanSetResult;
import dev.remediate.core.Remediation;
import dev.remediate.core.Remediator;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.ec2.RestrictDefaultSecurityGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * A plan set saved as JSON, reviewed, and applied later, perhaps by another process: each plan's
 * remediation is rebuilt through the catalog, and apply goes target by target: what was reviewed
 * and is still needed runs, a target changed since the plan was made is refused alone, and
 * resources that appeared meanwhile wait for the next plan.
 *
 * <pre>{@code
 * SavedPlanExample                                  # emulator: plan, save, change, apply
 * SavedPlanExample --region eu-west-1 plans.json    # real AWS: plan every VPC, save (no apply)
 * SavedPlanExample --region eu-west-1 --apply plans.json   # apply a plan set saved earlier
 * }</pre>
 */
public final class SavedPlanExample {
  private SavedPlanExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--apply] [PLAN_FILE]}
   * @throws IOException when the plan file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    try (ExampleSupport example = ExampleSupport.open(args)) {
      Remediator remediator = Remediator.builder().scope(example.scope()).build();
      if (example.emulator()) {
        onEmulator(remediator, example.scope().client(Ec2Client.class, Ec2Client::builder));
        return;
      }
      if (example.arguments().isEmpty()) {
        System.err.println("usage: SavedPlanExample --region REGION [--apply] PLAN_FILE");
        System.exit(2);
      }
      Path file = Path.of(example.arguments().get(0));
      if (example.applyRequested() && Files.exists(file)) {
        applySaved(remediator, file);
      } else {
        save(remediator, RestrictDefaultSecurityGroup.forAllVpcs(), file);
      }
    }
  }

  /** The story on the emulator: a new VPC waits for the next plan; a changed group is refused. */
  private static void onEmulator(Remediator remediator, Ec2Client ec2) throws IOException {
    Path file = Files.createTempFile("plans-", ".json");
    try {
      String vpc = EmulatorFixtures.vpcWithAwsDefaultGroup(ec2);
      save(remediator, RestrictDefaultSecurityGroup.forAllVpcs(), file);
      System.out.println("-- meanwhile a new VPC appears: its plan waits for the next scan");
      EmulatorFixtures.vpcWithAwsDefaultGroup(ec2);
      applySaved(remediator, file);
      save(remediator, RestrictDefaultSecurityGroup.forAllVpcs(), file);
      System.out.println("-- meanwhile a reviewed default group is opened to the world: refused");
      widenDefaultGroup(ec2, vpc);
      applySaved(remediator, file);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * Replaces a VPC's default-group ingress rules by one open to the world: what a reviewer did not
   * see, so a saved plan for that group must be refused.
   *
   * @param ec2 the client
   * @param vpc the VPC
   */
  static void widenDefaultGroup(Ec2Client ec2, String vpc) {
    var group = ec2.describeSecurityGroups(r -> r.filters(
        f -> f.name("vpc-id").values(vpc), f -> f.name("group-name").values("default")))
        .securityGroups().get(0);
    ec2.describeSecurityGroupRules(r -> r.filters(f -> f.name("group-id")
        .values(group.groupId()))).securityGroupRules().stream()
        .filter(rule -> !Boolean.TRUE.equals(rule.isEgress()))
        .forEach(rule -> ec2.revokeSecurityGroupIngress(r -> r.groupId(group.groupId())
            .securityGroupRuleIds(rule.securityGroupRuleId())));
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(group.groupId()).ipPermissions(p -> p
        .ipProtocol("-1").ipRanges(x -> x.cidrIp("0.0.0.0/0"))));
  }

  /**
   * Plans and saves the plan set.
   *
   * @param remediator the remediator
   * @param remediation what to plan
   * @param file where to save
   * @return the plan set
   * @throws IOException when the file cannot be written
   */
  static PlanSet save(Remediator remediator, Remediation remediation, Path file)
      throws IOException {
    PlanSet plans = remediator.planSet(List.of(remediation));
    System.out.print(plans.toText());
    Files.writeString(file, plans.toJson());
    System.out.println("Saved to " + file + "; review it, then apply it.");
    return plans;
  }

  /**
   * Reads a saved plan set and applies it target by target.
   *
   * @param remediator the remediator
   * @param file the saved plan set
   * @return the result: one entry per target
   * @throws IOException when the file cannot be read
   */
  static PlanSetResult applySaved(Remediator remediator, Path file) throws IOException {
    PlanSetResult result = remediator.apply(PlanSet.fromJson(Files.readString(file)));
    System.out.print(result.toText());
    return result;
  }
}
