package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Step;
import dev.remediate.ec2.ResizeObserver.InstanceFacts;
import dev.remediate.ec2.ResizeDecision.Outcome;
import dev.remediate.ec2.ResizeObserver.Observation;
import dev.remediate.ec2.ResizeObserver.Size;
import dev.remediate.ec2.ResizeObserver.TypeInfo;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link ResizeDecision} on hand-made observations: no AWS call. */
class ResizeInstanceDecisionTest {
  private static final String ID = "i-0abc1234def567890";
  private static final TypeInfo T3_MICRO = new TypeInfo("t3.micro", Set.of("x86_64"),
      Set.of("hvm"), "required", "required");
  private static final TypeInfo T3_LARGE = new TypeInfo("t3.large", Set.of("x86_64"),
      Set.of("hvm"), "required", "required");
  private static final ResizeDecision DECISION = new ResizeDecision("t3.large", "us-east-1",
      "123456789012");

  private static InstanceFacts instance(String state) {
    return new InstanceFacts(ID, state, "t3.micro", "x86_64", "hvm", "ebs", null, null,
        "us-east-1a", true);
  }

  private static Observation observed(InstanceFacts i, TypeInfo target, boolean offered) {
    return new Observation(i, T3_MICRO, target, offered);
  }

  private static String refusal(Observation o) {
    return assertThrows(RemediationException.class, () -> DECISION.decide(o)).getMessage();
  }

  @Test
  void running_tagsStopsChangesStartsUntags_withOnlyTheStopFlaggedDowntime() {
    List<Step> steps = DECISION.decide(observed(instance("running"), T3_LARGE, true)).steps();

    assertEquals(List.of("CreateTags", "StopInstances", "ModifyInstanceAttribute",
        "StartInstances", "DeleteTags"), kinds(steps));
    assertEquals(Set.of(Flag.DOWNTIME), steps.get(1).flags());
    assertTrue(steps.stream().filter(s -> s != steps.get(1)).allMatch(s -> s.flags().isEmpty()));
    assertEquals("t3.micro", steps.get(0).parameter("from"));
    assertEquals("t3.large", steps.get(0).parameter("target"));
    assertEquals("t3.micro", steps.get(2).before().orElseThrow());
    assertEquals("t3.large", steps.get(2).after().orElseThrow());
    assertEquals("t3.micro", steps.get(2).parameter("previousType"));
  }

  private static List<String> kinds(List<Step> steps) {
    return steps.stream().map(Step::kind).toList();
  }

  private static Observation interrupted(InstanceFacts i, TypeInfo target) {
    return new Observation(i, T3_MICRO, target, true, "t3.micro", "t3.large", List.of(),
        Set.of());
  }

  @Test
  void interrupted_stoppedStillOldType_changesStartsUntags_withoutAnotherStop() {
    for (ResizeDecision d : List.of(DECISION, new ResizeDecision(ResizeInstance.NEXT,
        "us-east-1", "123456789012"))) {
      Outcome outcome = d.decide(interrupted(instance("stopped"), T3_LARGE));
      assertEquals(List.of("ModifyInstanceAttribute", "StartInstances", "DeleteTags"),
          kinds(outcome.steps()), d.toString());
      assertEquals("t3.large", outcome.steps().get(0).parameter("instanceType"));
      assertTrue(outcome.warnings().get(0).contains("interrupted resize"), outcome.toString());
    }
  }

  @Test
  void interrupted_stoppedAlreadyNewType_startsAndUntags() {
    InstanceFacts changed = new InstanceFacts(ID, "stopped", "t3.large", "x86_64", "hvm", "ebs",
        null, null, "us-east-1a", true);
    assertEquals(List.of("StartInstances", "DeleteTags"),
        kinds(DECISION.decide(interrupted(changed, null)).steps()));
    InstanceFacts running = new InstanceFacts(ID, "running", "t3.large", "x86_64", "hvm", "ebs",
        null, null, "us-east-1a", true);
    assertEquals(List.of("DeleteTags"), kinds(DECISION.decide(interrupted(running, null))
        .steps()));
  }

  @Test
  void interrupted_runningOldType_plansTheWholeResizeAgain() {
    assertEquals(List.of("CreateTags", "StopInstances", "ModifyInstanceAttribute",
        "StartInstances", "DeleteTags"), kinds(DECISION.decide(interrupted(instance("running"),
        T3_LARGE)).steps()));
  }

  @Test
  void interrupted_towardsAnotherType_refusedSayingHowToFinish() {
    ResizeDecision other = new ResizeDecision("t3.xlarge", "us-east-1", "123456789012");
    String message = assertThrows(RemediationException.class,
        () -> other.decide(interrupted(instance("stopped"), T3_LARGE))).getMessage();
    assertTrue(message.contains("remediate:resize-target=t3.large")
        && message.contains("remove both tags"), message);
  }

  private static Size size(String name, int vcpus, long mib) {
    return new Size(new TypeInfo(name, Set.of("x86_64"), Set.of("hvm"), "required", "required"),
        vcpus, mib);
  }

  private static final List<Size> T3 = List.of(size("t3.2xlarge", 8, 32768),
      size("t3.nano", 2, 512), size("t3.micro", 2, 1024), size("t3.small", 2, 2048),
      size("t3.medium", 2, 4096), size("t3.large", 2, 8192), size("t3.xlarge", 4, 16384));
  private static final ResizeDecision NEXT = new ResizeDecision(ResizeInstance.NEXT, "us-east-1",
      "123456789012");

  private static Observation family(InstanceFacts i, Set<String> offered) {
    return new Observation(i, T3_MICRO, null, false, null, null, T3, offered);
  }

  @Test
  void next_isTheNextLargerSizeOfferedInTheZone() {
    Set<String> all = Set.of("t3.nano", "t3.micro", "t3.small", "t3.medium", "t3.large",
        "t3.xlarge", "t3.2xlarge");
    Outcome outcome = NEXT.decide(family(instance("running"), all));
    assertEquals("t3.small", outcome.steps().get(2).parameter("instanceType"));
    assertEquals("t3.small", outcome.steps().get(0).parameter("target"));

    Outcome skipping = NEXT.decide(family(instance("stopped"), Set.of("t3.micro", "t3.large")));
    assertEquals(List.of("ModifyInstanceAttribute"), kinds(skipping.steps()));
    assertEquals("t3.large", skipping.steps().get(0).parameter("instanceType"),
        "sizes not offered in the zone are passed over");
  }

  @Test
  void next_atTheLargestSizeOrNoneOffered_refused() {
    InstanceFacts largest = new InstanceFacts(ID, "running", "t3.2xlarge", "x86_64", "hvm",
        "ebs", null, null, "us-east-1a", true);
    String message = assertThrows(RemediationException.class, () -> NEXT.decide(
        new Observation(largest, null, null, false, null, null, T3, Set.of("t3.2xlarge"))))
        .getMessage();
    assertTrue(message.contains("t3.2xlarge is the largest size of family t3"), message);
    String none = assertThrows(RemediationException.class, () -> NEXT.decide(
        family(instance("running"), Set.of("t3.micro")))).getMessage();
    assertTrue(none.contains("no larger size of family t3") && none.contains("us-east-1a"),
        none);
  }

  @Test
  void stopped_onlyChangesTheType_withoutResizeTags() {
    assertEquals(List.of("ModifyInstanceAttribute"), DECISION.decide(observed(
        instance("stopped"), T3_LARGE, true)).steps().stream().map(Step::kind).toList());
  }

  @Test
  void alreadyTheTargetType_noStep() {
    InstanceFacts large = new InstanceFacts(ID, "running", "t3.large", "x86_64", "hvm", "ebs",
        "spot", null, "us-east-1a", true);
    assertTrue(DECISION.decide(new Observation(large, null, null, true)).steps().isEmpty());
  }

  @Test
  void refusals_nameTheReason() {
    assertTrue(refusal(observed(instance("running"), T3_LARGE, false))
        .contains("not offered in its Availability Zone us-east-1a"));
    assertTrue(refusal(observed(instance("running"), new TypeInfo("t3.large", Set.of("arm64"),
        Set.of("hvm"), "required", "required"), true)).contains("architecture is x86_64"));
    assertTrue(refusal(observed(instance("running"), null, true))
        .contains("not an instance type"));
    InstanceFacts noEna = new InstanceFacts(ID, "running", "t3.micro", "x86_64", "hvm", "ebs",
        null, null, "us-east-1a", false);
    assertTrue(refusal(observed(noEna, T3_LARGE, true)).contains("requires ENA"));
    InstanceFacts store = new InstanceFacts(ID, "running", "t3.micro", "x86_64", "hvm",
        "instance-store", null, null, "us-east-1a", true);
    assertTrue(refusal(observed(store, T3_LARGE, true)).contains("instance store"));
    InstanceFacts spot = new InstanceFacts(ID, "running", "t3.micro", "x86_64", "hvm", "ebs",
        "spot", null, "us-east-1a", true);
    assertTrue(refusal(observed(spot, T3_LARGE, true)).contains("Spot"));
    InstanceFacts member = new InstanceFacts(ID, "running", "t3.micro", "x86_64", "hvm", "ebs",
        null, "web", "us-east-1a", true);
    String group = refusal(observed(member, T3_LARGE, true));
    assertTrue(group.contains("Auto Scaling group web") && group.contains("launch template")
        && group.contains("CreateLaunchTemplateVersion"), group);
    assertTrue(refusal(observed(instance("stopping"), T3_LARGE, true)).contains("stopping"));
  }

  @Test
  void nvmeNewToTheInstance_isWarned() {
    TypeInfo xen = new TypeInfo("m4.large", Set.of("x86_64"), Set.of("hvm"), "supported",
        "unsupported");
    Observation o = new Observation(instance("running"), xen, T3_LARGE, true);
    assertTrue(DECISION.decide(o).warnings().get(0).contains("NVMe"));
    assertTrue(DECISION.decide(observed(instance("running"), T3_LARGE, true)).warnings()
        .isEmpty());
  }
}
