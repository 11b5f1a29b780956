package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.CloudTrailReader;
import dev.remediate.core.event.EventRouter;
import dev.remediate.core.event.RoutedRemediation;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefaultSecurityGroupEventRulesTest {
  private static final String CREATE_VPC = """
      {"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE",
       "arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012","userName":"alice"},
       "eventTime":"2026-11-27T10:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"CreateVpc",
       "awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.7","userAgent":"%s",
       "requestParameters":{"cidrBlock":"10.0.0.0/16"},
       "responseElements":{"requestId":"r-1","vpc":{"vpcId":"vpc-0a1b2c3d4e5f60718",
         "state":"pending","cidrBlock":"10.0.0.0/16"}},
       %s
       "requestID":"r-1","eventID":"e-1","readOnly":false,"eventType":"AwsApiCall",
       "managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"}
      """;

  private static CloudTrailEvent record(String userAgent, String error) {
    String json = CREATE_VPC.formatted(userAgent, error).replace("\n", " ");
    try (CloudTrailReader reader = CloudTrailReader.open(
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test")) {
      return reader.stream().findFirst().orElseThrow();
    }
  }

  @Test
  void route_createVpc_locksDownTheNewVpcsDefaultGroup() {
    List<RoutedRemediation> routed = EventRouter.load().route(record("aws-cli/2.15", ""));
    assertTrue(routed.stream().anyMatch(r ->
        r.remediation().equals(RestrictDefaultSecurityGroup.forVpc("vpc-0a1b2c3d4e5f60718"))
            && r.ruleId().equals(DefaultSecurityGroupEventRules.CREATE_VPC_RULE)
            && !r.needsApproval()), routed.toString());
  }

  @Test
  void route_failedCreateVpc_callsForNothing() {
    assertEquals(List.of(), EventRouter.load().route(
        record("aws-cli/2.15", "\"errorCode\":\"Client.UnauthorizedOperation\",")));
  }

  @Test
  void route_createVpcMadeByRemediate_isIgnored() {
    assertEquals(List.of(), EventRouter.load().route(
        record("aws-sdk-java/2.40.2 remediate/0.1.0", "")));
  }
}
