package dev.remediate.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remediate.core.aws.AccountRole;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.event.CloudTrailParseException;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.event.EventRouter;
import dev.remediate.core.event.FindingRouter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The AWS Lambda handler: {@code dev.remediate.lambda.RemediateHandler::handleRequest}.
 * It receives EventBridge "AWS API Call via CloudTrail", "GuardDuty Finding" and "Security Hub
 * Findings - Imported" events, routes them (records by the event rules, findings by catalog id
 * through {@link FindingRouter}), plans, and applies what needs no consent under the guardrails of
 * {@link LambdaSettings} (dry run by default), logging one JSON summary line per record or
 * finding. Findings that call for approval (quarantine, session revocation, key deactivation) are
 * reported as {@code needs-approval} with their plan, never applied. Signals (bursts of failed
 * logins) need state across invocations and are not counted here.
 *
 * <p>The function acts in the event's region with its own credentials; records of other accounts
 * are skipped. When a remediation fails, the handler throws after logging, so that EventBridge's
 * asynchronous invocation retries (plans are idempotent and re-checked) and a dead-letter queue
 * can catch the event. Malformed input is logged and not retried.
 *
 * <pre>{@code
 * Handler: dev.remediate.lambda.RemediateHandler::handleRequest
 * Environment: REMEDIATE_DRY_RUN=false, REMEDIATE_MAX_CHANGES=20
 * }</pre>
 */
public final class RemediateHandler implements RequestStreamHandler {
  static {
    // before any logger exists: no log level may print a session token or a signature
    dev.remediate.core.aws.SecretSafeLogging.install();
  }

  private final EventReactor reactor;
  private final java.util.function.Function<String, AwsScope> scopes;
  private final Map<String, String> settings;
  private final dev.remediate.core.Guardrails guardrails;
  private final AccountRole memberRole;

  /** Creates the handler the Lambda runtime uses: settings from the environment. */
  public RemediateHandler() {
    this(System.getenv(), region -> AwsScope.builder().region(region).build());
  }

  /**
   * Creates a handler whose event rules come from the class path, with the settings of
   * {@code REMEDIATE_SETTINGS}.
   *
   * @param env the environment variables
   * @param scopes opens a region's scope
   */
  public RemediateHandler(Map<String, String> env,
      java.util.function.Function<String, AwsScope> scopes) {
    this(env, LambdaSettings.router(env), scopes);
  }

  /**
   * Creates a handler (tests, embedding).
   *
   * @param env the environment variables
   * @param router routes records
   * @param scopes opens a region's scope
   */
  public RemediateHandler(Map<String, String> env, EventRouter router,
      java.util.function.Function<String, AwsScope> scopes) {
    this.reactor = new EventReactor(router, FindingRouter.of(RemediationCatalog.load(),
        LambdaSettings.settings(env)), LambdaSettings.guardrails(env), scopes,
        LambdaSettings.memberRole(env).orElse(null));
    this.scopes = scopes;
    this.settings = LambdaSettings.settings(env);
    this.guardrails = LambdaSettings.guardrails(env);
    this.memberRole = LambdaSettings.memberRole(env).orElse(AccountRole.ofDefaults());
  }

  /**
   * Handles one invocation.
   *
   * @param input the EventBridge event
   * @param output receives {@code {"records": n, "failed": n, "summaries": [...]}}
   * @param context the Lambda context (its logger receives the summary lines)
   * @throws IOException when the output cannot be written
   */
  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    Consumer<String> log = context != null && context.getLogger() != null
        ? line -> context.getLogger().log(line + "\n")
        : System.out::println;
    String requestId = context != null ? context.getAwsRequestId() : "local";
    byte[] bytes = input.readAllBytes();
    java.util.Optional<FleetItem.Request> item = FleetItem.parse(bytes);
    if (item.isPresent()) {
      // one (account, Region) item of the fleet state machine (lambda/fleet.yaml)
      try (AwsScope home = scopes.apply(item.get().region())) {
        ObjectNode summary = FleetItem.run(item.get(), home, memberRole,
            RemediationCatalog.load(), settings, guardrails);
        log.accept(summary.toString());
        output.write(summary.toString().getBytes(StandardCharsets.UTF_8));
      }
      return;
    }
    List<ObjectNode> summaries;
    try {
      summaries = reactor.react(new java.io.ByteArrayInputStream(bytes), "invocation "
          + requestId, log);
    } catch (CloudTrailParseException e) {
      log.accept("{\"error\":" + quote(e.getMessage()) + "}");
      output.write(("{\"records\":0,\"failed\":0,\"error\":" + quote(e.getMessage()) + "}")
          .getBytes(StandardCharsets.UTF_8));
      return;
    }
    long failed = EventReactor.failures(summaries);
    output.write(("{\"records\":" + summaries.size() + ",\"failed\":" + failed + ",\"summaries\":"
        + summaries + "}").getBytes(StandardCharsets.UTF_8));
    if (failed > 0) {
      throw new IllegalStateException(failed + " remediation(s) failed; see the summary lines. "
          + "EventBridge retries the event.");
    }
  }

  private static String quote(String text) {
    return com.fasterxml.jackson.databind.node.TextNode.valueOf(String.valueOf(text)).toString();
  }
}
