package dev.remediate.cli;

import static dev.remediate.cli.CliTesting.assertBadInput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.aws.AccountRole;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.policy.MemberRoleTemplate;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.Account;
import software.amazon.awssdk.services.organizations.model.CreateAccountState;

/**
 * {@code scan} and {@code apply} over account x region through the real CLI entry point, on the
 * emulator: moto acts in the account of the assumed role's ARN. The state is checked with SDK
 * clients under each account's assumed credentials.
 */
@ExtendWith(AwsEmulatorExtension.class)
class FleetCliTest {
  private static final String A = "210987654321";
  private static final String B = "310987654321";
  private static final String C = "410987654321";
  private static final List<Region> REGIONS = List.of(Region.US_EAST_1, Region.EU_WEST_1);
  private static final String[] SSH = {"--only", "ec2.security-group-open-ports",
      "--sg-ports", "22", "--region", "us-east-1", "--region", "eu-west-1"};

  @TempDir
  Path dir;

  private static Ec2Client ec2(AwsScope member, Region region) {
    return member.inRegion(region).client(Ec2Client.class, Ec2Client::builder);
  }

  /** A group open on 22 to the world in each region of each account: "account region" -> id. */
  private static Map<String, String> untidy(AwsEmulator aws, List<String> accounts,
      List<Region> regions) {
    Map<String, String> groups = new TreeMap<>();
    for (String account : accounts) {
      try (AwsScope member = AccountRole.ofDefaults().scopeFor(aws.scope(), account)) {
        for (Region region : regions) {
          Ec2Client ec2 = ec2(member, region);
          String vpc = ec2.createVpc(v -> v.cidrBlock("10.0.0.0/16")).vpc().vpcId();
          String sg = ec2.createSecurityGroup(g -> g.groupName("bastion").description("ssh")
              .vpcId(vpc)).groupId();
          ec2.authorizeSecurityGroupIngress(a -> a.groupId(sg).ipPermissions(p -> p
              .ipProtocol("tcp").fromPort(22).toPort(22).ipRanges(r -> r.cidrIp("0.0.0.0/0"))));
          groups.put(account + " " + region.id(), sg);
        }
      }
    }
    return groups;
  }

  /** Whether the group is open on 22 to the world, read under the account's assumed role. */
  private static boolean openToWorld(AwsEmulator aws, String place, String group) {
    String[] parts = place.split(" ");
    try (AwsScope member = AccountRole.ofDefaults().scopeFor(aws.scope(), parts[0])) {
      return ec2(member, Region.of(parts[1])).describeSecurityGroups(d -> d.groupIds(group))
          .securityGroups().get(0).ipPermissions().stream()
          .anyMatch(p -> p.ipRanges().stream().anyMatch(r -> r.cidrIp().equals("0.0.0.0/0")));
    }
  }

  /** The places and groups of the plans with changes. */
  private static Map<String, String> planned(Path file) throws Exception {
    Map<String, String> places = new TreeMap<>();
    for (Plan plan : PlanSet.fromJson(Files.readString(file)).withChanges()) {
      places.put(plan.target().account() + " " + plan.target().region(), plan.target().id());
    }
    return places;
  }

  private static Remediate.Result run(AwsEmulator aws, String... args) {
    return Remediate.run(CliTesting.real(aws), args);
  }

  private static String[] ssh(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(SSH));
    return all.toArray(String[]::new);
  }

  @Test
  void scanThenApply_twoAccountsTwoRegions_findsAndFixesAllFourPlaces(AwsEmulator aws)
      throws Exception {
    Map<String, String> groups = untidy(aws, List.of(A, B), REGIONS);
    // the caller's own account is untidy too, and not chosen: it is left alone
    Map<String, String> own = untidy(aws, List.of(aws.scope().account()),
        List.of(Region.US_EAST_1));
    Path plans = dir.resolve("plans.json");

    Remediate.Result scan = run(aws, ssh("scan", "--accounts", A + "," + B, "--out",
        plans.toString()));
    assertEquals(Remediate.EXIT_CHANGES, scan.exitCode(), scan.toString());
    assertEquals(groups, planned(plans));
    assertTrue(scan.err().contains("Scanned 4 place(s)"), scan.err());

    Remediate.Result apply = run(aws, "apply", plans.toString(), "--yes");
    assertEquals(Remediate.EXIT_OK, apply.exitCode(), apply.toString());
    groups.forEach((place, group) -> assertFalse(openToWorld(aws, place, group), place));
    own.forEach((place, group) -> assertTrue(openToWorld(aws, place, group), place));

    Remediate.Result again = run(aws, ssh("scan", "--accounts", A + "," + B));
    assertEquals(Remediate.EXIT_OK, again.exitCode(), again.toString());
  }

  @Test
  void scan_accountWhoseRoleCannotBeAssumed_isOneLineAndTheOthersAreScanned(AwsEmulator aws)
      throws Exception {
    Map<String, String> groups = untidy(aws, List.of(A, C), REGIONS);
    aws.faults().reset();
    // one thread: the second AssumeRole is account B's
    aws.faults().failNth("AssumeRole", 2, Fault.of("AccessDenied"));
    Path plans = dir.resolve("plans.json");

    Remediate.Result scan = run(aws, ssh("scan", "--accounts", A + "," + B + "," + C,
        "--parallel", "1", "--out", plans.toString()));
    assertEquals(Remediate.EXIT_FAILURE, scan.exitCode(), scan.toString());
    List<String> lines = scan.err().lines().filter(l -> l.contains("account " + B)).toList();
    assertEquals(1, lines.size(), scan.err());
    assertTrue(lines.get(0).contains("account " + B + ": cannot assume arn:aws:iam::" + B
        + ":role/RemediateExecutionRole: "), lines.get(0));
    assertEquals(groups, planned(plans));
  }

  @Test
  void apply_accountWhoseRoleCannotBeAssumed_isReportedAndTheRestIsDone(AwsEmulator aws)
      throws Exception {
    Map<String, String> groups = untidy(aws, List.of(A, B), REGIONS);
    Path plans = dir.resolve("plans.json");
    Remediate.Result scan = run(aws, ssh("scan", "--accounts", A + "," + B, "--out",
        plans.toString()));
    assertEquals(Remediate.EXIT_CHANGES, scan.exitCode(), scan.toString());
    aws.faults().reset();
    aws.faults().failNth("AssumeRole", 2, Fault.of("AccessDenied"));

    Remediate.Result apply = run(aws, "apply", plans.toString(), "--yes", "--parallel", "1",
        "--external-id", "org-secret");
    assertEquals(Remediate.EXIT_FAILURE, apply.exitCode(), apply.toString());
    List<String> lines = apply.err().lines().filter(l -> l.contains("account " + B)).toList();
    assertEquals(1, lines.size(), apply.err());
    assertTrue(lines.get(0).startsWith("remediate: account " + B + ": cannot assume arn:aws:iam::"
        + B + ":role/RemediateExecutionRole: "), lines.get(0));
    assertTrue(lines.get(0).endsWith("(2 plan(s) not applied)"), lines.get(0));
    groups.forEach((place, group) -> assertEquals(place.startsWith(B),
        openToWorld(aws, place, group), place));
  }

  @Test
  void scan_organization_actsInItsActiveAccountsLessTheSkippedOnes(AwsEmulator aws)
      throws Exception {
    OrganizationsClient organizations = aws.client(OrganizationsClient.class,
        OrganizationsClient::builder);
    organizations.createOrganization(o -> o.featureSet("ALL"));
    for (String name : List.of("dev", "prod", "closed")) {
      CreateAccountState state = organizations.createAccount(a -> a.accountName(name)
          .email(name + "@example.com")).createAccountStatus().state();
      assertEquals(CreateAccountState.SUCCEEDED, state);
    }
    List<String> members = organizations.listAccounts(l -> { }).accounts().stream()
        .map(Account::id).filter(id -> !id.equals(aws.scope().account())).toList();
    assertEquals(3, members.size(), members.toString());
    // the third is suspended: not ACTIVE, so not acted in
    organizations.closeAccount(c -> c.accountId(members.get(2)));
    Map<String, String> groups = untidy(aws, members, List.of(Region.US_EAST_1));
    Path plans = dir.resolve("plans.json");

    Remediate.Result scan = run(aws, "scan", "--organization", "--skip-accounts",
        members.get(1), "--only", "ec2.security-group-open-ports", "--sg-ports", "22",
        "--region", "us-east-1", "--out", plans.toString());
    assertEquals(Remediate.EXIT_CHANGES, scan.exitCode(), scan.toString());
    // the management account and the first member: two places; the skipped and the suspended
    // members are not scanned
    assertTrue(scan.err().contains("Scanned 2 place(s)"), scan.err());
    String first = members.get(0) + " us-east-1";
    assertEquals(Map.of(first, groups.get(first)), planned(plans));
  }

  @Test
  void applyWithoutPlanFile_twoAccounts_plansAndFixesEveryPlace(AwsEmulator aws) {
    Map<String, String> groups = untidy(aws, List.of(A, B), REGIONS);
    Remediate.Result apply = run(aws, ssh("apply", "--accounts", A + "," + B, "--yes"));
    assertEquals(Remediate.EXIT_OK, apply.exitCode(), apply.toString());
    groups.forEach((place, group) -> assertFalse(openToWorld(aws, place, group), place));
  }

  @Test
  void catalogMemberRole_isTheTemplateOfTheSelectedRemediations() {
    CliEnvironment env = CliEnvironment.builder().terminal(Terminal.none()).env(Map.of())
        .scopes((region, options) -> {
          throw new AssertionError("catalog must not open an AWS scope");
        }).build();
    Remediate.Result r = Remediate.run(env, "catalog", "--member-role", "--only",
        "ec2.security-group-open-ports");
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
    assertEquals(MemberRoleTemplate.render(List.of(RemediationCatalog.load()
        .require("ec2.security-group-open-ports"))), r.out());
    assertTrue(r.out().contains("'sts:ExternalId': !Ref ExternalId"), r.out());
    assertBadInput(Remediate.run(env, "catalog", "--member-role", "--json"),
        "cannot be combined");
  }

  @Test
  void badInput_accountIdsAndCombinations_exit2NamingTheValue() {
    CliEnvironment env = CliTesting.offline();
    assertBadInput(Remediate.run(env, "scan", "--accounts", "12345"), "'12345'");
    assertBadInput(Remediate.run(env, "apply", "--accounts", "111111111111,abc", "--yes"),
        "'abc'");
    assertBadInput(Remediate.run(env, "scan", "--skip-accounts", "1234567890123"),
        "'1234567890123'");
    assertBadInput(Remediate.run(env, "scan", "--accounts", "111111111111", "--organization"),
        "--accounts and --organization");
    assertBadInput(Remediate.run(env, "scan", "--accounts", "111111111111", "--role",
        "no/slash"), "no/slash");
  }
}
