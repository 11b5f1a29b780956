package dev.remediate.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** GuardDuty and Security Hub findings in the shapes AWS documents (samples written for these tests). */
class FindingsReadingTest {
  static List<SecurityEvent> read(String resource) {
    InputStream in = FindingsReadingTest.class.getResourceAsStream("/findings/" + resource);
    try (SecurityEventReader reader = SecurityEventReader.open(in, resource)) {
      List<SecurityEvent> items = new ArrayList<>();
      reader.forEachRemaining(items::add);
      return items;
    }
  }

  static String text(String resource) throws IOException {
    try (InputStream in = FindingsReadingTest.class.getResourceAsStream("/findings/" + resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static List<SecurityEvent> readText(String text) {
    try (SecurityEventReader reader = SecurityEventReader.open(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test")) {
      List<SecurityEvent> items = new ArrayList<>();
      reader.forEachRemaining(items::add);
      return items;
    }
  }

  @Test
  void read_guardDutyEventBridgeEnvelope_typedFinding() {
    GuardDutyFinding f = (GuardDutyFinding) read("guardduty-ssh-brute-force-eventbridge.json").get(0);
    assertEquals("UnauthorizedAccess:EC2/SSHBruteForce", f.type());
    assertEquals("a1b2c3d4e5f60718293a4b5c6d7e8f90", f.id());
    assertEquals("us-east-1", f.region());
    assertEquals(Optional.of("123456789012"), f.account());
    assertEquals(Optional.of("i-0abc1234def567890"), f.instanceId());
    assertEquals(List.of("subnet-0a1b2c3d4e5f60718"), f.subnetIds());
    assertEquals(List.of("sg-0a1b2c3d4e5f60718"), f.securityGroupIds());
    assertEquals(List.of("203.0.113.77"), f.remoteIps());
    assertEquals(List.of(22), f.localPorts());
    assertEquals(2.0, f.severity());
    assertTrue(f.resourceIsTarget());
  }

  @Test
  void read_bareGuardDutyFinding_typedFinding() {
    GuardDutyFinding f = (GuardDutyFinding) read("guardduty-credential-exfiltration.json").get(0);
    assertEquals("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", f.type());
    assertEquals(Optional.of("ASIAEXAMPLEKEY0000001"), f.accessKeyId());
    assertEquals(Optional.of("web-instance-role"), f.userName());
    assertEquals(Optional.of("AssumedRole"), f.userType());
    assertEquals(List.of("198.51.100.23"), f.remoteIps());
    GuardDutyFinding probe = (GuardDutyFinding) read("guardduty-port-probe.json").get(0);
    assertEquals(List.of(3389, 5432), probe.localPorts());
    assertEquals(List.of("sg-0a1b2c3d4e5f60718", "sg-0f0e0d0c0b0a09080"), probe.securityGroupIds());
  }

  @Test
  void read_guardDutyCliOutputPascalCase_typedFindings() {
    List<SecurityEvent> items = read("guardduty-get-findings-cli.json");
    assertEquals(2, items.size());
    GuardDutyFinding crypto = (GuardDutyFinding) items.get(0);
    assertEquals("CryptoCurrency:EC2/BitcoinTool.B!DNS", crypto.type());
    assertEquals(Optional.of("i-0feedface0000beef"), crypto.instanceId());
    assertFalse(crypto.resourceIsTarget());
    GuardDutyFinding key = (GuardDutyFinding) items.get(1);
    assertEquals(Optional.of("AKIAEXAMPLEKEY000002"), key.accessKeyId());
    assertEquals(Optional.of("IAMUser"), key.userType());
  }

  @Test
  void read_securityHubImportedEnvelope_asffFinding() {
    SecurityHubFinding f = (SecurityHubFinding) read("securityhub-ec2-19-imported.json").get(0);
    assertEquals("EC2.19", f.type());
    assertEquals(Optional.of("EC2.19"), f.securityControlId());
    assertTrue(f.isFailedControl());
    assertEquals("us-east-1", f.region());
    SecurityHubFinding.Resource group = f.resources().get(0);
    assertEquals("AwsEc2SecurityGroup", group.type());
    assertEquals("sg-0a1b2c3d4e5f60718", group.shortId());
    assertEquals(Optional.of("vpc-0a1b2c3d4e5f60718"), group.vpcId());
  }

  @Test
  void read_securityHubGetFindings_eachFindingStatusKept() {
    List<SecurityEvent> items = read("securityhub-get-findings.json");
    assertEquals(3, items.size());
    SecurityHubFinding passed = (SecurityHubFinding) items.get(2);
    assertEquals(Optional.of("PASSED"), passed.complianceStatus());
    assertFalse(passed.isFailedControl());
    assertEquals("AWS::::Account:123456789012",
        ((SecurityHubFinding) items.get(1)).resources().get(0).shortId());
  }

  @Test
  void read_bareAsffFindingAndGeneratorIdOnly_controlIdFound() throws IOException {
    String one = text("securityhub-get-findings.json");
    String bare = one.substring(one.indexOf('{', 1), one.indexOf("\n    },") + 6)
        .replace("\"Compliance\": {\"Status\": \"FAILED\", \"SecurityControlId\": \"EC2.2\"}",
            "\"Compliance\": {\"Status\": \"FAILED\"}");
    SecurityHubFinding f = (SecurityHubFinding) readText(bare).get(0);
    assertEquals(Optional.of("EC2.2"), f.securityControlId(), "from GeneratorId");
  }

  @Test
  void read_mixedArrayOfEnvelopes_recordsAndFindingsInOrder() throws IOException {
    String record = CloudTrailReaderTest.record("a");
    String envelope = "{\"version\":\"0\",\"id\":\"x\",\"detail-type\":\"AWS API Call via CloudTrail\","
        + "\"source\":\"aws.ec2\",\"account\":\"111122223333\",\"region\":\"eu-west-1\",\"detail\":"
        + record + "}";
    List<SecurityEvent> items = readText("[" + envelope + ","
        + text("guardduty-ssh-brute-force-eventbridge.json") + ","
        + text("securityhub-ec2-19-imported.json") + "]\n" + record);
    assertEquals(4, items.size());
    assertTrue(items.get(0) instanceof CloudTrailEvent);
    assertTrue(items.get(1) instanceof GuardDutyFinding);
    assertTrue(items.get(2) instanceof SecurityHubFinding);
    assertTrue(items.get(3) instanceof CloudTrailEvent);
  }

  @Test
  void cloudTrailReader_findingInInput_refusedNamingTheOtherReader() throws IOException {
    String text = CloudTrailReaderTest.record("a") + "\n" + text("guardduty-port-probe.json");
    CloudTrailParseException e = assertThrows(CloudTrailParseException.class,
        () -> CloudTrailReaderTest.read(text));
    assertTrue(e.getMessage().contains("read findings with SecurityEventReader"), e.getMessage());
  }

  @Test
  void read_damagedFindings_parseException() {
    assertThrows(CloudTrailParseException.class, () -> readText("{\"Findings\":[1]}"));
    assertThrows(CloudTrailParseException.class, () -> readText("{\"Findings\":[{\"Id\":\"x\"}]}"));
    assertThrows(CloudTrailParseException.class, () -> readText("{\"version\":\"0\",\"detail-type\":"
        + "\"GuardDuty Finding\",\"detail\":{\"findings\":{}}}"));
    CloudTrailParseException other = assertThrows(CloudTrailParseException.class, () ->
        readText("{\"version\":\"0\",\"detail-type\":\"EC2 Instance State-change Notification\","
            + "\"detail\":{\"state\":\"running\"}}"));
    assertTrue(other.getMessage().contains("EC2 Instance State-change Notification"), other.getMessage());
  }
}
