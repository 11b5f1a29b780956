package dev.remediate.examples.programs;

import dev.remediate.core.ApplyResult;
import dev.remediate.core.Remediator;
import dev.remediate.core.StalePlanException;
import dev.remediate.core.plan.Plan;
import dev.remediate.ec2.RestrictDefaultSecurityGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * A plan saved as JSON, reviewed, and applied later, perhaps by another process: the remediation
 * is rebuilt from the plan through the catalog, and apply refuses the plan if the target changed
 * since it was made.
 *
 * <pre>{@code
 * SavedPlanExample                                  # emulator: plan, save, apply the saved plan
 * SavedPlanExample --region eu-west-1 plan.json     # real AWS: plan every VPC, save (no apply)
 * SavedPlanExample --region eu-west-1 --apply plan.json   # apply a plan saved earlier
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
      Path file = example.arguments().isEmpty() ? Files.createTempFile("plan-", ".json")
          : Path.of(example.arguments().get(0));
      Remediator remediator = Remediator.builder().scope(example.scope()).build();
      if (example.emulator()) {
        EmulatorFixtures.vpcWithAwsDefaultGroup(
            example.scope().client(Ec2Client.class, Ec2Client::builder));
        save(remediator, RestrictDefaultSecurityGroup.forAllVpcs(), file);
        applySaved(remediator, file);
      } else if (example.applyRequested() && Files.exists(file)) {
        applySaved(remediator, file);
      } else {
        save(remediator, RestrictDefaultSecurityGroup.forAllVpcs(), file);
      }
    }
  }

  /**
   * Plans and saves the plan.
   *
   * @param remediator the remediator
   * @param remediation what to plan
   * @param file where to save
   * @throws IOException when the file cannot be written
   */
  static void save(Remediator remediator, RestrictDefaultSecurityGroup remediation, Path file)
      throws IOException {
    Plan plan = remediator.plan(remediation);
    System.out.print(plan.toText());
    Files.writeString(file, plan.toJson());
    System.out.println("Saved to " + file + "; review it, then apply it.");
  }

  /**
   * Reads a saved plan and applies it; a stale plan is refused and nothing changes.
   *
   * @param remediator the remediator
   * @param file the saved plan
   * @return the result, or null when the plan was stale
   * @throws IOException when the file cannot be read
   */
  static ApplyResult applySaved(Remediator remediator, Path file) throws IOException {
    Plan plan = Plan.fromJson(Files.readString(file));
    try {
      ApplyResult result = remediator.apply(plan);
      System.out.print(result.toText());
      return result;
    } catch (StalePlanException e) {
      System.out.println("Refused: " + e.getMessage() + " Plan again and review.");
      return null;
    }
  }
}
