package dev.remediate.cloudtrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Step;
import dev.remediate.core.plan.Target;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudtrail.model.Trail;

/** {@link TrailDecision} with hand-made observations: no emulator, no AWS call. */
class TrailDecisionTest {
  private static final String ACCOUNT = "111122223333";
  private static final String REGION = "eu-west-1";
  private static final String TRAIL_ARN = "arn:aws:cloudtrail:" + REGION + ":" + ACCOUNT
      + ":trail/audit";
  private static final LogBucket.State NO_BUCKET =
      new LogBucket.State("audit-logs", false, null, false, false);

  private static Plan decide(EnsureTrail wanted, TrailObservation o) {
    return TrailDecision.decide(wanted, o, Plan.builder().remediation(wanted.spec())
        .target(Target.of("AWS::CloudTrail::Trail", wanted.trailName(), REGION, ACCOUNT))
        .observedAt(Instant.EPOCH));
  }

  private static List<String> kinds(Plan plan) {
    return plan.steps().stream().map(Step::kind).toList();
  }

  private static Step step(Plan plan, String kind) {
    return plan.steps().stream().filter(s -> s.kind().equals(kind)).findFirst().orElseThrow();
  }

  @Test
  void decide_nothingThere_createsBucketKeyLogGroupRoleTrailInOrderAndProvidesThem() {
    EnsureTrail wanted = EnsureTrail.toBucket("audit-logs").trailName("audit").createKmsKey()
        .cloudWatchLogs().build();
    TrailObservation o = new TrailObservation(REGION, ACCOUNT, null, null, null, NO_BUCKET, null,
        new TrailKey.Observed(TrailKey.Mode.ALIAS_MISSING, null, null, false, null),
        new TrailLogs.Observed(false, false, null));

    Plan plan = decide(wanted, o);

    assertEquals(List.of("CreateBucket", "PutPublicAccessBlock", "PutBucketEncryption",
        "PutBucketPolicy", "CreateKey", "CreateLogGroup", "CreateRole", "PutRolePolicy",
        "CreateTrail", "StartLogging"), kinds(plan));
    String groupArn = "arn:aws:logs:" + REGION + ":" + ACCOUNT
        + ":log-group:aws-cloudtrail-logs-audit";
    assertEquals(List.of(groupArn, TRAIL_ARN), plan.provides());
    Map<String, String> create = step(plan, "CreateTrail").parameters();
    assertEquals("alias/remediate-cloudtrail-audit", create.get("kmsKey"));
    assertEquals(groupArn + ":*", create.get("logGroupArn"));
    assertEquals("arn:aws:iam::" + ACCOUNT + ":role/remediate-cloudtrail-logs-audit",
        create.get("logsRoleArn"));
    assertEquals("true", create.get("validation"));
    assertTrue(plan.iamActions().contains("iam:PassRole"), plan.iamActions().toString());
    assertTrue(plan.iamActions().contains("kms:CreateKey"), plan.iamActions().toString());
  }

  @Test
  void decide_otherTrailCompliant_emptyPlanProvidingNothing() {
    EnsureTrail wanted = EnsureTrail.toBucket("audit-logs").build();

    Plan plan = decide(wanted, TrailObservation.compliant(REGION, ACCOUNT, "arn:other"));

    assertTrue(plan.isEmpty(), plan.toText());
    assertTrue(plan.provides().isEmpty());
  }

  @Test
  void decide_managedTrailStoppedWithReadOnlySelector_updatesNothingElse() {
    EnsureTrail wanted = EnsureTrail.toBucket("audit-logs").trailName("audit").build();
    Trail managed = Trail.builder().name("audit").trailARN(TRAIL_ARN).homeRegion(REGION)
        .s3BucketName("audit-logs").isMultiRegionTrail(true).includeGlobalServiceEvents(true)
        .logFileValidationEnabled(true).build();
    LogBucket.State bucket = new LogBucket.State("audit-logs", true,
        dev.remediate.core.policy.PolicyDocuments.write(withTlsOnly("audit-logs",
            TrailDecision.bucketStatements(wanted, TRAIL_ARN, ACCOUNT))), true, true);
    TrailObservation o = new TrailObservation(REGION, ACCOUNT, null, managed,
        new TrailObservation.Status(false, false, false, 1), bucket, null, TrailKey.Observed.NONE,
        null);

    Plan plan = decide(wanted, o);

    assertEquals(List.of("PutEventSelectors", "StartLogging"), kinds(plan));
    assertEquals("false", step(plan, "PutEventSelectors").parameter("advanced"));
    assertTrue(plan.provides().isEmpty(), "the trail exists: nothing promised");
  }

  @Test
  void decide_managedTrailWithoutValidation_updateShowsBeforeAndAfter() {
    EnsureTrail wanted = EnsureTrail.toBucket("audit-logs").trailName("audit").build();
    Trail managed = Trail.builder().name("audit").trailARN(TRAIL_ARN).homeRegion(REGION)
        .s3BucketName("audit-logs").isMultiRegionTrail(true).includeGlobalServiceEvents(true)
        .logFileValidationEnabled(false).build();
    TrailObservation o = new TrailObservation(REGION, ACCOUNT, null, managed,
        new TrailObservation.Status(true, true, false, 1), NO_BUCKET, null,
        TrailKey.Observed.NONE, null);

    Step update = step(decide(wanted, o), "UpdateTrail");

    assertTrue(update.summary().contains("log-file validation"), update.summary());
    assertTrue(update.before().orElseThrow().contains("validation=false"), update.toString());
  }

  @Test
  void decide_fiveClassicSelectorsNoneForManagement_failsNamingTrail() {
    EnsureTrail wanted = EnsureTrail.toBucket("audit-logs").trailName("audit").build();
    Trail managed = Trail.builder().name("audit").trailARN(TRAIL_ARN).homeRegion(REGION)
        .s3BucketName("audit-logs").isMultiRegionTrail(true).includeGlobalServiceEvents(true)
        .logFileValidationEnabled(true).build();
    TrailObservation o = new TrailObservation(REGION, ACCOUNT, null, managed,
        new TrailObservation.Status(true, false, false, 5), NO_BUCKET, null,
        TrailKey.Observed.NONE, null);

    RemediationException e = assertThrows(RemediationException.class, () -> decide(wanted, o));
    assertTrue(e.getMessage().contains("'audit'"), e.getMessage());
  }

  @Test
  void decide_givenKeyOfOtherAccount_warnsAndUsesIt() {
    String key = "arn:aws:kms:" + REGION + ":444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    EnsureTrail wanted = EnsureTrail.toBucket("audit-logs").kmsKey(key).build();
    TrailObservation o = new TrailObservation(REGION, ACCOUNT, null, null, null, NO_BUCKET, null,
        new TrailKey.Observed(TrailKey.Mode.FOREIGN, key, null, false, null), null);

    Plan plan = decide(wanted, o);

    assertEquals(key, step(plan, "CreateTrail").parameter("kmsKey"));
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("another account")),
        plan.warnings().toString());
  }

  @Test
  void requireBucketInRegion_otherRegion_failsNamingBoth() {
    RemediationException e = assertThrows(RemediationException.class,
        () -> TrailDecision.requireBucketInRegion("b-1", "us-west-2", REGION));
    assertTrue(e.getMessage().contains("us-west-2") && e.getMessage().contains(REGION));
  }

  @Test
  void fromSpec_validationTypo_refusedNamingParameterAndValue() {
    EnsureTrail trail = EnsureTrail.toBucket("audit-logs").build();
    Map<String, String> params = new java.util.TreeMap<>(trail.spec().parameters());
    params.put("validation", "ture");

    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> new EnsureTrail.Type().fromSpec(RemediationSpec.of(EnsureTrail.ID, params)));
    assertTrue(e.getMessage().contains("'validation'") && e.getMessage().contains("'ture'"),
        e.getMessage());
    params.put("validation", "false");
    assertEquals(EnsureTrail.toBucket("audit-logs").logFileValidation(false).build(),
        new EnsureTrail.Type().fromSpec(RemediationSpec.of(EnsureTrail.ID, params)));
  }

  @Test
  void forRegion_cloudWatchLogsSetting_trueIsTheDefaultGroupStringIsTheGroupTypoRefused() {
    EnsureTrail.Type type = new EnsureTrail.Type();
    Map<String, String> base = Map.of("trail.s3Bucket", "audit-logs", "trail.name", "audit");

    assertEquals("aws-cloudtrail-logs-audit", trailOf(type, base, "true").logGroup());
    assertEquals("aws-cloudtrail-logs-audit", trailOf(type, base, "True").logGroup());
    assertEquals("CloudTrail/audit", trailOf(type, base, "CloudTrail/audit").logGroup());
    assertEquals(null, trailOf(type, base, "false").logGroup());
    assertEquals(null, trailOf(type, base, "").logGroup());
    assertEquals("aws-cloudtrail-logs-remediate-trail", ((EnsureTrail) type.forRegion(Map.of(
        "trail.s3Bucket", "audit-logs", "trail.cloudWatchLogs", "true")).orElseThrow()).logGroup());
    for (String typo : List.of("ture", "flase", "treu", "yes", "fals")) {
      InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
          () -> trailOf(type, base, typo), typo);
      assertTrue(e.getMessage().contains("'trail.cloudWatchLogs'")
          && e.getMessage().contains("'" + typo + "'"), e.getMessage());
    }
  }

  @Test
  void cloudWatchLogs_noName_defaultGroupOfTheTrailsName() {
    assertEquals("aws-cloudtrail-logs-remediate-trail",
        EnsureTrail.toBucket("audit-logs").cloudWatchLogs().build().logGroup());
    assertEquals(EnsureTrail.toBucket("audit-logs").trailName("x-1")
            .cloudWatchLogs("aws-cloudtrail-logs-x-1").build(),
        EnsureTrail.toBucket("audit-logs").cloudWatchLogs().trailName("x-1").build());
  }

  private static EnsureTrail trailOf(EnsureTrail.Type type, Map<String, String> base,
      String cloudWatchLogs) {
    Map<String, String> settings = new java.util.HashMap<>(base);
    settings.put("trail.cloudWatchLogs", cloudWatchLogs);
    return (EnsureTrail) type.forRegion(settings).orElseThrow();
  }

  /** The statements with the bucket's DenyInsecureTransport statement, as a compliant bucket has. */
  static List<software.amazon.awssdk.policybuilder.iam.IamStatement> withTlsOnly(String bucket,
      List<software.amazon.awssdk.policybuilder.iam.IamStatement> statements) {
    List<software.amazon.awssdk.policybuilder.iam.IamStatement> all =
        new java.util.ArrayList<>(statements);
    all.add(dev.remediate.core.policy.PolicyDocuments.denyInsecureTransport(bucket));
    return all;
  }
}
