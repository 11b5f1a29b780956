package dev.remediate.core.plan;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.internal.PlanJson;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The plans of one scan: one {@link Plan} per target, in a fixed order, where a plan may need
 * another applied first ({@link Plan#requires()}). Immutable.
 *
 * <p>A plan set renders as text a person reviews ({@link #toText()}) and as versioned JSON
 * ({@link #toJson()}, format {@value #FORMAT} {@value Plan#FORMAT_VERSION}) that round-trips, so it
 * can be saved by one process and applied by another:
 *
 * <pre>{@code
 * PlanSet plans = remediator.planSet(List.of(
 *     RestrictSecurityGroup.forAllGroups(), EnableVpcFlowLogs.forAllVpcs().toS3Bucket("logs")));
 * Files.writeString(path, plans.toJson());
 * // later, elsewhere
 * PlanSetResult result = remediator.apply(PlanSet.fromJson(Files.readString(path)));
 * }</pre>
 *
 * <p>A plan set made by a scan also records the remediations it scanned, each with the account
 * and Region it was scanned in ({@link #scanned()}: e.g. "every security group, ports 22 and
 * 3389, in 111122223333 eu-west-1"). Applying it observes those again there, so a target they
 * find that the set does not hold (a VPC created after the scan) is reported as not reviewed
 * rather than passed over in silence. A subset that leaves out targets with changes of a
 * remediation in an account and Region ({@link #select}, {@link #forTargets}) no longer records
 * that remediation there.
 */
public final class PlanSet {
  /** Identifies the document type of a saved plan set. */
  public static final String FORMAT = "remediate-plan-set";

  private static final PlanSet EMPTY = new PlanSet(List.of(), List.of());

  private final List<Plan> plans;
  private final Map<String, Plan> byKey;
  private final List<Scanned> scanned;

  /**
   * A remediation as a scan was asked for it (a region-wide form, or the form of chosen targets),
   * and where it was scanned.
   *
   * @param account the account id
   * @param region the Region id
   * @param remediation the remediation's spec
   */
  public record Scanned(String account, String region, RemediationSpec remediation) {
    /**
     * Checks the values.
     *
     * @throws InvalidRemediationException when one is null or blank, naming it
     */
    public Scanned {
      if (account == null || account.isBlank() || region == null || region.isBlank()
          || remediation == null) {
        throw new InvalidRemediationException("A scanned remediation needs an account, a Region "
            + "and a spec: " + account + ", " + region + ", " + remediation);
      }
    }

    /**
     * @param plan a plan
     * @return true when this is the plan's remediation, scanned where the plan's target is
     */
    public boolean covers(Plan plan) {
      return plan.remediation().id().equals(remediation.id())
          && plan.target().account().equals(account) && plan.target().region().equals(region);
    }
  }

  private PlanSet(List<Plan> plans, List<Scanned> scanned) {
    Map<String, Plan> keys = new LinkedHashMap<>();
    for (Plan plan : plans) {
      Objects.requireNonNull(plan, "plan");
      if (keys.putIfAbsent(plan.key(), plan) != null) {
        throw new InvalidRemediationException("Plan set holds two plans for " + plan.key());
      }
    }
    this.plans = List.copyOf(plans);
    this.byKey = keys;
    this.scanned = List.copyOf(new java.util.LinkedHashSet<>(scanned));
  }

  /**
   * Creates a plan set.
   *
   * @param plans the plans, in order; at most one per {@link Plan#key()}
   * @return the plan set
   * @throws InvalidRemediationException when two plans share a key
   */
  public static PlanSet of(Collection<Plan> plans) {
    return plans.isEmpty() ? EMPTY : new PlanSet(List.copyOf(plans), List.of());
  }

  /**
   * Creates a plan set.
   *
   * @param plans the plans, in order
   * @return the plan set
   */
  public static PlanSet of(Plan... plans) {
    return of(List.of(plans));
  }

  /**
   * The same plans, also recording remediations whose every target, in their account and Region,
   * they hold, as {@link dev.remediate.core.Remediator#planSet} does: apply observes these again
   * there and reports targets they find that the set does not hold. Only observed, never applied:
   * changes come from the plans alone.
   *
   * @param remediations what was scanned, and where
   * @return a new plan set
   */
  public PlanSet withScanned(Collection<Scanned> remediations) {
    List<Scanned> all = new ArrayList<>(scanned);
    remediations.forEach(r -> all.add(Objects.requireNonNull(r, "scanned remediation")));
    return new PlanSet(plans, all);
  }

  /**
   * @return the remediations whose every target in their account and Region this set holds (see
   *     {@link #withScanned}), in order; empty for a set made of chosen plans
   */
  public List<Scanned> scanned() {
    return scanned;
  }

  /** @return every plan, compliant ones included, in order */
  public List<Plan> plans() {
    return plans;
  }

  /** @return the plans with changes, in order */
  public List<Plan> withChanges() {
    return plans.stream().filter(p -> !p.isEmpty()).toList();
  }

  /** @return true when no plan has a change */
  public boolean isEmpty() {
    return plans.stream().allMatch(Plan::isEmpty);
  }

  /** @return the number of steps of every plan */
  public int changes() {
    return plans.stream().mapToInt(p -> p.steps().size()).sum();
  }

  /**
   * Finds a plan by key.
   *
   * @param key a {@link Plan#key()}
   * @return the plan, or null when the set has none with that key
   */
  public Plan get(String key) {
    return byKey.get(key);
  }

  /**
   * The plans that match, and every plan they need ({@link Plan#requires()}), in this set's order.
   * A {@linkplain #scanned() scanned} remediation stays recorded only when plans of its account
   * and Region are kept, and every plan of its id with changes there is: leaving out compliant
   * targets keeps it; choosing some of the targets with changes of a Region does not (apply would
   * report the others as not reviewed).
   *
   * @param filter which plans to keep
   * @return a new plan set
   */
  public PlanSet select(Predicate<Plan> filter) {
    Set<String> keep = new HashSet<>();
    Deque<Plan> work = new ArrayDeque<>();
    plans.stream().filter(filter).forEach(work::add);
    while (!work.isEmpty()) {
      Plan plan = work.pop();
      if (keep.add(plan.key())) {
        plan.requires().stream().map(byKey::get).filter(Objects::nonNull).forEach(work::add);
      }
    }
    List<Plan> kept = plans.stream().filter(p -> keep.contains(p.key())).toList();
    List<Plan> leftOut = plans.stream().filter(p -> !p.isEmpty() && !keep.contains(p.key()))
        .toList();
    return new PlanSet(kept, scanned.stream()
        .filter(s -> kept.stream().anyMatch(p -> place(p).equals(s.account() + " " + s.region())))
        .filter(s -> leftOut.stream().noneMatch(s::covers)).toList());
  }

  private static String place(Plan plan) {
    return plan.target().account() + " " + plan.target().region();
  }

  /**
   * The plans whose target is one of the given resources (a group, VPC, instance, volume...), and
   * what they need, like {@code terraform -target}.
   *
   * @param resourceIds target ids
   * @return a new plan set
   */
  public PlanSet forTargets(Collection<String> resourceIds) {
    Set<String> ids = Set.copyOf(resourceIds);
    return select(plan -> ids.contains(plan.target().id()));
  }

  /**
   * Joins plan sets; plans of the later sets come after.
   *
   * @param other another plan set
   * @return the union
   * @throws InvalidRemediationException when both hold a plan with the same key
   */
  public PlanSet and(PlanSet other) {
    List<Plan> all = new ArrayList<>(plans);
    all.addAll(other.plans);
    List<Scanned> forms = new ArrayList<>(scanned);
    forms.addAll(other.scanned);
    return all.isEmpty() && forms.isEmpty() ? EMPTY : new PlanSet(all, forms);
  }

  /**
   * Renders every plan with changes, one line per compliant target, and a summary line.
   *
   * @return multi-line text
   */
  public String toText() {
    StringBuilder out = new StringBuilder();
    for (Plan plan : plans) {
      if (plan.isEmpty()) {
        // a target left alone (opt-out tag) is not known to be compliant: say which it is
        out.append(plan.remediation().id()).append(" on ").append(plan.target())
            .append(plan.skipped().isEmpty() ? ": compliant\n" : ": no changes\n");
        plan.skipped().forEach(skip -> out.append("  = skipped ").append(skip.resource())
            .append(" (").append(skip.reason()).append(")\n"));
      } else {
        out.append(plan.toText());
      }
    }
    long withChanges = plans.stream().filter(p -> !p.isEmpty()).count();
    out.append("Plan set: ").append(plans.size()).append(" target(s), ").append(withChanges)
        .append(" with changes (").append(changes()).append(" change(s))");
    if (skipped() > 0) {
      out.append(", ").append(skipped()).append(" resource(s) skipped");
    }
    out.append(".\n");
    return out.toString();
  }

  /** @return the resources every plan leaves alone (e.g. opted out with the tag), counted */
  public int skipped() {
    return plans.stream().mapToInt(p -> p.skipped().size()).sum();
  }

  /** @return the targets with no changes and nothing skipped: known to be compliant */
  public long compliant() {
    return plans.stream().filter(p -> p.isEmpty() && p.skipped().isEmpty()).count();
  }

  /**
   * @return the plan set as JSON: {@code {"format": "remediate-plan-set", "plans": [...],
   *     "scanned": [...]}}
   */
  public String toJson() {
    return PlanJson.writeSet(plans, scanned);
  }

  /**
   * Reads a plan set written by {@link #toJson()}; also a JSON array of plans or a single plan
   * (format 2.x, or 1.x of one target). Fields unknown to this version are ignored.
   *
   * @param json the JSON document
   * @return the plan set
   * @throws InvalidRemediationException naming what is wrong, with the plan's position
   */
  public static PlanSet fromJson(String json) {
    PlanJson.SetDocument read = PlanJson.readSet(json);
    return of(read.plans()).withScanned(read.scanned());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PlanSet other && plans.equals(other.plans)
        && scanned.equals(other.scanned);
  }

  @Override
  public int hashCode() {
    return plans.hashCode() * 31 + scanned.hashCode();
  }

  @Override
  public String toString() {
    return "PlanSet" + plans.stream().map(Plan::key).toList();
  }
}
