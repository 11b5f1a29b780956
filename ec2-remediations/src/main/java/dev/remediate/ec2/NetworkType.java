package dev.remediate.ec2;

import dev.remediate.core.RemediationType;
import dev.remediate.core.plan.Flag;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The catalog facts every network remediation type of this package states the same way. */
abstract class NetworkType implements RemediationType {
  private final String id;
  private final String description;
  private final List<String> controls;
  private final Set<String> iamActions;
  private final Set<Flag> flags;

  NetworkType(String id, String description, List<String> controls, Set<String> iamActions,
      Set<Flag> flags) {
    this.id = id;
    this.description = description;
    this.controls = List.copyOf(controls);
    this.iamActions = Set.copyOf(iamActions);
    this.flags = flags.isEmpty() ? EnumSet.noneOf(Flag.class) : EnumSet.copyOf(flags);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public List<String> controls() {
    return controls;
  }

  @Override
  public Set<String> iamActions() {
    return iamActions;
  }

  @Override
  public Set<Flag> flags() {
    return EnumSet.copyOf(flags.isEmpty() ? EnumSet.noneOf(Flag.class) : flags);
  }
}
