package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyResult;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.Remediator;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The plan-set rules of issue 10 on real plans against the emulator: partial failure (one target
 * of fifty fails, the other forty-nine are applied, applying the file again finishes it) and
 * bounded parallel apply (calls of different targets overlap; the result equals a sequential run).
 */
@ExtendWith(AwsEmulatorExtension.class)
class PlanSetApplyEmulatorTest {
  private static final int GROUPS = 50;

  /** Fifty groups with SSH open to the world, each its own target. */
  private static void openGroups(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.createVpc(v -> v.cidrBlock("10.40.0.0/16")).vpc().vpcId();
    for (int i = 0; i < GROUPS; i++) {
      int n = i;
      String group = ec2.createSecurityGroup(g -> g.vpcId(vpc).groupName("open-" + n)
          .description("ssh")).groupId();
      ec2.authorizeSecurityGroupIngress(a -> a.groupId(group)
          .ipPermissions(RestrictSecurityGroupTest.tcp(22, 22, "0.0.0.0/0")));
    }
  }

  private static PlanSet plan(Remediator remediator) {
    PlanSet plans = remediator.planSet(List.of(RestrictSecurityGroup.forEveryGroup().build()));
    assertEquals(GROUPS, plans.withChanges().size(), plans.toText());
    return PlanSet.fromJson(plans.toJson());
  }

  @Test
  void apply_faultOnOneTargetOfFifty_appliesFortyNineAndAgainFinishesIt(AwsEmulator aws) {
    openGroups(aws);
    Remediator remediator = Remediator.builder().scope(aws.scope()).build();
    PlanSet plans = plan(remediator);
    aws.faults().failNth("RevokeSecurityGroupIngress", 17, Fault.of("UnauthorizedOperation"));

    PlanSetResult result = remediator.apply(plans);

    assertEquals(GROUPS - 1, result.withStatus(ApplyResult.Status.APPLIED).size(),
        result.summary());
    List<ApplyResult> failed = result.withStatus(ApplyResult.Status.FAILED);
    assertEquals(1, failed.size(), result.summary());
    assertTrue(failed.get(0).detail().contains("UnauthorizedOperation"), failed.get(0).detail());
    assertTrue(result.hasProblems());

    aws.faults().reset();
    PlanSetResult again = remediator.apply(plans);
    assertEquals(GROUPS - 1, again.withStatus(ApplyResult.Status.ALREADY_DONE).size(),
        again.summary());
    assertEquals(List.of(failed.get(0).plan().key()), again.withStatus(
        ApplyResult.Status.APPLIED).stream().map(r -> r.plan().key()).toList());
    assertTrue(remediator.planSet(List.of(RestrictSecurityGroup.forEveryGroup().build()))
        .isEmpty());
  }

  /** Counts revoke calls in flight at once. */
  private static final class InFlight implements ExecutionInterceptor {
    final AtomicInteger now = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();

    private static boolean revoke(Context.BeforeExecution context) {
      return context.request().getClass().getSimpleName().startsWith("RevokeSecurityGroup");
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      if (revoke(context)) {
        most.accumulateAndGet(now.incrementAndGet(), Math::max);
      }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
      if (revoke(context)) {
        now.decrementAndGet();
      }
    }
  }

  private static List<String> keys(PlanSet plans) {
    return plans.plans().stream().map(p -> p.key()).toList();
  }

  @Test
  void apply_parallel_overlapsCallsOfDifferentTargetsAndReportsLikeASequentialRun(
      AwsEmulator aws) {
    openGroups(aws);
    InFlight inFlight = new InFlight();
    try (AwsScope scope = aws.scopeBuilder(Region.US_EAST_1).addInterceptor(inFlight).build()) {
      PlanSet plans = plan(Remediator.builder().scope(scope).build());
      PlanSetResult parallel = Remediator.builder().scope(scope).parallelism(8).build()
          .apply(plans);
      assertTrue(inFlight.most.get() > 1, "revokes of different groups overlapped: "
          + inFlight.most.get());
      assertTrue(inFlight.most.get() <= 8, "at most 8 at once: " + inFlight.most.get());

      // the same file again on the same groups, opened again, one target at a time
      aws.reset();
      openGroups(aws);
      inFlight.most.set(0);
      PlanSet again = plan(Remediator.builder().scope(scope).build());
      PlanSetResult sequential = Remediator.builder().scope(scope).parallelism(1).build()
          .apply(again);
      assertEquals(1, inFlight.most.get());
      // group ids differ between the two runs: same outcomes, each in its plan set's order
      assertEquals(sequential.counts(), parallel.counts());
      assertEquals(sequential.summary(), parallel.summary());
      assertEquals(keys(plans), parallel.results().stream().map(r -> r.plan().key()).toList());
      assertEquals(keys(again), sequential.results().stream().map(r -> r.plan().key()).toList());
    }
  }
}
