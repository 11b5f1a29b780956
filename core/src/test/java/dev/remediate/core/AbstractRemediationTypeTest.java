package dev.remediate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.RemediationSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AbstractRemediationTypeTest {
  private static final class TestType extends AbstractRemediationType {
    TestType(String id, String description, List<String> controls, Set<String> iamActions,
        Set<Flag> flags) {
      super(id, description, controls, iamActions, flags);
    }

    @Override
    public Remediation fromSpec(RemediationSpec spec) {
      throw new UnsupportedOperationException();
    }
  }

  /** A type marking a responder action and naming a role service in its constructor. */
  private static final class ResponderType extends AbstractRemediationType {
    ResponderType(String responder) {
      super("test.responder", "A responder", List.of(), Set.of("iam:PassRole",
          "ec2:DescribeInstances"), EnumSet.noneOf(Flag.class));
      responderActions(responder);
      roleServices("ec2.amazonaws.com");
    }

    @Override
    public Remediation fromSpec(RemediationSpec spec) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void responderActionsAndRoleServices_setInTheConstructor_responderMustBeAnIamAction() {
    ResponderType t = new ResponderType("iam:PassRole");
    assertEquals(Set.of("iam:PassRole"), t.responderActions());
    assertEquals(Set.of("ec2.amazonaws.com"), t.roleServices());
    assertEquals(Set.of(), type("test.type", "A test type", List.of(), Set.of("ec2:DescribeVpcs"),
        EnumSet.noneOf(Flag.class)).responderActions(), "none by default");
    InvalidRemediationException e = org.junit.jupiter.api.Assertions.assertThrows(
        InvalidRemediationException.class, () -> new ResponderType("iam:PutRolePolicy"));
    assertTrue(e.getMessage().contains("iam:PutRolePolicy"), e.getMessage());
  }

  private static TestType type(String id, String description, List<String> controls,
      Set<String> iamActions, Set<Flag> flags) {
    return new TestType(id, description, controls, iamActions, flags);
  }

  @Test
  void returnsTheValuesGiven() {
    TestType t = type("test.type", "A test type", List.of("FSBP X.1", "CIS v1.4 1.1"),
        Set.of("ec2:DescribeVpcs", "ec2:CreateTags"), EnumSet.of(Flag.DOWNTIME, Flag.DESTRUCTIVE));
    assertEquals("test.type", t.id());
    assertEquals("A test type", t.description());
    assertEquals(List.of("FSBP X.1", "CIS v1.4 1.1"), t.controls());
    assertEquals(Set.of("ec2:DescribeVpcs", "ec2:CreateTags"), t.iamActions());
    assertEquals(EnumSet.of(Flag.DOWNTIME, Flag.DESTRUCTIVE), t.flags());
    assertTrue(t.forRegion(java.util.Map.of()).isEmpty());
  }

  @Test
  void emptyControlsAndFlagsAreAllowed() {
    TestType t = type("test.type", "A test type", List.of(), Set.of("ec2:DescribeVpcs"),
        EnumSet.noneOf(Flag.class));
    assertTrue(t.controls().isEmpty());
    assertTrue(t.flags().isEmpty());
  }

  @Test
  void keepsImmutableCopies() {
    List<String> controls = new ArrayList<>(List.of("FSBP X.1"));
    Set<String> actions = new HashSet<>(Set.of("ec2:DescribeVpcs"));
    Set<Flag> flags = EnumSet.of(Flag.DISRUPTIVE);
    TestType t = type("test.type", "A test type", controls, actions, flags);
    controls.add("FSBP X.2");
    actions.add("ec2:DeleteVpc");
    flags.add(Flag.DOWNTIME);
    assertEquals(List.of("FSBP X.1"), t.controls());
    assertEquals(Set.of("ec2:DescribeVpcs"), t.iamActions());
    assertEquals(Set.of(Flag.DISRUPTIVE), t.flags());
    assertThrows(UnsupportedOperationException.class, () -> t.controls().add("FSBP X.3"));
    assertThrows(UnsupportedOperationException.class, () -> t.iamActions().add("ec2:RunInstances"));
    assertThrows(UnsupportedOperationException.class, () -> t.flags().add(Flag.DOWNTIME));
  }

  @Test
  void rejectsBlankOrNullIdAndDescription() {
    assertMessageNames("id", () -> type(null, "d", List.of(), Set.of("a:B"), Set.of()));
    assertMessageNames("' '", () -> type(" ", "d", List.of(), Set.of("a:B"), Set.of()));
    assertMessageNames("description", () -> type("t", null, List.of(), Set.of("a:B"), Set.of()));
    assertMessageNames("description", () -> type("t", "", List.of(), Set.of("a:B"), Set.of()));
  }

  @Test
  void rejectsNullCollectionsAndNullOrBlankElements() {
    assertMessageNames("controls", () -> type("t", "d", null, Set.of("a:B"), Set.of()));
    assertMessageNames("iamActions", () -> type("t", "d", List.of(), null, Set.of()));
    assertMessageNames("flags", () -> type("t", "d", List.of(), Set.of("a:B"), null));
    assertMessageNames("'  '",
        () -> type("t", "d", List.of("FSBP X.1", "  "), Set.of("a:B"), Set.of()));
    assertMessageNames("'null'",
        () -> type("t", "d", Arrays.asList("FSBP X.1", null), Set.of("a:B"), Set.of()));
    assertMessageNames("iamActions",
        () -> type("t", "d", List.of(), new HashSet<>(Arrays.asList("a:B", "")), Set.of()));
    assertMessageNames("flags",
        () -> type("t", "d", List.of(), Set.of("a:B"), new HashSet<>(Arrays.asList((Flag) null))));
  }

  private static void assertMessageNames(String expected, Runnable construct) {
    InvalidRemediationException e =
        assertThrows(InvalidRemediationException.class, construct::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
