package dev.remediate.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.event.EventRouter;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.testing.EmulatorFixtures;
import dev.remediate.core.aws.AccountRole;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Tag;

@ExtendWith(AwsEmulatorExtension.class)
class RemediateHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AwsEmulator aws;
  private Ec2Client ec2;
  private String vpcId;
  private final List<String> logged = java.util.Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void setUp(AwsEmulator aws) {
    this.aws = aws;
    ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    vpcId = EmulatorFixtures.vpcWithAwsDefaultGroup(ec2);
  }

  /** The EventBridge envelope as AWS documents it for "AWS API Call via CloudTrail". */
  static String envelope(String vpcId, String account) {
    return """
        {
          "version": "0",
          "id": "6f87d04b-9f74-4f04-a780-7acf4b0a9b38",
          "detail-type": "AWS API Call via CloudTrail",
          "source": "aws.ec2",
          "account": "%2$s",
          "time": "2026-11-27T05:00:00Z",
          "region": "us-east-1",
          "resources": [],
          "detail": {
            "eventVersion": "1.09",
            "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLE",
              "arn": "arn:aws:iam::%2$s:user/alice", "accountId": "%2$s", "userName": "alice"},
            "eventTime": "2026-11-27T05:00:00Z",
            "eventSource": "ec2.amazonaws.com",
            "eventName": "CreateVpc",
            "awsRegion": "us-east-1",
            "sourceIPAddress": "198.51.100.7",
            "userAgent": "aws-cli/2.15.0",
            "requestParameters": {"cidrBlock": "10.20.0.0/16"},
            "responseElements": {"requestId": "r-1",
              "vpc": {"vpcId": "%1$s", "state": "pending", "cidrBlock": "10.20.0.0/16"}},
            "requestID": "r-1",
            "eventID": "0f3c6a1e-1111-4e0b-9d7c-000000000001",
            "readOnly": false,
            "eventType": "AwsApiCall",
            "managementEvent": true,
            "recipientAccountId": "%2$s",
            "eventCategory": "Management"
          }
        }
        """.formatted(vpcId, account);
  }

  private RemediateHandler handler(Map<String, String> env) {
    return new RemediateHandler(env, EventRouter.load(),
        region -> aws.scopeBuilder(Region.of(region)).build());
  }

  private JsonNode invoke(RemediateHandler handler, String event) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out,
        context());
    return JSON.readTree(out.toString(StandardCharsets.UTF_8));
  }

  private SecurityGroup defaultGroup() {
    return ec2.describeSecurityGroups(r -> r.filters(f -> f.name("vpc-id").values(vpcId),
        f -> f.name("group-name").values("default"))).securityGroups().get(0);
  }

  private JsonNode onlyOutcome(JsonNode result) throws Exception {
    assertEquals(1, logged.size(), logged.toString());
    JsonNode line = JSON.readTree(logged.get(0));
    assertEquals(line, result.get("summaries").get(0));
    assertEquals(1, line.get("remediations").size(), line.toString());
    return line.get("remediations").get(0);
  }

  @Test
  void handle_defaultDryRun_plansAndChangesNothing() throws Exception {
    JsonNode result = invoke(handler(Map.of()), envelope(vpcId, AwsEmulator.ACCOUNT));
    assertEquals(1, result.get("records").asInt());
    JsonNode outcome = onlyOutcome(result);
    assertEquals("ec2.default-security-group", outcome.get("id").asText());
    assertEquals("dry-run", outcome.get("outcome").asText(), outcome.toString());
    assertEquals(2, outcome.get("steps").asInt());
    assertTrue(JSON.readTree(logged.get(0)).get("dryRun").asBoolean());
    assertEquals(1, defaultGroup().ipPermissions().size());
  }

  /** A Security Hub EC2.2 control finding on the VPC's default group, as EventBridge delivers it. */
  private String securityHubEc22() {
    String group = defaultGroup().groupId();
    return """
        {"version": "0", "id": "9a1b", "detail-type": "Security Hub Findings - Imported",
         "source": "aws.securityhub", "account": "%3$s", "region": "us-east-1",
         "detail": {"findings": [{
           "SchemaVersion": "2018-10-08",
           "Id": "arn:aws:securityhub:us-east-1:%3$s:security-control/EC2.2/finding/1",
           "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
           "GeneratorId": "security-control/EC2.2", "AwsAccountId": "%3$s", "Region": "us-east-1",
           "Compliance": {"Status": "FAILED", "SecurityControlId": "EC2.2"},
           "Workflow": {"Status": "NEW"}, "RecordState": "ACTIVE",
           "Resources": [{"Type": "AwsEc2SecurityGroup",
             "Id": "arn:aws:ec2:us-east-1:%3$s:security-group/%1$s", "Region": "us-east-1",
             "Details": {"AwsEc2SecurityGroup": {"GroupName": "default", "VpcId": "%2$s"}}}]}]}}
        """.formatted(group, vpcId, AwsEmulator.ACCOUNT);
  }

  @Test
  void handle_securityHubControlFinding_plansTheControlsRemediationInDryRun() throws Exception {
    JsonNode result = invoke(handler(Map.of()), securityHubEc22());
    assertEquals(1, result.get("records").asInt());
    JsonNode outcome = onlyOutcome(result);
    assertEquals("ec2.default-security-group", outcome.get("id").asText());
    assertEquals("securityhub.control.EC2.2", outcome.get("rule").asText());
    assertEquals("dry-run", outcome.get("outcome").asText(), outcome.toString());
    assertEquals("EC2.2", JSON.readTree(logged.get(0)).get("finding").asText());
    assertEquals(1, defaultGroup().ipPermissions().size());
  }

  @Test
  void handle_dryRunOff_appliesTheLockDown() throws Exception {
    aws.recorder().reset();
    JsonNode result = invoke(handler(Map.of(LambdaSettings.DRY_RUN, "false")),
        envelope(vpcId, AwsEmulator.ACCOUNT));
    assertEquals("applied", onlyOutcome(result).get("outcome").asText());
    assertEquals(0, result.get("failed").asInt());
    assertTrue(defaultGroup().ipPermissions().isEmpty());
    assertTrue(defaultGroup().ipPermissionsEgress().isEmpty());
    assertEquals(1, aws.recorder().count("RevokeSecurityGroupIngress"));
    assertEquals(1, aws.recorder().count("RevokeSecurityGroupEgress"));
  }

  @Test
  void handle_settingsFromEnvironment_addTheFlowLogsRule() throws Exception {
    aws.client(software.amazon.awssdk.services.s3.S3Client.class,
        software.amazon.awssdk.services.s3.S3Client::builder).createBucket(b -> b.bucket("org-flow-logs"));
    RemediateHandler handler = new RemediateHandler(Map.of(LambdaSettings.DRY_RUN, "false",
        LambdaSettings.SETTINGS, "{\"flowLogs\": {\"s3Bucket\": \"org-flow-logs\"}}"),
        region -> aws.scopeBuilder(Region.of(region)).build());
    JsonNode result = invoke(handler, envelope(vpcId, AwsEmulator.ACCOUNT));
    JsonNode remediations = JSON.readTree(logged.get(0)).get("remediations");
    assertEquals(2, remediations.size(), remediations.toString());
    List<String> outcomes = new ArrayList<>();
    remediations.forEach(r -> outcomes.add(r.get("id").asText() + "=" + r.get("outcome").asText()));
    assertTrue(outcomes.containsAll(List.of("ec2.default-security-group=applied",
        "ec2.vpc-flow-logs=applied")), outcomes.toString());
    assertEquals(0, result.get("failed").asInt());
    assertEquals(1, ec2.describeFlowLogs(r -> r.filter(f -> f.name("resource-id").values(vpcId)))
        .flowLogs().size());
  }

  @Test
  void settings_malformedJson_failsNamingTheVariable() {
    Exception e = assertThrows(RuntimeException.class,
        () -> LambdaSettings.settings(Map.of(LambdaSettings.SETTINGS, "{\"trail\": ")));
    assertTrue(e.getMessage().startsWith("REMEDIATE_SETTINGS is not valid JSON"), e.getMessage());
  }

  @Test
  void handle_moreChangesThanMax_isRefused() throws Exception {
    JsonNode result = invoke(handler(Map.of(LambdaSettings.DRY_RUN, "false",
        LambdaSettings.MAX_CHANGES, "1")), envelope(vpcId, AwsEmulator.ACCOUNT));
    JsonNode outcome = onlyOutcome(result);
    assertEquals("refused", outcome.get("outcome").asText());
    assertTrue(outcome.get("message").asText().contains("more than the limit of 1"));
    assertEquals(1, defaultGroup().ipPermissions().size());
  }

  @Test
  void handle_optOutTag_leavesTheGroupAlone() throws Exception {
    ec2.createTags(r -> r.resources(defaultGroup().groupId())
        .tags(Tag.builder().key("keep-open").value("yes").build()));
    JsonNode result = invoke(handler(Map.of(LambdaSettings.DRY_RUN, "false",
        LambdaSettings.OPT_OUT_TAG, "keep-open")), envelope(vpcId, AwsEmulator.ACCOUNT));
    assertEquals("compliant", onlyOutcome(result).get("outcome").asText());
    assertEquals(1, defaultGroup().ipPermissions().size());
  }

  @Test
  void handle_groupInUse_needsApprovalAndIsNotApplied() throws Exception {
    String subnet = ec2.createSubnet(r -> r.vpcId(vpcId).cidrBlock("10.20.1.0/24")).subnet()
        .subnetId();
    ec2.createNetworkInterface(r -> r.subnetId(subnet).groups(defaultGroup().groupId()));
    JsonNode result = invoke(handler(Map.of(LambdaSettings.DRY_RUN, "false")),
        envelope(vpcId, AwsEmulator.ACCOUNT));
    JsonNode outcome = onlyOutcome(result);
    assertEquals("needs-approval", outcome.get("outcome").asText(), outcome.toString());
    assertTrue(outcome.get("message").asText().contains("DISRUPTIVE"));
    assertTrue(outcome.get("plan").asText().contains("\"remediate-plan\""));
    assertEquals(1, defaultGroup().ipPermissions().size());
  }

  @Test
  void handle_otherAccount_isSkipped() throws Exception {
    aws.recorder().reset();
    JsonNode result = invoke(handler(Map.of(LambdaSettings.DRY_RUN, "false")),
        envelope(vpcId, "210987654321"));
    assertEquals("skipped", onlyOutcome(result).get("outcome").asText());
    assertEquals(0, aws.recorder().total());
  }

  @Test
  void handle_memberAccountEvent_actsInThatAccountThroughTheMemberRole() throws Exception {
    String member = "210987654321";
    try (AwsScope memberScope = AccountRole.ofDefaults().scopeFor(aws.scope(), member)) {
      Ec2Client memberEc2 = memberScope.client(Ec2Client.class, Ec2Client::builder);
      String memberVpc = EmulatorFixtures.vpcWithAwsDefaultGroup(memberEc2);
      JsonNode result = invoke(handler(Map.of(LambdaSettings.DRY_RUN, "false",
          LambdaSettings.MEMBER_ROLE, AccountRole.DEFAULT_ROLE_NAME)), envelope(memberVpc, member));
      JsonNode outcome = onlyOutcome(result);
      assertEquals("applied", outcome.get("outcome").asText(), outcome.toString());
      assertEquals(member, outcome.get("account").asText());
      SecurityGroup group = memberEc2.describeSecurityGroups(r -> r.filters(
          f -> f.name("vpc-id").values(memberVpc), f -> f.name("group-name").values("default")))
          .securityGroups().get(0);
      assertTrue(group.ipPermissions().isEmpty(), group.toString());
      assertTrue(group.ipPermissionsEgress().isEmpty(), group.toString());
    }
    assertEquals(1, defaultGroup().ipPermissions().size(), "the function's own account untouched");
  }

  @Test
  void handle_memberRoleCannotBeAssumed_failedNamingTheRole() throws Exception {
    aws.faults().failAll("AssumeRole", Fault.of("AccessDenied"));
    JsonNode result;
    try {
      result = invoke(handler(Map.of(LambdaSettings.MEMBER_ROLE, "RemediateExecutionRole")),
          envelope(vpcId, "210987654321"));
    } catch (IllegalStateException e) {
      // a failed remediation makes the invocation fail so that EventBridge retries: logged first
      result = null;
    }
    JsonNode line = JSON.readTree(logged.get(0)).get("remediations").get(0);
    assertEquals("failed", line.get("outcome").asText(), line.toString());
    assertTrue(line.get("message").asText().contains(
        "arn:aws:iam::210987654321:role/RemediateExecutionRole"), line.toString());
    assertTrue(result == null || result.get("failed").asInt() == 1);
  }

  @Test
  void handle_twoDeliveriesOfOneEventRacing_leaveOneResult() throws Exception {
    String event = envelope(vpcId, AwsEmulator.ACCOUNT);
    Map<String, String> env = Map.of(LambdaSettings.DRY_RUN, "false");
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<JsonNode>> deliveries = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        RemediateHandler handler = handler(env); // each delivery its own function instance
        deliveries.add(pool.submit(() -> {
          start.await();
          return invoke(handler, event);
        }));
      }
      start.countDown();
      List<String> outcomes = new ArrayList<>();
      for (java.util.concurrent.Future<JsonNode> d : deliveries) {
        JsonNode result = d.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, result.get("failed").asInt(), result.toString());
        result.get("summaries").get(0).get("remediations")
            .forEach(r -> outcomes.add(r.get("outcome").asText()));
      }
      assertEquals(2, outcomes.size(), outcomes.toString());
      assertTrue(outcomes.contains("applied"), outcomes.toString());
      assertTrue(outcomes.stream().allMatch(o -> o.equals("applied") || o.equals("compliant")),
          outcomes.toString());
    } finally {
      pool.shutdownNow();
    }
    assertTrue(defaultGroup().ipPermissions().isEmpty());
    assertTrue(defaultGroup().ipPermissionsEgress().isEmpty());
    assertEquals(0, remainingChanges(), "a third delivery finds nothing to do");
  }

  /** The changes a third delivery of the CreateVpc event would still make. */
  private int remainingChanges() throws Exception {
    logged.clear();
    JsonNode result = invoke(handler(Map.of()), envelope(vpcId, AwsEmulator.ACCOUNT));
    return result.get("summaries").get(0).get("remediations").get(0).get("steps").asInt();
  }

  @Test
  void fleetItem_scanThenApplyInAMemberAccount_planSetsInTheCentralBucket() throws Exception {
    String member = "210987654321";
    software.amazon.awssdk.services.s3.S3Client s3 = aws.client(
        software.amazon.awssdk.services.s3.S3Client.class,
        software.amazon.awssdk.services.s3.S3Client::builder);
    s3.createBucket(r -> r.bucket("org-remediate-plans"));
    try (AwsScope memberScope = AccountRole.ofDefaults().scopeFor(aws.scope(), member)) {
      Ec2Client memberEc2 = memberScope.client(Ec2Client.class, Ec2Client::builder);
      String memberVpc = EmulatorFixtures.vpcWithAwsDefaultGroup(memberEc2);
      String item = "{\"remediate\":\"%s\",\"account\":\"" + member + "\",\"region\":"
          + "\"us-east-1\",\"bucket\":\"org-remediate-plans\",\"key\":\"run-1/" + member
          + "/us-east-1.json\",\"only\":[\"ec2.default-security-group\"]}";
      RemediateHandler handler = handler(Map.of(LambdaSettings.DRY_RUN, "false"));

      JsonNode scan = invoke(handler, item.formatted("scan"));
      assertEquals(member, scan.get("account").asText(), scan.toString());
      assertTrue(scan.get("changes").asInt() > 0, scan.toString());
      String saved = s3.getObjectAsBytes(r -> r.bucket("org-remediate-plans")
          .key("run-1/" + member + "/us-east-1.json")).asUtf8String();
      PlanSet plans = PlanSet.fromJson(saved);
      assertTrue(plans.plans().stream().allMatch(p -> p.target().account().equals(member)),
          saved);
      assertEquals(1, defaultGroup(memberEc2, memberVpc).ipPermissions().size(),
          "a scan changes nothing");

      JsonNode apply = invoke(handler, item.formatted("apply"));
      assertEquals(0, apply.get("failed").asInt(), apply.toString());
      assertEquals(plans.withChanges().size(), apply.get("applied").asInt(), apply.toString());
      assertTrue(defaultGroup(memberEc2, memberVpc).ipPermissions().isEmpty());
      assertTrue(s3.getObjectAsBytes(r -> r.bucket("org-remediate-plans")
          .key("run-1/" + member + "/us-east-1.json.result.txt")).asUtf8String()
          .contains("APPLIED"));
    }
    assertEquals(1, defaultGroup().ipPermissions().size(), "the function's own account untouched");
  }

  @Test
  void fleetItem_malformed_failsNamingTheField() {
    RuntimeException e = assertThrows(InvalidRemediationException.class, () -> invoke(
        handler(Map.of()), "{\"remediate\":\"scan\",\"account\":\"210987654321\","
            + "\"region\":\"us-east-1\",\"key\":\"k\"}"));
    assertTrue(e.getMessage().contains("'bucket'"), e.getMessage());
  }

  private static SecurityGroup defaultGroup(Ec2Client client, String vpc) {
    return client.describeSecurityGroups(r -> r.filters(f -> f.name("vpc-id").values(vpc),
        f -> f.name("group-name").values("default"))).securityGroups().get(0);
  }

  @Test
  void handle_applyFails_logsThenThrowsSoEventBridgeRetries() {
    aws.faults().failAll("RevokeSecurityGroupIngress", Fault.of("UnauthorizedOperation"));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> invoke(handler(Map.of(LambdaSettings.DRY_RUN, "false")),
            envelope(vpcId, AwsEmulator.ACCOUNT)));
    assertTrue(e.getMessage().startsWith("1 remediation(s) failed"), e.getMessage());
    assertEquals(1, logged.size());
    assertTrue(logged.get(0).contains("\"outcome\":\"failed\""), logged.get(0));
    assertTrue(logged.get(0).contains("UnauthorizedOperation"), logged.get(0));
  }

  @Test
  void handle_malformedEvent_logsOneErrorLineAndDoesNotThrow() throws Exception {
    JsonNode result = invoke(handler(Map.of()), "{\"version\":\"0\",\"detail\":{");
    assertEquals(0, result.get("records").asInt());
    assertTrue(result.get("error").asText().contains("invocation req-1"), result.toString());
    assertEquals(1, logged.size());
    assertTrue(logged.get(0).startsWith("{\"error\":"), logged.get(0));
  }

  @Test
  void settings_badValues_failNamingTheVariable() {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> LambdaSettings.guardrails(Map.of(LambdaSettings.DRY_RUN, "maybe")));
    assertEquals("REMEDIATE_DRY_RUN must be true or false, was 'maybe'", e.getMessage());
    e = assertThrows(InvalidRemediationException.class,
        () -> LambdaSettings.guardrails(Map.of(LambdaSettings.MAX_CHANGES, "ten")));
    assertEquals("REMEDIATE_MAX_CHANGES must be a whole number, was 'ten'", e.getMessage());
    e = assertThrows(InvalidRemediationException.class,
        () -> LambdaSettings.guardrails(Map.of(LambdaSettings.MAX_CHANGES, "0")));
    assertEquals("REMEDIATE_MAX_CHANGES must be at least 1, was '0'", e.getMessage());
    Map<String, String> env = new HashMap<>();
    env.put(LambdaSettings.OPT_OUT_TAG, "aws:reserved");
    e = assertThrows(InvalidRemediationException.class, () -> LambdaSettings.guardrails(env));
    assertTrue(e.getMessage().startsWith("REMEDIATE_OPT_OUT_TAG: "), e.getMessage());
  }

  @Test
  void router_badSettingValue_failsNamingTheVariable() {
    RuntimeException e = assertThrows(RuntimeException.class, () -> new RemediateHandler(
        Map.of(LambdaSettings.SETTINGS, "{\"flowLogs\": {\"s3Bucket\": \"org-flow-logs\", "
            + "\"trafficType\": \"SOME\"}}"), region -> aws.scope()));
    assertTrue(e.getMessage().startsWith("REMEDIATE_SETTINGS: ")
        && e.getMessage().contains("SOME"), e.getMessage());
  }

  private Context context() {
    LambdaLogger logger = new LambdaLogger() {
      @Override
      public void log(String message) {
        logged.add(message.stripTrailing());
      }

      @Override
      public void log(byte[] message) {
        log(new String(message, StandardCharsets.UTF_8));
      }
    };
    return new Context() {
      @Override
      public String getAwsRequestId() {
        return "req-1";
      }

      @Override
      public String getLogGroupName() {
        return "/aws/lambda/remediate";
      }

      @Override
      public String getLogStreamName() {
        return "stream";
      }

      @Override
      public String getFunctionName() {
        return "remediate";
      }

      @Override
      public String getFunctionVersion() {
        return "$LATEST";
      }

      @Override
      public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:123456789012:function:remediate";
      }

      @Override
      public CognitoIdentity getIdentity() {
        return null;
      }

      @Override
      public ClientContext getClientContext() {
        return null;
      }

      @Override
      public int getRemainingTimeInMillis() {
        return 60_000;
      }

      @Override
      public int getMemoryLimitInMB() {
        return 1024;
      }

      @Override
      public LambdaLogger getLogger() {
        return logger;
      }
    };
  }
}
