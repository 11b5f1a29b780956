package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Step;
import dev.remediate.ec2.ResizeObserver.InstanceFacts;
import dev.remediate.ec2.ResizeObserver.Observation;
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
  void running_stopsChangesAndStarts_withOnlyTheStopFlaggedDowntime() {
    List<Step> steps = DECISION.decide(observed(instance("running"), T3_LARGE, true)).steps();

    assertEquals(List.of("StopInstances", "ModifyInstanceAttribute", "StartInstances"),
        steps.stream().map(Step::kind).toList());
    assertEquals(Set.of(Flag.DOWNTIME), steps.get(0).flags());
    assertTrue(steps.get(1).flags().isEmpty() && steps.get(2).flags().isEmpty());
    assertEquals("t3.micro", steps.get(1).before().orElseThrow());
    assertEquals("t3.large", steps.get(1).after().orElseThrow());
    assertEquals("t3.micro", steps.get(1).parameter("previousType"));
  }

  @Test
  void stopped_onlyChangesTheType() {
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
    assertTrue(refusal(observed(member, T3_LARGE, true))
        .contains("change the group's launch template instead"));
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
