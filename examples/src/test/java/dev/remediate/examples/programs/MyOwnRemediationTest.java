package dev.remediate.examples.programs;

import dev.remediate.testing.EmulatorFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyFailedException;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.Remediator;
import dev.remediate.core.StepOutcome;
import dev.remediate.core.plan.Plan;
import dev.remediate.ec2.RestrictDefaultSecurityGroup;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * How a user tests their own code with the library's test support: the emulator extension gives
 * each test a clean emulator and a scope; the recorder counts calls; the fault injector makes AWS
 * fail the way it sometimes does.
 */
@ExtendWith(AwsEmulatorExtension.class)
class MyOwnRemediationTest {
  private Ec2Client ec2;
  private String vpcId;
  private Remediator remediator;

  @BeforeEach
  void setUp(AwsEmulator aws) {
    ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    vpcId = EmulatorFixtures.vpcWithAwsDefaultGroup(ec2);
    remediator = Remediator.builder().scope(aws.scope()).build();
    aws.recorder().reset();
  }

  private SecurityGroup defaultGroup() {
    return ec2.describeSecurityGroups(r -> r.filters(f -> f.name("vpc-id").values(vpcId),
        f -> f.name("group-name").values("default"))).securityGroups().get(0);
  }

  @Test
  void apply_openDefaultGroup_removesEveryRuleAndPlansNothingAfter(AwsEmulator aws) {
    Plan plan = remediator.plan(RestrictDefaultSecurityGroup.forVpc(vpcId));
    assertEquals(2, plan.steps().size(), plan.toText());
    ApplyResult result = remediator.apply(plan);
    assertEquals(ApplyResult.Status.APPLIED, result.status());
    assertTrue(defaultGroup().ipPermissions().isEmpty());
    assertTrue(defaultGroup().ipPermissionsEgress().isEmpty());
    assertTrue(remediator.plan(RestrictDefaultSecurityGroup.forVpc(vpcId)).isEmpty());
    assertEquals(1, aws.recorder().count("RevokeSecurityGroupIngress"));
    assertEquals(1, aws.recorder().count("RevokeSecurityGroupEgress"));
  }

  @Test
  void apply_throttledOnce_retriesAndSucceeds(AwsEmulator aws) {
    aws.faults().failNth("RevokeSecurityGroupIngress", 1, Fault.throttling());
    ApplyResult result = remediator.apply(remediator.plan(
        RestrictDefaultSecurityGroup.forVpc(vpcId)));
    assertEquals(ApplyResult.Status.APPLIED, result.status());
    assertEquals(1, aws.faults().injectedCount());
    assertTrue(defaultGroup().ipPermissions().isEmpty());
  }

  @Test
  void apply_egressDenied_reportsWhatWasDone(AwsEmulator aws) {
    aws.faults().failAll("RevokeSecurityGroupEgress", Fault.of("UnauthorizedOperation"));
    Plan plan = remediator.plan(RestrictDefaultSecurityGroup.forVpc(vpcId));
    ApplyFailedException e = assertThrows(ApplyFailedException.class,
        () -> remediator.apply(plan));
    assertEquals(StepOutcome.Status.SUCCEEDED, e.result().outcomes().get(0).status());
    assertEquals(StepOutcome.Status.FAILED, e.result().outcomes().get(1).status());
    assertTrue(e.getMessage().contains("UnauthorizedOperation"), e.getMessage());
    assertTrue(defaultGroup().ipPermissions().isEmpty());
    assertEquals(1, defaultGroup().ipPermissionsEgress().size());
  }
}
