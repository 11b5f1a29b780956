package dev.remediate.core;

import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.SpecTable;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Remediation} whose spec parameters are declared once, in a {@link SpecTable}: its
 * {@link #id()} and {@link #spec()} come from the table, and so do equality, hash code and text
 * (the spec holds every value the remediation was built with, so two remediations with equal
 * specs are equal). A subclass gives the table and writes only observe, decide and steps; its
 * {@link AbstractRemediationType} rebuilds it from a spec with the same table.
 *
 * <pre>{@code
 * public final class TagVpc extends AbstractRemediation<TagVpc> {
 *   static final SpecTable<TagVpc, TagVpc> SPEC = SpecTable.<TagVpc, TagVpc>of("example.tag-vpc")
 *       .start("vpcId", SpecKind.aws(AwsNames::vpcId), r -> r.vpcId, TagVpc::new)
 *       .build(r -> r);
 *   private final String vpcId;
 *
 *   TagVpc(String vpcId) { this.vpcId = vpcId; }
 *
 *   protected SpecTable<TagVpc, ?> specTable() { return SPEC; }
 *   // plan(...) and execute(...)
 * }
 * }</pre>
 *
 * @param <R> the remediation's own class
 */
public abstract class AbstractRemediation<R extends AbstractRemediation<R>>
    implements Remediation {
  /** For subclasses. */
  protected AbstractRemediation() {}

  /**
   * The table declaring this remediation's spec parameters.
   *
   * @return the table, the same for every instance of the class
   */
  protected abstract SpecTable<R, ?> specTable();

  @Override
  public final String id() {
    return specTable().id();
  }

  /**
   * The spec the table writes for this remediation; a remediation with several forms of spec
   * (e.g. one table per form) overrides it.
   */
  @Override
  public RemediationSpec spec() {
    return specTable().spec(self());
  }

  @SuppressWarnings("unchecked")
  private R self() {
    return (R) this;
  }

  /** Equal when of the same class with equal specs. */
  @Override
  public final boolean equals(@Nullable Object o) {
    return o != null && o.getClass() == getClass() && spec().equals(((Remediation) o).spec());
  }

  @Override
  public final int hashCode() {
    return spec().hashCode();
  }

  /** The class's simple name and the spec's parameters, e.g. {@code TagVpc{vpcId=vpc-1}}. */
  @Override
  public final String toString() {
    return getClass().getSimpleName() + spec().parameters();
  }
}
