package dev.remediate.examples.programs;

/** CloudTrail records for the examples that need some, in the shape AWS documents. */
final class SampleRecords {
  private SampleRecords() {}

  static String createVpc(String vpcId, String eventId) {
    return record("CreateVpc", eventId, false, "{\"cidrBlock\":\"10.0.0.0/16\"}",
        "{\"requestId\":\"r-" + eventId + "\",\"vpc\":{\"vpcId\":\"" + vpcId
            + "\",\"state\":\"pending\",\"cidrBlock\":\"10.0.0.0/16\"}}");
  }

  static String describeVpcs(String eventId) {
    return record("DescribeVpcs", eventId, true, "{}", "null");
  }

  private static String record(String name, String eventId, boolean readOnly, String request,
      String response) {
    return "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\","
        + "\"principalId\":\"AIDAEXAMPLE\",\"arn\":\"arn:aws:iam::123456789012:user/alice\","
        + "\"accountId\":\"123456789012\",\"userName\":\"alice\"},"
        + "\"eventTime\":\"2026-11-27T09:05:00Z\",\"eventSource\":\"ec2.amazonaws.com\","
        + "\"eventName\":\"" + name + "\",\"awsRegion\":\"us-east-1\","
        + "\"sourceIPAddress\":\"198.51.100.7\",\"userAgent\":\"aws-cli/2.15.0\","
        + "\"requestParameters\":" + request + ",\"responseElements\":" + response + ","
        + "\"requestID\":\"r-" + eventId + "\",\"eventID\":\"00000000-0000-0000-0000-00000000000"
        + eventId + "\",\"readOnly\":" + readOnly + ",\"eventType\":\"AwsApiCall\","
        + "\"managementEvent\":true,\"recipientAccountId\":\"123456789012\"}";
  }
}
