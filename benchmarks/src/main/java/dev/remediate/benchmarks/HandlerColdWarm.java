package dev.remediate.benchmarks;

import dev.remediate.core.aws.AwsScope;
import dev.remediate.lambda.LambdaSettings;
import dev.remediate.lambda.RemediateHandler;
import dev.remediate.testing.MotoServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The Lambda handler's cold and warm time on the emulator, in one fresh JVM: the first invocation
 * (handler construction, class loading, SDK clients, plan and apply of a new VPC's default group)
 * and then warm invocations of the same handler, each for a new VPC. Not a JMH benchmark: a cold
 * start happens once per JVM. SnapStart cannot be measured here (it restores a Lambda snapshot).
 *
 * <pre>{@code
 * java -cp "benchmarks/target/benchmarks.jar:$(ls lambda/target/remediate-lambda-*-all.jar)" \
 *   dev.remediate.benchmarks.HandlerColdWarm [WARM_RUNS]
 * }</pre>
 */
public final class HandlerColdWarm {
  private HandlerColdWarm() {}

  /**
   * Runs the measurement and prints the figures.
   *
   * @param args {@code [WARM_RUNS]} (default 10)
   * @throws Exception when the emulator or the handler fails
   */
  public static void main(String[] args) throws Exception {
    int warmRuns = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    try (MotoServer moto = MotoServer.start()) {
      StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
          AwsBasicCredentials.create("testing", "testing"));
      List<String> vpcs = new ArrayList<>();
      try (Ec2Client ec2 = Ec2Client.builder().endpointOverride(moto.endpoint())
          .region(software.amazon.awssdk.regions.Region.US_EAST_1)
          .credentialsProvider(credentials).build()) {
        for (int i = 0; i <= warmRuns; i++) {
          String vpc = ec2.createVpc(r -> r.cidrBlock("10.9.0.0/16")).vpc().vpcId();
          String group = ec2.describeSecurityGroups(r -> r.filters(
              f -> f.name("vpc-id").values(vpc), f -> f.name("group-name").values("default")))
              .securityGroups().get(0).groupId();
          ec2.authorizeSecurityGroupIngress(r -> r.groupId(group).ipPermissions(p -> p
              .ipProtocol("-1").userIdGroupPairs(u -> u.groupId(group))));
          vpcs.add(vpc);
        }
      }
      long beforeHandler = System.nanoTime();
      long sinceJvmStart = System.currentTimeMillis() - jvmStart;
      RemediateHandler handler = new RemediateHandler(Map.of(LambdaSettings.DRY_RUN, "false"),
          region -> AwsScope.builder().region(region).endpointOverride(moto.endpoint())
              .credentialsProvider(credentials).build());
      double cold = invoke(handler, vpcs.get(0), beforeHandler);
      List<Double> warm = new ArrayList<>();
      for (int i = 1; i <= warmRuns; i++) {
        warm.add(invoke(handler, vpcs.get(i), System.nanoTime()));
      }
      List<Double> sorted = warm.stream().sorted().toList();
      System.out.printf("JVM start to handler construction: %d ms (includes the emulator's "
          + "start and set-up)%n", sinceJvmStart);
      System.out.printf("cold invocation (new handler, first event): %.0f ms%n", cold);
      System.out.printf("warm invocations (%d): median %.0f ms, min %.0f, max %.0f%n", warmRuns,
          sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1));
    }
  }

  private static double invoke(RemediateHandler handler, String vpc, long start)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(event(vpc).getBytes(StandardCharsets.UTF_8)),
        out, null);
    double ms = (System.nanoTime() - start) / 1e6;
    String result = out.toString(StandardCharsets.UTF_8);
    if (!result.contains("\"outcome\":\"applied\"")) {
      throw new IllegalStateException("not applied: " + result);
    }
    return ms;
  }

  private static String event(String vpc) {
    return "{\"version\":\"0\",\"id\":\"e-" + vpc + "\",\"detail-type\":\"AWS API Call via "
        + "CloudTrail\",\"source\":\"aws.ec2\",\"account\":\"123456789012\",\"region\":"
        + "\"us-east-1\",\"detail\":{\"eventVersion\":\"1.09\",\"eventTime\":"
        + "\"2026-12-06T09:00:00Z\",\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":"
        + "\"CreateVpc\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"198.51.100.7\","
        + "\"userAgent\":\"aws-cli/2.15.0\",\"userIdentity\":{\"type\":\"IAMUser\","
        + "\"accountId\":\"123456789012\"},\"responseElements\":{\"vpc\":{\"vpcId\":\"" + vpc
        + "\"}},\"eventID\":\"id-" + vpc + "\",\"eventType\":\"AwsApiCall\","
        + "\"recipientAccountId\":\"123456789012\"}}";
  }
}
