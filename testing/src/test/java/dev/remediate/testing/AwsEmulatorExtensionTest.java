package dev.remediate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.aws.AwsScope;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateVpcResponse;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

@ExtendWith(AwsEmulatorExtension.class)
class AwsEmulatorExtensionTest {

  @Test
  void beforeEach_previousTestCreatedVpc_stateIsReset(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    int before = ec2.describeVpcs().vpcs().size();
    CreateVpcResponse created = ec2.createVpc(r -> r.cidrBlock("10.9.0.0/16"));
    assertEquals(before + 1, ec2.describeVpcs().vpcs().size());
    aws.reset();
    assertEquals(before, ec2.describeVpcs().vpcs().size(),
        "reset must remove " + created.vpc().vpcId());
  }

  @Test
  void recorder_threeCalls_countsEachByServiceAndOperation(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    ec2.describeVpcs();
    ec2.describeVpcs();
    ec2.describeSecurityGroups();
    assertEquals(2, aws.recorder().count("DescribeVpcs"));
    assertEquals(2, aws.recorder().count("Ec2", "DescribeVpcs"), aws.recorder().toString());
    assertEquals(1, aws.recorder().count("DescribeSecurityGroups"));
    assertEquals(3, aws.recorder().total());
    assertEquals(0, aws.recorder().indexOf("DescribeVpcs"));
    assertEquals(2, aws.recorder().indexOf("DescribeSecurityGroups"));
  }

  @Test
  void faults_failNthNonRetryable_onlyThatCallFailsWithCode(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    aws.faults().failNth("DescribeVpcs", 2, Fault.of("UnauthorizedOperation"));
    ec2.describeVpcs();
    AwsServiceException e = assertThrows(AwsServiceException.class, ec2::describeVpcs);
    assertEquals("UnauthorizedOperation", e.awsErrorDetails().errorCode());
    assertEquals(400, e.statusCode());
    ec2.describeVpcs();
    assertEquals(1, aws.faults().injectedCount());
    assertEquals(false, aws.recorder().calls().get(1).succeeded());
  }

  @Test
  void faults_throttlingOnce_sdkRetriesAndCallSucceeds(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    aws.faults().failNth("DescribeVpcs", 1, Fault.throttling());
    ec2.describeVpcs();
    assertEquals(1, aws.faults().injectedCount());
    assertEquals(1, aws.recorder().count("DescribeVpcs"), "a retried call is one call");
  }

  @Test
  void faults_failCallOverall_failsThatPositionWhateverTheOperation(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    aws.faults().failCall(3, Fault.of("Boom"));
    ec2.describeVpcs();
    ec2.describeSubnets();
    AwsServiceException e = assertThrows(AwsServiceException.class, ec2::describeRouteTables);
    assertEquals("Boom", e.awsErrorDetails().errorCode());
  }

  @Test
  void faults_throttleAThirdOfAttempts_everyCallStillSucceeds(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    aws.faults().failFraction(1.0 / 3, 7L, Fault.throttling());
    for (int i = 0; i < 30; i++) {
      ec2.describeVpcs();
    }
    assertTrue(aws.faults().injectedCount() >= 5,
        "expected throttling to be injected, was " + aws.faults().injectedCount());
  }

  @Test
  void scope_accountNotGiven_looksItUpWithStsOnce(AwsEmulator aws) {
    try (AwsScope scope = AwsScope.builder()
        .region(AwsEmulator.REGION)
        .endpointOverride(aws.endpoint())
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .addInterceptor(aws.recorder())
        .build()) {
      assertEquals(AwsEmulator.ACCOUNT, scope.account());
      assertEquals(AwsEmulator.ACCOUNT, scope.account());
      assertEquals(1, aws.recorder().count("GetCallerIdentity"));
    }
  }

  @Test
  void scope_everyClient_sendsRemediateUserAgentSuffix(AwsEmulator aws) {
    AtomicReference<String> userAgent = new AtomicReference<>();
    ExecutionInterceptor capture = new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(Context.BeforeTransmission context,
          ExecutionAttributes attributes) {
        userAgent.set(context.httpRequest().firstMatchingHeader("User-Agent").orElse(""));
      }
    };
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).addInterceptor(capture).build()) {
      scope.client(Ec2Client.class, Ec2Client::builder).describeVpcs();
    }
    assertTrue(userAgent.get().contains("remediate/"), userAgent.get());
  }

  @Test
  void scope_sameTypeTwice_returnsCachedClient(AwsEmulator aws) {
    assertTrue(aws.client(Ec2Client.class, Ec2Client::builder)
        == aws.client(Ec2Client.class, Ec2Client::builder));
  }
}
