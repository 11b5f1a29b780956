package dev.remediate.testing;

/**
 * One AWS API call seen by an {@link ApiCallRecorder}.
 *
 * <pre>{@code
 * List<ApiCall> calls = aws.recorder().calls();
 * assertTrue(calls.stream().allMatch(ApiCall::succeeded));
 * assertEquals("DescribeSecurityGroupRules", calls.get(0).operation());
 * }</pre>
 *
 * @param sequence position among the recorded calls, from 0
 * @param service service name as the SDK names it, e.g. {@code Ec2}, {@code S3}
 * @param operation operation name, e.g. {@code DescribeSecurityGroupRules}
 * @param succeeded whether the call (after retries) succeeded
 */
public record ApiCall(int sequence, String service, String operation, boolean succeeded) {
  @Override
  public String toString() {
    return service + "." + operation + (succeeded ? "" : " (failed)");
  }
}
