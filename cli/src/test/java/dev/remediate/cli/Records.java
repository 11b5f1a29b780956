package dev.remediate.cli;

/** CloudTrail records for the CLI tests, in the shape AWS documents. */
final class Records {
  private Records() {}

  static String record(String eventName, String eventId, String responseElements) {
    return "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\","
        + "\"principalId\":\"AIDAEXAMPLE\",\"arn\":\"arn:aws:iam::123456789012:user/alice\","
        + "\"accountId\":\"123456789012\",\"userName\":\"alice\"},"
        + "\"eventTime\":\"2026-11-27T05:00:00Z\",\"eventSource\":\"ec2.amazonaws.com\","
        + "\"eventName\":\"" + eventName + "\",\"awsRegion\":\"us-east-1\","
        + "\"sourceIPAddress\":\"198.51.100.7\",\"userAgent\":\"aws-cli/2.15.0\","
        + "\"requestParameters\":{},\"responseElements\":" + responseElements + ","
        + "\"requestID\":\"req-" + eventId + "\",\"eventID\":\"" + eventId + "\","
        + "\"readOnly\":false,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,"
        + "\"recipientAccountId\":\"123456789012\",\"eventCategory\":\"Management\"}";
  }

  static String createVpc(String vpcId, String eventId) {
    return record("CreateVpc", eventId, "{\"requestId\":\"r\",\"vpc\":{\"vpcId\":\"" + vpcId
        + "\",\"state\":\"pending\",\"cidrBlock\":\"10.0.0.0/16\"}}");
  }

  static String logFile(String... records) {
    return "{\"Records\":[" + String.join(",", records) + "]}";
  }
}
