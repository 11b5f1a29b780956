package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Step;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ResizeGroup#decide}, the decision of {@link ResizeInstance} for a member of an Auto
 * Scaling group, with hand-made groups: no emulator, no AWS call.
 */
class ResizeGroupDecisionTest {
  private static final String ARN = "arn:aws:autoscaling:eu-west-1:111122223333:"
      + "autoScalingGroup:*:autoScalingGroupName/web";

  private static ResizeGroup.Group group(String version, String type) {
    return new ResizeGroup.Group("web", "lt-0abc", version, 4, type, null);
  }

  private static List<Step> decide(ResizeGroup.Group g, List<String> warnings) {
    return ResizeGroup.decide(g, "i-0abc", "t3.large", "eu-west-1", "111122223333", warnings);
  }

  private static List<String> described(List<Step> steps) {
    return steps.stream().map(s -> s.kind() + " " + s.action() + " " + s.resource() + " "
        + s.parameters() + " " + s.before().orElse("-") + " -> " + s.after().orElse("-"))
        .toList();
  }

  @Test
  void groupTemplateAlreadyOfTheType_nothingToDoNoWarning() {
    List<String> warnings = new ArrayList<>();
    assertEquals(List.of(), decide(group("$Default", "t3.large"), warnings));
    assertEquals(List.of(), warnings);
  }

  @Test
  void groupOnANumberedVersion_newVersionThenTheGroupPointedAtIt() {
    List<String> warnings = new ArrayList<>();
    List<Step> steps = decide(group("4", "t3.micro"), warnings);

    assertEquals(List.of(
        LaunchTemplateSteps.CREATE_VERSION + " ADD " + ARN + " {group=web, instanceType=t3.large, "
            + "sourceVersion=4, templateId=lt-0abc} t3.micro -> t3.large",
        LaunchTemplateSteps.UPDATE_GROUP + " CHANGE " + ARN + " {group=web, "
            + "instanceType=t3.large, templateId=lt-0abc} version 4 -> the version with instance "
            + "type t3.large"), described(steps));
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).startsWith("i-0abc is a member of Auto Scaling group web"),
        warnings.get(0));
  }

  @Test
  void groupOnDefault_theNewVersionMadeTheDefault_onLatest_theNewVersionAlone() {
    assertEquals(List.of(LaunchTemplateSteps.CREATE_VERSION, LaunchTemplateSteps.MODIFY_TEMPLATE),
        decide(group("$Default", null), new ArrayList<>()).stream().map(Step::kind).toList());
    List<Step> latest = decide(group("$Latest", "t3.micro"), new ArrayList<>());
    assertEquals(List.of(LaunchTemplateSteps.CREATE_VERSION),
        latest.stream().map(Step::kind).toList());
  }

  @Test
  void groupWithoutALaunchTemplate_refusedNamingTheGroupAndWhy() {
    ResizeGroup.Group g = new ResizeGroup.Group("web", null, "", 0, null,
        "it uses a launch configuration: move it to a launch template first");

    RemediationException e = assertThrows(RemediationException.class,
        () -> decide(g, new ArrayList<>()));

    assertEquals("Resize of i-0abc to t3.large refused: it is a member of Auto Scaling group "
        + "web, and it uses a launch configuration: move it to a launch template first",
        e.getMessage());
  }
}
