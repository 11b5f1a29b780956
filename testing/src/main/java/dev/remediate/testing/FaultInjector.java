package dev.remediate.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An SDK {@link ExecutionInterceptor} that makes chosen calls fail with a chosen AWS error, before
 * the request leaves the client, so tests drive failure paths deterministically.
 *
 * <ul>
 *   <li>{@link #failNth(String, int, Fault)}: the Nth call (from 1) of an operation;</li>
 *   <li>{@link #failCall(int, Fault)}: the Nth call overall, whatever the operation (fault
 *       matrices: fail each position of an apply in turn);</li>
 *   <li>{@link #failFraction(double, long, Fault)}: a seeded fraction of all attempts (throttling
 *       storms).</li>
 * </ul>
 * Calls are counted once per logical call (retries of a call are the same call). The fault is
 * thrown as an {@link AwsServiceException} carrying the error code and status, exactly what code
 * catching {@code AwsServiceException} and reading {@code awsErrorDetails().errorCode()} sees; the
 * SDK's retry strategy treats it like a real response (throttling and 5xx are retried).
 *
 * <pre>{@code
 * faults.failNth("StopInstances", 1, Fault.of("IncorrectInstanceState"));
 * faults.failFraction(1.0 / 3, 42L, Fault.throttling());
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class FaultInjector implements ExecutionInterceptor {
  private static final ExecutionAttribute<Integer> CALL =
      new ExecutionAttribute<>("remediate.faults.call");
  private static final ExecutionAttribute<Integer> OP_CALL =
      new ExecutionAttribute<>("remediate.faults.opcall");
  private static final ExecutionAttribute<Integer> ATTEMPT =
      new ExecutionAttribute<>("remediate.faults.attempt");

  private final List<Rule> rules = new ArrayList<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final java.util.Map<String, AtomicInteger> perOperation =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicInteger injected = new AtomicInteger();

  /**
   * Fails the Nth call of an operation.
   *
   * @param operation e.g. {@code AttachVolume}
   * @param n 1 for the first call
   * @param fault the error
   * @return this injector
   */
  public FaultInjector failNth(String operation, int n, Fault fault) {
    Objects.requireNonNull(operation, "operation");
    requirePositive(n);
    add(new Rule(r -> r.operation.equals(operation) && r.operationCall == n && r.attempt == 1,
        fault));
    return this;
  }

  /**
   * Fails every call of an operation.
   *
   * @param operation operation name
   * @param fault the error
   * @return this injector
   */
  public FaultInjector failAll(String operation, Fault fault) {
    Objects.requireNonNull(operation, "operation");
    add(new Rule(r -> r.operation.equals(operation), fault));
    return this;
  }

  /**
   * Fails the Nth call overall (counting from the last {@link #reset()}), whatever its operation.
   *
   * @param n 1 for the first call
   * @param fault the error
   * @return this injector
   */
  public FaultInjector failCall(int n, Fault fault) {
    requirePositive(n);
    add(new Rule(r -> r.call == n && r.attempt == 1, fault));
    return this;
  }

  /**
   * Fails a fraction of all attempts, chosen with a seeded random generator.
   *
   * @param fraction between 0 and 1
   * @param seed random seed, for reproducible runs
   * @param fault the error
   * @return this injector
   */
  public FaultInjector failFraction(double fraction, long seed, Fault fault) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("fraction must be in [0, 1], was " + fraction);
    }
    Random random = new Random(seed);
    add(new Rule(r -> {
      synchronized (random) {
        return random.nextDouble() < fraction;
      }
    }, fault));
    return this;
  }

  /** @return how many faults were injected since the last reset */
  public int injectedCount() {
    return injected.get();
  }

  /** @return how many logical calls were seen since the last reset */
  public int callCount() {
    return calls.get();
  }

  /** Removes every rule and resets the counters. */
  public void reset() {
    synchronized (rules) {
      rules.clear();
    }
    calls.set(0);
    perOperation.clear();
    injected.set(0);
  }

  private void add(Rule rule) {
    synchronized (rules) {
      rules.add(rule);
    }
  }

  private static void requirePositive(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1, was " + n);
    }
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String operation = ApiCallRecorder.operation(attributes);
    attributes.putAttribute(CALL, calls.incrementAndGet());
    attributes.putAttribute(OP_CALL,
        perOperation.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet());
    attributes.putAttribute(ATTEMPT, 0);
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context,
      ExecutionAttributes attributes) {
    int attempt = attributes.getAttribute(ATTEMPT) + 1;
    attributes.putAttribute(ATTEMPT, attempt);
    Request request = new Request(ApiCallRecorder.service(attributes),
        ApiCallRecorder.operation(attributes), attributes.getAttribute(CALL),
        attributes.getAttribute(OP_CALL), attempt);
    List<Rule> snapshot;
    synchronized (rules) {
      snapshot = List.copyOf(rules);
    }
    for (Rule rule : snapshot) {
      if (rule.matches.test(request)) {
        injected.incrementAndGet();
        throw exception(request, rule.fault);
      }
    }
  }

  private static AwsServiceException exception(Request request, Fault fault) {
    return AwsServiceException.builder()
        .message(fault.message() + " [" + request.service + "." + request.operation + "]")
        .statusCode(fault.statusCode())
        .requestId("injected-" + request.call)
        .awsErrorDetails(AwsErrorDetails.builder()
            .errorCode(fault.errorCode())
            .errorMessage(fault.message())
            .serviceName(request.service)
            .sdkHttpResponse(SdkHttpResponse.builder().statusCode(fault.statusCode()).build())
            .build())
        .build();
  }

  private record Request(String service, String operation, int call, int operationCall,
      int attempt) {}

  private record Rule(Predicate<Request> matches, Fault fault) {}
}
