package dev.remediate.core.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.plan.RemediationSpec;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** Valid and invalid examples per kind, from AWS's documented formats. */
class AwsNamesTest {
  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("vpcId", (Function<String, Object>) AwsNames::vpcId, "vpc-0abc1234"),
        Arguments.of("vpcId", (Function<String, Object>) AwsNames::vpcId, "vpc-0123456789abcdef0"),
        Arguments.of("sg", (Function<String, Object>) AwsNames::securityGroupId, "sg-0123abcd"),
        Arguments.of("subnet", (Function<String, Object>) AwsNames::subnetId,
            "subnet-0123456789abcdef0"),
        Arguments.of("instance", (Function<String, Object>) AwsNames::instanceId,
            "i-0123456789abcdef0"),
        Arguments.of("volume", (Function<String, Object>) AwsNames::volumeId, "vol-0123abcd"),
        Arguments.of("acl", (Function<String, Object>) AwsNames::networkAclId, "acl-0123abcd"),
        Arguments.of("account", (Function<String, Object>) AwsNames::accountId, "111122223333"),
        Arguments.of("region", (Function<String, Object>) AwsNames::region, "eu-west-1"),
        Arguments.of("region", (Function<String, Object>) AwsNames::region, "us-gov-west-1"),
        Arguments.of("bucket", (Function<String, Object>) AwsNames::bucket, "my-logs.example"),
        Arguments.of("trail", (Function<String, Object>) AwsNames::trailName, "org_trail-1"),
        Arguments.of("logGroup", (Function<String, Object>) AwsNames::logGroup,
            "/aws/vpc/flow-logs#1"),
        Arguments.of("role", (Function<String, Object>) AwsNames::roleName, "remediate-flow+logs"),
        Arguments.of("user", (Function<String, Object>) AwsNames::userName, "alice@example.com"),
        Arguments.of("accessKey", (Function<String, Object>) AwsNames::accessKeyId,
            "AKIAIOSFODNN7EXAMPLE"),
        Arguments.of("accessKey", (Function<String, Object>) AwsNames::accessKeyId,
            "ASIAIOSFODNN7EXAMPLE"),
        Arguments.of("roleArn", (Function<String, Object>) AwsNames::roleArn,
            "arn:aws:iam::111122223333:role/service/remediate"),
        Arguments.of("kms", (Function<String, Object>) AwsNames::kmsKey, "alias/aws/ebs"),
        Arguments.of("kms", (Function<String, Object>) AwsNames::kmsKey,
            "1234abcd-12ab-34cd-56ef-1234567890ab"),
        Arguments.of("kms", (Function<String, Object>) AwsNames::kmsKey,
            "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"),
        Arguments.of("topic", (Function<String, Object>) AwsNames::snsTopicArn,
            "arn:aws:sns:us-east-1:111122223333:security-alarms"),
        Arguments.of("tagKey", (Function<String, Object>) AwsNames::tagKey, "remediate:skip"),
        Arguments.of("port", (Function<String, Object>) AwsNames::port, "65535"));
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("valid")
  void validValue_isAccepted(String kind, Function<String, Object> check, String value) {
    assertEquals(value, String.valueOf(check.apply(value)));
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of((Function<String, Object>) AwsNames::vpcId, "vpc-12", "VPC id 'vpc-12'"),
        Arguments.of((Function<String, Object>) AwsNames::vpcId, "vpc-0123456789abcde",
            "8 or 17 hex digits"),
        Arguments.of((Function<String, Object>) AwsNames::securityGroupId, "vpc-0abc1234",
            "security group id"),
        Arguments.of((Function<String, Object>) AwsNames::instanceId, "i-XYZ12345", "instance id"),
        Arguments.of((Function<String, Object>) AwsNames::accountId, "12345", "account id"),
        Arguments.of((Function<String, Object>) AwsNames::region, "eu_west_1", "region"),
        Arguments.of((Function<String, Object>) AwsNames::bucket, "My_Bucket", "S3 bucket"),
        Arguments.of((Function<String, Object>) AwsNames::bucket, "192.168.1.1", "IP address"),
        Arguments.of((Function<String, Object>) AwsNames::trailName, "a", "trail name"),
        Arguments.of((Function<String, Object>) AwsNames::trailName, "org__trail", "in a row"),
        Arguments.of((Function<String, Object>) AwsNames::trailName, "10.0.0.1", "IP address"),
        Arguments.of((Function<String, Object>) AwsNames::logGroup, "with space", "log group"),
        Arguments.of((Function<String, Object>) AwsNames::roleArn,
            "arn:aws:iam::1111:role/x", "IAM role ARN"),
        Arguments.of((Function<String, Object>) AwsNames::userName, "bad name!",
            "IAM user name 'bad name!'"),
        Arguments.of((Function<String, Object>) AwsNames::userName, "x".repeat(65),
            "IAM user name"),
        Arguments.of((Function<String, Object>) AwsNames::accessKeyId, "AKIAiosfodnn7example",
            "access key id 'AKIAiosfodnn7example'"),
        Arguments.of((Function<String, Object>) AwsNames::accessKeyId, "ABIAIOSFODNN7EXAMPLE",
            "access key id"),
        Arguments.of((Function<String, Object>) AwsNames::kmsKey, "my-key", "KMS key"),
        Arguments.of((Function<String, Object>) AwsNames::snsTopicArn,
            "arn:aws:sqs:us-east-1:111122223333:q", "SNS topic ARN"),
        Arguments.of((Function<String, Object>) AwsNames::tagKey, "aws:created", "aws:"),
        Arguments.of((Function<String, Object>) AwsNames::port, "65536", "0 to 65535"),
        Arguments.of((Function<String, Object>) AwsNames::port, "ssh", "'ssh'"),
        Arguments.of((Function<String, Object>) AwsNames::cidr, "10.0.0.1/8", "host bits"),
        Arguments.of((Function<String, Object>) AwsNames::cidr, "300.0.0.0/8", "'300.0.0.0/8'"),
        Arguments.of((Function<String, Object>) AwsNames::cidr, "10.0.0.0/33", "'10.0.0.0/33'"),
        Arguments.of((Function<String, Object>) AwsNames::cidr, "example.com/8", "example.com"),
        Arguments.of((Function<String, Object>) AwsNames::s3Prefix, "/logs", "S3 key prefix"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalid")
  void invalidValue_isRefusedNamingIt(Function<String, Object> check, String value,
      String fragment) {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> check.apply(value));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertTrue(e.getMessage().contains(value), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void isEc2Id_prefixDashAnd8Or17LowercaseHexDigits() {
    assertTrue(AwsNames.isEc2Id("vpc", "vpc-0abc1234"));
    assertTrue(AwsNames.isEc2Id("i", "i-0123456789abcdef0"));
    assertTrue(AwsNames.isEc2Id("sg", "sg-0123abcd"));
    for (String no : new String[] {"vpc-0abc123", "vpc-0123456789abcdef", "vpc-0ABC1234",
        "vpc0abc1234", "sg-0abc1234", "vpc-0abc1234 ", "vpc-", "", "vpc-0abc12345"}) {
      org.junit.jupiter.api.Assertions.assertFalse(AwsNames.isEc2Id("vpc", no), no);
    }
    org.junit.jupiter.api.Assertions.assertFalse(AwsNames.isEc2Id("vpc", null));
  }

  @org.junit.jupiter.api.Test
  void isEc2Id_ofAnyKind() {
    for (String yes : new String[] {"i-0abc1234", "vpc-0123456789abcdef0", "sg-0123abcd",
        "subnet-00000001"}) {
      assertTrue(AwsNames.isEc2Id(yes), yes);
    }
    for (String no : new String[] {"alice", "i-0abc", "I-0abc1234", "-0abc1234", "vpc0abc1234",
        "abcdefghijklm-0abc1234", "i-0ABC1234", ""}) {
      org.junit.jupiter.api.Assertions.assertFalse(AwsNames.isEc2Id(no), no);
    }
    org.junit.jupiter.api.Assertions.assertFalse(AwsNames.isEc2Id(null));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("cidrs")
  void cidr_isNormalisedAsEc2ReportsIt(String given, String expected) {
    assertEquals(expected, AwsNames.cidr(given));
  }

  static Stream<Arguments> cidrs() {
    return Stream.of(Arguments.of("0.0.0.0/0", "0.0.0.0/0"),
        Arguments.of("192.168.001.000/24", "192.168.1.0/24"),
        Arguments.of("203.0.113.7", "203.0.113.7/32"),
        Arguments.of("::/0", "::/0"),
        Arguments.of("2001:DB8:0:0:0:0:0:0/32", "2001:db8::/32"),
        Arguments.of("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1/128"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("networks")
  void network_clearsHostBits_andNormalisesLikeCidr(String given, String expected) {
    assertEquals(expected, AwsNames.network(given));
  }

  static Stream<Arguments> networks() {
    return Stream.concat(cidrs(), Stream.of(Arguments.of("10.1.2.3/8", "10.0.0.0/8"),
        Arguments.of("203.0.113.77/28", "203.0.113.64/28"),
        Arguments.of("2001:db8:0:0:1::/48", "2001:db8::/48"),
        Arguments.of("2001:db8::1/127", "2001:db8::/127")));
  }

  @org.junit.jupiter.api.Test
  void network_badBlock_refusedNamingIt() {
    for (String bad : new String[] {"1.2.3", "300.0.0.1", "10.0.0.0/33", "10.0.0.0/-1",
        "2001:db8::/129", "example.com"}) {
      InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
          () -> AwsNames.network(bad), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
    assertTrue(assertThrows(InvalidRemediationException.class, () -> AwsNames.network(null))
        .getMessage().contains("'null'"));
  }

  @org.junit.jupiter.api.Test
  void s3Prefix_trailingSlash_isRemoved() {
    assertEquals("vpc", AwsNames.s3Prefix("vpc/"));
  }

  @org.junit.jupiter.api.Test
  void specParameters_areParsedStrictly() {
    RemediationSpec spec = RemediationSpec.of("x.y", Map.of("validation", "ture", "days", "7x",
        "ports", "22,,80", "ok", "TRUE"));
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> spec.getBoolean("validation", true));
    assertTrue(e.getMessage().contains("'validation' is 'ture'"), e.getMessage());
    assertThrows(InvalidRemediationException.class, () -> spec.getInt("days", 1));
    assertThrows(InvalidRemediationException.class, () -> spec.getList("ports"));
    assertTrue(spec.getBoolean("ok", false));
    assertTrue(spec.getBoolean("absent", true));
  }

  @org.junit.jupiter.api.Test
  void awsErrors_findTheCodeInTheCauseChainAndDescribeA500WithoutOne() {
    AwsServiceException notFound = AwsServiceException.builder().statusCode(400)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("NoSuchBucket").build()).build();
    RuntimeException wrapped = new RuntimeException("outer", notFound);
    assertEquals("NoSuchBucket", AwsErrors.code(wrapped));
    assertTrue(AwsErrors.is(wrapped, "NoSuchBucket", "Other"));
    AwsServiceException internal = AwsServiceException.builder().statusCode(500)
        .awsErrorDetails(AwsErrorDetails.builder().build()).build();
    assertEquals("", AwsErrors.code(internal));
    assertEquals("HTTP 500", AwsErrors.describe(internal));
  }

  @org.junit.jupiter.api.Test
  void globalRegion_isThePartitionsGlobalRegion() {
    assertEquals(software.amazon.awssdk.regions.Region.AWS_GLOBAL,
        AwsScope.globalRegion(software.amazon.awssdk.regions.Region.EU_WEST_1));
    assertEquals(software.amazon.awssdk.regions.Region.AWS_CN_GLOBAL,
        AwsScope.globalRegion(software.amazon.awssdk.regions.Region.CN_NORTH_1));
    assertEquals(software.amazon.awssdk.regions.Region.AWS_US_GOV_GLOBAL,
        AwsScope.globalRegion(software.amazon.awssdk.regions.Region.US_GOV_WEST_1));
    assertTrue(!AwsNames.isAccessKeyId("alice") && AwsNames.isAccessKeyId("AKIAIOSFODNN7EXAMPLE"));
  }
}
