package dev.remediate.core;

import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Step;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory multi-target remediation for plan-set engine tests: every "thing" of a shared world
 * must have value {@code ok}; one plan per thing, with one or two steps. A second type,
 * {@code test.dependent}, needs the thing {@code base}, which a fleet plan may promise.
 */
final class FleetRemediation implements Remediation {
  static final String ID = "test.fleet";
  static final String DEPENDENT = "test.dependent";

  /** The shared world and what happened to it. */
  static final class World {
    final Map<String, String> things = new ConcurrentHashMap<>();
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final Set<String> failOn = ConcurrentHashMap.newKeySet();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();
    final AtomicInteger observations = new AtomicInteger();
    volatile boolean batching;
    volatile boolean twoSteps;
    volatile long stepMillis;
    volatile Set<Flag> flags = EnumSet.noneOf(Flag.class);

    World put(String thing, String value) {
      things.put(thing, value);
      return this;
    }
  }

  private final World world;
  private final String target;

  FleetRemediation(World world, String target) {
    this.world = world;
    this.target = target;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public RemediationSpec spec() {
    return RemediationSpec.of(ID, Map.of("thing", target));
  }

  @Override
  public Plan plan(RemediationContext context) {
    return planEach(context).get(0);
  }

  @Override
  public List<Plan> planEach(RemediationContext context) {
    world.observations.incrementAndGet();
    List<Plan> plans = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(world.things).entrySet()) {
      if (!target.equals("*") && !Set.of(target.split(",")).contains(e.getKey())) {
        continue;
      }
      var plan = context.newPlan(new FleetRemediation(world, e.getKey()), "Test::Thing",
          e.getKey());
      if (!"ok".equals(e.getValue())) {
        if (world.twoSteps) {
          plan.addSteps(step("Prepare", e.getKey(), e.getValue()));
        }
        plan.addSteps(step("Fix", e.getKey(), e.getValue()));
        plan.addProvides("thing:" + e.getKey());
      }
      plans.add(plan.build());
    }
    return plans;
  }

  private Step step(String kind, String thing, String value) {
    return Step.builder().kind(kind).action(Action.CHANGE).resource(thing)
        .summary(kind + " " + thing).before(value).after("ok").flags(world.flags)
        .putParameters("thing", thing).build();
  }

  @Override
  public Optional<String> batchKey(Step step) {
    return world.batching && step.kind().equals("Fix") ? Optional.of("fix") : Optional.empty();
  }

  @Override
  public Map<Step, RuntimeException> executeBatch(List<Step> steps, RemediationContext context) {
    world.calls.add("batch " + steps.stream().map(s -> s.parameter("thing")).sorted().toList());
    Map<Step, RuntimeException> failures = new java.util.HashMap<>();
    for (Step step : steps) {
      String thing = step.parameter("thing");
      if (world.failOn.contains(thing)) {
        failures.put(step, new IllegalStateException("boom on " + thing));
      } else {
        world.things.put(thing, "ok");
      }
    }
    return failures;
  }

  @Override
  public void execute(Step step, RemediationContext context) {
    String thing = step.parameter("thing");
    int now = world.running.incrementAndGet();
    world.maxRunning.accumulateAndGet(now, Math::max);
    try {
      world.calls.add(step.kind() + " " + thing);
      if (world.stepMillis > 0) {
        Thread.sleep(world.stepMillis);
      }
      if (world.failOn.contains(thing)) {
        throw new IllegalStateException("boom on " + thing);
      }
      if (step.kind().equals("Fix")) {
        world.things.put(thing, "ok");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      world.running.decrementAndGet();
    }
  }

  /** Needs thing {@code base} to be ok; then sets {@code dependent} to ok. */
  static final class Dependent implements Remediation {
    private final World world;

    Dependent(World world) {
      this.world = world;
    }

    @Override
    public String id() {
      return DEPENDENT;
    }

    @Override
    public RemediationSpec spec() {
      return RemediationSpec.of(DEPENDENT, Map.of());
    }

    @Override
    public Set<String> after() {
      return Set.of(ID);
    }

    @Override
    public Plan plan(RemediationContext context) {
      var plan = context.newPlan(this, "Test::Dependent", "dependent");
      if (!"ok".equals(world.things.get("base"))) {
        String promise = context.promised("thing:base").orElseThrow(
            () -> new RemediationException("thing base is not ok and no plan makes it so"));
        plan.addRequires(promise);
      }
      if (!"ok".equals(world.things.getOrDefault("dependent", "bad"))) {
        plan.addSteps(Step.builder().kind("Follow").action(Action.ADD).resource("dependent")
            .summary("after base").build());
      }
      return plan.build();
    }

    @Override
    public void execute(Step step, RemediationContext context) {
      if (!"ok".equals(world.things.get("base"))) {
        throw new IllegalStateException("base is not ok");
      }
      world.calls.add("Follow dependent");
      world.things.put("dependent", "ok");
    }
  }

  /** Catalog entries for both. */
  static RemediationCatalog catalog(World world) {
    return RemediationCatalog.of(new Type(ID, spec -> new FleetRemediation(world,
        spec.require("thing"))) {
      @Override
      public List<Remediation> forTargets(List<RemediationSpec> specs) {
        return List.of(new FleetRemediation(world, String.join(",",
            specs.stream().map(s -> s.require("thing")).toList())));
      }
    }, new Type(DEPENDENT, spec -> new Dependent(world)));
  }

  private static class Type implements RemediationType {
    private final String id;
    private final java.util.function.Function<RemediationSpec, Remediation> factory;

    Type(String id, java.util.function.Function<RemediationSpec, Remediation> factory) {
      this.id = id;
      this.factory = factory;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public String description() {
      return id;
    }

    @Override
    public List<String> controls() {
      return List.of();
    }

    @Override
    public Set<String> iamActions() {
      return Set.of();
    }

    @Override
    public Set<Flag> flags() {
      return Set.of();
    }

    @Override
    public Remediation fromSpec(RemediationSpec spec) {
      return factory.apply(spec);
    }
  }
}
