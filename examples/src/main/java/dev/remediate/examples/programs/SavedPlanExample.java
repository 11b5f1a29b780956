package dev.remediate.examples.programs;

import dev.remediate.testing.EmulatorFixtures;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.Remediator;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.ec2.RestrictDefaultSecurityGroup;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;

/**
 * A plan set saved as JSON, reviewed, and applied later, perhaps by another process: each
 * remediation is rebuilt from its plan through the catalog, and apply refuses, target by target,
 * a reviewed target that changed since the plan was made (the others are applied).
 *
 * <pre>{@code
 * SavedPlanExample                                  # emulator: plan, save, a reviewed group
 *                                                   # changes (refused as stale), plan again, apply
 * SavedPlanExample --region eu-west-1 plan.json     # real AWS: plan every VPC, save (no apply)
 * SavedPlanExample --region eu-west-1 --apply plan.json   # apply a plan saved earlier
 * }</pre>
 */
public final class SavedPlanExample {
  /** The command line. */
  static final String USAGE = "SavedPlanExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply] [PLAN_FILE]";

  private SavedPlanExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply] [PLAN_FILE]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, SavedPlanExample::run);
  }

  /**
   * On the emulator, the whole story in a temporary folder removed at the end; against AWS, saves
   * a plan set to the file named, or applies it with {@code --apply}.
   *
   * @param example where to run
   */
  public static void run(ExampleSupport example) {
    Remediator remediator = Remediator.builder().scope(example.scope()).build();
    PrintStream out = example.out();
    try {
      if (example.emulator()) {
        Path dir = Files.createTempDirectory("remediate-saved-plan-");
        try {
          story(remediator, example.scope().client(Ec2Client.class, Ec2Client::builder),
              dir.resolve("plans.json"), out);
        } finally {
          Files.deleteIfExists(dir.resolve("plans.json"));
          Files.delete(dir);
        }
        return;
      }
      Path file = Path.of(example.argument(0, "PLAN_FILE"));
      if (example.applyRequested() && Files.exists(file)) {
        applySaved(remediator, file, out);
      } else {
        save(remediator, file, out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Plan, save; a reviewed target changes, so its plan is refused as stale; plan again, apply.
   *
   * @param remediator the remediator
   * @param ec2 an EC2 client of the emulator
   * @param file where to save the plans
   * @param out where to print
   * @return the results of the two applies
   * @throws IOException when the file cannot be written or read
   */
  static List<PlanSetResult> story(Remediator remediator, Ec2Client ec2, Path file,
      PrintStream out) throws IOException {
    String vpcId = EmulatorFixtures.vpcWithAwsDefaultGroup(ec2);
    save(remediator, file, out);
    String group = ec2.describeSecurityGroups(r -> r.filters(
        f -> f.name("vpc-id").values(vpcId), f -> f.name("group-name").values("default")))
        .securityGroups().get(0).groupId();
    out.println("Meanwhile someone replaces the reviewed ingress rule of " + group
        + " by one that opens SSH:");
    ec2.describeSecurityGroupRules(r -> r.filters(f -> f.name("group-id").values(group)))
        .securityGroupRules().stream().filter(rule -> !Boolean.TRUE.equals(rule.isEgress()))
        .forEach(rule -> ec2.revokeSecurityGroupIngress(r -> r.groupId(group)
            .securityGroupRuleIds(rule.securityGroupRuleId())));
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(group).ipPermissions(IpPermission.builder()
        .ipProtocol("tcp").fromPort(22).toPort(22)
        .ipRanges(ip -> ip.cidrIp("198.51.100.0/24")).build()));
    PlanSetResult refused = applySaved(remediator, file, out);
    out.println("Plan again, review, apply:");
    save(remediator, file, out);
    PlanSetResult applied = applySaved(remediator, file, out);
    return List.of(refused, applied);
  }

  /**
   * Plans the default security groups of every VPC and saves the plan set.
   *
   * @param remediator the remediator
   * @param file where to save
   * @param out where to print
   * @throws IOException when the file cannot be written
   */
  static void save(Remediator remediator, Path file, PrintStream out) throws IOException {
    PlanSet plans = remediator.planSet(List.of(RestrictDefaultSecurityGroup.forAllVpcs()));
    out.print(plans.toText());
    Files.writeString(file, plans.toJson());
    out.println("Saved to " + file + "; review it, then apply it.");
  }

  /**
   * Reads a saved plan set and applies it; a target that changed since is refused as stale and
   * left unchanged, the others are applied.
   *
   * @param remediator the remediator
   * @param file the saved plans
   * @param out where to print
   * @return the result of every target
   * @throws IOException when the file cannot be read
   */
  static PlanSetResult applySaved(Remediator remediator, Path file, PrintStream out)
      throws IOException {
    PlanSetResult result = remediator.apply(PlanSet.fromJson(Files.readString(file)));
    out.print(result.toText());
    result.results().stream().filter(r -> r.status() == ApplyResult.Status.STALE)
        .forEach(r -> out.println("Refused as stale: " + r.plan().key() + ": " + r.detail()
            + ". Nothing of it was changed; plan again and review."));
    return result;
  }
}
