package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Step;
import dev.remediate.ec2.AmiDecision.Target;
import dev.remediate.ec2.AmiObserver.Group;
import dev.remediate.ec2.AmiObserver.Image;
import dev.remediate.ec2.AmiObserver.InstanceFacts;
import dev.remediate.ec2.AmiObserver.Observation;
import dev.remediate.ec2.AmiObserver.Volume;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link AmiDecision} and {@link AmiFamily} on hand-made observations: no emulator, no AWS. */
class OutdatedAmiDecisionTest {
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  private static final Image OLD = image("ami-0old", "amzn2-ami-hvm-2.0.20180810-x86_64-gp2", 400);
  private static final Image NEW = image("ami-0new", "amzn2-ami-hvm-2.0.20260427.1-x86_64-gp2",
      30);
  private static final Image ARM = new Image("ami-0arm", "amzn2-ami-hvm-2.0.20260501-arm64-gp2",
      "137112412989", "arm64", "hvm", NOW, "/dev/xvda", 8);
  private static final AmiDecision DECISION = new AmiDecision(90, false, false);

  private static Image image(String id, String name, int ageDays) {
    return new Image(id, name, "137112412989", "x86_64", "hvm",
        NOW.minus(Duration.ofDays(ageDays)), "/dev/xvda", 8);
  }

  private static InstanceFacts instance(String id, String state, String image,
      Map<String, String> tags) {
    return new InstanceFacts(id, state, image, "t3.micro", "subnet-0a", "10.0.0.5",
        List.of("sg-0b"), "arn:aws:iam::123456789012:instance-profile/app", "ops", tags,
        Map.of("HttpTokens", "required"), "/dev/xvda", null, 1, false, false, "default", null,
        List.of(new Volume("/dev/xvda", "vol-0root", 20, "gp3", 3000, 125, true, "key-1", true),
            new Volume("/dev/sdf", "vol-0data", 5, "gp2", null, null, false, null, false)));
  }

  private static Observation observation(List<InstanceFacts> instances, Map<String, Group> groups,
      Map<String, String> backups, Map<String, Map<String, String>> addresses) {
    Map<String, InstanceFacts> byId = new HashMap<>();
    instances.forEach(i -> byId.put(i.id(), i));
    return new Observation("us-east-1", "123456789012", NOW, byId, Map.of(OLD.id(), OLD,
        NEW.id(), NEW, ARM.id(), ARM), groups, addresses, backups, Map.of("i-0aaa", ""));
  }

  private static List<String> kinds(Target t) {
    return t.steps().stream().map(Step::kind).toList();
  }

  private static Target only(Observation o, AmiDecision d) {
    List<Target> targets = d.decide(o, "remediate:skip", "opted out");
    assertEquals(1, targets.size(), targets.toString());
    return targets.get(0);
  }

  @Test
  void family_generalisesTheDatedVersionOnly() {
    assertEquals("amzn2-ami-hvm-*-x86_64-gp2", AmiFamily.pattern(OLD.name()));
    assertEquals("Windows_Server-2019-English-Full-Base-*",
        AmiFamily.pattern("Windows_Server-2019-English-Full-Base-2023.05.10"));
    assertEquals("ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*",
        AmiFamily.pattern("ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20230516"));
    assertEquals("al2023-ami-*-kernel-6.1-x86_64",
        AmiFamily.pattern("al2023-ami-2023.1.20230629.0-kernel-6.1-x86_64"));
    assertNull(AmiFamily.pattern("my-app-v12"));
    assertNull(AmiFamily.pattern(null));
    assertTrue(AmiFamily.compare(AmiFamily.version(NEW.name()), AmiFamily.version(OLD.name()))
        > 0);
    assertEquals(List.of(BigInteger.TWO, BigInteger.ZERO, BigInteger.valueOf(20180810)),
        AmiFamily.version(OLD.name()));
  }

  @Test
  void newest_isOfTheSameOwnerPatternAndArchitecture() {
    Map<String, Image> images = Map.of(OLD.id(), OLD, NEW.id(), NEW, ARM.id(), ARM);
    assertEquals(NEW, AmiDecision.newest(OLD, images));
    assertNull(AmiDecision.newest(NEW, images));
    Image otherOwner = new Image("ami-0x", NEW.name(), "999999999999", "x86_64", "hvm", NOW,
        "/dev/xvda", 8);
    assertNull(AmiDecision.newest(OLD, Map.of(OLD.id(), OLD, "ami-0x", otherOwner)));
  }

  @Test
  void standaloneOnASupersededImage_isReplaced_stepByStep() {
    Observation o = observation(List.of(instance("i-0aaa", "running", OLD.id(),
        Map.of("Name", "web", "aws:cloudformation:stack-name", "s"))), Map.of(), Map.of(),
        Map.of("i-0aaa", Map.of("eipalloc-1", "203.0.113.9")));
    Target t = only(o, DECISION);

    assertEquals(List.of("CreateImage", "RunInstances", "DescribeInstanceStatus",
        "AssociateAddress", "StopInstances"), kinds(t));
    assertTrue(t.warnings().get(0).contains(OLD.id()) && t.warnings().get(0).contains(NEW.id()));
    assertEquals("true", t.steps().get(0).parameter("noReboot"));
    assertTrue(t.steps().get(0).flags().isEmpty());
    Step run = t.steps().get(1);
    assertEquals(NEW.id(), run.parameter("imageId"));
    assertEquals(Map.of("Name", "web", AmiObserver.REPLACES, "i-0aaa"),
        Tags.decode(run.parameter("tags")), "aws: tags are never copied");
    assertEquals("/dev/xvda|20|gp3|3000|125|true|key-1|true|root;/dev/sdf|5|gp2|||false||false|data",
        run.parameter("blockDevices"));
    assertTrue(t.steps().get(4).flags().contains(Flag.DOWNTIME));
    assertTrue(t.warnings().stream().anyMatch(w -> w.contains("new private address")));
    assertTrue(t.warnings().stream().anyMatch(w -> w.contains("crash-consistent")));
  }

  @Test
  void halfDoneReplacement_continuesWithoutASecondLaunch() {
    InstanceFacts old = instance("i-0aaa", "running", OLD.id(), Map.of());
    InstanceFacts replacement = instance("i-0bbb", "running", NEW.id(),
        Map.of(AmiObserver.REPLACES, "i-0aaa"));
    Observation o = observation(List.of(old, replacement), Map.of(),
        Map.of("i-0aaa", "ami-0backup"), Map.of());
    List<Target> targets = DECISION.decide(o, "remediate:skip", "opted out");

    assertEquals(List.of("DescribeInstanceStatus", "StopInstances"), kinds(targets.get(0)));
    assertTrue(targets.get(1).steps().isEmpty(), "the replacement is on the newest image");
  }

  @Test
  void replacedAndStopped_isDone_orTerminatedOnlyWhenAsked() {
    InstanceFacts old = instance("i-0aaa", "stopped", OLD.id(),
        Map.of(AmiObserver.REPLACED_BY, "i-0bbb"));
    Observation o = observation(List.of(old), Map.of(), Map.of(), Map.of());
    assertTrue(only(o, DECISION).steps().isEmpty());

    Target t = only(o, new AmiDecision(90, false, true));
    assertEquals(List.of("TerminateInstances"), kinds(t));
    assertTrue(t.steps().get(0).flags().contains(Flag.DESTRUCTIVE));
    assertTrue(t.steps().get(0).summary().contains("vol-0root"));
  }

  @Test
  void rebootForImage_flagsTheBackupDowntime() {
    Observation o = observation(List.of(instance("i-0aaa", "running", OLD.id(), Map.of())),
        Map.of(), Map.of(), Map.of());
    Step backup = only(o, new AmiDecision(90, true, false)).steps().get(0);
    assertEquals("false", backup.parameter("noReboot"));
    assertTrue(backup.flags().contains(Flag.DOWNTIME));
  }

  @Test
  void skipped_whenOldWithoutNewer_spot_stopped_optedOut() {
    Image lone = image("ami-0lone", "my-app-v12", 400);
    Observation o = new Observation("us-east-1", "123456789012", NOW, Map.of("i-0aaa",
        instance("i-0aaa", "running", lone.id(), Map.of())), Map.of(lone.id(), lone), Map.of(),
        Map.of(), Map.of(), Map.of());
    assertTrue(only(o, DECISION).skipped().get(0).reason().contains("older than 90 days"));
    assertTrue(only(o, new AmiDecision(500, false, false)).skipped().isEmpty());

    Observation stopped = observation(List.of(instance("i-0aaa", "stopped", OLD.id(), Map.of())),
        Map.of(), Map.of(), Map.of());
    assertTrue(only(stopped, DECISION).skipped().get(0).reason().contains("stopped"));
    Observation optedOut = observation(List.of(instance("i-0aaa", "running", OLD.id(),
        Map.of("remediate:skip", "yes"))), Map.of(), Map.of(), Map.of());
    assertEquals("opted out", only(optedOut, DECISION).skipped().get(0).reason());
  }

  @Test
  void groupMembers_oneGroupTarget_versionSetOnlyWhenNotLatest() {
    Map<String, String> member = Map.of(AmiObserver.ASG_TAG, "web");
    List<InstanceFacts> members = List.of(instance("i-0aaa", "running", OLD.id(), member),
        instance("i-0bbb", "running", OLD.id(), member));
    Group fixed = new Group("web", "lt-0a", "3", 3, OLD.id(), OLD.id(), null, false);
    Target t = only(observation(members, Map.of("web", fixed), Map.of(), Map.of()), DECISION);
    assertEquals(AmiDecision.GROUP, t.type());
    assertEquals(List.of("CreateLaunchTemplateVersion", "UpdateAutoScalingGroup",
        "StartInstanceRefresh"), kinds(t));

    Group latest = new Group("web", "lt-0a", "$Latest", 3, OLD.id(), OLD.id(), null, false);
    assertEquals(List.of("CreateLaunchTemplateVersion", "StartInstanceRefresh"),
        kinds(only(observation(members, Map.of("web", latest), Map.of(), Map.of()), DECISION)));
    Group byDefault = new Group("web", "lt-0a", "$Default", 3, OLD.id(), NEW.id(), null, false);
    assertEquals(List.of("ModifyLaunchTemplate", "StartInstanceRefresh"),
        kinds(only(observation(members, Map.of("web", byDefault), Map.of(), Map.of()),
            DECISION)), "a version with the newer image exists already: not made twice");
    Group refreshing = new Group("web", "lt-0a", "$Latest", 4, NEW.id(), NEW.id(), null, true);
    assertTrue(only(observation(members, Map.of("web", refreshing), Map.of(), Map.of()),
        DECISION).steps().isEmpty());
    Group configuration = new Group("web", null, null, 0, null, null, "launch configuration",
        false);
    assertEquals("launch configuration", only(observation(members, Map.of("web",
        configuration), Map.of(), Map.of()), DECISION).skipped().get(0).reason());
  }
}
