package dev.remediate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationType;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * {@code remediate react} on GuardDuty and Security Hub findings and on signals, with the real
 * catalog on the emulator (findings written here from AWS's documented fields).
 */
@ExtendWith(AwsEmulatorExtension.class)
class ReactFindingsCliTest {
  @TempDir
  Path dir;

  /** A VPC, a subnet, and a group opening SSH to the world. */
  private record Network(String vpc, String subnet, String group) {}

  private static Network network(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
    String subnet = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24")).subnet().subnetId();
    String group = ec2.createSecurityGroup(r -> r.vpcId(vpc).groupName("web").description("web"))
        .groupId();
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(group).ipPermissions(p -> p.ipProtocol("tcp")
        .fromPort(22).toPort(22).ipRanges(x -> x.cidrIp("0.0.0.0/0"))));
    return new Network(vpc, subnet, group);
  }

  private Path write(String name, String json) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, json);
    return file;
  }

  private static String sshBruteForce(Network n) {
    return "{\"version\":\"0\",\"id\":\"5f0c\",\"detail-type\":\"GuardDuty Finding\","
        + "\"source\":\"aws.guardduty\",\"account\":\"123456789012\",\"region\":\"us-east-1\","
        + "\"detail\":{\"schemaVersion\":\"2.0\",\"accountId\":\"123456789012\",\"region\":"
        + "\"us-east-1\",\"id\":\"f-ssh-1\",\"type\":\"UnauthorizedAccess:EC2/SSHBruteForce\","
        + "\"resource\":{\"resourceType\":\"Instance\",\"instanceDetails\":{\"instanceId\":"
        + "\"i-0abc1234def567890\",\"networkInterfaces\":[{\"subnetId\":\"" + n.subnet()
        + "\",\"vpcId\":\"" + n.vpc() + "\",\"securityGroups\":[{\"groupId\":\"" + n.group()
        + "\"}]}]}},\"service\":{\"resourceRole\":\"TARGET\",\"action\":{\"actionType\":"
        + "\"NETWORK_CONNECTION\",\"networkConnectionAction\":{\"connectionDirection\":\"INBOUND\","
        + "\"localPortDetails\":{\"port\":22},\"remoteIpDetails\":{\"ipAddressV4\":"
        + "\"203.0.113.77\"}}}},\"severity\":2,\"title\":\"SSH brute force\"}}";
  }

  @Test
  void react_guardDutySshBruteForce_plansNaclBlockOfRemoteIp(AwsEmulator aws) throws Exception {
    Network n = network(aws);
    Path finding = write("gd.json", sshBruteForce(n));
    aws.recorder().reset();
    Remediate.Result r = Remediate.run(CliTesting.real(aws), "react", finding.toString());
    assertEquals(Remediate.EXIT_CHANGES, r.exitCode(), r.toString());
    assertTrue(r.out().contains("ec2.block-ip"), r.out());
    assertTrue(r.out().contains("203.0.113.77/32"), r.out());
    assertEquals(0, aws.recorder().count("CreateNetworkAclEntry"));
    assertTrue(r.err().contains("Read 0 record(s), 1 finding(s); 1 remediation(s) called for"),
        r.err());
  }

  @Test
  void react_securityHubEc219_plansOpenPortRestrictionOfThatGroup(AwsEmulator aws)
      throws Exception {
    Network n = network(aws);
    Path finding = write("sh.json", "{\"Findings\":[{\"SchemaVersion\":\"2018-10-08\",\"Id\":"
        + "\"arn:aws:securityhub:us-east-1:123456789012:security-control/EC2.19/finding/1\","
        + "\"ProductArn\":\"arn:aws:securityhub:us-east-1::product/aws/securityhub\","
        + "\"GeneratorId\":\"security-control/EC2.19\",\"AwsAccountId\":\"123456789012\","
        + "\"Region\":\"us-east-1\",\"Compliance\":{\"Status\":\"FAILED\",\"SecurityControlId\":"
        + "\"EC2.19\"},\"Workflow\":{\"Status\":\"NEW\"},\"RecordState\":\"ACTIVE\",\"Resources\":"
        + "[{\"Type\":\"AwsEc2SecurityGroup\",\"Id\":\"arn:aws:ec2:us-east-1:123456789012:"
        + "security-group/" + n.group() + "\",\"Region\":\"us-east-1\"}]}]}");
    Remediate.Result r = Remediate.run(CliTesting.real(aws), "react", finding.toString());
    assertEquals(Remediate.EXIT_CHANGES, r.exitCode(), r.toString());
    assertTrue(r.out().contains("ec2.security-group-open-ports"), r.out());
    assertTrue(r.out().contains(n.group()), r.out());
    assertTrue(r.out().contains("0.0.0.0/0"), r.out());
  }

  /** The catalog without the IAM module's remediations, as a user without remediate-iam has. */
  private static CliEnvironment withoutIamModule(AwsEmulator aws) {
    RemediationCatalog catalog = RemediationCatalog.of(RemediationCatalog.load().types().stream()
        .filter(t -> !t.id().startsWith("iam.")).toArray(RemediationType[]::new));
    return CliEnvironment.builder().terminal(Terminal.none()).env(Map.of()).catalog(catalog)
        .scopes((region, options) -> aws.scopeBuilder(Region.of(region)).build()).build();
  }

  private static final String EXFILTRATION = "{\"schemaVersion\":\"2.0\",\"accountId\":"
      + "\"123456789012\",\"region\":\"us-east-1\",\"id\":\"f-exfil-1\",\"type\":"
      + "\"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS\",\"resource\":{"
      + "\"resourceType\":\"AccessKey\",\"accessKeyDetails\":{\"accessKeyId\":\"ASIAEXAMPLE0000001\","
      + "\"userName\":\"web-role\",\"userType\":\"AssumedRole\"}},\"service\":{\"action\":{"
      + "\"actionType\":\"AWS_API_CALL\",\"awsApiCallAction\":{\"api\":\"ListBuckets\"}}},"
      + "\"severity\":8}";

  @Test
  void react_credentialExfiltration_plansSessionRevocationNeedingApproval(AwsEmulator aws)
      throws Exception {
    aws.scope().globalClient(IamClient.class, IamClient::builder).createRole(r -> r
        .roleName("web-role").assumeRolePolicyDocument("{\"Version\":\"2012-10-17\","
            + "\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
            + "\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"));
    Path finding = write("exfil.json", EXFILTRATION);
    aws.recorder().reset();
    Remediate.Result r = Remediate.run(CliTesting.real(aws), "react", "--apply",
        finding.toString());
    assertEquals(Remediate.EXIT_CHANGES, r.exitCode(), r.toString());
    assertTrue(r.out().contains("iam.revoke-role-sessions"), r.out());
    assertTrue(r.out().contains("web-role"), r.out());
    assertTrue(r.out().contains("AWSRevokeOlderSessions"), r.out());
    assertTrue(r.err().contains("not applied, needs approval: iam.revoke-role-sessions (rule "
        + "guardduty.credential-exfiltration.revoke-sessions"), r.err());
    assertEquals(0, aws.recorder().count("PutRolePolicy"), "planned, never applied");
  }

  /** A "CloudWatch Alarm State Change" event as AWS documents it, for an instance's CPU alarm. */
  private static String cpuAlarm(String instance) {
    return "{\"version\":\"0\",\"id\":\"a1\",\"detail-type\":\"CloudWatch Alarm State Change\","
        + "\"source\":\"aws.cloudwatch\",\"account\":\"123456789012\",\"time\":"
        + "\"2026-11-30T10:15:00Z\",\"region\":\"us-east-1\",\"resources\":[\"arn:aws:cloudwatch:"
        + "us-east-1:123456789012:alarm:remediate-cpu-" + instance + "\"],\"detail\":{\"alarmName\":"
        + "\"remediate-cpu-" + instance + "\",\"state\":{\"value\":\"ALARM\"},\"previousState\":"
        + "{\"value\":\"OK\"},\"configuration\":{\"metrics\":[{\"id\":\"m1\",\"metricStat\":{"
        + "\"metric\":{\"namespace\":\"AWS/EC2\",\"name\":\"CPUUtilization\",\"dimensions\":"
        + "{\"InstanceId\":\"" + instance + "\"}},\"period\":300,\"stat\":\"Average\"}}]}}}";
  }

  @Test
  void react_cpuAlarmOfAnInstanceTaggedResizeTo_plansTheResizeNeedingApproval(AwsEmulator aws)
      throws Exception {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String image = ec2.describeImages(r -> r.filters(
        f -> f.name("virtualization-type").values("hvm"),
        f -> f.name("architecture").values("x86_64"))).images().get(0).imageId();
    String instance = ec2.runInstances(r -> r.imageId(image).minCount(1).maxCount(1)
        .instanceType("t2.micro").tagSpecifications(t -> t.resourceType("instance")
            .tags(tag -> tag.key("remediate:resize-to").value("t2.small")))).instances().get(0)
        .instanceId();
    Path event = write("alarm.json", cpuAlarm(instance));
    aws.recorder().reset();
    Remediate.Result r = Remediate.run(CliTesting.real(aws), "react", "--apply",
        event.toString());
    assertEquals(Remediate.EXIT_CHANGES, r.exitCode(), r.toString());
    assertTrue(r.out().contains("ec2.resize-instance"), r.out());
    assertTrue(r.out().contains("t2.small"), r.out());
    assertTrue(r.err().contains("not applied, needs approval: ec2.resize-instance (rule "
        + "cloudwatch.cpu-alarm.resize-to-tag"), r.err());
    assertEquals(0, aws.recorder().count("StopInstances"), "planned, never applied");
  }

  @Test
  void react_routeToRemediationNotInstalled_reportedNotFatal(AwsEmulator aws) throws Exception {
    Path finding = write("exfil.json", EXFILTRATION);
    Remediate.Result r = Remediate.run(withoutIamModule(aws), "react", finding.toString());
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    assertTrue(r.err().contains("remediation iam.revoke-role-sessions not installed"), r.err());
  }

  private static String failedLogin(String ip, int i) {
    return "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":"
        + "\"AIDAEXAMPLE" + i + "\",\"accountId\":\"123456789012\",\"userName\":\"u" + i + "\"},"
        + "\"eventTime\":\"" + Instant.parse("2026-11-27T05:00:00Z").plusSeconds(25L * i)
        + "\",\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\","
        + "\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"" + ip + "\",\"userAgent\":\"Mozilla\","
        + "\"errorMessage\":\"Failed authentication\",\"requestParameters\":null,"
        + "\"responseElements\":{\"ConsoleLogin\":\"Failure\"},\"eventID\":\"login-" + i + "\","
        + "\"readOnly\":false,\"eventType\":\"AwsConsoleSignIn\",\"managementEvent\":true,"
        + "\"recipientAccountId\":\"123456789012\",\"eventCategory\":\"Management\"}";
  }

  private Path logins(int n) throws Exception {
    Path folder = Files.createDirectories(dir.resolve("logins" + n));
    List<String> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      records.add(failedLogin("198.51.100.66", i));
    }
    // spread over several files, as a trail delivers them
    for (int f = 0; f * 4 < n; f++) {
      Files.writeString(folder.resolve("part-" + f + ".json"),
          Records.logFile(records.subList(4 * f, Math.min(n, 4 * f + 4)).toArray(String[]::new)));
    }
    return folder;
  }

  private Remediate.Result reactOnLogins(AwsEmulator aws, int count) throws Exception {
    Network n = network(aws);
    return Remediate.run(CliTesting.real(aws), "react", "--set", "signals.blockIn=" + n.vpc(),
        logins(count).toString());
  }

  @Test
  void react_tenFailedLoginsFromOneIp_plansBlockOfThatIp(AwsEmulator aws) throws Exception {
    Remediate.Result r = reactOnLogins(aws, 10);
    assertEquals(Remediate.EXIT_CHANGES, r.exitCode(), r.toString());
    assertTrue(r.out().contains("198.51.100.66/32"), r.out());
    assertTrue(r.err().contains("signal: 10 ConsoleLoginFailures from 198.51.100.66"), r.err());
    assertFalse(r.err().contains("unknown setting"), r.err());
  }

  @Test
  void react_nineFailedLogins_noBlock(AwsEmulator aws) throws Exception {
    Remediate.Result r = reactOnLogins(aws, 9);
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    assertFalse(r.out().contains("198.51.100.66"), r.out());
    assertTrue(r.err().contains("Read 9 record(s); none calls for a remediation."), r.err());
  }
}
