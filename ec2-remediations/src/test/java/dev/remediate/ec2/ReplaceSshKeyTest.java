package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyFailedException;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.Remediator;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Step;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import dev.remediate.testing.SsmManagedInstances;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.KeyPairInfo;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Command;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * {@link ReplaceSshKey} on the emulator. moto 5.2.1 has no {@code DescribeInstanceInformation}
 * (HTTP 500) and no way to register a managed instance: {@link SsmManagedInstances} answers that
 * one call. moto records {@code SendCommand} and answers {@code GetCommandInvocation} with
 * {@code Success} at once, never running anything: a failed or endless command is made by
 * rewriting that answer (an interceptor), and the script itself is checked as text.
 */
@ExtendWith(AwsEmulatorExtension.class)
class ReplaceSshKeyTest {
  private static final String KEY = "remediate-test-key";

  private AwsEmulator aws;
  private Ec2Client ec2;
  private String instanceId;
  private SsmManagedInstances managed;
  private AwsScope scope;

  @BeforeEach
  void instance(AwsEmulator aws) {
    this.aws = aws;
    ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    ec2.createKeyPair(r -> r.keyName("launch-key"));
    String image = "ami-04681a1dbd79675a5"; // moto's Amazon Linux 2 image
    instanceId = ec2.runInstances(r -> r.imageId(image).minCount(1).maxCount(1)
        .keyName("launch-key").instanceType("t3.micro")).instances().get(0).instanceId();
    managed = new SsmManagedInstances().online(instanceId, "Linux");
    scope = aws.scopeBuilder(AwsEmulator.REGION).addInterceptor(managed).build();
    aws.recorder().reset();
  }

  @AfterEach
  void close() {
    scope.close();
  }

  private ReplaceSshKey replace() {
    return ReplaceSshKey.forInstance(instanceId).keyName(KEY).build();
  }

  private static List<String> kinds(Plan plan) {
    return plan.steps().stream().map(Step::kind).toList();
  }

  private SsmClient ssm() {
    return aws.client(SsmClient.class, SsmClient::builder);
  }

  private String privateKey() {
    return ssm().getParameter(r -> r.name("/remediate/ssh-keys/" + instanceId)
        .withDecryption(true)).parameter().value();
  }

  @Test
  void apply_managedLinux_keyStoredCommandSentTaggedThenSecondPlanEmpty() {
    Remediator remediator = Remediator.create(scope);

    Plan plan = remediator.plan(replace());

    assertEquals(List.of("CreateKeyPair", "SendCommand", "CreateTags"), kinds(plan));
    assertEquals(Map.of("Ec2.DescribeInstances", 1, "Ssm.DescribeInstanceInformation", 1,
        "Ec2.DescribeKeyPairs", 1, "Ssm.DescribeParameters", 1), aws.recorder().counts());
    assertEquals(List.of("ec2:CreateKeyPair", "ec2:CreateTags", "ec2:DeleteKeyPair",
        "ec2:DescribeInstances", "ec2:DescribeKeyPairs", "ssm:DescribeInstanceInformation",
        "ssm:DescribeParameters", "ssm:GetCommandInvocation", "ssm:PutParameter",
        "ssm:SendCommand"), List.copyOf(plan.iamActions()));
    aws.recorder().reset();

    ApplyResult result = remediator.apply(plan);

    assertEquals(ApplyResult.Status.APPLIED, result.status(), result.toText());
    KeyPairInfo key = ec2.describeKeyPairs(r -> r.keyNames(KEY).includePublicKey(true))
        .keyPairs().get(0);
    assertEquals(instanceId, NetworkSupport.tags(key.tags()).get("remediate:instance"));
    var parameter = ssm().getParameter(r -> r.name("/remediate/ssh-keys/" + instanceId))
        .parameter();
    assertEquals(ParameterType.SECURE_STRING, parameter.type());
    assertTrue(privateKey().contains("PRIVATE KEY"), "the private key is stored");
    Command command = ssm().listCommands().commands().get(0);
    assertEquals("AWS-RunShellScript", command.documentName());
    assertEquals(List.of(instanceId), command.instanceIds());
    String script = String.join("\n", command.parameters().get("commands"));
    String[] publicKey = key.publicKey().split(" ");
    assertTrue(script.contains("key='" + publicKey[0] + " " + publicKey[1] + " remediate:" + KEY
        + "'"), script);
    assertTrue(script.contains("user='ec2-user'"), script);
    assertEquals(1, aws.recorder().count("SendCommand"));
    assertTrue(aws.recorder().count("GetCommandInvocation") >= 1);
    assertEquals(KEY, NetworkSupport.tags(ec2.describeInstances(r -> r.instanceIds(instanceId))
        .reservations().get(0).instances().get(0).tags()).get("remediate:ssh-key"));
    assertEquals("launch-key", ec2.describeInstances(r -> r.instanceIds(instanceId))
        .reservations().get(0).instances().get(0).keyName(), "KeyName cannot change");

    aws.recorder().reset();
    assertTrue(remediator.plan(replace()).isEmpty());
    assertTrue(remediator.plan(ReplaceSshKey.forInstance(instanceId).keyName("a-later-name")
        .build()).isEmpty(), "compliant: the tag names our key, whatever name is asked now");
    assertEquals(8, aws.recorder().total(), "4 reads per plan: " + aws.recorder().counts());
  }

  @Test
  void apply_privateKeyNeverInPlanResultOrLogs() {
    Remediator remediator = Remediator.create(scope);
    PrintStream err = System.err;
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    Plan plan;
    ApplyResult result;
    try {
      PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
      System.setErr(capture);
      System.setOut(capture);
      plan = remediator.plan(replace());
      result = remediator.apply(plan);
    } finally {
      System.setErr(err);
      System.setOut(out);
    }
    String secret = privateKey();
    List<String> body = secret.lines().filter(l -> !l.startsWith("-----")).toList();
    assertTrue(body.size() >= 2, "a PEM body to look for");
    String everything = plan.toJson() + plan.toText() + result.toText() + result
        + captured.toString(StandardCharsets.UTF_8) + aws.recorder();
    for (String line : body) {
      assertFalse(everything.contains(line), "private key line leaked: " + line);
    }
  }

  @Test
  void plan_notManagedBySsm_emptyWithSkipSayingWhatToDo() {
    try (AwsScope unmanaged = aws.scopeBuilder(AwsEmulator.REGION)
        .addInterceptor(new SsmManagedInstances()).build()) {
      Plan plan = Remediator.create(unmanaged).plan(replace());

      assertTrue(plan.isEmpty());
      assertEquals(instanceId, plan.skipped().get(0).resource());
      assertTrue(plan.skipped().get(0).reason().contains("not managed by Systems Manager"),
          plan.skipped().get(0).reason());
      assertTrue(plan.toText().contains("authorized_keys"), plan.toText());
      assertEquals(Map.of("Ec2.DescribeInstances", 1, "Ssm.DescribeInstanceInformation", 1),
          aws.recorder().counts());
    }
  }

  @Test
  void plan_windowsInstance_emptyWithSkip() {
    managed.online(instanceId, "Windows");

    Plan plan = Remediator.create(scope).plan(replace());

    assertTrue(plan.isEmpty());
    assertTrue(plan.skipped().get(0).reason().contains("Windows"));
    assertEquals(0, aws.recorder().count("CreateKeyPair"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"CreateKeyPair:1", "PutParameter:1", "DescribeKeyPairs:2",
      "SendCommand:1", "GetCommandInvocation:1", "CreateTags:1"})
  void apply_faultAtEachStep_reApplyConverges(String call) {
    String operation = call.split(":")[0];
    Remediator remediator = Remediator.create(scope);
    Plan plan = remediator.plan(replace());
    aws.recorder().reset();
    aws.faults().reset(); // counts calls from here: apply observes again first (DescribeKeyPairs 1)
    aws.faults().failNth(operation, Integer.parseInt(call.split(":")[1]),
        Fault.of("AccessDeniedException"));

    ApplyFailedException e = assertThrows(ApplyFailedException.class,
        () -> remediator.apply(plan));
    if (operation.equals("PutParameter")) {
      assertTrue(ec2.describeKeyPairs(r -> r.filters(f -> f.name("key-name").values(KEY)))
          .keyPairs().isEmpty(), "the key pair whose private key was not stored is deleted");
      assertFalse(e.getMessage().contains("PRIVATE"), e.getMessage());
    }

    ApplyResult again = remediator.apply(remediator.plan(replace()));
    assertEquals(ApplyResult.Status.APPLIED, again.status(), again.toText());
    assertTrue(remediator.plan(replace()).isEmpty());
    assertEquals(1, ec2.describeKeyPairs(r -> r.filters(f -> f.name("key-name").values(KEY)))
        .keyPairs().size());
  }

  @Test
  void apply_storeAndCleanupBothFail_nextPlanDeletesTheOrphanFirst() {
    Remediator remediator = Remediator.create(scope);
    aws.faults().failNth("PutParameter", 1, Fault.of("AccessDeniedException"));
    aws.faults().failNth("DeleteKeyPair", 1, Fault.of("UnauthorizedOperation"));
    assertThrows(ApplyFailedException.class, () -> remediator.apply(remediator.plan(replace())));

    Plan next = remediator.plan(replace());

    assertEquals(List.of("DeleteKeyPair", "CreateKeyPair", "SendCommand", "CreateTags"),
        kinds(next));
    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(next).status());
  }

  @Test
  void apply_commandFailsOnTheInstance_stepFailsWithStatusAndStderrThenReApplyConverges() {
    ExecutionInterceptor failed = answer("Failed", "no user ec2-user on this instance");
    try (AwsScope failing = aws.scopeBuilder(AwsEmulator.REGION).addInterceptor(managed)
        .addInterceptor(failed).build()) {
      Remediator remediator = Remediator.create(failing);
      ApplyFailedException e = assertThrows(ApplyFailedException.class,
          () -> remediator.apply(remediator.plan(replace())));
      assertTrue(e.getMessage().contains("status Failed"), e.getMessage());
      assertTrue(e.getMessage().contains("no user ec2-user"), e.getMessage());
    }
    Plan rest = Remediator.create(scope).plan(replace());
    assertEquals(List.of("SendCommand", "CreateTags"), kinds(rest), "key and secret are kept");
    assertEquals(ApplyResult.Status.APPLIED, Remediator.create(scope).apply(rest).status());
  }

  @Test
  void apply_commandNeverEnds_waitIsBounded() {
    try (AwsScope endless = aws.scopeBuilder(AwsEmulator.REGION).addInterceptor(managed)
        .addInterceptor(answer("InProgress", null)).waiterTimeout(Duration.ofMillis(600))
        .build()) {
      Remediator remediator = Remediator.create(endless);
      long start = System.nanoTime();
      ApplyFailedException e = assertThrows(ApplyFailedException.class,
          () -> remediator.apply(remediator.plan(replace())));
      assertTrue(e.getMessage().contains("status InProgress"), e.getMessage());
      assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos());
      int polls = aws.recorder().count("GetCommandInvocation");
      assertTrue(polls >= 2 && polls <= 10, "bounded by the waiter timeout: " + polls);
    }
  }

  /** Rewrites moto's GetCommandInvocation answer, as a command that failed or still runs. */
  private static ExecutionInterceptor answer(String status, String stderr) {
    return new ExecutionInterceptor() {
      @Override
      public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes a) {
        if (context.response() instanceof GetCommandInvocationResponse r) {
          return r.toBuilder().status(status).statusDetails(status).standardErrorContent(stderr)
              .build();
        }
        return context.response();
      }
    };
  }
}
