package dev.remediate.lambda;

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
import dev.remediate.core.aws.AccountRole;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.EventRouter;
import dev.remediate.core.event.Finding;
import dev.remediate.core.event.FindingRouter;
import dev.remediate.core.event.SecurityEvent;
import dev.remediate.core.event.SecurityEventReader;
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
import org.jspecify.annotations.Nullable;

/**
 * The Lambda adapter's engine, free of the Lambda runtime: reads EventBridge "AWS API Call via
 * CloudTrail", "GuardDuty Finding" and "Security Hub Findings - Imported" events (or any shape
 * {@link SecurityEventReader} reads), routes each record (event rules) and finding
 * ({@link FindingRouter}), plans, and applies the plans that need no consent under the
 * {@link Guardrails}, then reports one JSON summary line per record or finding.
 *
 * <p>Signals ({@link dev.remediate.core.event.SignalDetector}) are not counted here: an invocation
 * sees one event, and counting across invocations needs state kept outside the function (for
 * example a DynamoDB table with a TTL). Use {@code remediate react} on a folder of the trail's
 * files for them.
 *
 * <p>Outcomes per remediation: {@code applied}, {@code dry-run}, {@code compliant} (empty plan),
 * {@code needs-approval} (the rule asks for approval or a step is flagged: not applied),
 * {@code refused} (a guardrail, or a stale plan), {@code skipped} (another account, when no
 * member role is given), and {@code failed}.
 *
 * <p>Events forwarded from member accounts (their EventBridge rules sending to a central bus) are
 * handled in the event's account when a member role is given ({@link AccountRole}: the role is
 * assumed once per account and region and kept for later invocations); an account whose role
 * cannot be assumed is a {@code failed} outcome naming the role. EventBridge delivers at least
 * once: a second delivery of the same event plans again from what the account holds now, so it
 * finds the work done ({@code compliant}) or does only what is left.
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
  private final FindingRouter findings;
  private final Guardrails guardrails;
  private final Function<String, AwsScope> scopes;
  private final @Nullable AccountRole memberRole;
  private final Map<String, Remediator> remediators = new ConcurrentHashMap<>();
  private final Map<String, AwsScope> opened = new ConcurrentHashMap<>();
  /** Member accounts' scopes, by account and region. */
  private final Map<String, AwsScope> members = new ConcurrentHashMap<>();

  /**
   * Creates a reactor.
   *
   * @param router routes records to remediations
   * @param guardrails the guardrails (no consent is ever given)
   * @param scopes opens the scope of a region
   */
  public EventReactor(EventRouter router, Guardrails guardrails,
      Function<String, AwsScope> scopes) {
    this(router, FindingRouter.of(RemediationCatalog.load(), Map.of()), guardrails, scopes);
  }

  /**
   * Creates a reactor that also routes findings.
   *
   * @param router routes records to remediations
   * @param findings routes findings to catalog remediations
   * @param guardrails the guardrails (no consent is ever given)
   * @param scopes opens the scope of a region
   */
  public EventReactor(EventRouter router, FindingRouter findings, Guardrails guardrails,
      Function<String, AwsScope> scopes) {
    this(router, findings, guardrails, scopes, null);
  }

  /**
   * Creates a reactor that also acts in the accounts events come from, through a member role.
   *
   * @param router routes records to remediations
   * @param findings routes findings to catalog remediations
   * @param guardrails the guardrails (no consent is ever given)
   * @param scopes opens the scope of a region (the function's own account)
   * @param memberRole the role assumed in the event's account when it is not the function's; null
   *     to skip such events
   */
  public EventReactor(EventRouter router, FindingRouter findings, Guardrails guardrails,
      Function<String, AwsScope> scopes, @Nullable AccountRole memberRole) {
    this.memberRole = memberRole;
    this.findings = Objects.requireNonNull(findings, "findings");
    this.router = Objects.requireNonNull(router, "router");
    this.guardrails = Objects.requireNonNull(guardrails, "guardrails");
    this.scopes = Objects.requireNonNull(scopes, "scopes");
  }

  /**
   * Reacts to every record and finding of an input.
   *
   * @param input the event(s): an EventBridge envelope, a log file, NDJSON, findings, ...
   * @param source how messages name the input
   * @param log receives one JSON summary line per record or finding
   * @return one summary per record or finding, as logged
   * @throws dev.remediate.core.event.CloudTrailParseException when the input is malformed (after
   *     the records before the fault were handled)
   */
  public List<ObjectNode> react(InputStream input, String source, Consumer<String> log) {
    List<ObjectNode> summaries = new ArrayList<>();
    try (SecurityEventReader reader = SecurityEventReader.open(input, source)) {
      while (reader.hasNext()) {
        SecurityEvent next = reader.next();
        ObjectNode summary = next instanceof CloudTrailEvent record ? react(record)
            : react((Finding) next);
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

  /**
   * Reacts to one finding.
   *
   * @param finding the finding
   * @return its summary: the finding, the remediations, and notes on what could not be routed
   */
  public ObjectNode react(Finding finding) {
    ObjectNode summary = JSON.createObjectNode();
    summary.put("finding", finding.type());
    summary.put("id", finding.id());
    summary.put("region", finding.region());
    summary.put("account", finding.account().orElse(null));
    summary.put("dryRun", guardrails.dryRun());
    ArrayNode results = summary.putArray("remediations");
    FindingRouter.Routing routing = findings.route(finding);
    routing.remediations().forEach(r -> results.add(handle(r)));
    if (!routing.notes().isEmpty()) {
      ArrayNode notes = summary.putArray("notes");
      routing.notes().forEach(notes::add);
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
      String target = routed.account().orElse(account);
      if (!target.equals(account)) {
        if (memberRole == null) {
          return outcome(result, "skipped", "the record is for account " + target
              + ", this function acts in " + account + " (set "
              + LambdaSettings.MEMBER_ROLE + " to act in member accounts)");
        }
        result.put("account", target);
        remediator = memberRemediator(target, routed.region());
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

  /** The remediator of a member account's region; assumes the member role the first time. */
  private Remediator memberRemediator(String account, String region) {
    String key = account + "|" + region;
    return remediators.computeIfAbsent(key, k -> Remediator.builder()
        .scope(members.computeIfAbsent(k, x -> memberRole.scopeFor(
            opened.computeIfAbsent(region, scopes), account)))
        .guardrails(guardrails)
        .build());
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
    members.values().forEach(AwsScope::close);
    members.clear();
    opened.values().forEach(AwsScope::close);
    opened.clear();
    remediators.clear();
  }
}
