package dev.remediate.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.policybuilder.iam.IamConditionOperator;
import software.amazon.awssdk.policybuilder.iam.IamEffect;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamPrincipalType;
import software.amazon.awssdk.policybuilder.iam.IamStatement;

class PolicyDocumentsTest {
  private static final IamStatement OURS = IamStatement.builder().sid("Ours")
      .effect(IamEffect.ALLOW)
      .addPrincipal(IamPrincipalType.SERVICE, "delivery.logs.amazonaws.com")
      .addAction("s3:PutObject").addAction("s3:GetBucketAcl")
      .addResource("arn:aws:s3:::logs/*")
      .addCondition(IamConditionOperator.STRING_EQUALS, "aws:SourceAccount", "123456789012")
      .build();
  private static final String OTHERS = "{\"Version\":\"2012-10-17\",\"Id\":\"keep-me\","
      + "\"Statement\":[{\"Sid\":\"Theirs\",\"Effect\":\"Deny\",\"Principal\":\"*\","
      + "\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::logs/*\"}]}";

  @Test
  void bucketStatementsToAdd_onlyWhatThePolicyLacks_inOneList() {
    String sid = PolicyDocuments.DENY_INSECURE_TRANSPORT_SID;
    assertEquals(List.of("Ours", sid), PolicyDocuments.bucketStatementsToAdd(null, "logs",
        List.of(OURS)).stream().map(IamStatement::sid).toList(), "an empty policy lacks both");
    String withOurs = PolicyDocuments.merge(OTHERS, List.of(OURS)).orElseThrow();
    assertEquals(List.of(sid), PolicyDocuments.bucketStatementsToAdd(withOurs, "logs",
        List.of(OURS)).stream().map(IamStatement::sid).toList());
    String ownersTls = PolicyDocuments.merge(OTHERS, List.of(PolicyDocuments
        .denyInsecureTransport("logs").toBuilder().sid("OwnersTlsOnly").build())).orElseThrow();
    assertEquals(List.of("Ours"), PolicyDocuments.bucketStatementsToAdd(ownersTls, "logs",
        List.of(OURS)).stream().map(IamStatement::sid).toList(),
        "the owner's own TLS statement counts: none added twice");
    String both = PolicyDocuments.merge(withOurs, List.of(PolicyDocuments.denyInsecureTransport(
        "logs"))).orElseThrow();
    assertTrue(PolicyDocuments.bucketStatementsToAdd(both, "logs", List.of(OURS)).isEmpty());
    assertEquals(List.of("Ours", sid), PolicyDocuments.bucketStatementsToAdd(both, "other-bucket",
        List.of(OURS.toBuilder().addAction("s3:ListBucket").build())).stream()
        .map(IamStatement::sid).toList(), "a changed statement and another bucket's TLS rule");
  }

  @Test
  void merge_noPolicy_writesOnlyOurStatement() {
    IamPolicy merged = IamPolicy.fromJson(PolicyDocuments.merge(null, List.of(OURS)).orElseThrow());
    assertEquals(List.of("Ours"), merged.statements().stream().map(IamStatement::sid).toList());
    assertEquals(PolicyDocuments.VERSION, merged.version());
  }

  @Test
  void merge_othersStatements_keepsThemAndTheIdAndAppendsOurs() {
    IamPolicy merged = IamPolicy.fromJson(PolicyDocuments.merge(OTHERS, List.of(OURS)).orElseThrow());
    assertEquals(List.of("Theirs", "Ours"),
        merged.statements().stream().map(IamStatement::sid).toList());
    assertEquals("keep-me", merged.id());
    assertEquals(IamEffect.DENY, merged.statements().get(0).effect());
  }

  @Test
  void merge_sameSidDifferentContent_replacesInPlace() {
    String first = PolicyDocuments.merge(OTHERS, List.of(OURS)).orElseThrow();
    IamStatement narrower = OURS.toBuilder().actions(List.of()).addAction("s3:PutObject").build();
    IamPolicy merged = IamPolicy.fromJson(PolicyDocuments.merge(first, List.of(narrower)).orElseThrow());
    assertEquals(2, merged.statements().size());
    assertEquals(1, merged.statements().get(1).actions().size());
  }

  @Test
  void merge_equivalentStatementInAnotherOrder_changesNothing() {
    IamStatement reordered = IamStatement.builder().sid("Ours").effect(IamEffect.ALLOW)
        .addPrincipal(IamPrincipalType.SERVICE, "delivery.logs.amazonaws.com")
        .addAction("s3:GetBucketAcl").addAction("s3:PutObject")
        .addResource("arn:aws:s3:::logs/*")
        .addCondition(IamConditionOperator.STRING_EQUALS, "aws:SourceAccount", "123456789012")
        .build();
    String merged = PolicyDocuments.merge(OTHERS, List.of(OURS)).orElseThrow();
    assertEquals(Optional.empty(), PolicyDocuments.merge(merged, List.of(reordered)));
    assertTrue(PolicyDocuments.holds(merged, List.of(reordered)));
    assertFalse(PolicyDocuments.holds(OTHERS, List.of(OURS)));
  }

  @Test
  void merge_conditionValueDiffers_isNotEquivalent() {
    IamStatement otherAccount = OURS.toBuilder().conditions(List.of())
        .addCondition(IamConditionOperator.STRING_EQUALS, "aws:SourceAccount", "999999999999")
        .build();
    assertFalse(PolicyDocuments.equivalent(OURS, otherAccount));
  }

  @Test
  void decode_urlEncodedIamDocument_isDecoded() {
    String encoded = URLEncoder.encode(OTHERS, StandardCharsets.UTF_8);
    assertEquals(OTHERS, PolicyDocuments.decode(encoded));
    assertTrue(PolicyDocuments.merge(encoded, List.of(OURS)).orElseThrow().contains("keep-me"));
  }

  @Test
  void describe_listsOnlyOurStatements() {
    String merged = PolicyDocuments.merge(OTHERS, List.of(OURS)).orElseThrow();
    String described = PolicyDocuments.describe(merged, List.of("Ours"));
    assertTrue(described.contains("\"Ours\"") && !described.contains("Theirs"), described);
    assertEquals("(no policy)", PolicyDocuments.describe(null, List.of("Ours")));
  }

  @Test
  void denyInsecureTransport_deniesEveryPrincipalOnBucketAndObjectsWithoutTls() throws Exception {
    String json = PolicyDocuments.write(List.of(PolicyDocuments.denyInsecureTransport("logs")));
    com.fasterxml.jackson.databind.JsonNode statement = new com.fasterxml.jackson.databind
        .ObjectMapper().readTree(json).path("Statement");
    com.fasterxml.jackson.databind.JsonNode s = statement.isArray() ? statement.get(0) : statement;
    assertEquals("DenyInsecureTransport", s.path("Sid").asText(), json);
    assertEquals("Deny", s.path("Effect").asText(), json);
    assertEquals("*", s.path("Principal").asText(), json);
    assertEquals("s3:*", s.path("Action").asText(), json);
    assertEquals("[\"arn:aws:s3:::logs\",\"arn:aws:s3:::logs/*\"]", s.path("Resource").toString());
    assertEquals("false", s.path("Condition").path("Bool").path("aws:SecureTransport").asText(),
        json);
  }

  @Test
  void denyInsecureTransport_asAwsReturnsIt_isHeldSoNothingIsWritten() {
    String stored = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyInsecureTransport\","
        + "\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":["
        + "\"arn:aws:s3:::logs/*\",\"arn:aws:s3:::logs\"],\"Condition\":{\"Bool\":"
        + "{\"aws:SecureTransport\":\"false\"}}}]}";
    assertTrue(PolicyDocuments.holds(stored, List.of(PolicyDocuments.denyInsecureTransport("logs"))));
    assertTrue(PolicyDocuments.deniesInsecureTransport(stored.replace("DenyInsecureTransport",
        "OwnersTlsOnly"), "logs"), "the same statement under the owner's Sid counts");
    assertFalse(PolicyDocuments.deniesInsecureTransport(stored.replace("\"false\"", "\"true\""),
        "logs"));
    assertFalse(PolicyDocuments.deniesInsecureTransport(null, "logs"));
    assertFalse(PolicyDocuments.holds(stored,
        List.of(PolicyDocuments.denyInsecureTransport("other-logs"))));
  }
}
