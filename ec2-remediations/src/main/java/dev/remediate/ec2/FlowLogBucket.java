package dev.remediate.ec2;

import dev.remediate.core.aws.AwsErrors;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Step;
import dev.remediate.core.policy.PolicyDocuments;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.policybuilder.iam.IamConditionOperator;
import software.amazon.awssdk.policybuilder.iam.IamEffect;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamPrincipalType;
import software.amazon.awssdk.policybuilder.iam.IamStatement;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The S3 destination of flow logs: the bucket (created when asked, with public access blocked and
 * default encryption), its policy letting {@code delivery.logs.amazonaws.com} write and denying
 * requests without TLS ({@link PolicyDocuments#denyInsecureTransport}): the statements the bucket
 * lacks, in one step merged by Sid into the policy the bucket has when it runs, others kept. Observe,
 * decide and steps, in that order.
 */
final class FlowLogBucket {
  private static final String SERVICE = "delivery.logs.amazonaws.com";
  private static final String PUT_BUCKET_POLICY = "PutBucketPolicy";

  private FlowLogBucket() {}

  /** The bucket as read: whether it exists, and its policy (null when it has none). */
  record State(boolean exists, @Nullable String policy) {}

  static State observe(S3Client s3, String bucket) {
    try {
      return new State(true, s3.getBucketPolicy(r -> r.bucket(bucket)).policy());
    } catch (AwsServiceException e) {
      return switch (AwsErrors.code(e)) {
        case "NoSuchBucketPolicy" -> new State(true, null);
        case "NoSuchBucket" -> new State(false, null);
        default -> throw e;
      };
    }
  }

  /**
   * Decides the bucket's steps, without AWS calls.
   *
   * @throws RemediationException when the bucket is missing and not to be created
   */
  static List<Step> decide(FlowLogSettings s, State state, String region, String account) {
    String bucketArn = "arn:aws:s3:::" + s.s3Bucket();
    List<Step> steps = new ArrayList<>();
    if (!state.exists()) {
      if (!s.createBucket()) {
        throw new RemediationException("S3 bucket '" + s.s3Bucket() + "' for flow logs does not "
            + "exist; create it, or " + EnableVpcFlowLogs.Type.CREATE_BUCKET.advice("true",
                "createBucketIfMissing()"));
      }
      steps.add(Step.builder().kind("CreateBucket").action(Action.ADD).resource(bucketArn)
          .summary("create the flow-log bucket in " + region).build());
      steps.add(Step.builder().kind("PutPublicAccessBlock").action(Action.CHANGE)
          .resource(bucketArn).summary("block every kind of public access")
          .after("all four settings true").build());
      steps.add(Step.builder().kind("PutBucketEncryption").action(Action.CHANGE)
          .resource(bucketArn).summary("encrypt objects by default (SSE-S3)")
          .after("AES256").build());
    }
    policyStep(s, state, region, account).ifPresent(steps::add);
    return steps;
  }

  /**
   * One {@code PutBucketPolicy} step with the statements the bucket lacks: the two the log
   * delivery service needs (when the policy does not already hold them as wanted) and the
   * {@value PolicyDocuments#DENY_INSECURE_TRANSPORT_SID} statement (Security Hub S3.5; left out
   * when a statement of the owner's already denies requests without TLS). Its before and after are
   * those statements alone; at apply they are merged by Sid into the policy the bucket has then,
   * with one read and one write.
   */
  private static Optional<Step> policyStep(FlowLogSettings s, State state, String region,
      String account) {
    List<IamStatement> delivery = statements(s, account, region);
    List<IamStatement> wanted = PolicyDocuments.bucketStatementsToAdd(state.policy(), s.s3Bucket(),
        delivery);
    List<String> why = new ArrayList<>();
    if (wanted.containsAll(delivery)) {
      why.add("let " + SERVICE + " write flow logs");
    }
    if (wanted.stream().anyMatch(st ->
        PolicyDocuments.DENY_INSECURE_TRANSPORT_SID.equals(st.sid()))) {
      why.add("deny every request made without TLS (aws:SecureTransport false)");
    }
    if (wanted.isEmpty()) {
      return Optional.empty();
    }
    List<String> sids = wanted.stream().map(IamStatement::sid).toList();
    String statements = PolicyDocuments.write(wanted);
    return Optional.of(Step.builder().kind(PUT_BUCKET_POLICY)
        .action(state.exists() ? Action.CHANGE : Action.ADD)
        .resource("arn:aws:s3:::" + s.s3Bucket())
        .summary(String.join(" and ", why) + " (statements " + sids + " merged by Sid; other "
            + "statements kept)")
        .before(PolicyDocuments.describe(state.policy(), sids)).after(statements)
        .putParameters("policy", statements).build());
  }

  /** The two statements the log delivery service needs, named per region (and prefix). */
  static List<IamStatement> statements(FlowLogSettings s, String account, String region) {
    String suffix = LogGroupDelivery.camel(region) + (s.s3Prefix() == null ? ""
        : "P" + Integer.toHexString(s.s3Prefix().hashCode() & 0x7fffffff));
    String sourceArn = "arn:aws:logs:" + region + ":" + account + ":*";
    String objects = "arn:aws:s3:::" + s.s3Bucket() + (s.s3Prefix() == null ? ""
        : "/" + s.s3Prefix()) + "/AWSLogs/" + account + "/*";
    IamStatement write = IamStatement.builder().sid("RemediateFlowLogsWrite" + suffix)
        .effect(IamEffect.ALLOW).addPrincipal(IamPrincipalType.SERVICE, SERVICE)
        .addAction("s3:PutObject").addResource(objects)
        .addCondition(IamConditionOperator.STRING_EQUALS, "s3:x-amz-acl",
            "bucket-owner-full-control")
        .addCondition(IamConditionOperator.STRING_EQUALS, "aws:SourceAccount", account)
        .addCondition(IamConditionOperator.ARN_LIKE, "aws:SourceArn", sourceArn)
        .build();
    IamStatement aclCheck = IamStatement.builder().sid("RemediateFlowLogsAclCheck" + suffix)
        .effect(IamEffect.ALLOW).addPrincipal(IamPrincipalType.SERVICE, SERVICE)
        .addAction("s3:GetBucketAcl").addAction("s3:ListBucket")
        .addResource("arn:aws:s3:::" + s.s3Bucket())
        .addCondition(IamConditionOperator.STRING_EQUALS, "aws:SourceAccount", account)
        .addCondition(IamConditionOperator.ARN_LIKE, "aws:SourceArn", sourceArn)
        .build();
    return List.of(write, aclCheck);
  }

  /** @return true when the step was one of the bucket's and has been carried out */
  static boolean execute(Step step, FlowLogSettings s, RemediationContext context) {
    S3Client s3 = context.scope().client(S3Client.class, S3Client::builder);
    String bucket = s.s3Bucket();
    switch (step.kind()) {
      case "CreateBucket" -> create(s3, bucket, context.region());
      case "PutPublicAccessBlock" -> s3.putPublicAccessBlock(r -> r.bucket(bucket)
          .publicAccessBlockConfiguration(c -> c.blockPublicAcls(true).ignorePublicAcls(true)
              .blockPublicPolicy(true).restrictPublicBuckets(true)));
      case "PutBucketEncryption" -> s3.putBucketEncryption(r -> r.bucket(bucket)
          .serverSideEncryptionConfiguration(c -> c.rules(rule -> rule
              .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(
                  ServerSideEncryption.AES256)))));
      case PUT_BUCKET_POLICY -> putMerged(s3, bucket, step.parameter("policy"));
      default -> {
        return false;
      }
    }
    return true;
  }

  /**
   * Merges the planned statements into the policy the bucket has now, by Sid, and writes it only
   * when that changes it: a trail, Config or another plan of the same apply may share the bucket
   * and have written its own statements since this plan was made, and {@code PutBucketPolicy}
   * replaces the whole document.
   */
  private static void putMerged(S3Client s3, String bucket, String planned) {
    List<IamStatement> wanted = IamPolicy.fromJson(PolicyDocuments.decode(planned)).statements()
        .stream().filter(st -> st.sid() != null).toList();
    PolicyDocuments.merge(observe(s3, bucket).policy(), wanted)
        .ifPresent(merged -> s3.putBucketPolicy(r -> r.bucket(bucket).policy(merged)));
  }

  private static void create(S3Client s3, String bucket, String region) {
    try {
      s3.createBucket(r -> {
        r.bucket(bucket);
        if (!"us-east-1".equals(region)) {
          r.createBucketConfiguration(c -> c.locationConstraint(
              BucketLocationConstraint.fromValue(region)));
        }
      });
    } catch (AwsServiceException e) {
      if (!AwsErrors.is(e, "BucketAlreadyOwnedByYou")) {
        throw e;
      }
    }
  }
}
