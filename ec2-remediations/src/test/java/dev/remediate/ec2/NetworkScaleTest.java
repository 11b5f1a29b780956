package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyResult;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.Remediator;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Planning scales with pages, not resources: 200 VPCs and 500 extra security groups (700 groups with
 * the VPCs' default groups) are planned with a fixed number of calls.
 */
@ExtendWith(AwsEmulatorExtension.class)
class NetworkScaleTest {
  private static final int VPCS = 200;
  private static final int GROUPS = 500;
  private static final int OPEN_GROUPS = 100;
  /** Every describe call of these plans asks for 1000 items a page. */
  private static final int PAGE = 1000;

  @Test
  void plan_200VpcsAnd500Groups_callsArePagesNotResources(AwsEmulator aws) throws Exception {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    long start = System.nanoTime();
    List<String> vpcs = parallel(VPCS, i -> ec2.createVpc(r -> r.cidrBlock("10." + (i % 250)
        + ".0.0/16")).vpc().vpcId());
    List<String> groups = parallel(GROUPS, i -> ec2.createSecurityGroup(r -> r
        .vpcId(vpcs.get(i % VPCS)).groupName("g" + i).description("scale")).groupId());
    parallel(OPEN_GROUPS, i -> ec2.authorizeSecurityGroupIngress(r -> r.groupId(groups.get(i))
        .ipPermissions(RestrictSecurityGroupTest.tcp(22, 22, "0.0.0.0/0"))).toString());
    long setupMillis = (System.nanoTime() - start) / 1_000_000;
    int allVpcs = ec2.describeVpcs().vpcs().size();
    int allGroups = ec2.describeSecurityGroups().securityGroups().size();
    assertTrue(allVpcs >= VPCS + 0 && allGroups >= GROUPS + VPCS, allVpcs + " " + allGroups);

    Remediator remediator = Remediator.create(aws.scope());
    aws.recorder().reset();
    PlanSet restrict = remediator.planSet(List.of(RestrictSecurityGroup.forEveryGroup().build()));
    Map<String, Integer> restrictCalls = aws.recorder().counts();
    int restrictTotal = aws.recorder().total();

    System.out.printf("scale: %d VPCs, %d security groups (%d open), setup %d ms%n", allVpcs,
        allGroups, OPEN_GROUPS, setupMillis);
    System.out.printf("scale: plan restriction for every group: %d calls %s, %d steps%n",
        restrictTotal, restrictCalls, restrict.changes());

    assertEquals(Map.of("Ec2.DescribeSecurityGroups", pages(allGroups),
        "Ec2.DescribeSecurityGroupRules", pages(allGroups + OPEN_GROUPS)), restrictCalls);
    assertEquals(OPEN_GROUPS, restrict.changes());
    assertEquals(OPEN_GROUPS, restrict.withChanges().size(), "one plan per open group");
    assertEquals(allGroups, restrict.plans().size(), "one plan per group, empty when compliant");
  }

  /**
   * Flow logs for 200 VPCs to S3, each stage in a scope of its own (as separate processes would
   * be), counting every call, STS included: the scan reads each kind once, apply observes again,
   * creates every flow log in one call and verifies; a compliant re-run costs 3 calls.
   */
  @Test
  void planSetAndApply_200VpcsToS3_callsAreAFewPerStageAndCompliantRerunIsThree(AwsEmulator aws)
      throws Exception {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    parallel(VPCS, i -> ec2.createVpc(r -> r.cidrBlock("10." + (i % 250) + ".0.0/16")).vpc()
        .vpcId());
    aws.client(S3Client.class, S3Client::builder).createBucket(r -> r.bucket("scale-flow-logs"));
    int allVpcs = ec2.describeVpcs().vpcs().size();
    EnableVpcFlowLogs everyVpc = EnableVpcFlowLogs.forEveryVpc().toS3Bucket("scale-flow-logs")
        .build();

    aws.recorder().reset();
    long start = System.nanoTime();
    PlanSet plans;
    try (AwsScope scope = scopeLookingUpAccount(aws)) {
      plans = Remediator.create(scope).planSet(List.of(everyVpc));
    }
    long scanMillis = (System.nanoTime() - start) / 1_000_000;
    Map<String, Integer> scanCalls = aws.recorder().counts();
    PlanSet saved = PlanSet.fromJson(plans.toJson());

    aws.recorder().reset();
    start = System.nanoTime();
    PlanSetResult result;
    try (AwsScope scope = scopeLookingUpAccount(aws)) {
      result = Remediator.create(scope).apply(saved);
    }
    long applyMillis = (System.nanoTime() - start) / 1_000_000;
    Map<String, Integer> applyCalls = aws.recorder().counts();

    aws.recorder().reset();
    PlanSet again;
    try (AwsScope scope = scopeLookingUpAccount(aws)) {
      again = Remediator.create(scope).planSet(List.of(everyVpc));
    }
    Map<String, Integer> rerunCalls = aws.recorder().counts();

    System.out.printf("scale: flow logs, %d VPCs to S3: scan %d calls %s in %d ms (%d plans, %d "
        + "changes)%n", allVpcs, total(scanCalls), scanCalls, scanMillis, plans.plans().size(),
        plans.changes());
    System.out.printf("scale: flow logs, apply of the saved plan set: %d calls %s in %d ms%n",
        total(applyCalls), applyCalls, applyMillis);
    System.out.printf("scale: flow logs, compliant re-run: %d calls %s%n", total(rerunCalls),
        rerunCalls);

    assertEquals(allVpcs + 1, plans.plans().size(), "one plan per VPC and the bucket's");
    assertEquals(allVpcs + 1, plans.changes(),
        "one CreateFlowLogs per VPC + one policy write (the service's statements, TLS only)");
    assertEquals(Map.of("Sts.GetCallerIdentity", 1, "Ec2.DescribeVpcs", 1,
        "Ec2.DescribeFlowLogs", 1, "S3.GetBucketPolicy", 1), scanCalls);
    assertFalse(result.hasProblems(), result.toText());
    assertEquals(allVpcs + 1, result.withStatus(ApplyResult.Status.APPLIED).size());
    assertEquals(Map.of("Sts.GetCallerIdentity", 1, "S3.GetBucketPolicy", 3,
        "S3.PutBucketPolicy", 1, "Ec2.DescribeVpcs", 2, "Ec2.DescribeFlowLogs", 2,
        "Ec2.CreateFlowLogs", 1), applyCalls,
        "observe the bucket, read and write its policy once (the service's statements and TLS "
        + "only), observe the VPCs, one CreateFlowLogs, verify both");
    assertTrue(again.isEmpty(), again.toText());
    assertEquals(Map.of("Sts.GetCallerIdentity", 1, "Ec2.DescribeVpcs", 1,
        "Ec2.DescribeFlowLogs", 1), rerunCalls, "a compliant re-run: 3 calls, no bucket read");
  }

  private static int total(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** A scope on the emulator without a given account: it asks STS, as a real run does. */
  private static AwsScope scopeLookingUpAccount(AwsEmulator aws) {
    return AwsScope.builder().region(AwsEmulator.REGION).endpointOverride(aws.endpoint())
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("testing", "testing")))
        .maxAttempts(2)
        .addInterceptor(aws.recorder())
        .clientCustomizer(b -> {
          if (b instanceof S3ClientBuilder s3) {
            s3.forcePathStyle(true);
          }
        })
        .build();
  }

  /**
   * Issue 10's port-22 scenario: 200 groups with SSH open to the world, planned into a plan set,
   * saved, read back and applied. Apply observes the 200 groups again with one call per kind (not
   * 200), revokes with one call per group, and verifies with one call per kind.
   */
  @Test
  void apply_200GroupsWithSshOpen_callsAreTheRevokesPlusAFewDescribes(AwsEmulator aws)
      throws Exception {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
    List<String> groups = parallel(200, i -> ec2.createSecurityGroup(r -> r.vpcId(vpc)
        .groupName("ssh" + i).description("scale")).groupId());
    parallel(200, i -> ec2.authorizeSecurityGroupIngress(r -> r.groupId(groups.get(i))
        .ipPermissions(RestrictSecurityGroupTest.tcp(22, 22, "0.0.0.0/0"))).toString());
    Remediator remediator = Remediator.create(aws.scope());
    aws.recorder().reset();
    PlanSet plans = remediator.planSet(List.of(RestrictSecurityGroup.forEveryGroup().build()));
    int planCalls = aws.recorder().total();
    PlanSet read = PlanSet.fromJson(plans.toJson());
    aws.recorder().reset();
    long start = System.nanoTime();

    PlanSetResult result = remediator.apply(read);

    long millis = (System.nanoTime() - start) / 1_000_000;
    Map<String, Integer> calls = aws.recorder().counts();
    int total = aws.recorder().total();
    System.out.printf("scale: plan 200 open groups: %d calls; apply: %d calls %s in %d ms%n",
        planCalls, total, calls, millis);
    assertEquals(200, result.withStatus(ApplyResult.Status.APPLIED).size(), result.summary());
    assertFalse(result.hasProblems(), result.summary());
    assertEquals(200, calls.get("Ec2.RevokeSecurityGroupIngress"));
    assertEquals(2, calls.get("Ec2.DescribeSecurityGroups"), "observe again + verify");
    assertEquals(2, calls.get("Ec2.DescribeSecurityGroupRules"), "observe again + verify");
    assertEquals(204, total, calls.toString());
    assertTrue(remediator.planSet(List.of(RestrictSecurityGroup.forEveryGroup().build()))
        .isEmpty());
  }
  private static int pages(int items) {
    return Math.max(1, (items + PAGE - 1) / PAGE);
  }

  interface Create {
    String create(int i);
  }

  private static List<String> parallel(int count, Create create) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        futures.add(pool.submit(() -> create.create(n)));
      }
      List<String> out = new ArrayList<>();
      for (Future<String> f : futures) {
        out.add(f.get(120, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
