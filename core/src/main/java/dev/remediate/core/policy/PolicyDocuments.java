package dev.remediate.core.policy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.policybuilder.iam.IamCondition;
import software.amazon.awssdk.policybuilder.iam.IamConditionOperator;
import software.amazon.awssdk.policybuilder.iam.IamEffect;
import software.amazon.awssdk.policybuilder.iam.IamPrincipal;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamPolicyWriter;
import software.amazon.awssdk.policybuilder.iam.IamStatement;
import software.amazon.awssdk.policybuilder.iam.IamValue;

/**
 * Merges the statements a remediation needs into a resource policy (S3 bucket, KMS key, SNS topic,
 * IAM trust or inline policy) by statement id, with the SDK's {@code iam-policy-builder}: a statement
 * with the same {@code Sid} is replaced in place, a new one is appended, every other statement (and
 * the policy's {@code Version} and {@code Id}) is kept as it was. {@code PutBucketPolicy} and its
 * kin replace the whole document, so a remediation must write the merged document, never its own
 * statements alone.
 *
 * <pre>{@code
 * Optional<String> merged = PolicyDocuments.merge(currentPolicyOrNull, List.of(deliveryStatement));
 * merged.ifPresent(json -> s3.putBucketPolicy(r -> r.bucket(bucket).policy(json)));
 * }</pre>
 */
public final class PolicyDocuments {
  /** The policy language version written into new documents. */
  public static final String VERSION = "2012-10-17";

  /** Statement id of {@link #denyInsecureTransport(String)}. */
  public static final String DENY_INSECURE_TRANSPORT_SID = "DenyInsecureTransport";

  private static final IamPolicyWriter COMPACT =
      IamPolicyWriter.builder().prettyPrint(false).build();

  private PolicyDocuments() {}

  /**
   * Merges wanted statements into a policy by statement id.
   *
   * @param existing the current document (plain or URL-encoded, as IAM returns it), or null or blank
   *     when there is none
   * @param wanted the statements the remediation needs, each with a {@code Sid}
   * @return the merged document as compact JSON, or empty when the policy already holds equivalent
   *     statements
   */
  public static Optional<String> merge(@Nullable String existing, List<IamStatement> wanted) {
    IamPolicy current = parse(existing);
    List<IamStatement> statements =
        new ArrayList<>(current == null ? List.of() : current.statements());
    boolean changed = false;
    for (IamStatement statement : wanted) {
      int at = indexOfSid(statements, statement.sid());
      if (at < 0) {
        statements.add(statement);
        changed = true;
      } else if (!equivalent(statements.get(at), statement)) {
        statements.set(at, statement);
        changed = true;
      }
    }
    if (!changed) {
      return Optional.empty();
    }
    IamPolicy.Builder merged = IamPolicy.builder()
        .version(current != null && current.version() != null ? current.version() : VERSION)
        .statements(statements);
    if (current != null && current.id() != null) {
      merged.id(current.id());
    }
    return Optional.of(merged.build().toJson(COMPACT));
  }

  /**
   * The bucket-policy statement that refuses every request to a bucket and its objects made without
   * TLS (Security Hub S3.5): Sid {@value #DENY_INSECURE_TRANSPORT_SID}, Effect Deny, every
   * principal, {@code s3:*} on the bucket and {@code bucket/*}, condition {@code Bool
   * aws:SecureTransport false}. Merge it with {@link #merge} like any other statement, e.g. as its
   * own step on an existing bucket.
   *
   * <pre>{@code
   * PolicyDocuments.merge(current, List.of(PolicyDocuments.denyInsecureTransport("my-logs")))
   *     .ifPresent(json -> s3.putBucketPolicy(r -> r.bucket("my-logs").policy(json)));
   * }</pre>
   *
   * @param bucket the bucket name
   * @return the statement
   */
  public static IamStatement denyInsecureTransport(String bucket) {
    String arn = "arn:aws:s3:::" + bucket;
    return IamStatement.builder().sid(DENY_INSECURE_TRANSPORT_SID).effect(IamEffect.DENY)
        .addPrincipal(IamPrincipal.ALL).addAction("s3:*").resourceIds(List.of(arn, arn + "/*"))
        .addCondition(IamConditionOperator.BOOL, "aws:SecureTransport", "false").build();
  }

  /**
   * Tells whether a bucket policy already denies requests without TLS: a statement equivalent to
   * {@link #denyInsecureTransport(String)}, under that Sid or any other (a bucket owner's own
   * statement counts, so none is added twice).
   *
   * @param existing the bucket's policy, or null
   * @param bucket the bucket name
   * @return true when no statement needs to be added
   */
  public static boolean deniesInsecureTransport(@Nullable String existing, String bucket) {
    IamPolicy current = parse(existing);
    IamStatement wanted = denyInsecureTransport(bucket);
    return current != null && current.statements().stream()
        .anyMatch(s -> equivalent(wanted.toBuilder().sid(s.sid()).build(), s));
  }

  /**
   * The statements a bucket policy lacks, for one write: the service's {@code wanted} statements
   * when merging them by Sid would change the policy, then the
   * {@value #DENY_INSECURE_TRANSPORT_SID} statement of the bucket when no statement of the policy
   * already denies requests without TLS (see {@link #deniesInsecureTransport}).
   *
   * <pre>{@code
   * List<IamStatement> add = PolicyDocuments.bucketStatementsToAdd(policy, "logs", delivery);
   * PolicyDocuments.merge(policy, add).ifPresent(doc -> s3.putBucketPolicy(r -> r.bucket("logs")
   *     .policy(doc)));
   * }</pre>
   *
   * @param existing the bucket's policy, or null
   * @param bucket the bucket name
   * @param wanted the statements a service needs, each with a Sid
   * @return the statements to merge in; empty when the policy needs nothing
   */
  public static List<IamStatement> bucketStatementsToAdd(@Nullable String existing,
      String bucket, List<IamStatement> wanted) {
    List<IamStatement> add = new java.util.ArrayList<>();
    if (merge(existing, wanted).isPresent()) {
      add.addAll(wanted);
    }
    if (!deniesInsecureTransport(existing, bucket)) {
      add.add(denyInsecureTransport(bucket));
    }
    return List.copyOf(add);
  }

  /**
   * Tells whether a policy already holds every wanted statement (same id, same content).
   *
   * @param existing the document, or null
   * @param wanted the statements
   * @return true when merging would change nothing
   */
  public static boolean holds(@Nullable String existing, List<IamStatement> wanted) {
    return merge(existing, wanted).isEmpty();
  }

  /**
   * The statements of a document that carry one of the given ids, as compact JSON, for plans and
   * fingerprints.
   *
   * @param existing the document, or null
   * @param sids statement ids
   * @return a deterministic description
   */
  public static String describe(@Nullable String existing, List<String> sids) {
    IamPolicy current = parse(existing);
    if (current == null) {
      return "(no policy)";
    }
    List<IamStatement> ours = current.statements().stream()
        .filter(s -> s.sid() != null && sids.contains(s.sid()))
        .toList();
    return ours.isEmpty() ? "(no statement " + sids + ")" : write(ours);
  }

  /**
   * Writes statements as a compact policy document of version {@value #VERSION}.
   *
   * @param statements the statements
   * @return JSON
   */
  public static String write(List<IamStatement> statements) {
    return IamPolicy.builder().version(VERSION).statements(statements).build().toJson(COMPACT);
  }

  /**
   * Decodes a document IAM returns URL-encoded ({@code GetRole}, {@code GetRolePolicy}); other
   * services return documents as they are, which pass through unchanged.
   *
   * @param document the document
   * @return the JSON text
   */
  public static String decode(String document) {
    String trimmed = document.trim();
    return trimmed.startsWith("%") ? URLDecoder.decode(trimmed, StandardCharsets.UTF_8) : trimmed;
  }

  /**
   * Compares two statements by content, ignoring the order of principals, actions, resources and
   * conditions (a policy read back from AWS may list them in another order).
   *
   * @param a a statement
   * @param b another
   * @return true when they grant the same
   */
  public static boolean equivalent(IamStatement a, IamStatement b) {
    return Objects.equals(a.sid(), b.sid())
        && Objects.equals(a.effect(), b.effect())
        && principals(a).equals(principals(b))
        && principalsOf(a.notPrincipals().stream().map(p -> p.type().value() + "=" + p.id()))
            .equals(principalsOf(b.notPrincipals().stream().map(p -> p.type().value() + "=" + p.id())))
        && values(a.actions().stream()).equals(values(b.actions().stream()))
        && values(a.notActions().stream()).equals(values(b.notActions().stream()))
        && values(a.resources().stream()).equals(values(b.resources().stream()))
        && values(a.notResources().stream()).equals(values(b.notResources().stream()))
        && conditions(a).equals(conditions(b));
  }

  private static @Nullable IamPolicy parse(@Nullable String document) {
    return document == null || document.isBlank() ? null : IamPolicy.fromJson(decode(document));
  }

  private static int indexOfSid(List<IamStatement> statements, @Nullable String sid) {
    for (int i = 0; i < statements.size(); i++) {
      if (sid != null && sid.equals(statements.get(i).sid())) {
        return i;
      }
    }
    return -1;
  }

  private static TreeSet<String> principals(IamStatement s) {
    return principalsOf(s.principals().stream().map(p -> p.type().value() + "=" + p.id()));
  }

  private static TreeSet<String> principalsOf(Stream<String> values) {
    return values.collect(Collectors.toCollection(TreeSet::new));
  }

  private static TreeSet<String> values(Stream<? extends IamValue> values) {
    return values.map(IamValue::value).collect(Collectors.toCollection(TreeSet::new));
  }

  private static TreeSet<String> conditions(IamStatement s) {
    return s.conditions().stream().map(PolicyDocuments::conditionText)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String conditionText(IamCondition c) {
    return c.operator().value() + "|" + c.key().value() + "|" + c.value();
  }
}
