package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.Remediation;
import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.CloudTrailReader;
import dev.remediate.core.event.EventRouter;
import dev.remediate.core.event.RoutedRemediation;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkEventRulesTest {
  private static final String SG = "sg-0a1b2c3d4e5f60718";
  private static final String RECORD = """
      {"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE",
       "arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012","userName":"alice"},
       "eventTime":"2026-11-27T10:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"%s",
       "awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15",
       "requestParameters":%s, "responseElements":%s,
       "requestID":"r-1","eventID":"e-1","readOnly":false,"eventType":"AwsApiCall",
       "managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"}
      """;

  static CloudTrailEvent record(String name, String request, String response) {
    String json = RECORD.formatted(name, request, response).replace("\n", " ");
    try (CloudTrailReader reader = CloudTrailReader.open(
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test")) {
      return reader.stream().findFirst().orElseThrow();
    }
  }

  static String authorize(String groupField, String protocol, int from, int to, String range) {
    return """
        {%s"ipPermissions":{"items":[{"ipProtocol":"%s","fromPort":%d,"toPort":%d,"groups":{},
         %s,"prefixListIds":{}}]}}
        """.formatted(groupField, protocol, from, to, range);
  }

  static String ruleSet(String group, String protocol, int from, int to, String cidrField) {
    return """
        {"requestId":"r","_return":true,"securityGroupRuleSet":{"items":[{"groupOwnerId":"123456789012",
         "groupId":"%s","securityGroupRuleId":"sgr-0123456789abcdef0","isEgress":false,
         "ipProtocol":"%s","fromPort":%d,"toPort":%d,%s}]}}
        """.formatted(group, protocol, from, to, cidrField);
  }

  private static List<Remediation> routed(EventRouter router, CloudTrailEvent event) {
    return router.route(event).stream().map(RoutedRemediation::remediation).toList();
  }

  @Test
  void route_authorizeSshFromWorld_restrictsThatGroup() {
    CloudTrailEvent event = record("AuthorizeSecurityGroupIngress",
        authorize("\"groupId\":\"" + SG + "\",", "tcp", 22, 22,
            "\"ipRanges\":{\"items\":[{\"cidrIp\":\"0.0.0.0/0\"}]},\"ipv6Ranges\":{}"),
        ruleSet(SG, "tcp", 22, 22, "\"cidrIpv4\":\"0.0.0.0/0\""));
    List<RoutedRemediation> routed = EventRouter.load().route(event);
    assertTrue(routed.stream().anyMatch(r -> r.ruleId().equals(NetworkEventRules.OPEN_INGRESS_RULE)
        && r.remediation().equals(RestrictSecurityGroup.forGroup(SG).build())), routed.toString());
  }

  @Test
  void route_groupNamedNotIdentified_takesGroupIdFromResponse() {
    CloudTrailEvent event = record("AuthorizeSecurityGroupIngress",
        authorize("\"groupName\":\"web\",", "-1", -1, -1,
            "\"ipRanges\":{},\"ipv6Ranges\":{\"items\":[{\"cidrIpv6\":\"::/0\"}]}"),
        ruleSet(SG, "-1", -1, -1, "\"cidrIpv6\":\"::/0\""));
    assertEquals(List.of(RestrictSecurityGroup.forGroup(SG).build()),
        routed(EventRouter.load(), event));
  }

  @Test
  void route_requestOnlyRecord_readsThePermissions() {
    CloudTrailEvent event = record("AuthorizeSecurityGroupIngress",
        authorize("\"groupId\":\"" + SG + "\",", "tcp", 3380, 3390,
            "\"ipRanges\":{\"items\":[{\"cidrIp\":\"10.0.0.0/8\"},{\"cidrIp\":\"0.0.0.0/0\"}]}"),
        "null");
    assertEquals(List.of(RestrictSecurityGroup.forGroup(SG).build()),
        routed(EventRouter.load(), event));
  }

  @Test
  void route_httpsFromWorldOrSshFromPrivate_callsForNothing() {
    EventRouter router = EventRouter.load();
    assertEquals(List.of(), routed(router, record("AuthorizeSecurityGroupIngress",
        authorize("\"groupId\":\"" + SG + "\",", "tcp", 443, 443,
            "\"ipRanges\":{\"items\":[{\"cidrIp\":\"0.0.0.0/0\"}]}"),
        ruleSet(SG, "tcp", 443, 443, "\"cidrIpv4\":\"0.0.0.0/0\""))));
    assertEquals(List.of(), routed(router, record("AuthorizeSecurityGroupIngress",
        authorize("\"groupId\":\"" + SG + "\",", "tcp", 22, 22,
            "\"ipRanges\":{\"items\":[{\"cidrIp\":\"10.0.0.0/8\"}]}"),
        ruleSet(SG, "tcp", 22, 22, "\"cidrIpv4\":\"10.0.0.0/8\""))));
  }

  @Test
  void route_settings_shapePortsAndReplacement() {
    EventRouter router = EventRouter.load(Map.of("securityGroups.ports", "all except 80,443",
        "securityGroups.allowedSources", "10.0.0.0/8"));
    CloudTrailEvent event = record("AuthorizeSecurityGroupIngress",
        authorize("\"groupId\":\"" + SG + "\",", "tcp", 8443, 8443,
            "\"ipRanges\":{\"items\":[{\"cidrIp\":\"0.0.0.0/0\"}]}"),
        ruleSet(SG, "tcp", 8443, 8443, "\"cidrIpv4\":\"0.0.0.0/0\""));
    assertEquals(List.of(RestrictSecurityGroup.forGroup(SG).allPortsExcept(80, 443)
        .replaceWith("10.0.0.0/8").build()), routed(router, event));
  }

  @Test
  void route_modifySecurityGroupRulesToWorld_restrictsTheGroup() {
    CloudTrailEvent event = record("ModifySecurityGroupRules", """
        {"ModifySecurityGroupRulesRequest":{"GroupId":"%s","SecurityGroupRule":{"tag":1,
         "SecurityGroupRuleId":"sgr-0123456789abcdef0","SecurityGroupRule":{"IpProtocol":"tcp",
         "FromPort":3306,"ToPort":3306,"CidrIpv4":"0.0.0.0/0","Description":""}}}}
        """.formatted(SG), "{\"_return\":true}");
    List<RoutedRemediation> routed = EventRouter.load().route(event);
    assertEquals(1, routed.size(), routed.toString());
    assertEquals(NetworkEventRules.MODIFY_RULES_RULE, routed.get(0).ruleId());
    assertEquals(RestrictSecurityGroup.forGroup(SG).build(), routed.get(0).remediation());
  }

  @Test
  void route_createVpc_flowLogsOnlyWithADestinationSetting() {
    CloudTrailEvent event = record("CreateVpc", "{\"cidrBlock\":\"10.0.0.0/16\"}",
        "{\"vpc\":{\"vpcId\":\"vpc-0a1b2c3d4e5f60718\"}}");
    assertTrue(routed(EventRouter.load(), event).stream()
        .noneMatch(r -> r instanceof EnableVpcFlowLogs));
    List<Remediation> withSettings = routed(EventRouter.load(Map.of("flowLogs.s3Bucket", "logs",
        "flowLogs.trafficType", "REJECT")), event);
    assertTrue(withSettings.contains(EnableVpcFlowLogs.forVpc("vpc-0a1b2c3d4e5f60718")
        .toS3Bucket("logs").trafficType(EnableVpcFlowLogs.TrafficType.REJECT).build()),
        withSettings.toString());
    assertTrue(withSettings.contains(RestrictDefaultSecurityGroup.forVpc("vpc-0a1b2c3d4e5f60718")),
        "the lead's default-group rule still fires");
  }

  @Test
  void route_realRecords_sshFromWorldIsCaughtTlsIsNot() throws Exception {
    Path corpus = null;
    for (Path dir = Path.of("").toAbsolutePath(); dir != null && corpus == null;
        dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("shared/cloudtrail-corpus"))) {
        corpus = dir.resolve("shared/cloudtrail-corpus");
      }
    }
    if (corpus == null && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("CI=true but shared/cloudtrail-corpus is not in a parent directory");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(corpus != null,
        "shared/cloudtrail-corpus not found in a parent directory");
    EventRouter router = EventRouter.load();
    try (CloudTrailReader reader = CloudTrailReader.open(corpus.resolve(
        "stratus-red-team-detonation-logs/aws.exfiltration.ec2-security-group-open-port-22-ingress.json"))) {
      List<Remediation> found = reader.stream()
          .filter(e -> e.eventName().equals("AuthorizeSecurityGroupIngress"))
          .flatMap(e -> routed(router, e).stream()).toList();
      assertEquals(List.of(RestrictSecurityGroup.forGroup("sg-003dc7f1f1c686164").build()), found);
    }
    try (CloudTrailReader reader = CloudTrailReader.open(corpus.resolve("invictus-ir-aws-dataset/"
        + "218007301253_CloudTrail_us-east-1_20230710T1215Z_YMDRJwtmC82bUwAo.json"))) {
      List<CloudTrailEvent> authorizations = reader.stream()
          .filter(e -> e.eventName().equals("AuthorizeSecurityGroupIngress")).toList();
      assertEquals(2, authorizations.size());
      // Terraform opens 443 to the world (fine), then the attack simulation opens 22 (not).
      assertEquals(List.of(), routed(router, authorizations.get(0)), "TLS from the world is fine");
      assertEquals(List.of(RestrictSecurityGroup.forGroup("sg-04cfb7a4712d75b00").build()),
          routed(router, authorizations.get(1)));
    }
  }
}
