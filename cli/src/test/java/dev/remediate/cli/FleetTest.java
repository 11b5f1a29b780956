package dev.remediate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.Remediator;
import dev.remediate.core.aws.AccountRole;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.aws.Fleet;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.testing.EmulatorFixtures;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Scan and apply over account x region through assumed roles, on the emulator: moto acts in the
 * account of the assumed role's ARN (the role need not exist there).
 */
@ExtendWith(AwsEmulatorExtension.class)
class FleetTest {
  private static final String A = "111111111111";
  private static final String B = "222222222222";
  private static final String C = "333333333333";
  private static final List<Region> REGIONS = List.of(Region.US_EAST_1, Region.EU_WEST_1);

  private static Remediation defaultGroups() {
    return RemediationCatalog.load().require("ec2.default-security-group").forRegion(Map.of())
        .orElseThrow();
  }

  /** An untidy default group in every place, made through the member's assumed role. */
  private static Set<String> untidy(AwsEmulator aws, List<String> accounts) {
    Set<String> places = new TreeSet<>();
    for (String account : accounts) {
      try (AwsScope member = AccountRole.ofDefaults().scopeFor(aws.scope(), account)) {
        for (Region region : REGIONS) {
          EmulatorFixtures.vpcWithAwsDefaultGroup(
              member.inRegion(region).client(Ec2Client.class, Ec2Client::builder));
          places.add(account + " " + region);
        }
      }
    }
    return places;
  }

  private static Set<String> planned(List<Fleet.Outcome<PlanSet>> outcomes) {
    Set<String> places = new TreeSet<>();
    outcomes.forEach(o -> o.value().ifPresent(set -> set.plans().stream()
        .filter(p -> !p.isEmpty()).map(Plan::target)
        .forEach(t -> places.add(t.account() + " " + t.region()))));
    return places;
  }

  @Test
  void scanThenApply_twoAccountsTwoRegions_findsAndFixesAllFourPlaces(AwsEmulator aws) {
    Set<String> untidy = untidy(aws, List.of(A, B));
    Fleet fleet = Fleet.builder(aws.scope()).accounts(List.of(A, B)).regions(REGIONS).build();

    List<Fleet.Outcome<PlanSet>> scan = fleet.run(
        scope -> Remediator.create(scope).planSet(List.of(defaultGroups())));
    assertEquals(4, scan.size());
    assertTrue(scan.stream().noneMatch(Fleet.Outcome::failed), scan.toString());
    // each plan names its account and region: all four places are found
    assertEquals(untidy, planned(scan));

    List<Fleet.Outcome<Boolean>> apply = fleet.run(scope -> {
      PlanSet plans = scan.stream().filter(o -> o.account().equals(scope.account())
          && scope.region().equals(o.region())).findFirst().orElseThrow().result();
      return !Remediator.create(scope).apply(plans).hasProblems();
    });
    apply.forEach(o -> assertEquals(Boolean.TRUE, o.result(), o.toString()));

    List<Fleet.Outcome<PlanSet>> again = fleet.run(
        scope -> Remediator.create(scope).planSet(List.of(defaultGroups())));
    assertTrue(planned(again).isEmpty(), planned(again).toString());
  }

  @Test
  void run_accountWhoseRoleCannotBeAssumed_isOneFailureAndTheOthersGoOn(AwsEmulator aws) {
    Set<String> untidy = untidy(aws, List.of(A, C));
    aws.scope().account();
    aws.faults().reset();
    // the second AssumeRole (account B's, with one thread) is refused
    aws.faults().failNth("AssumeRole", 2, Fault.of("AccessDenied"));
    List<Fleet.Outcome<PlanSet>> scan = Fleet.builder(aws.scope()).accounts(List.of(A, B, C))
        .regions(REGIONS).concurrency(1).role(AccountRole.builder().externalId("org-secret")
            .build()).build()
        .run(scope -> Remediator.create(scope).planSet(List.of(defaultGroups())));
    assertEquals(5, scan.size(), scan.toString());
    Fleet.Outcome<PlanSet> b = scan.stream().filter(o -> o.account().equals(B)).findFirst()
        .orElseThrow();
    assertTrue(b.failed() && b.error().contains("arn:aws:iam::" + B
        + ":role/RemediateExecutionRole"), b.toString());
    assertNull(b.region());
    assertEquals(untidy, planned(scan));
  }
}
