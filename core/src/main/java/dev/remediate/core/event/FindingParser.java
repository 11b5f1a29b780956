package dev.remediate.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remediate.core.event.RecordParser.Malformed;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Turns the JSON of a finding into a {@link GuardDutyFinding} or {@link SecurityHubFinding}.
 * GuardDuty fields are looked up in camelCase (the finding JSON, EventBridge) and PascalCase (the
 * CLI's output); ASFF fields are PascalCase. Lenient: absent fields are empty.
 */
final class FindingParser {
  private FindingParser() {}

  /** @return true when the object looks like an ASFF finding */
  static boolean isAsff(JsonNode node) {
    return node.has("ProductArn") || node.has("AwsAccountId") && node.has("GeneratorId");
  }

  /** @return true when the object looks like a GuardDuty finding */
  static boolean isGuardDuty(JsonNode node) {
    return !isAsff(node) && get(node, "type") != null && get(node, "accountId") != null
        && (get(node, "resource") != null || get(node, "service") != null);
  }

  /**
   * A finding, whichever kind.
   *
   * @param region the envelope's region, used when the finding names none
   * @param account the envelope's account, used when the finding names none
   * @return the finding
   * @throws Malformed when the object is neither kind
   */
  static Finding parse(JsonNode node, @Nullable String region, @Nullable String account) {
    if (!node.isObject()) {
      throw new Malformed("a finding must be an object, found " + node.getNodeType());
    }
    if (isAsff(node)) {
      return securityHub(node, region, account);
    }
    if (isGuardDuty(node)) {
      return guardDuty(node, region, account);
    }
    throw new Malformed("neither a GuardDuty finding (type, accountId, resource) nor a Security "
        + "Hub ASFF finding (ProductArn, AwsAccountId, GeneratorId)");
  }

  static GuardDutyFinding guardDuty(JsonNode f, @Nullable String region, @Nullable String account) {
    JsonNode resource = path(f, "resource");
    JsonNode instance = path(resource, "instanceDetails");
    JsonNode key = path(resource, "accessKeyDetails");
    JsonNode service = path(f, "service");
    JsonNode action = path(service, "action");
    Set<String> subnets = new LinkedHashSet<>();
    Set<String> groups = new LinkedHashSet<>();
    for (JsonNode nic : path(instance, "networkInterfaces")) {
      text(nic, "subnetId").ifPresent(subnets::add);
      for (JsonNode group : path(nic, "securityGroups")) {
        text(group, "groupId").ifPresent(groups::add);
      }
    }
    Set<String> ips = new LinkedHashSet<>();
    Set<Integer> ports = new LinkedHashSet<>();
    JsonNode connection = path(action, "networkConnectionAction");
    text(path(connection, "remoteIpDetails"), "ipAddressV4").ifPresent(ips::add);
    port(path(connection, "localPortDetails")).ifPresent(ports::add);
    for (JsonNode probe : path(path(action, "portProbeAction"), "portProbeDetails")) {
      text(path(probe, "remoteIpDetails"), "ipAddressV4").ifPresent(ips::add);
      port(path(probe, "localPortDetails")).ifPresent(ports::add);
    }
    text(path(path(action, "awsApiCallAction"), "remoteIpDetails"), "ipAddressV4")
        .ifPresent(ips::add);
    JsonNode severity = get(f, "severity");
    return new GuardDutyFinding(text(f, "id").orElse(""), text(f, "type").orElse(""),
        text(f, "region").orElse(region == null ? "" : region),
        text(f, "accountId").or(() -> Optional.ofNullable(account)),
        severity != null && severity.isNumber() ? severity.asDouble() : 0,
        text(f, "title"), text(resource, "resourceType"), text(service, "resourceRole"),
        text(instance, "instanceId"), List.copyOf(subnets), List.copyOf(groups),
        text(key, "accessKeyId"), text(key, "userName"), text(key, "userType"),
        List.copyOf(ips), List.copyOf(ports), f);
  }

  static SecurityHubFinding securityHub(JsonNode f, @Nullable String region,
      @Nullable String account) {
    List<SecurityHubFinding.Resource> resources = new ArrayList<>();
    for (JsonNode r : f.path("Resources")) {
      Optional<String> id = text(r, "Id");
      if (id.isPresent()) {
        Optional<String> vpc = Optional.empty();
        for (JsonNode details : r.path("Details")) {
          vpc = vpc.or(() -> text(details, "VpcId"));
        }
        resources.add(new SecurityHubFinding.Resource(text(r, "Type").orElse(""), id.get(),
            text(r, "Region"), vpc));
      }
    }
    List<String> types = new ArrayList<>();
    f.path("Types").forEach(t -> {
      if (t.isTextual()) {
        types.add(t.asText());
      }
    });
    JsonNode compliance = f.path("Compliance");
    String findingRegion = text(f, "Region")
        .or(() -> resources.isEmpty() ? Optional.empty() : resources.get(0).region())
        .orElse(region == null ? "" : region);
    return new SecurityHubFinding(text(f, "Id").orElse(""), text(f, "ProductArn").orElse(""),
        text(f, "GeneratorId"), findingRegion,
        text(f, "AwsAccountId").or(() -> Optional.ofNullable(account)), types, text(f, "Title"),
        text(f.path("Severity"), "Label"), controlId(f), text(compliance, "Status"),
        text(f.path("Workflow"), "Status"), text(f, "RecordState"), resources, f);
  }

  /**
   * The control id: {@code Compliance.SecurityControlId} (consolidated control findings), else
   * {@code ProductFields.ControlId}, else the end of a {@code GeneratorId} such as
   * {@code security-control/EC2.19} or {@code .../v/1.0.0/EC2.19}.
   */
  private static Optional<String> controlId(JsonNode f) {
    Optional<String> id = text(f.path("Compliance"), "SecurityControlId")
        .or(() -> text(f.path("ProductFields"), "ControlId"));
    if (id.isPresent()) {
      return id;
    }
    return text(f, "GeneratorId").flatMap(generator -> {
      String last = generator.substring(generator.lastIndexOf('/') + 1);
      return last.matches("[A-Za-z][A-Za-z0-9]*\\.\\d+") ? Optional.of(last) : Optional.empty();
    });
  }

  private static Optional<Integer> port(JsonNode details) {
    JsonNode port = get(details, "port");
    return port != null && port.canConvertToInt() && port.isNumber()
        ? Optional.of(port.asInt()) : Optional.empty();
  }

  /** The field in camelCase or PascalCase; null when neither is there. */
  static @Nullable JsonNode get(JsonNode node, String camel) {
    JsonNode value = node.get(camel);
    if (value == null) {
      value = node.get(Character.toUpperCase(camel.charAt(0)) + camel.substring(1));
    }
    return value == null || value.isNull() ? null : value;
  }

  private static JsonNode path(JsonNode node, String camel) {
    JsonNode value = get(node, camel);
    return value == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : value;
  }

  private static Optional<String> text(JsonNode node, String camel) {
    JsonNode value = get(node, camel);
    return value != null && value.isValueNode() && !value.asText().isEmpty()
        ? Optional.of(value.asText()) : Optional.empty();
  }
}
