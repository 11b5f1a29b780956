package dev.remediate.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * An SDK {@link ExecutionInterceptor} that records every API call (one per logical call, whatever
 * the retries), so tests can assert call budgets and call order.
 *
 * <pre>{@code
 * ApiCallRecorder recorder = new ApiCallRecorder();
 * AwsScope scope = AwsScope.builder().region(Region.US_EAST_1).addInterceptor(recorder).build();
 * // ... plan and apply ...
 * assertEquals(1, recorder.count("DescribeSecurityGroupRules"));
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ApiCallRecorder implements ExecutionInterceptor {
  private static final ExecutionAttribute<Integer> SEQUENCE =
      new ExecutionAttribute<>("remediate.recorder.sequence");

  private final List<ApiCall> calls = new ArrayList<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    synchronized (calls) {
      int sequence = calls.size();
      calls.add(new ApiCall(sequence, service(attributes), operation(attributes), true));
      attributes.putAttribute(SEQUENCE, sequence);
    }
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    Integer sequence = attributes.getAttribute(SEQUENCE);
    if (sequence != null) {
      synchronized (calls) {
        ApiCall call = calls.get(sequence);
        calls.set(sequence, new ApiCall(sequence, call.service(), call.operation(), false));
      }
    }
  }

  /** @return every call recorded, in order */
  public List<ApiCall> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  /** @return the operation names, in call order */
  public List<String> operations() {
    return calls().stream().map(ApiCall::operation).toList();
  }

  /**
   * Counts calls of an operation, across services.
   *
   * @param operation e.g. {@code RevokeSecurityGroupIngress}
   * @return how many calls
   */
  public int count(String operation) {
    return (int) calls().stream().filter(c -> c.operation().equals(operation)).count();
  }

  /**
   * Counts calls of an operation of one service.
   *
   * @param service SDK service name, e.g. {@code Ec2}
   * @param operation operation name
   * @return how many calls
   */
  public int count(String service, String operation) {
    return (int) calls().stream()
        .filter(c -> c.service().equals(service) && c.operation().equals(operation)).count();
  }

  /** @return the number of calls recorded */
  public int total() {
    synchronized (calls) {
      return calls.size();
    }
  }

  /** @return calls counted by {@code Service.Operation}, sorted */
  public Map<String, Integer> counts() {
    Map<String, Integer> counts = new TreeMap<>();
    calls().forEach(c -> counts.merge(c.service() + "." + c.operation(), 1, Integer::sum));
    return counts;
  }

  /**
   * Position of the first call of an operation.
   *
   * @param operation operation name
   * @return its sequence number, or -1 when never called
   */
  public int indexOf(String operation) {
    return calls().stream().filter(c -> c.operation().equals(operation))
        .mapToInt(ApiCall::sequence).findFirst().orElse(-1);
  }

  /** Forgets every recorded call. */
  public void reset() {
    synchronized (calls) {
      calls.clear();
    }
  }

  static String service(ExecutionAttributes attributes) {
    String name = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    return name == null ? "unknown" : name;
  }

  static String operation(ExecutionAttributes attributes) {
    String name = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    return name == null ? "unknown" : name;
  }

  @Override
  public String toString() {
    return "ApiCallRecorder" + counts();
  }
}
