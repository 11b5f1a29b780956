package dev.remediate.examples.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.GuardrailException;
import dev.remediate.core.Guardrails;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Remediator;
import dev.remediate.core.StalePlanException;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.CloudTrailReader;
import dev.remediate.core.event.EventRouter;
import dev.remediate.core.event.RoutedRemediation;
import dev.remediate.core.plan.PlanSet;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The Lambda adapter's engine, free of the Lambda runtime: reads EventBridge "AWS API Call via
 * CloudTrail" events (or any shape {@link CloudTrailReader} reads), routes each record, plans, and
 * applies the plans that need no consent under the {@link Guardrails}, then reports one JSON
 * summary line per record.
 *
 * <p>Outcomes per remediation: {@code applied}, {@code dry-run}, {@code compliant} (empty plan),
 * {@code needs-approval} (the rule asks for approval or a step is flagged: not applied),
 * {@code refused} (a guardrail, or a stale plan), {@code skipped} (another account), and
 * {@code failed}.
 *
 * <pre>{@code
 * EventReactor reactor = new EventReactor(EventRouter.load(), guardrails,
 *     region -> AwsScope.builder().region(region).build());
 * List<ObjectNode> summaries = reactor.react(input, "event", System.out::println);
 * }</pre>
 *
 * <p>Thread-safe; scopes are opened once per region and kept for later invocations.
 */
public final class EventReactor implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EventRouter router;
  private final Guardrails guardrails;
  private final Function<String, AwsScope> scopes;
  private final Map<String, Remediator> remediators = new ConcurrentHashMap<>();
  private final Map<String, AwsScope> opened = new ConcurrentHashMap<>();

  /**
   * Creates a reactor.
   *
   * @param router routes records to remediations
   * @param guardrails the guardrails (no consent is ever given)
   * @param scopes opens the scope of a region
   */
  public EventReactor(EventRouter router, Guardrails guardrails,
      Function<String, AwsScope> scopes) {
    this.router = Objects.requireNonNull(router, "router");
    this.guardrails = Objects.requireNonNull(guardrails, "guardrails");
    this.scopes = Objects.requireNonNull(scopes, "scopes");
  }

  /**
   * Reacts to every record of an input.
   *
   * @param input the event(s): an EventBridge envelope, a log file, NDJSON, ...
   * @param source how messages name the input
   * @param log receives one JSON summary line per record
   * @return one summary per record, as logged
   * @throws dev.remediate.core.event.CloudTrailParseException when the input is malformed (after
   *     the records before the fault were handled)
   */
  public List<ObjectNode> react(InputStream input, String source, Consumer<String> log) {
    List<ObjectNode> summaries = new ArrayList<>();
    try (CloudTrailReader reader = CloudTrailReader.open(input, source)) {
      while (reader.hasNext()) {
        ObjectNode summary = react(reader.next());
        summaries.add(summary);
        log.accept(summary.toString());
      }
    }
    return summaries;
  }

  /**
   * Reacts to one record.
   *
   * @param event the record
   * @return its summary
   */
  public ObjectNode react(CloudTrailEvent event) {
    ObjectNode summary = JSON.createObjectNode();
    summary.put("eventID", event.eventId().orElse(null));
    summary.put("eventSource", event.eventSource());
    summary.put("eventName", event.eventName());
    summary.put("awsRegion", event.awsRegion());
    summary.put("account", event.account().orElse(null));
    summary.put("dryRun", guardrails.dryRun());
    ArrayNode results = summary.putArray("remediations");
    List<RoutedRemediation> routed;
    try {
      routed = router.route(event);
    } catch (RemediationException e) {
      summary.put("error", e.getMessage());
      return summary;
    }
    for (RoutedRemediation r : routed) {
      results.add(handle(r));
    }
    return summary;
  }

  private ObjectNode handle(RoutedRemediation routed) {
    ObjectNode result = JSON.createObjectNode();
    result.put("id", routed.remediation().id());
    result.put("rule", routed.ruleId());
    try {
      Remediator remediator = remediator(routed.region());
      String account = opened.get(routed.region()).account();
      if (routed.account().isPresent() && !routed.account().get().equals(account)) {
        return outcome(result, "skipped", "the record is for account " + routed.account().get()
            + ", this function acts in " + account);
      }
      PlanSet plans = remediator.planSet(List.of(routed.remediation()));
      result.put("target", plans.plans().stream().map(p -> p.target().toString())
          .collect(java.util.stream.Collectors.joining("; ")));
      result.put("steps", plans.changes());
      if (plans.isEmpty()) {
        return outcome(result, "compliant", null);
      }
      java.util.Set<dev.remediate.core.plan.Flag> flags =
          java.util.EnumSet.noneOf(dev.remediate.core.plan.Flag.class);
      plans.plans().forEach(p -> flags.addAll(p.flags()));
      if (routed.needsApproval() || !flags.isEmpty()) {
        result.put("plan", plans.toJson().replace("\n", ""));
        return outcome(result, "needs-approval", routed.needsApproval()
            ? "rule " + routed.ruleId() + " asks for approval" : "flagged " + flags);
      }
      // Planned a moment ago in this invocation: applied as planned, then verified.
      PlanSetResult applied = remediator.applyFresh(plans.select(p -> !p.isEmpty()));
      if (applied.hasProblems()) {
        return outcome(result, "failed", applied.results().stream()
            .filter(ApplyResult::isProblem)
            .map(r -> r.plan().key() + ": " + r.status() + " " + r.detail())
            .collect(java.util.stream.Collectors.joining("; ")));
      }
      return outcome(result, guardrails.dryRun() ? "dry-run" : "applied", null);
    } catch (StalePlanException | GuardrailException e) {
      return outcome(result, "refused", e.getMessage());
    } catch (RemediationException e) {
      return outcome(result, "failed", e.getMessage());
    }
  }

  private static ObjectNode outcome(ObjectNode result, String outcome, String message) {
    result.put("outcome", outcome);
    if (message != null) {
      result.put("message", message);
    }
    return result;
  }

  private Remediator remediator(String region) {
    return remediators.computeIfAbsent(region, r -> Remediator.builder()
        .scope(opened.computeIfAbsent(r, scopes))
        .guardrails(guardrails)
        .build());
  }

  /**
   * Counts the remediations of summaries that failed.
   *
   * @param summaries summaries from {@link #react(InputStream, String, Consumer)}
   * @return how many failed
   */
  public static long failures(List<ObjectNode> summaries) {
    long failed = 0;
    for (ObjectNode summary : summaries) {
      if (summary.has("error")) {
        failed++;
      }
      for (var result : summary.path("remediations")) {
        if ("failed".equals(result.path("outcome").asText())) {
          failed++;
        }
      }
    }
    return failed;
  }

  /** Closes the scopes opened. */
  @Override
  public void close() {
    opened.values().forEach(AwsScope::close);
    opened.clear();
    remediators.clear();
  }
}
