package dev.remediate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.Remediation;
import dev.remediate.core.Remediator;
import dev.remediate.core.plan.Plan;
import dev.remediate.ec2.BlockIpAddress;
import dev.remediate.ec2.QuarantineInstance;
import dev.remediate.ec2.UnblockIpAddress;
import dev.remediate.testing.EmulatorFixtures;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.NetworkAclEntry;
import software.amazon.awssdk.services.ec2.model.RuleAction;

/**
 * The incident-response remediations ({@code ec2.block-ip}, {@code ec2.quarantine-instance}, and
 * the companion {@code ec2.unblock-ip}) end to end through the command-line tool: a saved plan
 * (they are targeted, not region-wide, so a person or a program plans them) applied with
 * {@code remediate apply}, with the real catalog of the class path, on the emulator.
 */
@ExtendWith(AwsEmulatorExtension.class)
class IncidentResponseCliTest {
  private static final String ADDRESS = "203.0.113.7";

  @TempDir
  Path dir;

  private Path save(AwsEmulator aws, Remediation remediation, String name) {
    Plan plan = Remediator.builder().scope(aws.scope()).build().plan(remediation);
    assertFalse(plan.isEmpty(), plan.toText());
    Path file = dir.resolve(name);
    PlanFiles.write(file, dev.remediate.core.plan.PlanSet.of(plan));
    return file;
  }

  private static boolean planIsEmpty(AwsEmulator aws, Remediation remediation) {
    return Remediator.builder().scope(aws.scope()).build().plan(remediation).isEmpty();
  }

  private static List<NetworkAclEntry> denies(Ec2Client ec2, String vpc) {
    return ec2.describeNetworkAcls(r -> r.filters(f -> f.name("vpc-id").values(vpc)))
        .networkAcls().stream().flatMap(a -> a.entries().stream())
        .filter(e -> e.ruleAction() == RuleAction.DENY && (ADDRESS + "/32").equals(e.cidrBlock()))
        .toList();
  }

  @Test
  void apply_savedBlockIpPlan_deniesTheAddressBothWays_thenUnblockRemovesIt(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.50.0.0/16")).vpc().vpcId();
    ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.50.1.0/24"));
    BlockIpAddress block = BlockIpAddress.of(ADDRESS).inVpc(vpc).build();
    Path plans = save(aws, block, "block.json");
    assertTrue(denies(ec2, vpc).isEmpty());

    Remediate.Result r = Remediate.run(CliTesting.real(aws), "apply", "--yes", plans.toString());
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    assertTrue(r.out().startsWith("APPLIED: ec2.block-ip"), r.out());
    List<NetworkAclEntry> denies = denies(ec2, vpc);
    assertEquals(Set.of(true, false), denies.stream().map(NetworkAclEntry::egress)
        .collect(Collectors.toSet()), "a deny in each direction: " + denies);
    assertTrue(denies.stream().allMatch(e -> "-1".equals(e.protocol())), denies.toString());
    assertTrue(planIsEmpty(aws, block), "planning the block again finds nothing to do");

    // the same plan applied again finds every reviewed step done: nothing is called to change
    aws.recorder().reset();
    Remediate.Result again = Remediate.run(CliTesting.real(aws), "apply", "--yes",
        plans.toString());
    assertEquals(Remediate.EXIT_OK, again.exitCode(), again.toString());
    assertTrue(again.out().startsWith("ALREADY_DONE: ec2.block-ip"), again.out());
    assertEquals(0, aws.recorder().count("CreateNetworkAclEntry"));

    UnblockIpAddress unblock = UnblockIpAddress.of(BlockIpAddress.of(ADDRESS).inVpc(vpc).build());
    Path undo = save(aws, unblock, "unblock.json");
    Remediate.Result u = Remediate.run(CliTesting.real(aws), "apply", "--yes", undo.toString());
    assertEquals(Remediate.EXIT_OK, u.exitCode(), u.toString());
    assertTrue(u.out().startsWith("APPLIED: ec2.unblock-ip"), u.out());
    assertTrue(denies(ec2, vpc).isEmpty(), denies(ec2, vpc).toString());
  }

  /** The group names on the instance's network interfaces. */
  private static Set<String> groups(Ec2Client ec2, String instance) {
    return ec2.describeNetworkInterfaces(r -> r.filters(f -> f.name("attachment.instance-id")
        .values(instance))).networkInterfaces().stream()
        .flatMap(n -> n.groups().stream()).map(GroupIdentifier::groupName)
        .collect(Collectors.toSet());
  }

  @Test
  void apply_savedQuarantinePlan_needsConsentThenIsolatesTheInstance(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String instance = EmulatorFixtures.instance(ec2);
    Set<String> before = groups(ec2, instance);
    assertFalse(before.isEmpty() || before.contains(QuarantineInstance.DEFAULT_GROUP_NAME),
        before.toString());
    QuarantineInstance quarantine = QuarantineInstance.of(instance).build();
    Path plans = save(aws, quarantine, "quarantine.json");

    Remediate.Result refused = Remediate.run(CliTesting.real(aws), "apply", "--yes",
        plans.toString());
    assertEquals(Remediate.EXIT_FAILURE, refused.exitCode(), refused.toString());
    assertTrue(refused.err().contains(
        "remediate: skipped ec2.quarantine-instance AWS::EC2::Instance " + instance), refused.err());
    assertTrue(refused.err().contains("DISRUPTIVE"), refused.err());
    assertTrue(refused.err().contains("--allow-disruptive"), refused.err());
    assertEquals(before, groups(ec2, instance), "nothing changed without consent");

    Remediate.Result r = Remediate.run(CliTesting.real(aws), "apply", "--yes",
        "--allow-disruptive", plans.toString());
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    assertTrue(r.out().startsWith("APPLIED: ec2.quarantine-instance"), r.out());
    assertTrue(r.err().contains("ModifyNetworkInterfaceAttribute"), r.err());
    assertEquals(Set.of(QuarantineInstance.DEFAULT_GROUP_NAME), groups(ec2, instance));
    assertTrue(planIsEmpty(aws, quarantine), "planning the quarantine again finds nothing to do");
  }
}
