package dev.remediate.testing;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Instances that Systems Manager manages, as SSM's {@code DescribeInstanceInformation} reports
 * them, for an emulator that has no such call: moto 5.2.1 answers it with HTTP 500 and offers no
 * way to register a managed instance. Add this interceptor to a scope and register instances; the
 * call still travels over HTTP to the emulator (sent as {@code ListCommands}, a read that ignores
 * the filters) so that call recording and fault injection see it as {@code
 * DescribeInstanceInformation}, and its answer is replaced by the registered instances that match
 * the request's {@code InstanceIds} filter. Every other call is left alone.
 *
 * <pre>{@code
 * SsmManagedInstances ssm = new SsmManagedInstances().online(instanceId, "Linux");
 * AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).addInterceptor(ssm).build();
 * }</pre>
 *
 * <p>Only {@code InstanceId}, {@code PingStatus} and {@code PlatformType} are reported. Thread-safe.
 */
public final class SsmManagedInstances implements ExecutionInterceptor {
  private static final String OPERATION = "DescribeInstanceInformation";
  private static final ExecutionAttribute<String> ANSWER =
      new ExecutionAttribute<>("remediate.ssm.instance-information");
  private static final Pattern INSTANCE_ID = Pattern.compile("(i|mi)-[0-9a-f]{8,17}");
  private static final Pattern STATUS = Pattern.compile("Online|ConnectionLost|Inactive");
  private static final Pattern PLATFORM = Pattern.compile("Linux|Windows|MacOS");

  private final Map<String, String[]> instances = new ConcurrentHashMap<>();

  /** Creates an interceptor with no managed instance: every answer is empty. */
  public SsmManagedInstances() {}

  /**
   * Registers an instance whose SSM agent reports in.
   *
   * @param instanceId e.g. {@code i-0abc1234def567890}
   * @param platformType {@code Linux}, {@code Windows} or {@code MacOS}
   * @return this interceptor
   */
  public SsmManagedInstances online(String instanceId, String platformType) {
    return register(instanceId, "Online", platformType);
  }

  /**
   * Registers an instance with a ping status.
   *
   * @param instanceId e.g. {@code i-0abc1234def567890}
   * @param pingStatus {@code Online}, {@code ConnectionLost} or {@code Inactive}
   * @param platformType {@code Linux}, {@code Windows} or {@code MacOS}
   * @return this interceptor
   * @throws IllegalArgumentException when a value is not one of those
   */
  public SsmManagedInstances register(String instanceId, String pingStatus, String platformType) {
    check(INSTANCE_ID, "instanceId", instanceId);
    check(STATUS, "pingStatus", pingStatus);
    check(PLATFORM, "platformType", platformType);
    instances.put(instanceId, new String[] {pingStatus, platformType});
    return this;
  }

  private static void check(Pattern pattern, String name, String value) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(name + " '" + value + "' does not match " + pattern);
    }
  }

  @Override
  public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context,
      ExecutionAttributes attributes) {
    if (!OPERATION.equals(ApiCallRecorder.operation(attributes))) {
      return context.httpRequest();
    }
    attributes.putAttribute(ANSWER, answer(context.request()));
    return context.httpRequest().toBuilder()
        .putHeader("X-Amz-Target", "AmazonSSM.ListCommands").build();
  }

  @Override
  public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
      ExecutionAttributes attributes) {
    String answer = attributes.getAttribute(ANSWER);
    SdkHttpResponse response = context.httpResponse();
    if (answer == null || !response.isSuccessful()) {
      return context.responseBody();
    }
    return Optional.of(new ByteArrayInputStream(answer.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context,
      ExecutionAttributes attributes) {
    if (attributes.getAttribute(ANSWER) == null) {
      return context.httpResponse();
    }
    return context.httpResponse().toBuilder().removeHeader("Content-Length").build();
  }

  /** The JSON answer: registered instances named by the request's InstanceIds filters, or all. */
  private String answer(SdkRequest request) {
    List<String> wanted = new ArrayList<>();
    boolean filtered = false;
    for (String field : List.of("Filters", "InstanceInformationFilterList")) {
      List<?> filters = request.getValueForField(field, List.class).orElse(List.of());
      for (Object filter : filters) {
        SdkPojo pojo = (SdkPojo) filter;
        String key = String.valueOf(field(pojo, "Key", "key"));
        if (key.equals("InstanceIds") || key.equals("instanceIds")) {
          filtered = true;
          Object values = field(pojo, "Values", "valueSet");
          if (values instanceof List<?> list) {
            list.forEach(v -> wanted.add(String.valueOf(v)));
          }
        }
      }
    }
    StringBuilder json = new StringBuilder("{\"InstanceInformationList\":[");
    String separator = "";
    for (Map.Entry<String, String[]> e : new java.util.TreeMap<>(instances).entrySet()) {
      if (!filtered || wanted.contains(e.getKey())) {
        json.append(separator).append("{\"InstanceId\":\"").append(e.getKey())
            .append("\",\"PingStatus\":\"").append(e.getValue()[0])
            .append("\",\"PlatformType\":\"").append(e.getValue()[1]).append("\"}");
        separator = ",";
      }
    }
    return json.append("]}").toString();
  }

  private static Object field(SdkPojo pojo, String... names) {
    for (var f : pojo.sdkFields()) {
      for (String name : names) {
        if (f.memberName().equals(name)) {
          return f.getValueOrDefault(pojo);
        }
      }
    }
    return null;
  }
}
