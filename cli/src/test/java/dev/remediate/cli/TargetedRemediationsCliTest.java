package dev.remediate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.ec2.QuarantineInstance;
import dev.remediate.testing.EmulatorFixtures;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.NetworkAclEntry;
import software.amazon.awssdk.services.ec2.model.RuleAction;

/**
 * The incident-response remediations reached from the command line with {@code --target} and
 * {@code --set}, with no plan file: {@code remediate apply --only ID --target RESOURCE ...}, on the
 * emulator, with the catalog of the class path. The commands are the ones documented in
 * docs/remediations (a test checks that each page shows its command, with the placeholder ids).
 */
@ExtendWith(AwsEmulatorExtension.class)
class TargetedRemediationsCliTest {
  private static final String ADDRESS = "203.0.113.7";
  /** The documented commands; VPC and INSTANCE stand for the ids. */
  static final String BLOCK = "apply --only ec2.block-ip --target VPC --set blockIp.address="
      + ADDRESS + " --yes";
  static final String UNBLOCK = "apply --only ec2.unblock-ip --target VPC --set unblockIp.address="
      + ADDRESS + " --yes";
  static final String QUARANTINE = "apply --only ec2.quarantine-instance --target INSTANCE --yes "
      + "--allow-disruptive";
  static final String RELEASE = "apply --only ec2.release-quarantine --target INSTANCE --yes";
  /** TYPE: t3.large in the docs. */
  static final String RESIZE = "apply --only ec2.resize-instance --target INSTANCE --set "
      + "resize.instanceType=TYPE --allow-downtime --yes";
  /** The ids the docs show in place of VPC and INSTANCE. */
  static final String DOC_VPC = "vpc-0abc1234";
  static final String DOC_INSTANCE = "i-0abc1234";

  private static Remediate.Result run(AwsEmulator aws, String command, String vpc,
      String instance) {
    String[] args = command.replace("VPC", vpc).replace("INSTANCE", instance).split(" ");
    return Remediate.run(CliTesting.real(aws), args);
  }

  private static List<NetworkAclEntry> denies(Ec2Client ec2, String vpc) {
    return ec2.describeNetworkAcls(r -> r.filters(f -> f.name("vpc-id").values(vpc)))
        .networkAcls().stream().flatMap(a -> a.entries().stream())
        .filter(e -> e.ruleAction() == RuleAction.DENY && (ADDRESS + "/32").equals(e.cidrBlock()))
        .toList();
  }

  @Test
  void blockThenUnblock_byTargetAndSettings_noPlanFile(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.60.0.0/16")).vpc().vpcId();
    ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.60.1.0/24"));

    Remediate.Result blocked = run(aws, BLOCK, vpc, "");
    assertEquals(Remediate.EXIT_OK, blocked.exitCode(), blocked.toString());
    assertTrue(blocked.out().contains("APPLIED: ec2.block-ip"), blocked.out());
    assertEquals(Set.of(true, false), denies(ec2, vpc).stream().map(NetworkAclEntry::egress)
        .collect(Collectors.toSet()), "a deny in each direction");

    Remediate.Result scan = Remediate.run(CliTesting.real(aws), "scan", "--only", "ec2.unblock-ip",
        "--target", vpc, "--set", "unblockIp.address=" + ADDRESS);
    assertEquals(Remediate.EXIT_CHANGES, scan.exitCode(), scan.toString());
    assertTrue(scan.out().contains("DeleteNetworkAclEntry"), scan.out());

    Remediate.Result unblocked = run(aws, UNBLOCK, vpc, "");
    assertEquals(Remediate.EXIT_OK, unblocked.exitCode(), unblocked.toString());
    assertTrue(unblocked.out().contains("APPLIED: ec2.unblock-ip"), unblocked.out());
    assertTrue(denies(ec2, vpc).isEmpty(), denies(ec2, vpc).toString());
  }

  @Test
  void badAddressSetting_isBadInputNamingTheSetting(AwsEmulator aws) {
    Remediate.Result r = Remediate.run(CliTesting.real(aws), "scan", "--only", "ec2.block-ip",
        "--target", "vpc-0abc1234", "--set", "blockIp.address=203.0.113.700");
    assertEquals(Remediate.EXIT_BAD_INPUT, r.exitCode(), r.toString());
    assertTrue(r.err().contains("blockIp.address") && r.err().contains("203.0.113.700"),
        r.err());
  }

  /** The group names on the instance's network interfaces. */
  private static Set<String> groups(Ec2Client ec2, String instance) {
    return ec2.describeNetworkInterfaces(r -> r.filters(f -> f.name("attachment.instance-id")
        .values(instance))).networkInterfaces().stream()
        .flatMap(n -> n.groups().stream()).map(GroupIdentifier::groupName)
        .collect(Collectors.toSet());
  }

  @Test
  void quarantineThenRelease_byTarget_noPlanFile(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String instance = EmulatorFixtures.instance(ec2);
    Set<String> before = groups(ec2, instance);

    Remediate.Result q = run(aws, QUARANTINE, "", instance);
    assertEquals(Remediate.EXIT_OK, q.exitCode(), q.toString());
    assertTrue(q.out().contains("APPLIED: ec2.quarantine-instance"), q.out());
    assertEquals(Set.of(QuarantineInstance.DEFAULT_GROUP_NAME), groups(ec2, instance));

    Remediate.Result r = run(aws, RELEASE, "", instance);
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    assertTrue(r.out().contains("APPLIED: ec2.release-quarantine"), r.out());
    assertEquals(before, groups(ec2, instance));
  }

  @Test
  void quarantine_withoutConsent_changesNothing(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String instance = EmulatorFixtures.instance(ec2);
    Set<String> before = groups(ec2, instance);
    Remediate.Result r = run(aws, QUARANTINE.replace(" --allow-disruptive", ""), "", instance);
    assertEquals(Remediate.EXIT_FAILURE, r.exitCode(), r.toString());
    assertTrue(r.err().contains("--allow-disruptive"), r.err());
    assertEquals(before, groups(ec2, instance));
  }

  @Test
  void docs_showTheExactCommandOfEachRemediation() throws Exception {
    for (String[] page : new String[][] {{"ec2.block-ip", BLOCK}, {"ec2.unblock-ip", UNBLOCK},
        {"ec2.quarantine-instance", QUARANTINE}, {"ec2.release-quarantine", RELEASE},
        {"ec2.resize-instance", RESIZE.replace("TYPE", "t3.large")}}) {
      String text = Files.readString(Path.of("..", "docs", "remediations", page[0] + ".md"));
      String command = "remediate " + page[1].replace("VPC", DOC_VPC)
          .replace("INSTANCE", DOC_INSTANCE);
      assertTrue(text.contains(command), page[0] + ".md should show: " + command);
    }
  }

  @Test
  void resize_byTargetAndSetting_stopsOnceAndStartsOnce(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    // an HVM image and t2 types: the emulator shows no ENA on instances (t3 needs it)
    String image = ec2.describeImages(r -> r.filters(
        f -> f.name("virtualization-type").values("hvm"),
        f -> f.name("architecture").values("x86_64"))).images().get(0).imageId();
    String instance = ec2.runInstances(r -> r.imageId(image).minCount(1).maxCount(1)
        .instanceType("t2.micro")).instances().get(0).instanceId();
    aws.recorder().reset();

    Remediate.Result r = run(aws, RESIZE.replace("TYPE", "t2.large"), "", instance);

    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    assertTrue(r.out().contains("APPLIED: ec2.resize-instance"), r.out());
    assertEquals(1, aws.recorder().count("StopInstances"), aws.recorder().toString());
    assertEquals(1, aws.recorder().count("StartInstances"), aws.recorder().toString());
    assertEquals("t2.large", ec2.describeInstances(d -> d.instanceIds(instance)).reservations()
        .get(0).instances().get(0).instanceTypeAsString());
  }
}
