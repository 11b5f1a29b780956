package dev.remediate.examples.programs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyResult;
import dev.remediate.core.Remediator;
import dev.remediate.ec2.RestrictDefaultSecurityGroup;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    Path file = dir.resolve("plan.json");
    SavedPlanExample.save(remediator, RestrictDefaultSecurityGroup.forAllVpcs(), file);
    // the world changes after the plan was saved: a new VPC with an open default group
    EmulatorFixtures.vpcWithAwsDefaultGroup(ec2);
    assertNull(SavedPlanExample.applySaved(remediator, file));
    SavedPlanExample.save(remediator, RestrictDefaultSecurityGroup.forAllVpcs(), file);
    ApplyResult result = SavedPlanExample.applySaved(remediator, file);
    assertEquals(ApplyResult.Status.APPLIED, result.status());
    assertTrue(remediator.plan(RestrictDefaultSecurityGroup.forAllVpcs()).isEmpty());
    assertTrue(Files.readString(file).contains("\"remediate-plan\""));
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
