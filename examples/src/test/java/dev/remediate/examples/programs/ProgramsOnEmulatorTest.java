package dev.remediate.examples.programs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyResult;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.Remediator;
import dev.remediate.ec2.RestrictDefaultSecurityGroup;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

@ExtendWith(AwsEmulatorExtension.class)
class ProgramsOnEmulatorTest {
  @TempDir
  Path dir;

  @Test
  void savedPlan_appliedLater_andRefusedWhenStale(AwsEmulator aws) throws Exception {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    EmulatorFixtures.vpcWithAwsDefaultGroup(ec2);
    Remediator remediator = Remediator.builder().scope(aws.scope()).build();
    Path file = dir.resolve("plans.json");
    SavedPlanExample.save(remediator, RestrictDefaultSecurityGroup.forAllVpcs(), file);
    // the world changes after the plan was saved: a new VPC with an open default group
    String later = EmulatorFixtures.vpcWithAwsDefaultGroup(ec2);
    PlanSetResult first = SavedPlanExample.applySaved(remediator, file);
    assertFalse(first.hasProblems(), first.toText());
    assertEquals(first.results().size(), first.withStatus(ApplyResult.Status.APPLIED).size(),
        first.toText());
    assertFalse(remediator.planSet(List.of(RestrictDefaultSecurityGroup.forVpc(later)))
        .isEmpty(), "the VPC made after the scan is left for the next plan");
    // a reviewed group changed after the plan was saved: that target is refused
    SavedPlanExample.save(remediator, RestrictDefaultSecurityGroup.forAllVpcs(), file);
    SavedPlanExample.widenDefaultGroup(ec2, later);
    PlanSetResult second = SavedPlanExample.applySaved(remediator, file);
    assertEquals(1, second.withStatus(ApplyResult.Status.STALE).size(), second.toText());
    assertTrue(Files.readString(file).contains("\"remediate-plan-set\""));
  }

  @Test
  void exampleSupport_planAndApply_endsCompliant(AwsEmulator aws) {
    String vpcId = EmulatorFixtures.vpcWithAwsDefaultGroup(
        aws.client(Ec2Client.class, Ec2Client::builder));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ExampleSupport example = ExampleSupport.onEmulator(aws.scope(),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    example.planAndApply(RestrictDefaultSecurityGroup.forVpc(vpcId));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("APPLIED: ec2.default-security-group"), out);
    assertTrue(out.contains("Second plan: empty, compliant"), out);
  }
}
