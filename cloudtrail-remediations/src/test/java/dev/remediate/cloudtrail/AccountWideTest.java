package dev.remediate.cloudtrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Remediator;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import dev.remediate.core.policy.PolicyDocuments;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.DeclaredSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamStatement;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Account-wide audit resources in a scan of several Regions: the multi-Region trail and the CIS
 * alarms on its log group are planned once, in {@code trail.homeRegion}; the alarms' topic given by
 * name is each Region's own; and the log buckets refuse requests without TLS.
 */
@ExtendWith(AwsEmulatorExtension.class)
class AccountWideTest {
  private static final String ACCOUNT = AwsEmulator.ACCOUNT;
  /** Settings as the command-line tool gives them; the topic by name. */
  private static final Map<String, String> SETTINGS = Map.of("trail.s3Bucket", "audit-trail-logs",
      "trail.name", "org-trail", "trail.cloudWatchLogs", "true",
      "config.s3Bucket", "audit-config-logs", "alarms.snsTopic", "cis-alarms");
  private static final List<String> IDS = List.of(EnsureTrail.ID, EnableConfigRecorder.ID,
      CisAlarms.ID);

  private static List<Remediation> remediations(Map<String, String> settings) {
    RemediationCatalog catalog = RemediationCatalog.load();
    return IDS.stream().map(id -> catalog.require(id).forRegion(settings).orElseThrow()).toList();
  }

  private static Plan planOf(PlanSet set, String id) {
    return set.plans().stream().filter(p -> p.remediation().id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no plan of " + id + " in " + set.plans()));
  }

  @Test
  void scanOfTwoRegions_trailAndAlarmsPlannedOnceInTheHomeRegion_oneApplyEachIsCompliant(
      AwsEmulator aws) {
    List<Remediation> scan = remediations(SETTINGS);
    Remediator us = Remediator.builder().scope(aws.scope()).build();
    Remediator eu = Remediator.builder().scope(aws.scope().inRegion(Region.EU_WEST_1)).build();

    PlanSet home = us.planSet(scan);
    aws.recorder().reset();
    PlanSet other = eu.planSet(scan);

    assertFalse(planOf(home, EnsureTrail.ID).isEmpty(), home.toText());
    assertFalse(planOf(home, CisAlarms.ID).isEmpty(), home.toText());
    Step topic = planOf(home, CisAlarms.ID).steps().stream()
        .filter(s -> s.kind().equals(CisAlarms.CREATE_TOPIC)).findFirst().orElseThrow();
    assertEquals("arn:aws:sns:us-east-1:" + ACCOUNT + ":cis-alarms", topic.resource(),
        "a topic name is the topic of that name in the Region planned in");
    Plan trailElsewhere = planOf(other, EnsureTrail.ID);
    assertTrue(trailElsewhere.isEmpty(), trailElsewhere.toText());
    assertEquals(List.of("org-trail"), trailElsewhere.skipped().stream().map(Skip::resource)
        .toList());
    String reason = trailElsewhere.skipped().get(0).reason();
    assertTrue(reason.startsWith("covered by the multi-Region trail org-trail planned in "
        + "us-east-1 (trail.homeRegion)"), reason);
    assertTrue(reason.contains("set trail.homeRegion=eu-west-1"), reason);
    Plan alarmsElsewhere = planOf(other, CisAlarms.ID);
    assertTrue(alarmsElsewhere.isEmpty() && alarmsElsewhere.skipped().get(0).reason()
        .startsWith("covered by the CIS alarms"), alarmsElsewhere.toText());
    assertFalse(planOf(other, EnableConfigRecorder.ID).isEmpty(), "Config records per Region");
    assertEquals(0, aws.recorder().count("DescribeTrails") + aws.recorder().count("DescribeLogGroups")
        + aws.recorder().count("DescribeAlarms"), "nothing of the trail or alarms read elsewhere: "
        + aws.recorder().operations());

    PlanSetResult appliedHome = us.apply(home);
    assertFalse(appliedHome.hasProblems(), appliedHome.toText());
    aws.recorder().reset();
    PlanSetResult appliedOther = eu.apply(eu.planSet(scan));
    assertFalse(appliedOther.hasProblems(), appliedOther.toText());
    assertEquals(0, aws.recorder().count("CreateTrail") + aws.recorder().count("CreateBucket"),
        "the other Region creates no trail and no second bucket: " + aws.recorder().operations());

    assertTrue(us.planSet(scan).plans().stream().allMatch(Plan::isEmpty), "home compliant");
    assertTrue(eu.planSet(scan).plans().stream().allMatch(Plan::isEmpty), "other compliant");
  }

  @Test
  void homeRegionSetting_movesTheTrailAndTheAlarms_andIsCheckedStrictly() {
    Map<String, String> settings = new HashMap<>(SETTINGS);
    settings.put("trail.homeRegion", "eu-west-1");
    List<Remediation> scan = remediations(settings);
    assertEquals("eu-west-1", scan.get(0).spec().parameters().get("homeRegion"));
    assertEquals("eu-west-1", scan.get(2).spec().parameters().get("homeRegion"));
    assertEquals(scan.get(0), RemediationCatalog.load().fromSpec(scan.get(0).spec()));
    assertEquals(scan.get(2), RemediationCatalog.load().fromSpec(scan.get(2).spec()));

    settings.put("trail.homeRegion", "europe");
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> new EnsureTrail.Type().forRegion(settings));
    assertTrue(e.getMessage().startsWith("setting trail.homeRegion: ")
        && e.getMessage().contains("europe"), e.getMessage());
  }

  @Test
  void alarmsTopicArnOfAnotherRegion_isRefusedNamingTheSettingAndTheWayOut() {
    Map<String, String> settings = new HashMap<>(SETTINGS);
    settings.put("alarms.snsTopic", "arn:aws:sns:eu-west-1:" + ACCOUNT + ":cis-alarms");
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> new CisAlarms.Type().forRegion(settings));
    assertTrue(e.getMessage().startsWith("setting alarms.snsTopic: "), e.getMessage());
    assertTrue(e.getMessage().contains("can only notify a topic of their own Region")
        && e.getMessage().contains("set alarms.snsTopic=cis-alarms"), e.getMessage());
    settings.put("trail.homeRegion", "eu-west-1");
    assertTrue(new CisAlarms.Type().forRegion(settings).isPresent(),
        "an ARN of the home Region is accepted");
  }

  @Test
  void logBucket_existingWithoutTlsStatement_oneOwnStepAddsIt_othersKept(AwsEmulator aws) {
    Remediator remediator = Remediator.builder().scope(aws.scope()).build();
    EnableConfigRecorder config = EnableConfigRecorder.toBucket("audit-config-logs").build();
    assertTrue(remediator.apply(remediator.plan(config)).status().name().equals("APPLIED"));
    S3Client s3 = aws.client(S3Client.class, S3Client::builder);
    String policy = s3.getBucketPolicy(r -> r.bucket("audit-config-logs")).policy();
    IamStatement deny = statement(policy, PolicyDocuments.DENY_INSECURE_TRANSPORT_SID);
    assertTrue(PolicyDocuments.equivalent(PolicyDocuments.denyInsecureTransport(
        "audit-config-logs"), deny), policy);
    // Someone rewrites the policy without it (Config's statements and one of their own kept).
    List<IamStatement> without = new java.util.ArrayList<>(IamPolicy.fromJson(policy).statements());
    without.removeIf(s -> PolicyDocuments.DENY_INSECURE_TRANSPORT_SID.equals(s.sid()));
    without.add(IamStatement.builder().sid("Theirs").effect("Allow")
        .addPrincipal("AWS", "arn:aws:iam::" + ACCOUNT + ":root").addAction("s3:GetObject")
        .addResource("arn:aws:s3:::audit-config-logs/*").build());
    s3.putBucketPolicy(r -> r.bucket("audit-config-logs").policy(PolicyDocuments.write(without)));

    Plan plan = remediator.plan(config);

    assertEquals(1, plan.steps().size(), plan.toText());
    Step step = plan.steps().get(0);
    assertEquals("PutBucketPolicy", step.kind());
    assertTrue(step.after().orElseThrow().contains("aws:SecureTransport")
        && !step.after().orElseThrow().contains("config.amazonaws.com"),
        "the step's after is the TLS statement alone: " + step.after());
    remediator.apply(plan);
    String now = s3.getBucketPolicy(r -> r.bucket("audit-config-logs")).policy();
    statement(now, "Theirs");
    statement(now, "RemediateConfigWrite");
    statement(now, PolicyDocuments.DENY_INSECURE_TRANSPORT_SID);
    assertTrue(remediator.plan(config).isEmpty());
  }

  private static IamStatement statement(String policy, String sid) {
    return IamPolicy.fromJson(policy).statements().stream().filter(s -> sid.equals(s.sid()))
        .findFirst().orElseThrow(() -> new AssertionError("no statement " + sid + ": " + policy));
  }

  @Test
  void missingLogGroup_messageNamesTheSettingAndTheJavaCall(AwsEmulator aws) {
    RemediationException e = assertThrows(RemediationException.class, () -> Remediator
        .builder().scope(aws.scope()).build().plan(CisAlarms.forLogGroup("ct-group")
            .snsTopic("cis-alarms").build()));
    assertTrue(e.getMessage().contains("set trail.cloudWatchLogs=ct-group (Java: "), e.getMessage());
  }

  @Test
  void everyType_readsExactlyTheSettingsItDeclares() {
    Map<String, String> all = new HashMap<>(SETTINGS);
    all.put("trail.kmsKey", "create");
    all.put("trail.homeRegion", "us-east-1");
    all.put("config.globalRegion", "us-east-1");
    for (String id : IDS) {
      DeclaredSettings.assertReadsExactlyDeclared(RemediationCatalog.load().require(id),
          List.of(all));
    }
  }
}
