package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Step;
import dev.remediate.core.policy.PolicyDocuments;
import dev.remediate.ec2.EnableVpcFlowLogs.TrafficType;
import dev.remediate.ec2.FlowLogObserver.Observation;
import dev.remediate.ec2.FlowLogObserver.VpcState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamStatement;
import software.amazon.awssdk.services.ec2.model.FlowLog;

/** The decisions of flow logs, bucket and log group delivery, on hand-made observations. */
class FlowLogDecisionTest {
  private static final String ACCOUNT = "111122223333";
  private static final String VPC_A = "vpc-0aaaaaaaaaaaaaaaa";
  private static final String VPC_B = "vpc-0bbbbbbbbbbbbbbbb";
  private static final FlowLogDecision.Facts FACTS = new FlowLogDecision.Facts("eu-west-1",
      ACCOUNT, Instant.parse("2026-01-01T00:00:00Z"), "remediate:skip");

  private static FlowLogSettings toBucket(TrafficType traffic, boolean replace) {
    return new FlowLogSettings("logs-bucket", null, false, null, null, null, null, null, traffic,
        null, null, replace);
  }

  private static List<Plan> decide(FlowLogSettings settings, VpcState... vpcs) {
    return new FlowLogDecision(settings, FACTS,
        v -> RemediationSpec.of(EnableVpcFlowLogs.ID, Map.of("vpcs", v)))
        .decide(new Observation(List.of(vpcs)));
  }

  private static FlowLog log(String id, String vpc, String traffic, String destination,
      String status) {
    return FlowLog.builder().flowLogId(id).resourceId(vpc).trafficType(traffic)
        .logDestinationType("s3").logDestination(destination).flowLogStatus(status).build();
  }

  private static VpcState vpc(String id, FlowLog... logs) {
    return new VpcState(id, Map.of(), List.of(logs));
  }

  @Test
  void decide_vpcWithWantedActiveFlowLog_isCompliant() {
    List<Plan> plans = decide(toBucket(TrafficType.ALL, false),
        vpc(VPC_A, log("fl-1", VPC_A, "ALL", "arn:aws:s3:::logs-bucket/", "ACTIVE")));
    assertEquals(1, plans.size());
    assertTrue(plans.get(0).isEmpty(), plans.get(0).toText());
    assertEquals("AWS::EC2::VPC", plans.get(0).target().type());
    assertEquals(VPC_A, plans.get(0).remediation().require("vpcs"));
  }

  @Test
  void decide_wrongTrafficOrInactiveOrOtherBucket_plansCreationAndWarnsOfTheOther() {
    for (FlowLog other : List.of(
        log("fl-1", VPC_A, "REJECT", "arn:aws:s3:::logs-bucket", "ACTIVE"),
        log("fl-1", VPC_A, "ALL", "arn:aws:s3:::logs-bucket", "INACTIVE"),
        log("fl-1", VPC_A, "ALL", "arn:aws:s3:::elsewhere", "ACTIVE"))) {
      Plan plan = decide(toBucket(TrafficType.ALL, false), vpc(VPC_A, other)).get(0);
      assertEquals(List.of("CreateFlowLogs"), plan.steps().stream().map(Step::kind).toList(),
          other.toString());
      assertTrue(plan.warnings().get(0).contains("fl-1"), plan.warnings().toString());
      assertTrue(plan.controls().contains("FSBP EC2.6"));
    }
  }

  @Test
  void decide_createStep_carriesExactlyTheCallParameters() {
    Step step = decide(toBucket(TrafficType.REJECT, false), vpc(VPC_A)).get(0).steps().get(0);
    assertEquals(VPC_A, step.resource());
    assertEquals(Map.of("vpcId", VPC_A, "trafficType", "REJECT", "destinationType", "s3",
        "destination", "arn:aws:s3:::logs-bucket"), step.parameters());
    FlowLogSettings toGroup = new FlowLogSettings(null, null, false, "/vpc/flow", null, null, null,
        null, TrafficType.ALL, null, 60, false);
    Step logs = decide(toGroup, vpc(VPC_A)).get(0).steps().get(0);
    assertEquals(Map.of("vpcId", VPC_A, "trafficType", "ALL", "destinationType",
        "cloud-watch-logs", "logGroupName", "/vpc/flow", "deliverLogsPermissionArn",
        "arn:aws:iam::" + ACCOUNT + ":role/" + EnableVpcFlowLogs.DEFAULT_ROLE_NAME,
        "maxAggregationInterval", "60"), logs.parameters());
  }

  @Test
  void decide_replaceExisting_deletesTheOthersAfterCreatingDestructively() {
    Plan plan = decide(toBucket(TrafficType.ALL, true), vpc(VPC_A,
        log("fl-2", VPC_A, "REJECT", "arn:aws:s3:::old", "ACTIVE"),
        log("fl-1", VPC_A, "ACCEPT", "arn:aws:s3:::old", "ACTIVE"))).get(0);
    assertEquals(List.of("CreateFlowLogs", "DeleteFlowLogs", "DeleteFlowLogs"), plan.steps()
        .stream().map(Step::kind).toList());
    assertEquals(List.of("fl-1", "fl-2"), plan.steps().subList(1, 3).stream()
        .map(Step::resource).toList());
    assertTrue(plan.steps().get(1).has(Flag.DESTRUCTIVE));
    assertTrue(plan.iamActions().contains("ec2:DeleteFlowLogs"));
  }

  @Test
  void decide_optedOutVpc_isAnEmptyPlanWithASkip() {
    Plan plan = decide(toBucket(TrafficType.ALL, false),
        new VpcState(VPC_A, Map.of("remediate:skip", ""), List.of())).get(0);
    assertTrue(plan.isEmpty());
    assertEquals(VPC_A, plan.skipped().get(0).resource());
  }

  @Test
  void batchKey_equalSettingsShareOneKey_otherSettingsDoNot_deletionsRunAlone() {
    List<Plan> plans = decide(toBucket(TrafficType.ALL, true), vpc(VPC_B), vpc(VPC_A,
        log("fl-1", VPC_A, "REJECT", "arn:aws:s3:::old", "ACTIVE")));
    assertEquals(List.of(VPC_A, VPC_B), plans.stream().map(p -> p.target().id()).toList());
    Step a = plans.get(0).steps().get(0);
    Step b = plans.get(1).steps().get(0);
    assertEquals(FlowLogSteps.batchKey(a), FlowLogSteps.batchKey(b));
    assertTrue(FlowLogSteps.batchKey(a).isPresent());
    assertTrue(FlowLogSteps.batchKey(plans.get(0).steps().get(1)).isEmpty());
    Step reject = decide(toBucket(TrafficType.REJECT, false), vpc(VPC_A)).get(0).steps().get(0);
    assertNotEquals(FlowLogSteps.batchKey(a), FlowLogSteps.batchKey(reject));
  }

  @Test
  void bucketDecide_mergesByStatementIdAndKeepsOthers() {
    FlowLogSettings settings = toBucket(TrafficType.ALL, false);
    String theirs = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Theirs\",\"Effect\":"
        + "\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}";
    List<Step> steps = FlowLogBucket.decide(settings, new FlowLogBucket.State(true, theirs),
        "eu-west-1", ACCOUNT);
    assertEquals(List.of("PutBucketPolicy"),
        steps.stream().map(Step::kind).toList(), "the service's statements and TLS only, one write");
    String merged = theirs;
    for (Step step : steps) { // as each step runs: merged by Sid into the policy the bucket has
      merged = PolicyDocuments.merge(merged, IamPolicy.fromJson(step.parameter("policy"))
          .statements()).orElse(merged);
    }
    assertTrue(merged.contains("Theirs") && merged.contains("RemediateFlowLogsWriteEuWest1")
        && merged.contains(PolicyDocuments.DENY_INSECURE_TRANSPORT_SID), merged);
    assertFalse(steps.get(0).parameter("policy").contains("Theirs"),
        "a step carries its own statements only, never a copy of the others");
    assertTrue(FlowLogBucket.decide(settings, new FlowLogBucket.State(true, merged), "eu-west-1",
        ACCOUNT).isEmpty(), "the merged policy needs nothing more");
  }

  @Test
  void bucketDecide_ownersTlsStatementUnderAnotherSid_addsNoSecondOne() {
    FlowLogSettings settings = toBucket(TrafficType.ALL, false);
    List<IamStatement> ready = new java.util.ArrayList<>(
        FlowLogBucket.statements(settings, ACCOUNT, "eu-west-1"));
    ready.add(PolicyDocuments.denyInsecureTransport("logs-bucket").toBuilder().sid("OnlyTls")
        .build());
    assertTrue(FlowLogBucket.decide(settings, new FlowLogBucket.State(true,
        PolicyDocuments.write(ready)), "eu-west-1", ACCOUNT).isEmpty());
    ready.remove(ready.size() - 1);
    List<Step> steps = FlowLogBucket.decide(settings, new FlowLogBucket.State(true,
        PolicyDocuments.write(ready)), "eu-west-1", ACCOUNT);
    assertEquals(1, steps.size());
    assertTrue(steps.get(0).summary().contains("without TLS"), steps.get(0).summary());
  }

  @Test
  void bucketDecide_missingBucket_failsUnlessToBeCreated() {
    RemediationException e = assertThrows(RemediationException.class, () -> FlowLogBucket.decide(
        toBucket(TrafficType.ALL, false), new FlowLogBucket.State(false, null), "eu-west-1",
        ACCOUNT));
    assertTrue(e.getMessage().contains("logs-bucket"), e.getMessage());
    FlowLogSettings creating = new FlowLogSettings("logs-bucket", null, true, null, null, null,
        null, null, TrafficType.ALL, null, null, false);
    assertEquals(List.of("CreateBucket", "PutPublicAccessBlock", "PutBucketEncryption",
        "PutBucketPolicy"), FlowLogBucket.decide(creating, new FlowLogBucket.State(false, null),
            "eu-west-1", ACCOUNT).stream().map(Step::kind).toList());
  }

  @Test
  void logGroupDecide_missingGroupAndRole_createsBoth_completeOnesNeedNothing() {
    EnableVpcFlowLogs remediation = EnableVpcFlowLogs.forEveryVpc().toLogGroup("/vpc/flow")
        .retentionDays(30).build();
    LogGroupDelivery.Wanted wanted = remediation.delivery("eu-west-1", ACCOUNT);
    String arn = "arn:aws:logs:eu-west-1:" + ACCOUNT + ":log-group:/vpc/flow";
    LogGroupDelivery.Decision missing = LogGroupDelivery.decide(wanted,
        new LogGroupDelivery.State(false, null, null, false, null, null), arn);
    assertEquals(List.of("CreateLogGroup", "PutRetentionPolicy", "CreateRole", "PutRolePolicy"),
        missing.steps().stream().map(Step::kind).toList());
    String trust = missing.steps().get(2).parameter("policy");
    assertTrue(trust.contains("vpc-flow-logs.amazonaws.com")
        && trust.contains("arn:aws:ec2:eu-west-1:" + ACCOUNT + ":vpc-flow-log/*"), trust);
    LogGroupDelivery.Decision complete = LogGroupDelivery.decide(wanted,
        new LogGroupDelivery.State(true, 30, null, true, trust,
            missing.steps().get(3).parameter("policy")), arn);
    assertTrue(complete.steps().isEmpty(), complete.steps().toString());
  }

  @Test
  void logGroupDecide_givenRoleAndOtherKey_touchesNoRoleAndWarnsOfTheKey() {
    EnableVpcFlowLogs remediation = EnableVpcFlowLogs.forEveryVpc().toLogGroup("/vpc/flow")
        .deliveryRole("arn:aws:iam::" + ACCOUNT + ":role/theirs")
        .logGroupKmsKey("arn:aws:kms:eu-west-1:" + ACCOUNT + ":key/k").build();
    LogGroupDelivery.Decision decision = LogGroupDelivery.decide(
        remediation.delivery("eu-west-1", ACCOUNT),
        new LogGroupDelivery.State(true, null, null, false, null, null), "arn");
    assertTrue(decision.steps().isEmpty(), decision.steps().toString());
    assertTrue(decision.warnings().get(0).contains("key/k"), decision.warnings().toString());
  }
}
