package dev.remediate.core;

import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An in-memory remediation for engine tests: desired state "every key of the world has value
 * 'ok'". Each wrong key gives one step; steps can be made to fail or to carry flags.
 */
final class FakeRemediation implements Remediation {
  final Map<String, String> world;
  final Set<String> optedOut;
  final Set<Flag> flags;
  final List<String> executed = new ArrayList<>();
  final List<List<Step>> compensations = new ArrayList<>();
  String failOn;
  boolean ignoreWrites;

  FakeRemediation(Map<String, String> world, Set<String> optedOut, Set<Flag> flags) {
    this.world = world;
    this.optedOut = optedOut;
    this.flags = flags;
  }

  static FakeRemediation of(Map<String, String> world, Flag... flags) {
    return new FakeRemediation(world, Set.of(), flags.length == 0 ? EnumSet.noneOf(Flag.class)
        : EnumSet.of(flags[0], flags));
  }

  @Override
  public String id() {
    return "test.fake";
  }

  @Override
  public RemediationSpec spec() {
    return RemediationSpec.of("test.fake", Map.of("scope", "world"));
  }

  @Override
  public Plan plan(RemediationContext context) {
    Plan.Builder plan = context.newPlan(this, "Test::World", "world");
    for (Map.Entry<String, String> e : new TreeMap<>(world).entrySet()) {
      if (optedOut.contains(e.getKey())) {
        plan.addSkipped(Skip.of(e.getKey(), context.optOutReason()));
      } else if (!"ok".equals(e.getValue())) {
        plan.addSteps(Step.builder().kind("Fix").action(Action.CHANGE).resource(e.getKey())
            .summary("set " + e.getKey() + " to ok").before(e.getValue()).after("ok")
            .flags(flags).putParameters("key", e.getKey()).build());
      }
    }
    return plan.fingerprint(context.fingerprint(new TreeMap<>(world).toString()))
        .addIamActions("test:Fix").addControls("TEST 1").build();
  }

  @Override
  public void execute(Step step, RemediationContext context) {
    String key = step.parameter("key");
    executed.add(key);
    context.progress("fixing " + key, 50);
    if (key.equals(failOn)) {
      throw new IllegalStateException("boom on " + key);
    }
    if (!ignoreWrites) {
      world.put(key, "ok");
    }
  }

  @Override
  public List<String> compensate(List<Step> completed, RuntimeException failure,
      RemediationContext context) {
    compensations.add(completed);
    return List.of("undid " + completed.size() + " step(s)");
  }

  /** Catalog entry. */
  static final class Type implements RemediationType {
    final FakeRemediation instance;

    Type(FakeRemediation instance) {
      this.instance = instance;
    }

    @Override
    public String id() {
      return "test.fake";
    }

    @Override
    public String description() {
      return "fake";
    }

    @Override
    public List<String> controls() {
      return List.of("TEST 1");
    }

    @Override
    public Set<String> iamActions() {
      return Set.of("test:Fix");
    }

    @Override
    public Set<Flag> flags() {
      return Set.of();
    }

    @Override
    public Remediation fromSpec(RemediationSpec spec) {
      return instance;
    }
  }
}
