package dev.remediate.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResourceExtractorTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String ACCOUNT = "123837392027";

  static CloudTrailEvent event(String source, String name, @Nullable String request,
      @Nullable String response) {
    try {
      return CloudTrailEvent.builder()
          .eventVersion("1.09").eventTime(Instant.parse("2024-05-01T10:00:00Z"))
          .eventSource(source).eventName(name).awsRegion("eu-west-1")
          .sourceIpAddress("203.0.113.7").eventId("id-" + name).eventType("AwsApiCall")
          .recipientAccountId("111122223333")
          .requestParameters(Optional.ofNullable(request == null ? null : MAPPER.readTree(request)))
          .responseElements(Optional.ofNullable(response == null ? null : MAPPER.readTree(response)))
          .build();
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static List<String> refs(CloudTrailEvent event) {
    return ResourceExtractor.extract(event).stream()
        .map(r -> r.service() + " " + r.type() + " " + r.id()).collect(Collectors.toList());
  }

  private static List<String> corpusRefs(String eventId) {
    return refs(Corpus.byId(eventId));
  }

  @Test
  void extract_corpusCreateVpc_newVpcFromResponse() {
    List<ResourceRef> refs = ResourceExtractor.extract(Corpus.byId("f5e4b2d3-a4a2-4a78-b81f-9036f12b623e"));
    assertEquals(List.of(new ResourceRef("ec2", "vpc", "vpc-06fe1a64761a0f720", "us-east-1",
        Optional.of(ACCOUNT))), refs);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "078ad2dc-a2bf-46ee-90dc-f524fb5fe1f1 | ec2 subnet subnet-01ed430875cff578d; ec2 vpc vpc-06fe1a64761a0f720",
      "86eac0ac-8521-4126-aa32-a22f2b74d02e | ec2 instance i-0dbc91f429e48eeed",
      "7475937c-a863-44ce-9878-81e8a268e966 | ec2 security-group sg-04cfb7a4712d75b00; ec2 vpc vpc-0e568b18707c87afa",
      "7e96f0e7-4d78-423d-b3f5-391370685b30 | ec2 security-group sg-04cfb7a4712d75b00",
      "396f94bc-78ec-4b64-917d-aadc2260c81d | ec2 volume vol-0a2e548958718390d",
      "9eede385-5c6d-405e-9dda-fd10950e9069 | ec2 snapshot snap-083d3b857c13988bc; ec2 volume vol-0fc2e34e74650e145",
      "1bb6c2f9-b96b-485d-92ad-380e4be8b1b1 | ec2 instance i-0dbc91f429e48eeed",
      "a3fbe842-f8df-4bb3-accf-1407cc925cbd | ec2 vpc vpc-0255d384b4b458b46; ec2 flow-log fl-064ed3a785e4a37ef",
      "de58d903-38d7-4f30-a84b-b79d858e8376 | ec2 flow-log fl-064ed3a785e4a37ef",
      "3a1acb39-c13b-4e73-a0e3-dcd8ce5c1a3a | cloudtrail trail stratus-red-team-ctlr-trail-zqfsvooxqj",
      "076e96d5-2983-473f-920a-2fc2d7e02777 | cloudtrail trail stratus-red-team-ctes-trail-qyxyekjbtk",
      "fcec2e46-3cc3-4ac2-8144-3674f06990e4 | cloudtrail trail stratus-red-team-ctes-trail-qyxyekjbtk",
      "10163ed2-2253-469d-a5ee-cbc6651f8934 | cloudtrail trail stratus-red-team-ct-stop-trail-buykxbqejv",
      "68c99c97-c191-4329-b210-82ca8631066d | s3 bucket stratus-red-team-ctlr-bucket-zqfsvooxqj",
      "66d008e1-12cf-4a45-99e7-0be67fc70d71 | iam user stratus-red-team-nmfalu-gfjyeaypjt",
      "64b7de64-bf53-47ae-b7e3-d30cb1b5136e | iam user stratus-red-team-backdoor-u-user; iam access-key AKIATFQR7NSC3ZO6PKAZ",
      "edc26fa8-655a-4346-9e18-f79b0d9e25de | iam role stratus-red-team-ec2-steal-credentials-role; iam policy arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
      "c9c907af-3402-4ce0-a887-53d0f5ba4be3 | ec2 vpc vpc-0255d384b4b458b46",
      "914469fc-c658-434c-a560-0219c0ac3b55 | ec2 security-group sg-04cfb7a4712d75b00",
      "8733f811-267d-4c46-8e5b-000fe7c6a9f2 | ec2 security-group sg-04cfb7a4712d75b00",
      "2f8e806b-355c-49fc-9ac6-7cea7d864938 | cloudtrail trail stratus-red-team-ctlr-trail-zqfsvooxqj",
      "d58cf935-0194-41d0-baa0-9efc030ce2e6 | s3 bucket stratus-red-team-bdbp-lhfzvgcamn",
      "b921a62d-9241-42a2-bb3c-6821e55c20cd | s3 bucket stratus-red-team-bdbp-lhfzvgcamn"})
  void extract_corpusRecords_idsFromRequestAndResponse(String eventId, String expected) {
    assertEquals(List.of(expected.split("; ")), corpusRefs(eventId));
  }

  @Test
  void extract_corpusConsoleLogin_namesThePrincipal() {
    List<String> login = corpusRefs("70e5932e-9022-4b38-837e-ca10dad94eb7");
    assertEquals(1, login.size());
    assertTrue(login.get(0).startsWith("iam principal arn:aws:"), login::toString);
  }

  @Test
  void extract_authorizeInDefaultVpcByGroupName_groupIdFromResponse() {
    CloudTrailEvent e = event("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress",
        "{\"groupName\":\"default\",\"ipPermissions\":{\"items\":[]}}",
        "{\"_return\":true,\"securityGroupRuleSet\":{\"items\":[{\"groupId\":\"sg-0aa\",\"securityGroupRuleId\":\"sgr-1\"},"
            + "{\"groupId\":\"sg-0aa\",\"securityGroupRuleId\":\"sgr-2\"}]}}");
    assertEquals(List.of("ec2 security-group sg-0aa"), refs(e));
  }

  @Test
  void extract_syntheticRecords_everyListedKind() {
    String ec2 = "ec2.amazonaws.com";
    assertEquals(List.of("ec2 security-group sg-1"), refs(event(ec2, "ModifySecurityGroupRules",
        "{\"ModifySecurityGroupRulesRequest\":{\"GroupId\":\"sg-1\",\"SecurityGroupRule\":{\"tag\":1}}}", null)));
    assertEquals(List.of("ec2 network-acl acl-1"),
        refs(event(ec2, "ReplaceNetworkAclEntry", "{\"networkAclId\":\"acl-1\",\"ruleNumber\":100}", null)));
    assertEquals(List.of("ec2 security-group sg-2"),
        refs(event(ec2, "RevokeSecurityGroupEgress", "{\"groupId\":\"sg-2\"}", null)));
    assertEquals(List.of("ec2 volume vol-1", "ec2 instance i-1"),
        refs(event(ec2, "AttachVolume", "{\"volumeId\":\"vol-1\",\"instanceId\":\"i-1\",\"device\":\"/dev/sdf\"}", null)));
    assertEquals(List.of("ec2 ebs-encryption-by-default eu-west-1"),
        refs(event(ec2, "DisableEbsEncryptionByDefault", "{\"DisableEbsEncryptionByDefaultRequest\":\"\"}", null)));
    assertEquals(List.of("ec2 key-pair mykey"),
        refs(event(ec2, "ImportKeyPair", "{\"keyName\":\"mykey\"}", "{\"keyPairId\":\"key-1\"}")));
    assertEquals(List.of("config configuration-recorder default"),
        refs(event("config.amazonaws.com", "StopConfigurationRecorder", "{\"configurationRecorderName\":\"default\"}", null)));
    assertEquals(List.of("config configuration-recorder default"),
        refs(event("config.amazonaws.com", "PutConfigurationRecorder",
            "{\"configurationRecorder\":{\"name\":\"default\",\"roleARN\":\"arn:aws:iam::1:role/r\"}}", null)));
    assertEquals(List.of("config delivery-channel default"),
        refs(event("config.amazonaws.com", "DeleteDeliveryChannel", "{\"deliveryChannelName\":\"default\"}", null)));
    assertEquals(List.of("s3 bucket b"),
        refs(event("s3.amazonaws.com", "PutBucketPublicAccessBlock", "{\"bucketName\":\"b\"}", null)));
    assertEquals(List.of("kms key 1234abcd-12ab-34cd-56ef-1234567890ab"),
        refs(event("kms.amazonaws.com", "ScheduleKeyDeletion",
            "{\"keyId\":\"1234abcd-12ab-34cd-56ef-1234567890ab\",\"pendingWindowInDays\":7}", null)));
  }

  /** Listed events the corpus has no record of, with parameters as CloudTrail writes them. */
  @Test
  void extract_syntheticRecords_listedEventsMissingFromTheCorpus() {
    String ec2 = "ec2.amazonaws.com";
    assertEquals(List.of("ec2 network-acl acl-0f1e2d3c4b5a69788"), refs(event(ec2, "CreateNetworkAclEntry",
        "{\"networkAclId\":\"acl-0f1e2d3c4b5a69788\",\"ruleNumber\":90,\"egress\":false,\"ruleAction\":\"deny\","
            + "\"icmpTypeCode\":{},\"portRange\":{\"from\":22,\"to\":22},\"aclProtocol\":\"6\",\"cidrBlock\":\"0.0.0.0/0\"}",
        "{\"requestId\":\"r-1\",\"_return\":true}")));
    assertEquals(List.of("ec2 ebs-encryption-by-default eu-west-1"), refs(event(ec2,
        "EnableEbsEncryptionByDefault", "{\"EnableEbsEncryptionByDefaultRequest\":\"\"}",
        "{\"EnableEbsEncryptionByDefaultResponse\":{\"ebsEncryptionByDefault\":true}}")));
    assertEquals(List.of("ec2 key-pair ops-key"), refs(event(ec2, "CreateKeyPair",
        "{\"keyName\":\"ops-key\",\"keyType\":\"rsa\",\"keyFormat\":\"pem\"}",
        "{\"requestId\":\"r-2\",\"keyName\":\"ops-key\",\"keyPairId\":\"key-0123456789abcdef0\","
            + "\"keyMaterial\":\"<sensitiveDataRemoved>\"}")));
    assertEquals(List.of("cloudtrail trail management-events"), refs(event("cloudtrail.amazonaws.com",
        "UpdateTrail", "{\"name\":\"management-events\",\"isMultiRegionTrail\":true}",
        "{\"name\":\"management-events\",\"s3BucketName\":\"trail-bucket\"}")));
    assertEquals(List.of("config configuration-recorder default"), refs(event("config.amazonaws.com",
        "DeleteConfigurationRecorder", "{\"configurationRecorderName\":\"default\"}", null)));
    assertEquals(List.of("kms key arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
        refs(event("kms.amazonaws.com", "DisableKey",
            "{\"keyId\":\"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\"}", null)));
  }

  @Test
  void extract_missingParameters_nothingAndNoFailure() {
    assertEquals(List.of(), refs(event("ec2.amazonaws.com", "CreateVpc", null, null)));
    assertEquals(List.of(), refs(event("ec2.amazonaws.com", "CreateVpc", "{}", "{\"vpc\":[1,{\"vpcId\":7}]}")));
  }

  @Test
  void extract_unlistedEventWithResources_usesTheirArns() {
    CloudTrailEvent e = CloudTrailEvent.builder().from(event("kms.amazonaws.com", "Decrypt", null, null))
        .addResources(EventResource.builder().arn("arn:aws:kms:eu-west-1:111122223333:key/k1")
            .type("AWS::KMS::Key").accountId("111122223333").build())
        .build();
    assertEquals(List.of(new ResourceRef("kms", "AWS::KMS::Key", "arn:aws:kms:eu-west-1:111122223333:key/k1",
        "eu-west-1", Optional.of("111122223333"))), ResourceExtractor.extract(e));
  }

  /** The 42 events issue 3 lists, by event source: the table must list exactly these. */
  @Test
  void supportedEvents_issueList_exactlyListed() {
    Map<String, List<String>> issue = Map.of(
        "ec2.amazonaws.com", List.of("CreateVpc", "DeleteVpc", "CreateSubnet", "CreateSecurityGroup",
            "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress", "ModifySecurityGroupRules", "CreateNetworkAclEntry",
            "ReplaceNetworkAclEntry", "DeleteFlowLogs", "CreateFlowLogs", "RunInstances", "CreateVolume",
            "AttachVolume", "CreateSnapshot", "ModifyInstanceAttribute", "DisableEbsEncryptionByDefault",
            "EnableEbsEncryptionByDefault", "CreateKeyPair", "ImportKeyPair"),
        "cloudtrail.amazonaws.com", List.of("StopLogging", "StartLogging", "DeleteTrail", "UpdateTrail",
            "PutEventSelectors", "CreateTrail"),
        "config.amazonaws.com", List.of("StopConfigurationRecorder", "DeleteConfigurationRecorder",
            "DeleteDeliveryChannel", "PutConfigurationRecorder"),
        "s3.amazonaws.com", List.of("CreateBucket", "PutBucketPolicy", "DeleteBucketPolicy",
            "PutBucketPublicAccessBlock"),
        "iam.amazonaws.com", List.of("CreateUser", "CreateAccessKey", "AttachRolePolicy"),
        "kms.amazonaws.com", List.of("ScheduleKeyDeletion", "DisableKey"),
        "signin.amazonaws.com", List.of("ConsoleLogin"));
    Set<EventKey> expected = new HashSet<>();
    issue.forEach((source, names) -> names.forEach(name -> expected.add(EventKey.of(source, name))));
    assertEquals(42, expected.size());
    for (EventKey key : expected) {
      assertTrue(ResourceExtractor.supports(key), key::toString);
    }
    assertEquals(expected, ResourceExtractor.supportedEvents());
  }

  @Test
  void extract_wholeCorpus_neverFails() {
    long withRefs = Corpus.all().stream().filter(e -> !ResourceExtractor.extract(e).isEmpty()).count();
    assertTrue(withRefs > 500, "records with resources: " + withRefs);
  }
}
