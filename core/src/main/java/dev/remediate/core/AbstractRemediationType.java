package dev.remediate.core;

import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.SpecTable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link RemediationType} whose catalog facts (id, description, controls, IAM actions, flags) are
 * fixed when it is constructed: a subclass passes them to the constructor, gives the remediation's
 * {@link SpecTable} (which rebuilds remediations from specs: {@link #fromSpec}), and adds its
 * region-wide form ({@link #forRegion}) and its forms for chosen resources ({@link #forTarget})
 * where it has them.
 *
 * <pre>{@code
 * public static final class Type extends AbstractRemediationType {
 *   public Type() {
 *     super(ID, "Remove every ingress and egress rule from a VPC's default security group",
 *         CONTROLS, IAM_ACTIONS, EnumSet.of(Flag.DISRUPTIVE));
 *     specTable(SPEC);
 *   }
 * }
 * }</pre>
 */
public abstract class AbstractRemediationType implements RemediationType {
  private final String id;
  private final String description;
  private final List<String> controls;
  private final Set<String> iamActions;
  private final Set<Flag> flags;
  private Set<String> responderActions = Set.of();
  private Set<String> roleServices = Set.of();
  private @org.jspecify.annotations.Nullable SpecTable<?, ?> specTable;
  private @org.jspecify.annotations.Nullable AsScanned observedAsScanned;

  /** How a type observed as scanned treats a reviewed target its forms do not find. */
  private enum AsScanned { EVERY_TARGET, SELECTION }

  /**
   * Creates the type; the collections are copied.
   *
   * @param id the stable catalog id, e.g. {@code ec2.vpc-flow-logs}
   * @param description a one-line description
   * @param controls controls satisfied (may be empty), e.g. {@code FSBP EC2.6}
   * @param iamActions every IAM action the remediation may need to plan and apply
   * @param flags flags its plans may carry (may be empty)
   * @throws InvalidRemediationException when a value is null or blank, naming it
   */
  protected AbstractRemediationType(String id, String description, List<String> controls,
      Set<String> iamActions, Set<Flag> flags) {
    this.id = text("id", id);
    this.description = text("description", description);
    this.controls = List.copyOf(texts("controls", controls, new ArrayList<>()));
    this.iamActions =
        Collections.unmodifiableSet(texts("iamActions", iamActions, new LinkedHashSet<>()));
    if (flags == null) {
      throw new InvalidRemediationException("Remediation type " + id + ": flags is null");
    }
    EnumSet<Flag> copy = EnumSet.noneOf(Flag.class);
    for (Flag flag : flags) {
      if (flag == null) {
        throw new InvalidRemediationException("Remediation type " + id
            + ": flags " + flags + " contains null");
      }
      copy.add(flag);
    }
    this.flags = Collections.unmodifiableSet(copy);
  }

  /**
   * Gives the table of the remediation's spec parameters, which {@link #fromSpec} reads with;
   * call it in the constructor. A type whose specs have several tables overrides
   * {@link #fromSpec} instead.
   *
   * @param table the table, of this type's id
   * @throws InvalidRemediationException when the table is of another id
   */
  protected final void specTable(SpecTable<?, ?> table) {
    if (!table.id().equals(id)) {
      throw new InvalidRemediationException("Remediation type " + id + ": the spec table is "
          + table.id() + "'s");
    }
    this.specTable = table;
  }

  /**
   * Rebuilds a remediation from its spec with the table given to {@link #specTable}.
   *
   * @throws InvalidRemediationException naming the parameter and the value when the spec does
   *     not fit the table
   * @throws UnsupportedOperationException when the type gave no table and does not override this
   */
  @Override
  public Remediation fromSpec(RemediationSpec spec) {
    if (specTable == null) {
      throw new UnsupportedOperationException("Remediation type " + id
          + " gives no spec table (specTable(...)) and does not override fromSpec");
    }
    return specTable.fromSpec(spec);
  }

  /**
   * Marks some of the IAM actions as responder actions ({@link #responderActions()}); call it from
   * the constructor.
   *
   * @param actions actions among {@link #iamActions()}
   * @throws InvalidRemediationException when one is not among them, naming it
   */
  protected final void responderActions(String... actions) {
    for (String action : actions) {
      if (!iamActions.contains(action)) {
        throw new InvalidRemediationException("Remediation type " + id + ": responder action "
            + action + " is not among its IAM actions");
      }
    }
    this.responderActions = Set.of(actions);
  }

  /**
   * Names the services that assume the roles this type passes or links ({@link #roleServices()});
   * call it from the constructor.
   *
   * @param services service principals, e.g. {@code ec2.amazonaws.com}
   */
  protected final void roleServices(String... services) {
    this.roleServices = Set.of(services);
  }

  @Override
  public Set<String> responderActions() {
    return responderActions;
  }

  @Override
  public Set<String> roleServices() {
    return roleServices;
  }

  private String text(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidRemediationException("Remediation type " + (name.equals("id") ? "" : id
          + ": ") + name + " '" + value + "' is null or blank");
    }
    return value;
  }

  private <C extends Collection<String>> C texts(String name, Collection<String> values, C copy) {
    if (values == null) {
      throw new InvalidRemediationException("Remediation type " + id + ": " + name + " is null");
    }
    for (String value : values) {
      if (value == null || value.isBlank()) {
        throw new InvalidRemediationException("Remediation type " + id + ": " + name + " "
            + values + " contains the null or blank value '" + value + "'");
      }
      copy.add(value);
    }
    return copy;
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public final String description() {
    return description;
  }

  @Override
  public final List<String> controls() {
    return controls;
  }

  @Override
  public final Set<String> iamActions() {
    return iamActions;
  }

  @Override
  public final Set<Flag> flags() {
    return flags;
  }

  /**
   * Declares that apply observes this type's reviewed targets with the forms the plan set was
   * scanned with ({@link #observeAgain}), so that targets found since the scan are reported as not
   * reviewed: for a type whose region-wide forms select targets (every security group, every
   * running instance with a tag). Call it in the constructor. Not for forms that resolve
   * something against the current state (the next instance size).
   *
   * @param selectsEveryTarget true when the forms select every target of the Region, or chosen
   *     ids: a reviewed target they do not find is gone and is not read again
   *     ({@link #observeMissing} returns none); false when they select by tag or state, so a
   *     reviewed target they miss may still exist and is read on its own
   */
  protected final void observeAsScanned(boolean selectsEveryTarget) {
    this.observedAsScanned = selectsEveryTarget ? AsScanned.EVERY_TARGET : AsScanned.SELECTION;
  }

  /**
   * The scanned forms when the type {@linkplain #observeAsScanned observes as scanned} and the
   * plan set records some, else {@link #forTargets} of the reviewed targets.
   */
  @Override
  public List<Remediation> observeAgain(List<RemediationSpec> reviewed,
      List<RemediationSpec> scanned) {
    return observedAsScanned == null || scanned.isEmpty() ? forTargets(reviewed)
        : scanned.stream().map(this::fromSpec).toList();
  }

  /**
   * Each on its own when the type is observed as scanned with forms that select by tag or state
   * ({@link #observeAsScanned}{@code (false)}), else none.
   */
  @Override
  public List<Remediation> observeMissing(List<RemediationSpec> missing) {
    return observedAsScanned == AsScanned.SELECTION ? forTargets(missing) : List.of();
  }
}
