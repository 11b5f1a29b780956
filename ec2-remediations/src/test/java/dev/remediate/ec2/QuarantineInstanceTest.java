package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyFailedException;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.GuardrailException;
import dev.remediate.core.Guardrails;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Remediator;
import dev.remediate.core.StalePlanException;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Step;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.iam.IamClient;

@ExtendWith(AwsEmulatorExtension.class)
class QuarantineInstanceTest {

  /** An instance with two interfaces: eth0 in groups a+b, eth1 in group c. */
  record Fixture(String vpc, String instance, String eth0, String eth1, String a, String b,
      String c) {}

  static Fixture fixture(AwsEmulator aws) {
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
    String subnet = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24")).subnet()
        .subnetId();
    String a = RestrictSecurityGroupTest.group(ec2, vpc, "a");
    String b = RestrictSecurityGroupTest.group(ec2, vpc, "b");
    String c = RestrictSecurityGroupTest.group(ec2, vpc, "c");
    String ami = "ami-12345678"; // moto accepts any image id; DescribeImages lists 1177 (slow)
    // moto shows an instance's launch groups on every attached interface unless the instance is
    // launched on an interface made beforehand (AWS keeps groups per interface either way).
    String eth0 = ec2.createNetworkInterface(r -> r.subnetId(subnet).groups(a, b))
        .networkInterface().networkInterfaceId();
    String instance = ec2.runInstances(r -> r.imageId(ami).minCount(1).maxCount(1)
        .instanceType("t3.micro").networkInterfaces(n -> n.deviceIndex(0)
            .networkInterfaceId(eth0))).instances().get(0).instanceId();
    String eth1 = ec2.createNetworkInterface(r -> r.subnetId(subnet).groups(c))
        .networkInterface().networkInterfaceId();
    ec2.attachNetworkInterface(r -> r.instanceId(instance).networkInterfaceId(eth1)
        .deviceIndex(1));
    return new Fixture(vpc, instance, eth0, eth1, a, b, c);
  }

  static Instance instance(Ec2Client ec2, String id) {
    return ec2.describeInstances(r -> r.instanceIds(id)).reservations().get(0).instances().get(0);
  }

  static Map<String, List<String>> groupsByInterface(AwsEmulator aws, String instanceId) {
    Map<String, List<String>> out = new TreeMap<>();
    QuarantineObserver.interfaces(aws.client(Ec2Client.class, Ec2Client::builder), instanceId)
        .forEach(n -> out.put(n.networkInterfaceId(), n.groups().stream()
            .map(GroupIdentifier::groupId).sorted().collect(Collectors.toList())));
    return out;
  }

  static Remediator consenting(AwsEmulator aws) {
    return Remediator.builder().scope(aws.scope())
        .guardrails(Guardrails.custom().consentTo(Flag.DISRUPTIVE).build()).build();
  }

  static String profile(AwsEmulator aws, String instanceId) {
    IamClient iam = aws.client(IamClient.class, IamClient::builder);
    iam.createRole(r -> r.roleName("app").assumeRolePolicyDocument("{}"));
    String arn = iam.createInstanceProfile(r -> r.instanceProfileName("app")).instanceProfile()
        .arn();
    iam.addRoleToInstanceProfile(r -> r.instanceProfileName("app").roleName("app"));
    aws.client(Ec2Client.class, Ec2Client::builder).associateIamInstanceProfile(r -> r
        .instanceId(instanceId).iamInstanceProfile(p -> p.arn(arn)));
    return arn;
  }

  @Test
  void apply_twoInterfaces_isolatesBothAndReleaseRestoresExactly(AwsEmulator aws) {
    Fixture f = fixture(aws);
    Map<String, List<String>> original = groupsByInterface(aws, f.instance());
    QuarantineInstance quarantine = QuarantineInstance.of(f.instance()).build();
    Remediator remediator = consenting(aws);
    aws.recorder().reset();

    Plan plan = remediator.plan(quarantine);

    assertEquals(Map.of("Ec2.DescribeInstances", 1, "Ec2.DescribeNetworkInterfaces", 1,
        "Ec2.DescribeSecurityGroups", 1),
        aws.recorder().counts(), "no isolation group yet: its rules need no read");
    assertEquals(List.of("CreateSecurityGroup", "RevokeSecurityGroupEgress", "CreateTags",
        "ModifyNetworkInterfaceAttribute", "ModifyNetworkInterfaceAttribute"),
        plan.steps().stream().map(Step::kind).toList(), plan.toText());
    assertTrue(plan.flags().contains(Flag.DISRUPTIVE));
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("tracked")), plan.toText());

    remediator.apply(plan);

    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    SecurityGroup created = ec2.describeSecurityGroups(r -> r.filters(NetworkSupport.filter(
        "group-name", List.of(QuarantineInstance.DEFAULT_GROUP_NAME)))).securityGroups().get(0);
    assertEquals("isolation", NetworkSupport.tags(created.tags())
        .get(QuarantineInstance.GROUP_TAG), "the created group carries the quarantine tag");
    String isolation = created.groupId();
    assertEquals(Map.of(f.eth0(), List.of(isolation), f.eth1(), List.of(isolation)),
        groupsByInterface(aws, f.instance()));
    assertEquals(0, RestrictSecurityGroupTest.ingress(aws, isolation).size());
    assertEquals(0, ec2.describeSecurityGroupRules(r -> r.filters(NetworkSupport.filter(
        "group-id", List.of(isolation)))).securityGroupRules().size(), "no egress either");
    assertTrue(remediator.plan(quarantine).isEmpty());

    Remediator plain = Remediator.create(aws.scope());
    Plan release = plain.plan(ReleaseQuarantine.of(f.instance()));
    assertEquals(List.of("ModifyNetworkInterfaceAttribute", "ModifyNetworkInterfaceAttribute",
        "DeleteTags"), release.steps().stream().map(Step::kind).toList(), release.toText());
    plain.apply(release);

    assertEquals(original, groupsByInterface(aws, f.instance()));
    assertTrue(NetworkSupport.tags(instance(ec2, f.instance()).tags()).keySet().stream()
        .noneMatch(k -> k.startsWith("remediate:quarantine")));
    assertTrue(plain.plan(ReleaseQuarantine.of(f.instance())).isEmpty());
  }

  @Test
  void apply_withoutConsent_refusesAndChangesNothing(AwsEmulator aws) {
    Fixture f = fixture(aws);
    Map<String, List<String>> original = groupsByInterface(aws, f.instance());
    Remediator remediator = Remediator.create(aws.scope());
    Plan plan = remediator.plan(QuarantineInstance.of(f.instance()).build());
    GuardrailException e = assertThrows(GuardrailException.class, () -> remediator.apply(plan));
    assertTrue(e.getMessage().contains("DISRUPTIVE"));
    assertEquals(original, groupsByInterface(aws, f.instance()));
  }

  @Test
  void apply_detachProfile_recordsAndReleaseReattaches(AwsEmulator aws) {
    Fixture f = fixture(aws);
    String profile = profile(aws, f.instance());
    Remediator remediator = consenting(aws);
    QuarantineInstance quarantine = QuarantineInstance.of(f.instance()).detachInstanceProfile()
        .build();
    Plan plan = remediator.plan(quarantine);
    Step last = plan.steps().get(plan.steps().size() - 1);
    assertEquals("DisassociateIamInstanceProfile", last.kind());
    assertTrue(last.has(Flag.DISRUPTIVE));

    remediator.apply(plan);

    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    assertTrue(QuarantineObserver.profileAssociation(ec2, f.instance()).isEmpty());
    assertEquals(profile, NetworkSupport.tags(instance(ec2, f.instance()).tags())
        .get(QuarantineInstance.PROFILE_TAG));

    Remediator plain = Remediator.create(aws.scope());
    plain.apply(plain.plan(ReleaseQuarantine.of(f.instance())));
    assertEquals(profile, QuarantineObserver.profileAssociation(ec2, f.instance()).orElseThrow()
        .iamInstanceProfile().arn());
  }

  @Test
  void plan_existingIsolationGroupWithRules_reusesAndEmptiesIt(AwsEmulator aws) {
    Fixture f = fixture(aws);
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String isolation = RestrictSecurityGroupTest.group(ec2, f.vpc(), "remediate-quarantine");
    ec2.createTags(r -> r.resources(isolation).tags(t -> t.key(QuarantineInstance.GROUP_TAG)
        .value("isolation")));
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(isolation).ipPermissions(
        RestrictSecurityGroupTest.tcp(22, 22, "10.0.0.0/8")));
    Plan plan = consenting(aws).plan(QuarantineInstance.of(f.instance()).build());
    assertEquals(List.of("RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "CreateTags",
        "ModifyNetworkInterfaceAttribute", "ModifyNetworkInterfaceAttribute"),
        plan.steps().stream().map(Step::kind).toList());
    assertEquals(isolation, plan.steps().get(3).parameter("group"));
    consenting(aws).apply(plan);
    assertEquals(1, ec2.describeSecurityGroups(r -> r.filters(NetworkSupport.filter("group-name",
        List.of("remediate-quarantine")))).securityGroups().size(), "reused, not duplicated");
  }

  @Test
  void plan_sameNamedGroupWithoutQuarantineTag_refusesNamingItAndKeepsItsRules(AwsEmulator aws) {
    Fixture f = fixture(aws);
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String theirs = RestrictSecurityGroupTest.group(ec2, f.vpc(), "remediate-quarantine");
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(theirs).ipPermissions(
        RestrictSecurityGroupTest.tcp(22, 22, "10.0.0.0/8")));
    int rules = ec2.describeSecurityGroupRules(r -> r.filters(NetworkSupport.filter("group-id",
        List.of(theirs)))).securityGroupRules().size();
    Map<String, List<String>> original = groupsByInterface(aws, f.instance());

    RemediationException e = assertThrows(RemediationException.class, () -> consenting(aws)
        .plan(QuarantineInstance.of(f.instance()).build()));

    assertTrue(e.getMessage().contains(theirs) && e.getMessage().contains("remediate-quarantine")
        && e.getMessage().contains(QuarantineInstance.GROUP_TAG), e.getMessage());
    assertEquals(rules, ec2.describeSecurityGroupRules(r -> r.filters(NetworkSupport.filter(
        "group-id", List.of(theirs)))).securityGroupRules().size(), "their rules untouched");
    assertEquals(original, groupsByInterface(aws, f.instance()));
    // another name works
    Plan plan = consenting(aws).plan(QuarantineInstance.of(f.instance())
        .isolationGroupName("iso").build());
    assertEquals("CreateSecurityGroup", plan.steps().get(0).kind());
  }

  @Test
  void plan_interfaceWithGroupsBeyondTagValueLimit_refusesBeforeAnyChange(AwsEmulator aws) {
    Fixture f = fixture(aws);
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    List<String> groups = new java.util.ArrayList<>(List.of(f.c()));
    while (String.join(",", groups).length() <= QuarantineInstance.MAX_TAG_VALUE) {
      groups.add(RestrictSecurityGroupTest.group(ec2, f.vpc(), "extra" + groups.size()));
    }
    ec2.modifyNetworkInterfaceAttribute(r -> r.networkInterfaceId(f.eth1()).groups(groups));
    assertEquals(groups.size(), groupsByInterface(aws, f.instance()).get(f.eth1()).size());
    Map<String, List<String>> original = groupsByInterface(aws, f.instance());
    aws.recorder().reset();

    RemediationException e = assertThrows(RemediationException.class, () -> consenting(aws)
        .plan(QuarantineInstance.of(f.instance()).build()));

    assertTrue(e.getMessage().contains(f.eth1()) && e.getMessage().contains("256"),
        e.getMessage());
    assertTrue(aws.recorder().counts().keySet().stream().allMatch(k -> k.startsWith("Ec2.Describe")),
        aws.recorder().counts().toString());
    assertEquals(original, groupsByInterface(aws, f.instance()));
    assertTrue(ec2.describeSecurityGroups(r -> r.filters(NetworkSupport.filter("group-name",
        List.of(QuarantineInstance.DEFAULT_GROUP_NAME)))).securityGroups().isEmpty());
  }

  @Test
  void apply_secondInterfaceMoveFails_reportsAndKeepsRecord(AwsEmulator aws) {
    Fixture f = fixture(aws);
    Remediator remediator = consenting(aws);
    Plan plan = remediator.plan(QuarantineInstance.of(f.instance()).build());
    aws.faults().failNth("ModifyNetworkInterfaceAttribute", 2, Fault.of("UnauthorizedOperation"));

    ApplyFailedException e = assertThrows(ApplyFailedException.class, () -> remediator.apply(plan));

    assertEquals(ApplyResult.Status.FAILED, e.result().status());
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    Map<String, String> tags = NetworkSupport.tags(instance(ec2, f.instance()).tags());
    assertEquals(f.c(), tags.get(QuarantineInstance.ENI_TAG_PREFIX + f.eth1()));
    // The record was written before any move, so a later run completes and release still works.
    remediator.apply(remediator.plan(QuarantineInstance.of(f.instance()).build()));
    Remediator plain = Remediator.create(aws.scope());
    plain.apply(plain.plan(ReleaseQuarantine.of(f.instance())));
    assertEquals(List.of(f.c()), groupsByInterface(aws, f.instance()).get(f.eth1()));
    assertEquals(java.util.stream.Stream.of(f.a(), f.b()).sorted().toList(),
        groupsByInterface(aws, f.instance()).get(f.eth0()));
  }

  @Test
  void apply_interfaceChangedSincePlan_refusesStalePlan(AwsEmulator aws) {
    Fixture f = fixture(aws);
    Remediator remediator = consenting(aws);
    Plan plan = remediator.plan(QuarantineInstance.of(f.instance()).build());
    aws.client(Ec2Client.class, Ec2Client::builder).modifyNetworkInterfaceAttribute(r -> r
        .networkInterfaceId(f.eth1()).groups(f.a()));
    assertThrows(StalePlanException.class, () -> remediator.apply(plan));
  }

  /** Quarantines the fixture's instance; @return a remediator without consent, for release */
  static Remediator quarantined(AwsEmulator aws, Fixture f) {
    consenting(aws).apply(consenting(aws).plan(QuarantineInstance.of(f.instance()).build()));
    return Remediator.create(aws.scope());
  }

  @Test
  void release_callBudget_twoReadsToPlanOneCallPerInterface(AwsEmulator aws) {
    Fixture f = fixture(aws);
    Map<String, List<String>> original = groupsByInterface(aws, f.instance());
    Remediator plain = quarantined(aws, f);
    aws.recorder().reset();

    Plan release = plain.plan(ReleaseQuarantine.of(f.instance()));

    assertEquals(Map.of("Ec2.DescribeInstances", 1, "Ec2.DescribeNetworkInterfaces", 1),
        aws.recorder().counts(), "plan budget");
    aws.recorder().reset();
    plain.apply(release);
    // the re-plan (stale check), one move per interface, one DeleteTags, the verification plan
    assertEquals(Map.of("Ec2.DescribeInstances", 2, "Ec2.DescribeNetworkInterfaces", 2,
        "Ec2.ModifyNetworkInterfaceAttribute", 2, "Ec2.DeleteTags", 1),
        aws.recorder().counts(), "apply budget");
    assertEquals(original, groupsByInterface(aws, f.instance()));
  }

  @Test
  void release_interfaceChangedSincePlan_refusesStalePlanAndKeepsRecord(AwsEmulator aws) {
    Fixture f = fixture(aws);
    Remediator plain = quarantined(aws, f);
    Plan release = plain.plan(ReleaseQuarantine.of(f.instance()));
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    ec2.modifyNetworkInterfaceAttribute(r -> r.networkInterfaceId(f.eth1()).groups(f.a()));
    Map<String, List<String>> before = groupsByInterface(aws, f.instance());

    assertThrows(StalePlanException.class, () -> plain.apply(release));

    assertEquals(before, groupsByInterface(aws, f.instance()));
    Map<String, String> tags = NetworkSupport.tags(instance(ec2, f.instance()).tags());
    assertEquals(f.c(), tags.get(QuarantineInstance.ENI_TAG_PREFIX + f.eth1()));
  }

  @Test
  void release_secondMoveFails_recordKeptAndRetryRestores(AwsEmulator aws) {
    Fixture f = fixture(aws);
    Map<String, List<String>> original = groupsByInterface(aws, f.instance());
    Remediator plain = quarantined(aws, f);
    Plan release = plain.plan(ReleaseQuarantine.of(f.instance()));
    aws.faults().reset(); // count calls from here: the quarantine made two moves already
    aws.faults().failNth("ModifyNetworkInterfaceAttribute", 2, Fault.of("UnauthorizedOperation"));

    ApplyFailedException e = assertThrows(ApplyFailedException.class, () -> plain.apply(release));

    assertEquals(ApplyResult.Status.FAILED, e.result().status());
    Ec2Client ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    Map<String, String> tags = NetworkSupport.tags(instance(ec2, f.instance()).tags());
    assertEquals(f.c(), tags.get(QuarantineInstance.ENI_TAG_PREFIX + f.eth1()),
        "the record stays until every interface is back");
    assertEquals(java.util.stream.Stream.of(f.a(), f.b()).sorted().collect(Collectors.joining(",")),
        tags.get(QuarantineInstance.ENI_TAG_PREFIX + f.eth0()));
    Plan retry = plain.plan(ReleaseQuarantine.of(f.instance()));
    assertEquals(List.of("ModifyNetworkInterfaceAttribute", "DeleteTags"),
        retry.steps().stream().map(Step::kind).toList(), retry.toText());
    plain.apply(retry);
    assertEquals(original, groupsByInterface(aws, f.instance()));
    assertTrue(NetworkSupport.tags(instance(ec2, f.instance()).tags()).keySet().stream()
        .noneMatch(k -> k.startsWith("remediate:quarantine")));
  }

  @Test
  void apply_planReadBackFromJson_appliesThroughCatalog(AwsEmulator aws) {
    Fixture f = fixture(aws);
    Plan plan = consenting(aws).plan(QuarantineInstance.of(f.instance()).build());
    Plan read = Plan.fromJson(plan.toJson());
    assertEquals(plan, read);
    assertEquals(ApplyResult.Status.APPLIED, consenting(aws).apply(read).status());
  }

  @Test
  void plan_unknownInstance_failsNamingIt(AwsEmulator aws) {
    Exception e = assertThrows(RuntimeException.class, () -> Remediator.create(aws.scope())
        .plan(QuarantineInstance.of("i-0123456789abcdef0").build()));
    assertTrue(e.getMessage().contains("i-0123456789abcdef0"), e.getMessage());
  }

  @Test
  void fromSpec_roundTrip_andBadInput() {
    RemediationCatalog catalog = RemediationCatalog.load();
    QuarantineInstance q = QuarantineInstance.of("i-0123456789abcdef0").isolationGroupName("iso")
        .detachInstanceProfile().build();
    assertEquals(q, catalog.fromSpec(q.spec()));
    ReleaseQuarantine r = ReleaseQuarantine.of("i-0123456789abcdef0");
    assertEquals(r, catalog.fromSpec(r.spec()));
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> QuarantineInstance.of("vm-1").build());
    assertTrue(e.getMessage().contains("vm-1"));
    assertThrows(InvalidRemediationException.class, () -> ReleaseQuarantine.of("i-x"));
    assertThrows(InvalidRemediationException.class, () -> QuarantineInstance
        .of("i-0123456789abcdef0").isolationGroupName("default").build());
    assertFalse(q.equals(QuarantineInstance.of("i-0123456789abcdef0").build()));
  }
}
