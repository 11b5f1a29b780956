package dev.remediate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.testing.EmulatorFixtures;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.IamEnforcedEmulator;
import dev.remediate.testing.SsmManagedInstances;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Least privilege proven under IAM enforcement: for each catalog id (and for all together), a user
 * holding exactly {@code catalog --iam-policy} for it scans and applies an untidy account with its
 * own keys on a moto server that checks every request; an {@code AccessDenied} fails the test.
 *
 * <p>moto names a few actions differently from AWS and resolves a role that does not exist yet as
 * the resource {@code *}; {@link #forMoto} maps those in the test, never in the catalog.
 */
class IamEnforcedCatalogTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONSENT = "--yes --allow-disruptive --allow-destructive "
      + "--allow-downtime";
  private static IamEnforcedEmulator moto;
  /** moto has no DescribeInstanceInformation: this answers it for the instances a case registers. */
  private static final SsmManagedInstances SSM = new SsmManagedInstances();

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    moto = IamEnforcedEmulator.start();
  }

  @AfterAll
  static void stop() {
    if (moto != null) {
      moto.close();
    }
  }

  @BeforeEach
  void reset() {
    moto.reset();
  }

  /** An untidy state for one catalog id: set up as the administrator, returns the scan's args. */
  record Case(String ids, Function<AwsEmulator, String> setUp) {
    @Override
    public String toString() {
      return ids;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("ec2.vpc-flow-logs", aws -> {
          ec2(aws).createVpc(r -> r.cidrBlock("10.1.0.0/16"));
          return "--set flowLogs.logGroup=org-flow-logs";
        }),
        new Case("ec2.default-security-group", aws -> {
          EmulatorFixtures.vpcWithAwsDefaultGroup(ec2(aws));
          return "";
        }),
        new Case("ec2.security-group-open-ports", aws -> {
          Ec2Client ec2 = ec2(aws);
          String vpc = ec2.createVpc(r -> r.cidrBlock("10.2.0.0/16")).vpc().vpcId();
          String group = ec2.createSecurityGroup(r -> r.groupName("open").description("open")
              .vpcId(vpc)).groupId();
          ec2.authorizeSecurityGroupIngress(r -> r.groupId(group).ipPermissions(p -> p
              .ipProtocol("tcp").fromPort(22).toPort(22).ipRanges(i -> i.cidrIp("0.0.0.0/0"))));
          return "--set securityGroups.ports=22";
        }),
        new Case("ec2.ebs-encryption-by-default", aws -> ""),
        new Case("ec2.encrypt-volumes", aws -> {
          EmulatorFixtures.instance(ec2(aws));
          String key = aws.client(KmsClient.class, KmsClient::builder).createKey(r -> { })
              .keyMetadata().keyId();
          return "--set encryption.kmsKey=" + key;
        }),
        new Case("ec2.block-ip", aws -> "--target " + vpcWithSubnet(aws)
            + " --set blockIp.address=203.0.113.7"),
        new Case("ec2.unblock-ip", aws -> {
          String vpc = vpcWithSubnet(aws);
          adminApply(aws, "--only ec2.block-ip --target " + vpc
              + " --set blockIp.address=203.0.113.7");
          return "--target " + vpc + " --set unblockIp.address=203.0.113.7";
        }),
        new Case("ec2.quarantine-instance", aws -> "--target "
            + EmulatorFixtures.instance(ec2(aws))),
        new Case("ec2.release-quarantine", aws -> {
          String instance = EmulatorFixtures.instance(ec2(aws));
          adminApply(aws, "--only ec2.quarantine-instance --target " + instance);
          return "--target " + instance;
        }),
        new Case("ec2.cpu-alarm", aws -> "--target " + EmulatorFixtures.instance(ec2(aws))
            + " --set cpuAlarm.snsTopic=" + topic(aws)),
        new Case("ec2.resize-instance", aws -> {
          Ec2Client ec2 = ec2(aws);
          String image = ec2.describeImages(r -> r.filters(
              f -> f.name("virtualization-type").values("hvm"),
              f -> f.name("architecture").values("x86_64"))).images().get(0).imageId();
          return "--target " + ec2.runInstances(r -> r.imageId(image).minCount(1).maxCount(1)
              .instanceType("t2.micro")).instances().get(0).instanceId()
              + " --set resize.instanceType=t2.large";
        }),
        new Case("cloudtrail.trail", aws ->
            "--set trail.s3Bucket=org-trail --set trail.cloudWatchLogs=org-trail-logs"),
        new Case("config.recorder", aws -> "--set config.s3Bucket=org-config"),
        new Case("cloudwatch.cis-alarms", aws -> {
          String trail = "--set trail.s3Bucket=org-trail --set trail.cloudWatchLogs=org-trail-logs";
          adminApply(aws, "--only cloudtrail.trail " + trail);
          return trail + " --set alarms.snsTopic=" + topic(aws);
        }),
        new Case("ec2.outdated-ami", aws -> {
          // an Amazon Linux 2 image of moto's catalog that a newer one of its family supersedes
          ec2(aws).runInstances(r -> r.imageId("ami-04681a1dbd79675a5").minCount(1).maxCount(1)
              .instanceType("t3.micro"));
          return "";
        }),
        new Case("iam.deactivate-access-key", aws -> "--target " + userWithKey(aws, "suspect")),
        new Case("iam.reactivate-access-key", aws -> {
          adminApply(aws, "--only iam.deactivate-access-key --target "
              + userWithKey(aws, "cleared"));
          return "--target cleared";
        }),
        new Case("iam.revoke-role-sessions", aws -> {
          iam(aws).createRole(r -> r.roleName("app-role").assumeRolePolicyDocument(
              "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
              + "\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},"
              + "\"Action\":\"sts:AssumeRole\"}]}"));
          return "--target app-role";
        }),
        new Case("iam.quarantine-user", aws -> {
          userWithKey(aws, "intruder");
          return "--target intruder";
        }),
        new Case("guardduty.detector", aws -> ""),
        new Case("ec2.replace-ssh-key", aws -> {
          String instance = ec2(aws).runInstances(r -> r.imageId("ami-04681a1dbd79675a5")
              .minCount(1).maxCount(1).instanceType("t3.micro")).instances().get(0).instanceId();
          SSM.online(instance, "Linux");
          return "--target " + instance;
        }),
        new Case("iam.release-user", aws -> {
          userWithKey(aws, "released");
          adminApply(aws, "--only iam.quarantine-user --target released");
          return "--target released";
        }));
  }

  @Test
  void cases_coverEveryCatalogId() {
    Set<String> ids = new TreeSet<>();
    RemediationCatalog.load().types().forEach(t -> ids.add(t.id()));
    assertEquals(ids, new TreeSet<>(cases().map(Case::ids).toList()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void scanAndApply_withExactlyTheGeneratedPolicy_noAccessDenied(Case c) throws Exception {
    AwsEmulator admin = moto.admin();
    String args = c.setUp().apply(admin);
    AwsCredentialsProvider user = moto.createUser("remediate-" + c.ids().replace('.', '-'),
        forMoto(policy(c.ids())));
    moto.enforce();
    CliEnvironment env = asUser(user);
    Path plans = dir.resolve("plans.json");
    Remediate.Result scan = Remediate.run(env, split("scan --region us-east-1 --only " + c.ids()
        + " " + args + " --out " + plans));
    assertEquals(Remediate.EXIT_CHANGES, scan.exitCode(), scan.toString());
    assertNoAccessDenied(scan);
    Remediate.Result apply = Remediate.run(env, split("apply " + CONSENT + " " + plans));
    assertNoAccessDenied(apply);
    assertEquals(Remediate.EXIT_OK, apply.exitCode(), apply.toString());
  }

  @Test
  void wholeCatalog_scanApplyScan_withExactlyTheGeneratedPolicy() throws Exception {
    AwsEmulator admin = moto.admin();
    EmulatorFixtures.vpcWithAwsDefaultGroup(ec2(admin));
    admin.client(S3Client.class, S3Client::builder).createBucket(b -> b.bucket("org-flow-logs"));
    String settings = "--set flowLogs.s3Bucket=org-flow-logs --set securityGroups.ports=22 "
        + "--set trail.s3Bucket=org-trail --set trail.cloudWatchLogs=org-trail-logs "
        + "--set config.s3Bucket=org-config --set alarms.snsTopic=" + topic(admin);
    AwsCredentialsProvider user = moto.createUser("remediate-all", forMoto(policy(null)));
    moto.enforce();
    Path plans = dir.resolve("plans.json");
    Remediate.Result scan = Remediate.run(asUser(user), split("scan --region us-east-1 "
        + settings + " --out " + plans));
    assertNoAccessDenied(scan);
    assertEquals(Remediate.EXIT_CHANGES, scan.exitCode(), scan.toString());
    Remediate.Result apply = Remediate.run(asUser(user), split("apply " + CONSENT + " " + plans));
    assertNoAccessDenied(apply);
    assertEquals(Remediate.EXIT_OK, apply.exitCode(), apply.toString());
    Remediate.Result again = Remediate.run(asUser(user), split("scan --region us-east-1 "
        + settings));
    assertEquals(Remediate.EXIT_OK, again.exitCode(), again.toString());
  }

  @Test
  void policyMissingOneAction_applyIsDenied() throws Exception {
    EmulatorFixtures.vpcWithAwsDefaultGroup(ec2(moto.admin()));
    String policy = forMoto(policy("ec2.default-security-group"));
    assertTrue(policy.contains("\"ec2:RevokeSecurityGroupEgress\","), policy);
    AwsCredentialsProvider user = moto.createUser("remediate-short",
        policy.replace("\"ec2:RevokeSecurityGroupEgress\",", ""));
    moto.enforce();
    Remediate.Result apply = Remediate.run(asUser(user),
        split("apply --only ec2.default-security-group " + CONSENT));
    assertEquals(Remediate.EXIT_FAILURE, apply.exitCode(), apply.toString());
    assertTrue(apply.toString().contains("Status Code: 403"), apply.toString());
  }

  @Test
  void remediationPolicy_cannotPutAPolicyOnARoleOutsideItsPrefix() throws Exception {
    IamClient adminIam = moto.admin().client(IamClient.class, IamClient::builder);
    String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
        + "\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
    adminIam.createRole(r -> r.roleName("admin-role").assumeRolePolicyDocument(trust));
    adminIam.createRole(r -> r.roleName("remediate-own").assumeRolePolicyDocument(trust));
    // the scoped policy as generated: no responder statement
    AwsCredentialsProvider user = moto.createUser("remediate-scoped",
        forMoto(policy("ec2.vpc-flow-logs,cloudtrail.trail,config.recorder")));
    moto.enforce();
    String admin = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
        + "\"Action\":\"*\",\"Resource\":\"*\"}]}";
    try (var scope = moto.scopeBuilder(Region.US_EAST_1, user).build()) {
      IamClient iam = scope.client(IamClient.class, IamClient::builder);
      IamException denied = assertThrows(IamException.class, () -> iam.putRolePolicy(r -> r
          .roleName("admin-role").policyName("escalate").policyDocument(admin)));
      assertEquals(403, denied.statusCode(), denied.toString());
      assertThrows(IamException.class, () -> iam.updateAssumeRolePolicy(r -> r
          .roleName("admin-role").policyDocument(trust)));
      // the same call on a role of the prefix is allowed: the denial above is the scope's
      iam.putRolePolicy(r -> r.roleName("remediate-own").policyName("p").policyDocument(admin));
    }
  }

  private static String policy(String ids) {
    List<String> args = new ArrayList<>(List.of("catalog", "--iam-policy"));
    if (ids != null) {
      args.addAll(List.of("--only", ids));
    }
    Remediate.Result r = Remediate.run(CliTesting.real(null), args.toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.toString());
    return r.out();
  }

  /**
   * The generated policy as moto checks it: CloudWatch actions also as {@code monitoring:X}; a
   * bucket's public-access-block and encryption reads also as {@code s3:ListBucket}, writes as
   * {@code s3:CreateBucket}; {@code ssm:DescribeInstanceInformation} also as
   * {@code ssm:ListCommands} (the call {@link SsmManagedInstances} sends moto); role actions on a role that does not exist yet and
   * {@code CreateServiceLinkedRole} (moto checks those against the resource {@code *}, AWS against
   * the new role's ARN) also on {@code ARN|[*]}, which moto's regex matching reads as the ARN
   * pattern or exactly {@code *}, never another role's ARN.
   */
  static String forMoto(String policy) throws Exception {
    ObjectNode document = (ObjectNode) JSON.readTree(policy);
    for (JsonNode node : document.get("Statement")) {
      ObjectNode statement = (ObjectNode) node;
      Set<String> actions = new TreeSet<>(texts(statement.get("Action")));
      Set<String> extra = new TreeSet<>();
      for (String action : actions) {
        if (action.startsWith("cloudwatch:")) {
          extra.add("monitoring:" + action.substring("cloudwatch:".length()));
        }
        if (Set.of("s3:GetBucketPublicAccessBlock", "s3:GetEncryptionConfiguration")
            .contains(action)) {
          extra.add("s3:ListBucket");
        }
        if (Set.of("s3:PutBucketPublicAccessBlock", "s3:PutEncryptionConfiguration")
            .contains(action)) {
          extra.add("s3:CreateBucket");
        }
        if (action.equals("ssm:DescribeInstanceInformation")) {
          extra.add("ssm:ListCommands"); // how SsmManagedInstances sends it to moto
        }
      }
      actions.addAll(extra);
      ArrayNode actionArray = statement.putArray("Action");
      actions.forEach(actionArray::add);
      if (Set.of("RemediateOwnRoles", "RemediateServiceLinkedRoles")
          .contains(statement.get("Sid").asText())) {
        List<String> resources = texts(statement.get("Resource"));
        ArrayNode resourceArray = statement.putArray("Resource");
        resources.forEach(resourceArray::add);
        // moto's pattern "<arn ending in *>|[*]" is the regex "^<arn>.*|[.*]$": the role ARNs
        // as before, or exactly "*"; moto's policy validator wants an ARN, hence the form
        resources.forEach(r -> resourceArray.add(r + "|[*]"));
      }
    }
    return JSON.writeValueAsString(document);
  }

  private static List<String> texts(JsonNode node) {
    List<String> values = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> values.add(n.asText()));
    } else {
      values.add(node.asText());
    }
    return values;
  }

  private static void assertNoAccessDenied(Remediate.Result result) {
    String all = result.out() + result.err();
    // not the CIS filter pattern, which names AccessDenied and UnauthorizedOperation
    assertFalse(all.contains("Status Code: 403") || all.contains("is not authorized"),
        result.toString());
  }

  private static CliEnvironment asUser(AwsCredentialsProvider user) {
    return CliEnvironment.builder().terminal(Terminal.none()).env(Map.of())
        .scopes((region, options) -> moto.scopeBuilder(Region.of(region), user)
            .addInterceptor(SSM).build()).build();
  }

  private static void adminApply(AwsEmulator aws, String args) {
    Remediate.Result r = Remediate.run(CliTesting.real(aws), split("apply " + CONSENT + " "
        + args));
    assertEquals(Remediate.EXIT_OK, r.exitCode(), r.toString());
  }

  private static String[] split(String args) {
    return Arrays.stream(args.strip().split(" +")).filter(s -> !s.isEmpty())
        .toArray(String[]::new);
  }

  private static IamClient iam(AwsEmulator aws) {
    return aws.scope().globalClient(IamClient.class, IamClient::builder);
  }

  /** Creates a user with one active access key; returns the key's id. */
  private static String userWithKey(AwsEmulator aws, String name) {
    iam(aws).createUser(r -> r.userName(name));
    return iam(aws).createAccessKey(r -> r.userName(name)).accessKey().accessKeyId();
  }

  private static Ec2Client ec2(AwsEmulator aws) {
    return aws.client(Ec2Client.class, Ec2Client::builder);
  }

  private static String vpcWithSubnet(AwsEmulator aws) {
    Ec2Client ec2 = ec2(aws);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.60.0.0/16")).vpc().vpcId();
    ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.60.1.0/24"));
    return vpc;
  }

  private static String topic(AwsEmulator aws) {
    return aws.client(SnsClient.class, SnsClient::builder).createTopic(r -> r.name("alarms"))
        .topicArn();
  }
}
