package dev.remediate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.remediate.core.aws.AwsNames;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.plan.Step;
import org.junit.jupiter.api.Test;

/**
 * Equality, hash code and text of a remediation come from its spec, and its text names the
 * remediation even when the instance is of a generated subclass (as Immutables makes).
 */
class AbstractRemediationTest {
  /** A remediation written as the catalog's are: abstract, with a generated-like subclass. */
  abstract static class TagVpc extends AbstractRemediation<TagVpc> {
    static final SpecTable<TagVpc, TagVpc> SPEC = SpecTable.<TagVpc, TagVpc>of("test.tag-vpc")
        .start("vpcId", SpecKind.aws(AwsNames::vpcId), TagVpc::vpcId, TagVpc::forVpc)
        .build(r -> r);

    static TagVpc forVpc(String vpcId) {
      return new ImmutableTagVpc(vpcId);
    }

    abstract String vpcId();

    @Override
    protected SpecTable<TagVpc, ?> specTable() {
      return SPEC;
    }

    @Override
    public Plan plan(RemediationContext context) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void execute(Step step, RemediationContext context) {
      throw new UnsupportedOperationException();
    }
  }

  /** What Immutables would write, under the name it would give: the values, nothing else. */
  static final class ImmutableTagVpc extends TagVpc {
    private final String vpcId;

    ImmutableTagVpc(String vpcId) {
      this.vpcId = vpcId;
    }

    @Override
    String vpcId() {
      return vpcId;
    }
  }

  @Test
  void toString_ofAGeneratedSubclass_namesTheRemediation() {
    assertEquals("TagVpc{vpcId=vpc-00000001}", TagVpc.forVpc("vpc-00000001").toString());
  }

  /** A user's remediation with a base class of its own, not generated. */
  static class TaggedVpc extends TagVpc {
    @Override
    String vpcId() {
      return "vpc-00000003";
    }
  }

  @Test
  void toString_ofASubclassThatIsNotGenerated_namesThatSubclass() {
    assertEquals("TaggedVpc{vpcId=vpc-00000003}", new TaggedVpc().toString());
  }

  @Test
  void equalsAndHashCode_followTheSpec() {
    TagVpc a = TagVpc.forVpc("vpc-00000001");
    assertEquals(a, TagVpc.forVpc("vpc-00000001"));
    assertEquals(a.hashCode(), TagVpc.forVpc("vpc-00000001").hashCode());
    assertNotEquals(a, TagVpc.forVpc("vpc-00000002"));
    assertEquals("test.tag-vpc", a.id());
  }
}
