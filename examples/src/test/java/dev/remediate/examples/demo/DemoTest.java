package dev.remediate.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

@ExtendWith(AwsEmulatorExtension.class)
class DemoTest {
  @Test
  void story_emulator_routesPlansAppliesAndEndsWithAnEmptyPlan(AwsEmulator aws) {
    StringWriter text = new StringWriter();
    Demo demo = new Demo(new PrintWriter(text, true));
    int code = demo.story(aws.scope(),
        StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")), true,
        true, null);
    String out = text.toString();
    assertEquals(0, code, out);
    assertTrue(out.contains("1. A user creates a VPC through the SDK"), out);
    assertTrue(out.contains("\"eventName\" : \"CreateVpc\""), out);
    assertTrue(out.contains("3. The library reads it (ec2.amazonaws.com CreateVpc"), out);
    assertTrue(out.contains("rule ec2.default-security-group.on-create-vpc -> "
        + "ec2.default-security-group"), out);
    assertTrue(out.contains("rule ec2.vpc-flow-logs.on-create-vpc -> ec2.vpc-flow-logs"), out);
    assertTrue(out.contains("APPLIED: ec2.default-security-group"), out);
    assertTrue(out.contains("APPLIED: ec2.vpc-flow-logs"), out);
    assertTrue(out.lines().anyMatch(l -> l.contains("ec2.vpc-flow-logs on vpc-")
        && l.endsWith(": no changes, compliant")), out);
    assertTrue(out.lines().anyMatch(l -> l.contains("ec2.default-security-group on sg-")
        && l.endsWith(": no changes, compliant")), out);
    assertTrue(out.contains("Done: the new VPC is compliant, and a second plan is empty."), out);
    // the demo's VPC really is locked down
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String vpcId = ec2.describeVpcs(r -> r.filters(f -> f.name("tag:Name")
        .values(Demo.DEMO_NAME))).vpcs().get(0).vpcId();
    SecurityGroup group = ec2.describeSecurityGroups(r -> r.filters(
        f -> f.name("vpc-id").values(vpcId), f -> f.name("group-name").values("default")))
        .securityGroups().get(0);
    assertTrue(group.ipPermissions().isEmpty(), group.toString());
    assertTrue(group.ipPermissionsEgress().isEmpty(), group.toString());
    assertEquals(1, ec2.describeFlowLogs(r -> r.filter(f -> f.name("resource-id").values(vpcId)))
        .flowLogs().size());
  }

  @Test
  void run_noArguments_startsItsOwnEmulatorAndExits0() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Demo.run(new PrintWriter(out, true), new PrintWriter(err, true));
    assertEquals(0, code, out + "\n" + err);
    assertTrue(out.toString().startsWith("Starting the local AWS emulator (moto server)..."));
    assertTrue(out.toString().contains("a second plan is empty"), out.toString());
  }

  @Test
  void run_applyWithoutRealAws_isBadInput() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Demo.run(new PrintWriter(out, true), new PrintWriter(err, true), "--apply");
    assertEquals(2, code);
    assertEquals(1, err.toString().strip().lines().count(), err.toString());
    assertTrue(err.toString().contains("need --profile or --region"), err.toString());
    assertEquals("", out.toString());
  }

  private static String realAwsFlow(AwsEmulator aws, String... extra) {
    System.setProperty("aws.accessKeyId", "testing");
    System.setProperty("aws.secretAccessKey", "testing");
    try {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--region",
          "us-east-1", "--endpoint", aws.endpoint().toString()));
      args.addAll(java.util.List.of(extra));
      int code = Demo.run(new PrintWriter(out, true), new PrintWriter(err, true),
          args.toArray(String[]::new));
      assertEquals(0, code, out + "\n" + err);
      return out.toString();
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }

  private static int demoVpcs(AwsEmulator aws) {
    return aws.client(Ec2Client.class, Ec2Client::builder).describeVpcs(r -> r.filters(
        f -> f.name("tag:Name").values(Demo.DEMO_NAME))).vpcs().size();
  }

  @Test
  void run_realAwsFlow_plansOnlyAndDeletesItsVpc(AwsEmulator aws) {
    String out = realAwsFlow(aws);
    assertTrue(out.contains("Plan only: nothing was changed."), out);
    assertTrue(out.contains("(no --flow-logs-bucket: no flow logs in this run)"), out);
    assertTrue(out.contains("Deleted the demo VPC vpc-"), out);
    assertEquals(0, demoVpcs(aws));
  }

  @Test
  void run_realAwsFlowWithApply_appliesThenDeletesVpcAndFlowLogs(AwsEmulator aws) {
    aws.client(software.amazon.awssdk.services.s3.S3Client.class,
        software.amazon.awssdk.services.s3.S3Client::builder)
        .createBucket(b -> b.bucket("my-flow-logs"));
    String out = realAwsFlow(aws, "--apply", "--flow-logs-bucket", "my-flow-logs");
    assertTrue(out.contains("APPLIED: ec2.vpc-flow-logs"), out);
    assertTrue(out.contains("a second plan is empty"), out);
    assertTrue(out.contains("and its flow logs [fl-"), out);
    assertEquals(0, demoVpcs(aws));
  }
}
