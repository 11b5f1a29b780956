package dev.remediate.cloudtrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;

import dev.remediate.core.ApplyFailedException;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Remediator;
import dev.remediate.core.StalePlanException;
import dev.remediate.core.StepOutcome;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Step;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.GetTrailRequest;
import software.amazon.awssdk.services.cloudtrail.model.GetTrailResponse;
import software.amazon.awssdk.services.cloudtrail.model.GetTrailStatusRequest;
import software.amazon.awssdk.services.cloudtrail.model.GetTrailStatusResponse;
import software.amazon.awssdk.services.cloudtrail.model.ReadWriteType;
import software.amazon.awssdk.services.cloudtrail.model.Trail;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;

@ExtendWith(AwsEmulatorExtension.class)
class EnsureTrailTest {
  private static final String ACCOUNT = AwsEmulator.ACCOUNT;
  private static final String BUCKET = "audit-logs-bucket";
  private static final String TRAIL_ARN =
      "arn:aws:cloudtrail:us-east-1:" + ACCOUNT + ":trail/" + EnsureTrail.DEFAULT_TRAIL_NAME;

  private static Remediator remediator(AwsScope scope) {
    return Remediator.builder().scope(scope).build();
  }

  private static List<String> kinds(Plan plan) {
    return plan.steps().stream().map(Step::kind).toList();
  }

  @Test
  void plan_noTrailNoBucket_createsBucketAndPolicyBeforeTrailThenStartsLogging(AwsEmulator aws) {
    EnsureTrail trail = EnsureTrail.toBucket(BUCKET).build();
    Remediator remediator = remediator(aws.scope());

    Plan plan = remediator.plan(trail);

    assertEquals(List.of("CreateBucket", "PutPublicAccessBlock", "PutBucketEncryption",
        "PutBucketPolicy", "CreateTrail", "StartLogging"), kinds(plan));
    assertTrue(plan.iamActions().contains("cloudtrail:CreateTrail"), plan.iamActions().toString());
    assertTrue(plan.controls().contains("FSBP CloudTrail.1"));
    assertEquals(1, aws.recorder().count("DescribeTrails"));
    assertEquals(1, aws.recorder().count("GetBucketPolicy"));
    assertEquals(0, aws.recorder().count("GetTrailStatus"), "no trail to check");

    aws.recorder().reset();
    ApplyResult result = remediator.apply(plan);

    assertEquals(ApplyResult.Status.APPLIED, result.status());
    List<String> ops = aws.recorder().operations();
    assertTrue(ops.indexOf("PutBucketPolicy") < ops.indexOf("CreateTrail"), ops.toString());
    assertTrue(ops.indexOf("CreateTrail") < ops.indexOf("StartLogging"), ops.toString());
    assertEquals(1, aws.recorder().count("CreateTrail"));
    assertEquals(1, aws.recorder().count("GetTrail"), "CreateTrail is checked with GetTrail");
    CloudTrailClient ct = aws.client(CloudTrailClient.class, CloudTrailClient::builder);
    Trail created = ct.getTrail(r -> r.name(EnsureTrail.DEFAULT_TRAIL_NAME)).trail();
    assertTrue(created.isMultiRegionTrail());
    assertTrue(created.includeGlobalServiceEvents());
    assertTrue(created.logFileValidationEnabled());
    assertEquals(BUCKET, created.s3BucketName());
    assertTrue(ct.getTrailStatus(r -> r.name(EnsureTrail.DEFAULT_TRAIL_NAME)).isLogging());

    S3Client s3 = aws.client(S3Client.class, S3Client::builder);
    PolicyAssert policy = PolicyAssert.of(s3.getBucketPolicy(r -> r.bucket(BUCKET)).policy());
    policy.statement("RemediateCloudTrailAclCheckremediatetrail").allows()
        .principal("Service", "cloudtrail.amazonaws.com").actions("s3:GetBucketAcl")
        .resources("arn:aws:s3:::" + BUCKET)
        .conditions("StringEquals aws:SourceArn=" + TRAIL_ARN);
    policy.statement("RemediateCloudTrailWriteremediatetrail").allows()
        .principal("Service", "cloudtrail.amazonaws.com").actions("s3:PutObject")
        .resources("arn:aws:s3:::" + BUCKET + "/AWSLogs/" + ACCOUNT + "/*")
        .conditions("StringEquals aws:SourceArn=" + TRAIL_ARN,
            "StringEquals s3:x-amz-acl=bucket-owner-full-control");
    var pab = s3.getPublicAccessBlock(r -> r.bucket(BUCKET)).publicAccessBlockConfiguration();
    assertTrue(pab.blockPublicAcls() && pab.ignorePublicAcls() && pab.blockPublicPolicy()
        && pab.restrictPublicBuckets());
    assertEquals("AES256", s3.getBucketEncryption(r -> r.bucket(BUCKET))
        .serverSideEncryptionConfiguration().rules().get(0).applyServerSideEncryptionByDefault()
        .sseAlgorithmAsString());

    aws.recorder().reset();
    Plan again = remediator.plan(trail);
    assertTrue(again.isEmpty(), again.toText());
    // Verification budget: one DescribeTrails, status and selectors of our trail, three bucket reads.
    assertEquals(Map.of("CloudTrail.DescribeTrails", 1, "CloudTrail.GetEventSelectors", 1,
        "CloudTrail.GetTrailStatus", 1, "S3.GetBucketEncryption", 1, "S3.GetBucketPolicy", 1,
        "S3.GetPublicAccessBlock", 1), aws.recorder().counts());
  }

  @Test
  void plan_otherTrailAlreadyCompliant_emptyPlanWithoutTouchingBuckets(AwsEmulator aws) {
    S3Client s3 = aws.client(S3Client.class, S3Client::builder);
    s3.createBucket(r -> r.bucket("their-bucket"));
    CloudTrailClient ct = aws.client(CloudTrailClient.class, CloudTrailClient::builder);
    ct.createTrail(r -> r.name("their-trail").s3BucketName("their-bucket").isMultiRegionTrail(true)
        .includeGlobalServiceEvents(true).enableLogFileValidation(true));
    ct.startLogging(r -> r.name("their-trail"));
    aws.recorder().reset();

    Plan plan = remediator(aws.scope()).plan(EnsureTrail.toBucket(BUCKET).build());

    assertTrue(plan.isEmpty(), plan.toText());
    assertEquals(Map.of("CloudTrail.DescribeTrails", 1, "CloudTrail.GetTrailStatus", 1,
        "CloudTrail.GetEventSelectors", 1), aws.recorder().counts());
  }

  @Test
  void plan_otherTrailNotLoggingOrSingleRegion_createsOurs(AwsEmulator aws) {
    S3Client s3 = aws.client(S3Client.class, S3Client::builder);
    s3.createBucket(r -> r.bucket("their-bucket"));
    CloudTrailClient ct = aws.client(CloudTrailClient.class, CloudTrailClient::builder);
    ct.createTrail(r -> r.name("stopped").s3BucketName("their-bucket").isMultiRegionTrail(true)
        .includeGlobalServiceEvents(true).enableLogFileValidation(true));
    ct.createTrail(r -> r.name("regional").s3BucketName("their-bucket")
        .enableLogFileValidation(true));
    ct.startLogging(r -> r.name("regional"));
    aws.recorder().reset();

    Plan plan = remediator(aws.scope()).plan(EnsureTrail.toBucket(BUCKET).build());

    assertTrue(kinds(plan).contains("CreateTrail"), plan.toText());
    assertEquals(1, aws.recorder().count("GetTrailStatus"), "only the multi-Region candidate");
  }

  @Test
  void plan_namedTrail_otherCompliantTrailDoesNotCount(AwsEmulator aws) {
    S3Client s3 = aws.client(S3Client.class, S3Client::builder);
    s3.createBucket(r -> r.bucket("their-bucket"));
    CloudTrailClient ct = aws.client(CloudTrailClient.class, CloudTrailClient::builder);
    ct.createTrail(r -> r.name("their-trail").s3BucketName("their-bucket").isMultiRegionTrail(true)
        .includeGlobalServiceEvents(true).enableLogFileValidation(true));
    ct.startLogging(r -> r.name("their-trail"));

    Plan plan = remediator(aws.scope()).plan(EnsureTrail.toBucket(BUCKET).trailName("mine").build());

    assertTrue(kinds(plan).contains("CreateTrail"), plan.toText());
    assertEquals("mine", plan.target().id());
  }

  @Test
  void apply_existingBucketPolicy_otherStatementsSurviveTheMerge(AwsEmulator aws) {
    S3Client s3 = aws.client(S3Client.class, S3Client::builder);
    s3.createBucket(r -> r.bucket(BUCKET));
    String existing = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyInsecure\","
        + "\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":"
        + "[\"arn:aws:s3:::" + BUCKET + "\",\"arn:aws:s3:::" + BUCKET + "/*\"],\"Condition\":"
        + "{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}";
    s3.putBucketPolicy(r -> r.bucket(BUCKET).policy(existing));
    Remediator remediator = remediator(aws.scope());

    Plan plan = remediator.plan(EnsureTrail.toBucket(BUCKET).keyPrefix("ct").build());
    assertEquals(List.of("PutPublicAccessBlock", "PutBucketEncryption", "PutBucketPolicy",
        "CreateTrail", "StartLogging"), kinds(plan), "the owner's DenyInsecure statement already "
        + "denies plain HTTP: no DenyInsecureTransport added");
    remediator.apply(plan);

    PolicyAssert policy = PolicyAssert.of(s3.getBucketPolicy(r -> r.bucket(BUCKET)).policy());
    assertEquals(3, policy.policy().statements().size(), policy.sids().toString());
    policy.statement("DenyInsecure").conditions("Bool aws:SecureTransport=false");
    policy.statement("RemediateCloudTrailWriteremediatetrail")
        .resources("arn:aws:s3:::" + BUCKET + "/ct/AWSLogs/" + ACCOUNT + "/*");
    assertEquals("ct", aws.client(CloudTrailClient.class, CloudTrailClient::builder)
        .getTrail(r -> r.name(EnsureTrail.DEFAULT_TRAIL_NAME)).trail().s3KeyPrefix());
  }

  @Test
  void apply_trailStoppedAndSelectorsReadOnly_startsLoggingAndAddsSelector(AwsEmulator aws) {
    Remediator remediator = remediator(aws.scope());
    EnsureTrail trail = EnsureTrail.toBucket(BUCKET).build();
    remediator.apply(remediator.plan(trail));
    CloudTrailClient ct = aws.client(CloudTrailClient.class, CloudTrailClient::builder);
    String name = EnsureTrail.DEFAULT_TRAIL_NAME;
    ct.stopLogging(r -> r.name(name));
    ct.putEventSelectors(r -> r.trailName(name).eventSelectors(e -> e
        .readWriteType(ReadWriteType.READ_ONLY).includeManagementEvents(true)
        .dataResources(d -> d.type("AWS::S3::Object").values("arn:aws:s3:::data/"))));

    Plan plan = remediator.plan(trail);

    assertEquals(List.of("PutEventSelectors", "StartLogging"), kinds(plan));
    remediator.apply(plan);
    var selectors = ct.getEventSelectors(r -> r.trailName(name)).eventSelectors();
    assertEquals(2, selectors.size(), "the data-event selector is kept");
    assertEquals(ReadWriteType.READ_ONLY, selectors.get(0).readWriteType());
    assertEquals(1, selectors.get(0).dataResources().size());
    assertEquals(ReadWriteType.ALL, selectors.get(1).readWriteType());
    assertTrue(ct.getTrailStatus(r -> r.name(name)).isLogging());
  }

  @Test
  void apply_existingNamedTrailWithoutValidation_updatesTrail(AwsEmulator aws) {
    S3Client s3 = aws.client(S3Client.class, S3Client::builder);
    s3.createBucket(r -> r.bucket(BUCKET));
    CloudTrailClient ct = aws.client(CloudTrailClient.class, CloudTrailClient::builder);
    ct.createTrail(r -> r.name("mine").s3BucketName(BUCKET));
    ct.startLogging(r -> r.name("mine"));
    Remediator remediator = remediator(aws.scope());
    EnsureTrail trail = EnsureTrail.toBucket(BUCKET).trailName("mine").build();

    Plan plan = remediator.plan(trail);

    assertTrue(kinds(plan).contains("UpdateTrail"), plan.toText());
    assertFalse(kinds(plan).contains("CreateTrail"));
    assertFalse(kinds(plan).contains("StartLogging"));
    remediator.apply(plan);
    Trail updated = ct.getTrail(r -> r.name("mine")).trail();
    assertTrue(updated.isMultiRegionTrail());
    assertTrue(updated.logFileValidationEnabled());
  }

  @Test
  void apply_createKmsKey_keyPolicyForCloudTrailRotationAndAlias(AwsEmulator aws) {
    Remediator remediator = remediator(aws.scope());
    EnsureTrail trail = EnsureTrail.toBucket(BUCKET).createKmsKey().build();

    Plan plan = remediator.plan(trail);
    assertTrue(kinds(plan).indexOf("CreateKey") < kinds(plan).indexOf("CreateTrail"));
    remediator.apply(plan);

    KmsClient kms = aws.client(KmsClient.class, KmsClient::builder);
    var key = kms.describeKey(r -> r.keyId("alias/remediate-cloudtrail-remediate-trail")).keyMetadata();
    assertTrue(kms.getKeyRotationStatus(r -> r.keyId(key.keyId())).keyRotationEnabled());
    PolicyAssert policy = PolicyAssert.of(
        kms.getKeyPolicy(r -> r.keyId(key.keyId()).policyName("default")).policy());
    policy.statement("EnableAccountAdministration").allows()
        .principal("AWS", "arn:aws:iam::" + ACCOUNT + ":root").actions("kms:*").resources("*");
    policy.statement("RemediateCloudTrailEncryptremediatetrail").allows()
        .principal("Service", "cloudtrail.amazonaws.com").actions("kms:GenerateDataKey*")
        .conditions("StringEquals aws:SourceArn=" + TRAIL_ARN,
            "StringLike kms:EncryptionContext:aws:cloudtrail:arn=arn:aws:cloudtrail:*:" + ACCOUNT
                + ":trail/*");
    policy.statement("RemediateCloudTrailDescribeKeyremediatetrail")
        .principal("Service", "cloudtrail.amazonaws.com").actions("kms:DescribeKey")
        .conditions("StringEquals aws:SourceArn=" + TRAIL_ARN);
    Trail created = aws.client(CloudTrailClient.class, CloudTrailClient::builder)
        .getTrail(r -> r.name(EnsureTrail.DEFAULT_TRAIL_NAME)).trail();
    assertTrue(created.kmsKeyId() != null, "trail encrypted");

    aws.recorder().reset();
    Plan again = remediator.plan(trail);
    assertTrue(again.isEmpty(), again.toText());
    // With a key wanted and the bucket there, its Region is read too (one GetBucketLocation).
    assertEquals(Map.of("CloudTrail.DescribeTrails", 1, "CloudTrail.GetEventSelectors", 1,
        "CloudTrail.GetTrailStatus", 1, "S3.GetBucketEncryption", 1, "S3.GetBucketPolicy", 1,
        "S3.GetPublicAccessBlock", 1, "S3.GetBucketLocation", 1), aws.recorder().counts());
    assertEquals(1, kms.listKeys().keys().size(), "one key, no duplicate");
  }

  @Test
  void plan_keyWantedAndBucketInOtherRegion_failsNamingBothRegions(AwsEmulator aws) {
    S3Client euS3 = aws.scope().inRegion(Region.EU_WEST_1).client(S3Client.class, S3Client::builder);
    euS3.createBucket(r -> r.bucket(BUCKET).createBucketConfiguration(c -> c.locationConstraint("eu-west-1")));
    Remediator remediator = remediator(aws.scope());
    aws.recorder().reset();

    RemediationException e = assertThrows(RemediationException.class,
        () -> remediator.plan(EnsureTrail.toBucket(BUCKET).createKmsKey().build()));

    assertTrue(e.getMessage().contains("eu-west-1") && e.getMessage().contains("us-east-1"),
        e.getMessage());
    assertTrue(e.getMessage().contains("'" + BUCKET + "'"), e.getMessage());
    assertEquals(1, aws.recorder().count("GetBucketLocation"));
    assertEquals(0, aws.recorder().count("CreateKey"), "refused before anything is planned");

    // A given key is refused the same way.
    String keyArn = aws.client(KmsClient.class, KmsClient::builder).createKey(r -> { })
        .keyMetadata().arn();
    RemediationException given = assertThrows(RemediationException.class,
        () -> remediator.plan(EnsureTrail.toBucket(BUCKET).kmsKey(keyArn).build()));
    assertTrue(given.getMessage().contains("eu-west-1") && given.getMessage().contains("us-east-1"),
        given.getMessage());

    // Without a key the bucket's Region does not matter (CloudTrail writes across Regions).
    aws.recorder().reset();
    Plan plain = remediator.plan(EnsureTrail.toBucket(BUCKET).build());
    assertTrue(kinds(plain).contains("CreateTrail"), plain.toText());
    assertEquals(0, aws.recorder().count("GetBucketLocation"));
    assertFalse(plain.iamActions().contains("s3:GetBucketLocation"), plain.iamActions().toString());
  }

  @Test
  void plan_keyWantedAndBucketInSameRegion_locationReadAndListedInIamActions(AwsEmulator aws) {
    AwsScope eu = aws.scope().inRegion(Region.EU_WEST_1);
    eu.client(S3Client.class, S3Client::builder).createBucket(r -> r.bucket(BUCKET)
        .createBucketConfiguration(c -> c.locationConstraint("eu-west-1")));

    Plan plan = remediator(eu).plan(EnsureTrail.toBucket(BUCKET).createKmsKey().build());

    assertTrue(kinds(plan).contains("CreateTrail"), plan.toText());
    assertTrue(plan.iamActions().contains("s3:GetBucketLocation"), plan.iamActions().toString());
    assertEquals(1, aws.recorder().count("GetBucketLocation"));
  }

  @Test
  void apply_givenKey_keyPolicyMergedKeepingOtherStatements(AwsEmulator aws) {
    KmsClient kms = aws.client(KmsClient.class, KmsClient::builder);
    String own = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Admins\",\"Effect\":\"Allow\","
        + "\"Principal\":{\"AWS\":\"arn:aws:iam::" + ACCOUNT + ":root\"},\"Action\":\"kms:*\","
        + "\"Resource\":\"*\"}]}";
    String keyArn = kms.createKey(r -> r.policy(own)).keyMetadata().arn();
    Remediator remediator = remediator(aws.scope());
    EnsureTrail trail = EnsureTrail.toBucket(BUCKET).kmsKey(keyArn).build();

    Plan plan = remediator.plan(trail);
    assertTrue(kinds(plan).contains("PutKeyPolicy"), plan.toText());
    remediator.apply(plan);

    PolicyAssert policy = PolicyAssert.of(
        kms.getKeyPolicy(r -> r.keyId(keyArn).policyName("default")).policy());
    assertEquals(3, policy.policy().statements().size(), policy.sids().toString());
    policy.statement("Admins").principal("AWS", "arn:aws:iam::" + ACCOUNT + ":root");
    assertEquals(keyArn, aws.client(CloudTrailClient.class, CloudTrailClient::builder)
        .getTrail(r -> r.name(EnsureTrail.DEFAULT_TRAIL_NAME)).trail().kmsKeyId());
    aws.recorder().reset();
    Plan again = remediator.plan(trail);
    assertTrue(again.isEmpty(), again.toText());
    assertEquals(Map.of("CloudTrail.DescribeTrails", 1, "CloudTrail.GetEventSelectors", 1,
        "CloudTrail.GetTrailStatus", 1, "Kms.DescribeKey", 1, "Kms.GetKeyPolicy", 1,
        "S3.GetBucketEncryption", 1, "S3.GetBucketPolicy", 1, "S3.GetPublicAccessBlock", 1,
        "S3.GetBucketLocation", 1), aws.recorder().counts());
  }

  @Test
  void plan_givenKeyMissing_failsNamingTheKey(AwsEmulator aws) {
    EnsureTrail trail = EnsureTrail.toBucket(BUCKET)
        .kmsKey("arn:aws:kms:us-east-1:" + ACCOUNT + ":key/11111111-2222-3333-4444-555555555555").build();
    RemediationException e = assertThrows(RemediationException.class,
        () -> remediator(aws.scope()).plan(trail));
    assertTrue(e.getMessage().contains("11111111-2222-3333-4444-555555555555"), e.getMessage());
  }

  @Test
  void apply_cloudWatchLogs_createsGroupAndScopedRoleAndDelivers(AwsEmulator aws) {
    Remediator remediator = remediator(aws.scope());
    EnsureTrail trail = EnsureTrail.toBucket(BUCKET).cloudWatchLogs("CloudTrail/audit").build();

    Plan plan = remediator.plan(trail);
    List<String> kinds = kinds(plan);
    assertTrue(kinds.indexOf("CreateLogGroup") < kinds.indexOf("CreateTrail"), kinds.toString());
    assertTrue(kinds.indexOf("CreateRole") < kinds.indexOf("PutRolePolicy"), kinds.toString());
    assertTrue(plan.iamActions().contains("iam:PassRole"));
    remediator.apply(plan);

    Trail created = aws.client(CloudTrailClient.class, CloudTrailClient::builder)
        .getTrail(r -> r.name(EnsureTrail.DEFAULT_TRAIL_NAME)).trail();
    assertEquals("arn:aws:logs:us-east-1:" + ACCOUNT + ":log-group:CloudTrail/audit:*",
        created.cloudWatchLogsLogGroupArn());
    String roleName = "remediate-cloudtrail-logs-remediate-trail";
    assertEquals("arn:aws:iam::" + ACCOUNT + ":role/" + roleName, created.cloudWatchLogsRoleArn());
    IamClient iam = aws.client(IamClient.class, IamClient::builder);
    String trust = URLDecoder.decode(iam.getRole(r -> r.roleName(roleName)).role()
        .assumeRolePolicyDocument(), StandardCharsets.UTF_8);
    PolicyAssert.of(trust).statement("AllowCloudTrailToAssume").allows()
        .principal("Service", "cloudtrail.amazonaws.com").actions("sts:AssumeRole")
        .conditions("StringEquals aws:SourceAccount=" + ACCOUNT,
            "StringEquals aws:SourceArn=" + TRAIL_ARN);
    String inline = URLDecoder.decode(iam.getRolePolicy(r -> r.roleName(roleName)
        .policyName(EnsureTrail.ROLE_POLICY_NAME)).policyDocument(), StandardCharsets.UTF_8);
    PolicyAssert.of(inline).statement("CloudTrailWriteLogs")
        .actions("logs:CreateLogStream", "logs:PutLogEvents")
        .resources("arn:aws:logs:us-east-1:" + ACCOUNT + ":log-group:CloudTrail/audit:log-stream:*");
    assertTrue(remediator.plan(trail).isEmpty());
  }

  @Test
  void apply_roleNotYetPropagated_createTrailRetriedUntilAccepted(AwsEmulator aws) {
    aws.faults().failNth("CreateTrail", 1, Fault.of("InvalidCloudWatchLogsRoleArnException"));
    Remediator remediator = remediator(aws.scope());
    EnsureTrail trail = EnsureTrail.toBucket(BUCKET).cloudWatchLogs("ct").build();

    ApplyResult result = remediator.apply(remediator.plan(trail));

    assertEquals(ApplyResult.Status.APPLIED, result.status());
    assertEquals(2, aws.recorder().count("CreateTrail"));
  }

  @Test
  void apply_inEuWest1_bucketCreatedWithLocationConstraint(AwsEmulator aws) {
    AwsScope eu = aws.scope().inRegion(Region.EU_WEST_1);
    Remediator remediator = remediator(eu);
    EnsureTrail trail = EnsureTrail.toBucket(BUCKET).build();

    remediator.apply(remediator.plan(trail));

    S3Client s3 = aws.client(S3Client.class, S3Client::builder);
    assertEquals("eu-west-1", s3.getBucketLocation(r -> r.bucket(BUCKET)).locationConstraintAsString());
    Trail created = eu.client(CloudTrailClient.class, CloudTrailClient::builder)
        .getTrail(r -> r.name(EnsureTrail.DEFAULT_TRAIL_NAME)).trail();
    assertEquals("arn:aws:cloudtrail:eu-west-1:" + ACCOUNT + ":trail/remediate-trail", created.trailARN());
    PolicyAssert.of(s3.getBucketPolicy(r -> r.bucket(BUCKET)).policy())
        .statement("RemediateCloudTrailAclCheckremediatetrail")
        .conditions("StringEquals aws:SourceArn=" + created.trailARN());
  }

  @Test
  void plan_compliantShadowTrailFromOtherRegion_emptyPlan(AwsEmulator aws) {
    AwsScope eu = aws.scope().inRegion(Region.EU_WEST_1);
    remediator(eu).apply(remediator(eu).plan(EnsureTrail.toBucket(BUCKET).build()));

    Plan plan = remediator(aws.scope()).plan(EnsureTrail.toBucket(BUCKET).build());

    assertTrue(plan.isEmpty(), plan.toText());
    assertEquals(0, aws.recorder().count("CreateTrail") - 1, "only the eu-west-1 apply created");
  }

  @Test
  void plan_namedTrailHomeRegionElsewhere_failsNamingRegion(AwsEmulator aws) {
    AwsScope eu = aws.scope().inRegion(Region.EU_WEST_1);
    EnsureTrail named = EnsureTrail.toBucket(BUCKET).trailName("mine").logFileValidation(false).build();
    remediator(eu).apply(remediator(eu).plan(named));

    RemediationException e = assertThrows(RemediationException.class,
        () -> remediator(aws.scope()).plan(named));
    assertTrue(e.getMessage().contains("eu-west-1"), e.getMessage());
  }

  @Test
  void apply_bucketNameTakenByAnotherAccount_failsNamingBucket(AwsEmulator aws) {
    aws.faults().failNth("CreateBucket", 1, new Fault("BucketAlreadyExists", 409, "taken"));
    Remediator remediator = remediator(aws.scope());
    Plan plan = remediator.plan(EnsureTrail.toBucket(BUCKET).build());

    ApplyFailedException e = assertThrows(ApplyFailedException.class, () -> remediator.apply(plan));

    assertTrue(e.getMessage().contains("'" + BUCKET + "'"), e.getMessage());
    assertEquals(0, aws.recorder().count("CreateTrail"));
  }

  @Test
  void createBucketStep_bucketAlreadyOwnedByYou_countsAsCreated(AwsEmulator aws) {
    S3Client euS3 = aws.scope().inRegion(Region.EU_WEST_1).client(S3Client.class, S3Client::builder);
    euS3.createBucket(r -> r.bucket(BUCKET).createBucketConfiguration(c -> c.locationConstraint("eu-west-1")));
    Step create = Step.builder().kind(LogBucket.CREATE_BUCKET)
        .action(dev.remediate.core.plan.Action.ADD).resource("arn:aws:s3:::" + BUCKET).summary("s")
        .putParameters("bucket", BUCKET).putParameters("region", "eu-west-1").build();

    assertTrue(LogBucket.execute(create, euS3));

    assertEquals(1, aws.recorder().calls().stream()
        .filter(c -> c.operation().equals("CreateBucket") && !c.succeeded()).count(),
        "the emulator answered BucketAlreadyOwnedByYou, which counts as done");
  }

  @Test
  void apply_policyChangedAfterPlanning_refusesStalePlan(AwsEmulator aws) {
    S3Client s3 = aws.client(S3Client.class, S3Client::builder);
    s3.createBucket(r -> r.bucket(BUCKET));
    Remediator remediator = remediator(aws.scope());
    Plan plan = remediator.plan(EnsureTrail.toBucket(BUCKET).build());
    s3.putBucketPolicy(r -> r.bucket(BUCKET).policy("{\"Version\":\"2012-10-17\",\"Statement\":"
        + "[{\"Sid\":\"New\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:DeleteBucket\","
        + "\"Resource\":\"arn:aws:s3:::" + BUCKET + "\"}]}"));

    assertThrows(StalePlanException.class, () -> remediator.apply(plan));
    assertEquals(0, aws.recorder().count("CreateTrail"));
  }

  @Test
  void apply_planFromJson_rebuiltThroughCatalog(AwsEmulator aws) {
    Remediator remediator = remediator(aws.scope());
    Plan plan = remediator.plan(EnsureTrail.toBucket(BUCKET).createKmsKey().build());

    Plan read = Plan.fromJson(plan.toJson());

    assertEquals(plan, read);
    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(read).status());
  }

  @Test
  void spec_roundTripThroughType_equalRemediation() {
    EnsureTrail trail = EnsureTrail.toBucket(BUCKET).keyPrefix("a/b").trailName("org.trail-1")
        .kmsKey("alias/ct").cloudWatchLogs("CloudTrail/x")
        .cloudWatchLogsRole("arn:aws:iam::" + ACCOUNT + ":role/ct").logFileValidation(false).build();
    var type = RemediationCatalog.load().require(EnsureTrail.ID);

    assertEquals(trail, type.fromSpec(trail.spec()));
    assertEquals(trail.hashCode(), type.fromSpec(trail.spec()).hashCode());
    assertTrue(type.iamActions().contains("cloudtrail:StartLogging"));
  }

  @Test
  void build_badValues_failNamingTheValue() {
    assertTrue(assertThrows(InvalidRemediationException.class,
        () -> EnsureTrail.toBucket("Bad_Bucket").build()).getMessage().contains("'Bad_Bucket'"));
    assertTrue(assertThrows(InvalidRemediationException.class,
        () -> EnsureTrail.toBucket(BUCKET).trailName("a").build()).getMessage().contains("'a'"));
    assertTrue(assertThrows(InvalidRemediationException.class,
        () -> EnsureTrail.toBucket(BUCKET).kmsKey("nokey").build()).getMessage().contains("'nokey'"));
    assertTrue(assertThrows(InvalidRemediationException.class,
        () -> EnsureTrail.toBucket(BUCKET).keyPrefix("/x").build()).getMessage().contains("'/x'"));
    assertTrue(assertThrows(InvalidRemediationException.class,
        () -> EnsureTrail.toBucket(BUCKET).cloudWatchLogsRole("arn:aws:iam::1:role/x").build())
        .getMessage().contains("arn:aws:iam::1:role/x"));
  }

  @Test
  void forRegion_settings_buildsTrailOrNothing() {
    var type = new EnsureTrail.Type();
    assertTrue(type.forRegion(Map.of()).isEmpty());
    assertEquals(EnsureTrail.toBucket(BUCKET).trailName("t-1").createKmsKey()
            .cloudWatchLogs("ct").homeRegion("us-east-1").build(),
        type.forRegion(Map.of("trail.s3Bucket", BUCKET, "trail.name", "t-1",
            "trail.kmsKey", "create", "trail.cloudWatchLogs", "ct")).orElseThrow());
  }

  @Test
  void apply_getTrailShowsSettingsMissingAfterCreate_failsClearlyBeforeLogging(AwsEmulator aws) {
    CloudTrailClient real = aws.client(CloudTrailClient.class, CloudTrailClient::builder);
    CloudTrailClient stub = Stubs.passingTo(CloudTrailClient.class, real);
    // CreateTrail is accepted, but the GetTrail check sees a single-Region trail.
    doReturn(GetTrailResponse.builder().trail(Trail.builder().name(EnsureTrail.DEFAULT_TRAIL_NAME)
            .trailARN(TRAIL_ARN).homeRegion("us-east-1").s3BucketName(BUCKET)
            .isMultiRegionTrail(false).includeGlobalServiceEvents(true)
            .logFileValidationEnabled(true).build()).build())
        .when(stub).getTrail(any(GetTrailRequest.class));
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).client(CloudTrailClient.class, stub)
        .build()) {
      Remediator remediator = remediator(scope);
      Plan plan = remediator.plan(EnsureTrail.toBucket(BUCKET).build());

      ApplyFailedException e = assertThrows(ApplyFailedException.class, () -> remediator.apply(plan));

      assertTrue(e.getMessage().contains("GetTrail shows trail remediate-trail without the planned "
          + "settings after CreateTrail"), e.getMessage());
      assertTrue(e.getMessage().contains("multi=false"), e.getMessage());
      assertEquals(1, aws.recorder().count("CreateTrail"));
      assertEquals(0, aws.recorder().count("StartLogging"), "nothing after the failed check ran");
    }
  }

  @Test
  void apply_getTrailStatusNotLoggingAfterStart_failsClearly(AwsEmulator aws) {
    CloudTrailClient real = aws.client(CloudTrailClient.class, CloudTrailClient::builder);
    CloudTrailClient stub = Stubs.passingTo(CloudTrailClient.class, real);
    // StartLogging is accepted, but GetTrailStatus still says not logging.
    doReturn(GetTrailStatusResponse.builder().isLogging(false).build())
        .when(stub).getTrailStatus(any(GetTrailStatusRequest.class));
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).client(CloudTrailClient.class, stub)
        .build()) {
      Remediator remediator = remediator(scope);
      Plan plan = remediator.plan(EnsureTrail.toBucket(BUCKET).build());

      ApplyFailedException e = assertThrows(ApplyFailedException.class, () -> remediator.apply(plan));

      assertTrue(e.getMessage().contains("GetTrailStatus shows trail remediate-trail not logging "
          + "after StartLogging"), e.getMessage());
      var outcomes = e.result().outcomes();
      assertEquals("StartLogging", outcomes.get(outcomes.size() - 1).step().kind());
      assertEquals(StepOutcome.Status.FAILED, outcomes.get(outcomes.size() - 1).status());
      assertEquals(1, aws.recorder().count("StartLogging"));
    }
  }

  @Test
  void apply_cloudWatchLogsRoleGiven_noRoleCreatedAndTrailUsesIt(AwsEmulator aws) {
    String role = "arn:aws:iam::" + ACCOUNT + ":role/their-cloudtrail-logs";
    Remediator remediator = remediator(aws.scope());
    EnsureTrail trail = EnsureTrail.toBucket(BUCKET).cloudWatchLogs("CloudTrail/given")
        .cloudWatchLogsRole(role).build();

    Plan plan = remediator.plan(trail);

    assertEquals(List.of("CreateBucket", "PutPublicAccessBlock", "PutBucketEncryption",
        "PutBucketPolicy", "CreateLogGroup", "CreateTrail", "StartLogging"), kinds(plan));
    assertEquals(0, aws.recorder().count("GetRole"), "a given role is not looked up");
    assertEquals(0, aws.recorder().count("GetRolePolicy"));
    assertEquals(role, plan.steps().get(5).parameter("logsRoleArn"));
    assertTrue(plan.iamActions().contains("iam:PassRole"));
    assertFalse(plan.iamActions().contains("iam:CreateRole"), plan.iamActions().toString());
    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(plan).status());

    assertEquals(0, aws.recorder().count("CreateRole"));
    assertEquals(0, aws.recorder().count("PutRolePolicy"));
    Trail created = aws.client(CloudTrailClient.class, CloudTrailClient::builder)
        .getTrail(r -> r.name(EnsureTrail.DEFAULT_TRAIL_NAME)).trail();
    assertEquals(role, created.cloudWatchLogsRoleArn());
    assertEquals("arn:aws:logs:us-east-1:" + ACCOUNT + ":log-group:CloudTrail/given:*",
        created.cloudWatchLogsLogGroupArn());
    assertTrue(remediator.plan(trail).isEmpty());

    // Another role asked for: the trail is updated to it, still without creating one.
    String other = "arn:aws:iam::" + ACCOUNT + ":role/other-logs";
    Plan change = remediator.plan(EnsureTrail.toBucket(BUCKET).cloudWatchLogs("CloudTrail/given")
        .cloudWatchLogsRole(other).build());
    assertEquals(List.of("UpdateTrail"), kinds(change), change.toText());
    remediator.apply(change);
    assertEquals(other, aws.client(CloudTrailClient.class, CloudTrailClient::builder)
        .getTrail(r -> r.name(EnsureTrail.DEFAULT_TRAIL_NAME)).trail().cloudWatchLogsRoleArn());
    assertEquals(0, aws.recorder().count("CreateRole"));
  }

  @Test
  void apply_logGroupExists_notCreatedAgain(AwsEmulator aws) {
    CloudWatchLogsClient logs = aws.client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder);
    logs.createLogGroup(r -> r.logGroupName("CloudTrail/existing"));
    // A group whose name only starts the same does not count as the one wanted.
    logs.createLogGroup(r -> r.logGroupName("CloudTrail/existing-not"));
    aws.recorder().reset();
    Remediator remediator = remediator(aws.scope());
    EnsureTrail trail = EnsureTrail.toBucket(BUCKET).cloudWatchLogs("CloudTrail/existing").build();

    Plan plan = remediator.plan(trail);

    assertFalse(kinds(plan).contains("CreateLogGroup"), plan.toText());
    assertTrue(kinds(plan).containsAll(List.of("CreateRole", "PutRolePolicy", "CreateTrail")),
        plan.toText());
    assertEquals(1, aws.recorder().count("DescribeLogGroups"));
    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(plan).status());

    assertEquals(0, aws.recorder().count("CreateLogGroup"));
    assertEquals(2, logs.describeLogGroups(r -> r.logGroupNamePrefix("CloudTrail/")).logGroups().size());
    assertEquals("arn:aws:logs:us-east-1:" + ACCOUNT + ":log-group:CloudTrail/existing:*",
        aws.client(CloudTrailClient.class, CloudTrailClient::builder)
            .getTrail(r -> r.name(EnsureTrail.DEFAULT_TRAIL_NAME)).trail().cloudWatchLogsLogGroupArn());
    assertTrue(remediator.plan(trail).isEmpty());
  }
}
