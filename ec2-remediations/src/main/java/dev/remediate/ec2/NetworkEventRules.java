package dev.remediate.ec2;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remediate.core.Remediation;
import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.EventKey;
import dev.remediate.core.event.EventRule;
import dev.remediate.core.event.EventRuleProvider;
import dev.remediate.core.aws.AwsNames;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Event rules of the network remediations:
 * <ul>
 *   <li>{@value #OPEN_INGRESS_RULE}: an {@code AuthorizeSecurityGroupIngress} that opens a sensitive
 *       port to {@code 0.0.0.0/0} or {@code ::/0} calls for {@link RestrictSecurityGroup} on that
 *       group. The group id is read from {@code responseElements.securityGroupRuleSet} (present
 *       even when the caller named the group instead of giving its id), else from the request.</li>
 *   <li>{@value #MODIFY_RULES_RULE}: a {@code ModifySecurityGroupRules} that turns a rule into such
 *       an opening, likewise.</li>
 *   <li>{@value #CREATE_VPC_FLOW_LOGS_RULE}: a {@code CreateVpc} calls for {@link EnableVpcFlowLogs}
 *       on the new VPC ({@code responseElements.vpc.vpcId}); only with settings naming a destination
 *       ({@code flowLogs.s3Bucket} or {@code flowLogs.logGroup}).</li>
 * </ul>
 * Settings {@code securityGroups.ports} and {@code securityGroups.allowedSources} shape the
 * security group rules as they shape {@link RestrictSecurityGroup.Type#forRegion(Map)}.
 *
 * <pre>{@code
 * EventRouter router = EventRouter.builder()
 *     .rules(new NetworkEventRules().rules(Map.of(
 *         "flowLogs.s3Bucket", "example-flow-logs",
 *         "securityGroups.ports", "22,3389")))
 *     .build();
 * List<RoutedRemediation> todo = router.route(authorizeIngressEvent);
 * }</pre>
 */
public final class NetworkEventRules implements EventRuleProvider {
  /** Id of the {@code AuthorizeSecurityGroupIngress} rule. */
  public static final String OPEN_INGRESS_RULE = "ec2.security-group-open-ports.on-authorize-ingress";
  /** Id of the {@code ModifySecurityGroupRules} rule. */
  public static final String MODIFY_RULES_RULE = "ec2.security-group-open-ports.on-modify-rules";
  /** Id of the {@code CreateVpc} flow-log rule. */
  public static final String CREATE_VPC_FLOW_LOGS_RULE = "ec2.vpc-flow-logs.on-create-vpc";
  private static final String EC2 = "ec2.amazonaws.com";

  /** Creates the provider (used by {@link java.util.ServiceLoader}). */
  public NetworkEventRules() {}

  @Override
  public List<EventRule> rules() {
    return rules(Map.of());
  }

  @Override
  public List<EventRule> rules(Map<String, String> settings) {
    List<EventRule> rules = new ArrayList<>();
    rules.add(new OpenIngress(OPEN_INGRESS_RULE, "AuthorizeSecurityGroupIngress", settings));
    rules.add(new OpenIngress(MODIFY_RULES_RULE, "ModifySecurityGroupRules", settings));
    if (EnableVpcFlowLogs.Type.withSettings(EnableVpcFlowLogs.forEveryVpc(), settings)
        .isPresent()) {
      rules.add(new FlowLogsOnCreateVpc(settings));
    }
    return rules;
  }

  /** Security group rules that a record opened to the world on a sensitive port. */
  private static final class OpenIngress implements EventRule {
    private final String id;
    private final String eventName;
    private final Map<String, String> settings;
    private final RestrictSecurityGroup probe;

    OpenIngress(String id, String eventName, Map<String, String> settings) {
      this.id = id;
      this.eventName = eventName;
      this.settings = Map.copyOf(settings);
      this.probe = RestrictSecurityGroup.Type.withSettings(RestrictSecurityGroup.forEveryGroup(),
          settings).build();
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public Set<EventKey> triggers() {
      return Set.of(EventKey.of(EC2, eventName));
    }

    @Override
    public List<Remediation> remediationsFor(CloudTrailEvent event) {
      Set<String> groups = new TreeSet<>();
      for (GroupRule rule : openedRules(event)) {
        if (probe.isOffending(rule) && AwsNames.isEc2Id("sg", rule.groupId())) {
          groups.add(rule.groupId());
        }
      }
      // One remediation per group: each has a single plan.
      return groups.stream().map(group -> (Remediation) RestrictSecurityGroup.Type.withSettings(
          RestrictSecurityGroup.forGroup(group), settings).build()).toList();
    }
  }

  /**
   * The ingress rules a record created or changed, as far as the record tells: the response's rule
   * set when present (it names the group id even when the request named the group), else the
   * request's permissions, else (ModifySecurityGroupRules) the request's rule updates.
   */
  static List<GroupRule> openedRules(CloudTrailEvent event) {
    List<GroupRule> rules = new ArrayList<>();
    JsonNode response = event.responseElements().orElse(null);
    JsonNode request = event.requestParameters().orElse(null);
    String requestGroup = request == null ? null : text(find(request, "groupId"));
    for (JsonNode item : items(response == null ? null : response.path("securityGroupRuleSet"))) {
      if (!item.path("isEgress").asBoolean(false)) {
        rules.add(rule(item, text(item.path("groupId")), requestGroup));
      }
    }
    if (!rules.isEmpty() || request == null) {
      return rules;
    }
    String legacyCidr = text(request.path("cidrIp"));
    if (legacyCidr != null) {
      rules.add(permissionRule(request, requestGroup, legacyCidr, null));
    }
    for (JsonNode permission : items(request.path("ipPermissions"))) {
      for (JsonNode range : items(permission.path("ipRanges"))) {
        rules.add(permissionRule(permission, requestGroup, text(range.path("cidrIp")), null));
      }
      for (JsonNode range : items(permission.path("ipv6Ranges"))) {
        rules.add(permissionRule(permission, requestGroup, null, text(range.path("cidrIpv6"))));
      }
    }
    collectRuleUpdates(request, requestGroup, rules);
    return rules;
  }

  /** ModifySecurityGroupRules: any object carrying IpProtocol and a CIDR, whatever its nesting. */
  private static void collectRuleUpdates(JsonNode node, @Nullable String group,
      List<GroupRule> out) {
    if (node.isObject()) {
      JsonNode protocol = field(node, "ipProtocol");
      JsonNode v4 = field(node, "cidrIpv4");
      JsonNode v6 = field(node, "cidrIpv6");
      if (protocol != null && (v4 != null || v6 != null)) {
        out.add(new GroupRule("(event)", String.valueOf(group), false,
            GroupRule.normaliseProtocol(text(protocol)), port(field(node, "fromPort"), 0),
            port(field(node, "toPort"), 65535), text(v4), text(v6), null, null));
      }
      node.fields().forEachRemaining(e -> collectRuleUpdates(e.getValue(), group, out));
    } else if (node.isArray()) {
      node.forEach(child -> collectRuleUpdates(child, group, out));
    }
  }

  private static GroupRule rule(JsonNode item, @Nullable String group,
      @Nullable String fallbackGroup) {
    return new GroupRule(String.valueOf(text(item.path("securityGroupRuleId"))),
        String.valueOf(group != null ? group : fallbackGroup), false,
        GroupRule.normaliseProtocol(text(item.path("ipProtocol"))),
        port(item.get("fromPort"), 0), port(item.get("toPort"), 65535),
        text(item.path("cidrIpv4")), text(item.path("cidrIpv6")), null, null);
  }

  private static GroupRule permissionRule(JsonNode permission, @Nullable String group,
      @Nullable String v4, @Nullable String v6) {
    return new GroupRule("(event)", String.valueOf(group), false,
        GroupRule.normaliseProtocol(text(permission.path("ipProtocol"))),
        port(permission.get("fromPort"), 0), port(permission.get("toPort"), 65535), v4, v6, null,
        null);
  }

  private static int port(@Nullable JsonNode node, int ifMissing) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return ifMissing;
    }
    int value = node.isNumber() ? node.asInt() : Integer.parseInt(node.asText("-1").trim());
    return value < 0 ? ifMissing : value;
  }

  /** CloudTrail lists arrive as {@code {"items":[...]}}, sometimes as plain arrays or one object. */
  private static List<JsonNode> items(@Nullable JsonNode node) {
    List<JsonNode> out = new ArrayList<>();
    if (node == null || node.isMissingNode() || node.isNull()) {
      return out;
    }
    JsonNode list = node.has("items") ? node.get("items") : node;
    if (list.isArray()) {
      list.forEach(out::add);
    } else if (list.isObject() && list.size() > 0) {
      out.add(list);
    }
    return out;
  }

  private static @Nullable JsonNode field(JsonNode object, String name) {
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (key.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return object.get(key);
      }
    }
    return null;
  }

  /** The first field of that name (any case) anywhere in the tree. */
  private static @Nullable JsonNode find(JsonNode node, String name) {
    if (node.isObject()) {
      JsonNode direct = field(node, name);
      if (direct != null && direct.isTextual()) {
        return direct;
      }
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        JsonNode found = find(it.next(), name);
        if (found != null) {
          return found;
        }
      }
    } else if (node.isArray()) {
      for (JsonNode child : node) {
        JsonNode found = find(child, name);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static @Nullable String text(@Nullable JsonNode node) {
    return node == null || !node.isValueNode() || node.isNull() ? null : node.asText();
  }

  /** Flow logs for a VPC that a {@code CreateVpc} record made. */
  private static final class FlowLogsOnCreateVpc implements EventRule {
    private final Map<String, String> settings;

    FlowLogsOnCreateVpc(Map<String, String> settings) {
      this.settings = Map.copyOf(settings);
    }

    @Override
    public String id() {
      return CREATE_VPC_FLOW_LOGS_RULE;
    }

    @Override
    public Set<EventKey> triggers() {
      return Set.of(EventKey.of(EC2, "CreateVpc"));
    }

    @Override
    public List<Remediation> remediationsFor(CloudTrailEvent event) {
      String vpcId = event.responseElements().map(r -> text(r.path("vpc").path("vpcId")))
          .orElse(null);
      if (vpcId == null || !AwsNames.isEc2Id("vpc", vpcId)) {
        return List.of();
      }
      Optional<EnableVpcFlowLogs.Builder> builder =
          EnableVpcFlowLogs.Type.withSettings(EnableVpcFlowLogs.forVpc(vpcId), settings);
      return builder.<List<Remediation>>map(b -> List.of(b.build())).orElse(List.of());
    }
  }
}
