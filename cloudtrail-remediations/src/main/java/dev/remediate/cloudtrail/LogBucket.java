package dev.remediate.cloudtrail;

import dev.remediate.core.aws.AwsErrors;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.policy.PolicyDocuments;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Step;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamStatement;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The S3 bucket a trail or a Config delivery channel writes to: observed with at most three reads,
 * planned as create (the us-east-1 location rule), block public access, default encryption, the
 * service's statements and a statement denying requests without TLS
 * ({@link PolicyDocuments#denyInsecureTransport}) merged into the bucket policy in one write;
 * shared by {@link EnsureTrail} and {@link EnableConfigRecorder}.
 */
final class LogBucket {
  static final String CREATE_BUCKET = "CreateBucket";
  static final String PUT_PUBLIC_ACCESS_BLOCK = "PutPublicAccessBlock";
  static final String PUT_BUCKET_ENCRYPTION = "PutBucketEncryption";
  static final String PUT_BUCKET_POLICY = "PutBucketPolicy";
  static final Set<String> KINDS =
      Set.of(CREATE_BUCKET, PUT_PUBLIC_ACCESS_BLOCK, PUT_BUCKET_ENCRYPTION, PUT_BUCKET_POLICY);

  static final Set<String> READ_ACTIONS = Set.of("s3:GetBucketPolicy",
      "s3:GetBucketPublicAccessBlock", "s3:GetEncryptionConfiguration");
  static final Set<String> WRITE_ACTIONS = Set.of("s3:CreateBucket", "s3:PutBucketPublicAccessBlock",
      "s3:PutEncryptionConfiguration", "s3:PutBucketPolicy");

  /** What was observed of the bucket. */
  record State(String bucket, boolean exists, @Nullable String policy, boolean publicAccessBlocked,
      boolean encrypted) {
    String canonical() {
      return "bucket=" + bucket + ";exists=" + exists + ";pab=" + publicAccessBlocked + ";enc="
          + encrypted + ";policy=" + (policy == null ? "-" : policy.replaceAll("\\s+", "")) + "\n";
    }
  }

  private LogBucket() {}

  static S3Client s3(RemediationContext context) {
    // The bucket may be in another Region than the scope: let the client follow it there.
    return context.scope().client(S3Client.class, () -> S3Client.builder().crossRegionAccessEnabled(true));
  }

  /**
   * Reads the bucket: its policy (which also tells whether it exists), its public access block and
   * its default encryption.
   *
   * @throws RemediationException when the bucket exists but this account cannot read it (it is
   *     someone else's)
   */
  static State observe(S3Client s3, String bucket) {
    String policy;
    try {
      policy = s3.getBucketPolicy(r -> r.bucket(bucket)).policy();
    } catch (RuntimeException e) {
      if (AwsErrors.is(e, "NoSuchBucket")) {
        return new State(bucket, false, null, false, false);
      } else if (AwsErrors.is(e, "NoSuchBucketPolicy")) {
        policy = null;
      } else if (AwsErrors.is(e, "AccessDenied", "AllAccessDisabled")) {
        throw new RemediationException("S3 bucket '" + bucket + "' exists but this account cannot "
            + "read its policy: it belongs to another account or denies access. Choose a bucket "
            + "this account owns.", e);
      } else {
        throw e;
      }
    }
    boolean blocked;
    try {
      PublicAccessBlockConfiguration c = s3.getPublicAccessBlock(r -> r.bucket(bucket))
          .publicAccessBlockConfiguration();
      blocked = Boolean.TRUE.equals(c.blockPublicAcls()) && Boolean.TRUE.equals(c.ignorePublicAcls())
          && Boolean.TRUE.equals(c.blockPublicPolicy())
          && Boolean.TRUE.equals(c.restrictPublicBuckets());
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "NoSuchPublicAccessBlockConfiguration")) {
        throw e;
      }
      blocked = false;
    }
    boolean encrypted;
    try {
      encrypted = !s3.getBucketEncryption(r -> r.bucket(bucket))
          .serverSideEncryptionConfiguration().rules().isEmpty();
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "ServerSideEncryptionConfigurationNotFoundError")) {
        throw e;
      }
      encrypted = false;
    }
    return new State(bucket, true, policy, blocked, encrypted);
  }

  /**
   * Reads an existing bucket's Region with {@code GetBucketLocation}: an empty constraint means
   * us-east-1, the legacy {@code EU} means eu-west-1.
   *
   * @param s3 the client
   * @param bucket an existing bucket
   * @return the Region name
   */
  static String region(S3Client s3, String bucket) {
    String constraint = s3.getBucketLocation(r -> r.bucket(bucket)).locationConstraintAsString();
    if (constraint == null || constraint.isEmpty()) {
      return "us-east-1";
    }
    return "EU".equals(constraint) ? "eu-west-1" : constraint;
  }

  /**
   * Adds the steps the bucket needs, in order: create, block public access, default encryption,
   * then the merged policy.
   *
   * @param state what was observed
   * @param region where to create the bucket
   * @param wanted the statements the service needs
   * @param plan the plan being built
   * @return true when a step was added
   */
  static boolean plan(State state, String region, List<IamStatement> wanted,
      Plan.Builder plan) {
    String bucket = state.bucket();
    String arn = "arn:aws:s3:::" + bucket;
    boolean added = false;
    if (!state.exists()) {
      plan.addSteps(Step.builder().kind(CREATE_BUCKET).action(Action.ADD).resource(arn)
          .summary("create S3 bucket " + bucket + " in " + region)
          .after(bucket + " (" + region + ")")
          .putParameters("bucket", bucket).putParameters("region", region).build());
      added = true;
    }
    if (!state.publicAccessBlocked()) {
      plan.addSteps(Step.builder().kind(PUT_PUBLIC_ACCESS_BLOCK)
          .action(state.exists() ? Action.CHANGE : Action.ADD).resource(arn)
          .summary("block all public access to bucket " + bucket)
          .after("BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets")
          .putParameters("bucket", bucket).build());
      added = true;
    }
    if (!state.encrypted()) {
      plan.addSteps(Step.builder().kind(PUT_BUCKET_ENCRYPTION).action(Action.ADD).resource(arn)
          .summary("turn on default encryption (SSE-S3) for bucket " + bucket)
          .after("AES256").putParameters("bucket", bucket).build());
      added = true;
    }
    List<IamStatement> add = PolicyDocuments.bucketStatementsToAdd(state.policy(), bucket,
        wanted);
    if (!add.isEmpty()) {
      // Before, after and the parameter hold only the statements this remediation adds: what was
      // reviewed. Other statements of the bucket are merged with at apply (putMerged), so a change
      // to them neither makes the plan stale nor is undone. One write: the service's statements
      // (when missing or different) and DenyInsecureTransport (Security Hub S3.5) when no
      // statement of the bucket denies requests without TLS yet.
      List<String> sids = add.stream().map(IamStatement::sid).toList();
      String ours = PolicyDocuments.write(add);
      plan.addSteps(Step.builder().kind(PUT_BUCKET_POLICY)
          .action(state.policy() == null ? Action.ADD : Action.CHANGE).resource(arn)
          .summary("merge statements " + Policies.describe(add) + " into the policy of bucket "
              + bucket + " (other statements kept)")
          .before(PolicyDocuments.describe(state.policy(), sids)).after(ours)
          .putParameters("bucket", bucket).putParameters("policy", ours).build());
      added = true;
    }
    return added;
  }

  /**
   * Carries out one of the bucket steps.
   *
   * @return false when the step is not a bucket step
   */
  static boolean execute(Step step, S3Client s3) {
    String bucket = step.parameters().getOrDefault("bucket", "");
    switch (step.kind()) {
      case CREATE_BUCKET -> create(s3, bucket, step.parameter("region"));
      case PUT_PUBLIC_ACCESS_BLOCK -> s3.putPublicAccessBlock(r -> r.bucket(bucket)
          .publicAccessBlockConfiguration(c -> c.blockPublicAcls(true).ignorePublicAcls(true)
              .blockPublicPolicy(true).restrictPublicBuckets(true)));
      case PUT_BUCKET_ENCRYPTION -> s3.putBucketEncryption(r -> r.bucket(bucket)
          .serverSideEncryptionConfiguration(c -> c.rules(ServerSideEncryptionRule.builder()
              .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256))
              .build())));
      case PUT_BUCKET_POLICY -> putMerged(s3, bucket, step.parameter("policy"));
      default -> {
        return false;
      }
    }
    return true;
  }

  /**
   * Merges the planned statements into the policy the bucket has now, by statement id, and writes
   * it only when that changes it: another plan of the same apply (the trail's and Config's may
   * share a bucket) may have written its own statements since this plan was made, and
   * {@code PutBucketPolicy} replaces the whole document. Statements without an id are left as the
   * bucket has them.
   */
  private static void putMerged(S3Client s3, String bucket, String planned) {
    String current;
    try {
      current = s3.getBucketPolicy(r -> r.bucket(bucket)).policy();
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "NoSuchBucketPolicy")) {
        throw e;
      }
      current = null;
    }
    List<IamStatement> wanted = IamPolicy.fromJson(PolicyDocuments.decode(planned)).statements()
        .stream().filter(st -> st.sid() != null).toList();
    PolicyDocuments.merge(current, wanted).ifPresent(merged ->
        s3.putBucketPolicy(r -> r.bucket(bucket).policy(merged)));
  }

  private static void create(S3Client s3, String bucket, String region) {
    try {
      if ("us-east-1".equals(region)) {
        // us-east-1 is the one Region where a location constraint must not be sent.
        s3.createBucket(r -> r.bucket(bucket));
      } else {
        s3.createBucket(r -> r.bucket(bucket).createBucketConfiguration(
            c -> c.locationConstraint(BucketLocationConstraint.fromValue(region))));
      }
    } catch (RuntimeException e) {
      if (AwsErrors.is(e, "BucketAlreadyOwnedByYou")) {
        return;
      }
      if (AwsErrors.is(e, "BucketAlreadyExists")) {
        throw new RemediationException("S3 bucket name '" + bucket + "' is already taken by another "
            + "account (BucketAlreadyExists); choose another bucket name", e);
      }
      throw e;
    }
  }
}
