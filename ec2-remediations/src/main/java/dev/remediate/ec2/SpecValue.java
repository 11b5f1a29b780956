package dev.remediate.ec2;

import dev.remediate.core.Remediation;

/**
 * Equality, hash and text of a remediation by its {@link #spec()}: the spec holds every value the
 * remediation was built with, so two remediations with equal specs are equal.
 */
abstract class SpecValue implements Remediation {
  SpecValue() {}

  @Override
  public final boolean equals(Object o) {
    return o != null && o.getClass() == getClass() && spec().equals(((Remediation) o).spec());
  }

  @Override
  public final int hashCode() {
    return spec().hashCode();
  }

  @Override
  public final String toString() {
    return getClass().getSimpleName() + spec().parameters();
  }
}
