package dev.remediate.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Names the resources a CloudTrail record touched, from one table of (event, where the id is).
 * Ids of new resources come from {@code responseElements}, ids of existing ones from
 * {@code requestParameters}; EC2 ids are typed by their prefix ({@code vpc-}, {@code sg-}, ...).
 * Records of events the table does not list yield the ARNs of their {@code resources} field.
 *
 * <p>To support another event, add one line to the table in this class.
 *
 * <pre>{@code
 * for (ResourceRef ref : ResourceExtractor.extract(event)) {
 *   System.out.println(ref); // e.g. ec2:vpc/vpc-0abc1234 (us-east-1, 111122223333)
 * }
 * boolean listed = ResourceExtractor.supports(EventKey.of("ec2.amazonaws.com", "CreateVpc"));
 * }</pre>
 */
public final class ResourceExtractor {
  private static final String EC2 = "ec2.amazonaws.com";
  private static final String TRAIL = "cloudtrail.amazonaws.com";
  private static final String CONFIG = "config.amazonaws.com";
  private static final String S3 = "s3.amazonaws.com";
  private static final String IAM = "iam.amazonaws.com";
  private static final String KMS = "kms.amazonaws.com";

  /** The table: event, service, and where each id is ({@code type=source:path}, type by prefix when omitted). */
  private static final Map<EventKey, Entry> TABLE = table(
      on(EC2, "CreateVpc", "ec2", "response:vpc.vpcId"),
      on(EC2, "DeleteVpc", "ec2", "request:vpcId"),
      on(EC2, "CreateSubnet", "ec2", "response:subnet.subnetId", "request:vpcId"),
      on(EC2, "CreateSecurityGroup", "ec2", "response:groupId", "request:vpcId"),
      on(EC2, "AuthorizeSecurityGroupIngress", "ec2", "request:groupId",
          "response:securityGroupRuleSet.items[].groupId"),
      on(EC2, "AuthorizeSecurityGroupEgress", "ec2", "request:groupId",
          "response:securityGroupRuleSet.items[].groupId"),
      on(EC2, "RevokeSecurityGroupIngress", "ec2", "request:groupId"),
      on(EC2, "RevokeSecurityGroupEgress", "ec2", "request:groupId"),
      on(EC2, "ModifySecurityGroupRules", "ec2", "request:ModifySecurityGroupRulesRequest.GroupId"),
      on(EC2, "CreateNetworkAclEntry", "ec2", "request:networkAclId"),
      on(EC2, "ReplaceNetworkAclEntry", "ec2", "request:networkAclId"),
      on(EC2, "CreateFlowLogs", "ec2", "request:CreateFlowLogsRequest.ResourceId",
          "response:CreateFlowLogsResponse.flowLogIdSet.item"),
      on(EC2, "DeleteFlowLogs", "ec2", "request:DeleteFlowLogsRequest.FlowLogId"),
      on(EC2, "RunInstances", "ec2", "response:instancesSet.items[].instanceId"),
      on(EC2, "CreateVolume", "ec2", "response:volumeId"),
      on(EC2, "AttachVolume", "ec2", "request:volumeId", "request:instanceId"),
      on(EC2, "CreateSnapshot", "ec2", "response:snapshotId", "request:volumeId"),
      on(EC2, "ModifyInstanceAttribute", "ec2", "request:instanceId"),
      on(EC2, "EnableEbsEncryptionByDefault", "ec2", "ebs-encryption-by-default=region:"),
      on(EC2, "DisableEbsEncryptionByDefault", "ec2", "ebs-encryption-by-default=region:"),
      on(EC2, "CreateKeyPair", "ec2", "key-pair=request:keyName"),
      on(EC2, "ImportKeyPair", "ec2", "key-pair=request:keyName"),
      on(TRAIL, "CreateTrail", "cloudtrail", "trail=request:name"),
      on(TRAIL, "UpdateTrail", "cloudtrail", "trail=request:name"),
      on(TRAIL, "DeleteTrail", "cloudtrail", "trail=request:name"),
      on(TRAIL, "StartLogging", "cloudtrail", "trail=request:name"),
      on(TRAIL, "StopLogging", "cloudtrail", "trail=request:name"),
      on(TRAIL, "PutEventSelectors", "cloudtrail", "trail=request:trailName"),
      on(CONFIG, "PutConfigurationRecorder", "config",
          "configuration-recorder=request:configurationRecorder.name"),
      on(CONFIG, "StopConfigurationRecorder", "config",
          "configuration-recorder=request:configurationRecorderName"),
      on(CONFIG, "DeleteConfigurationRecorder", "config",
          "configuration-recorder=request:configurationRecorderName"),
      on(CONFIG, "DeleteDeliveryChannel", "config", "delivery-channel=request:deliveryChannelName"),
      on(S3, "CreateBucket", "s3", "bucket=request:bucketName"),
      on(S3, "PutBucketPolicy", "s3", "bucket=request:bucketName"),
      on(S3, "DeleteBucketPolicy", "s3", "bucket=request:bucketName"),
      on(S3, "PutBucketPublicAccessBlock", "s3", "bucket=request:bucketName"),
      on(IAM, "CreateUser", "iam", "user=request:userName"),
      on(IAM, "CreateAccessKey", "iam", "user=request:userName",
          "access-key=response:accessKey.accessKeyId", "user=response:accessKey.userName"),
      on(IAM, "AttachRolePolicy", "iam", "role=request:roleName", "policy=request:policyArn"),
      on(KMS, "ScheduleKeyDeletion", "kms", "key=request:keyId"),
      on(KMS, "DisableKey", "kms", "key=request:keyId"),
      on("signin.amazonaws.com", "ConsoleLogin", "iam", "principal=identity:arn"));

  private static final Map<String, String> EC2_PREFIXES = Map.ofEntries(
      Map.entry("vpc", "vpc"), Map.entry("subnet", "subnet"), Map.entry("sg", "security-group"),
      Map.entry("sgr", "security-group-rule"), Map.entry("acl", "network-acl"),
      Map.entry("i", "instance"), Map.entry("vol", "volume"), Map.entry("snap", "snapshot"),
      Map.entry("fl", "flow-log"), Map.entry("eni", "network-interface"),
      Map.entry("tgw", "transit-gateway"), Map.entry("tgw-attach", "transit-gateway-attachment"),
      Map.entry("key", "key-pair"));

  private ResourceExtractor() {}

  /** Where one id is: the type (null: by EC2 prefix), the part of the record, the path in it. */
  private record Locator(@Nullable String type, String part, List<String> path) {}

  /** How to find the resources of one event. */
  private record Entry(EventKey key, String service, List<Locator> locators) {}

  /**
   * Lists the resources a record touched, each once, in table order.
   *
   * @param event the record
   * @return the resources; empty when the record names none the table or its {@code resources} field knows
   */
  public static List<ResourceRef> extract(CloudTrailEvent event) {
    Entry entry = TABLE.get(event.key());
    Set<ResourceRef> refs = new LinkedHashSet<>();
    Optional<String> account = event.account();
    if (entry == null) {
      for (EventResource resource : event.resources()) {
        resource.arn().filter(arn -> arn.startsWith("arn:")).ifPresent(arn -> refs.add(
            new ResourceRef(arn.split(":", -1)[2], resource.type().orElse("resource"), arn,
                event.awsRegion(), resource.accountId().or(() -> account))));
      }
      return List.copyOf(refs);
    }
    for (Locator locator : entry.locators()) {
      Consumer<String> add = id -> {
        ResourceRef ref = ref(entry, locator, id, event, account);
        if (ref != null) {
          refs.add(ref);
        }
      };
      switch (locator.part()) {
        case "request":
          event.requestParameters().ifPresent(node -> ids(node, locator.path(), 0, add));
          break;
        case "response":
          event.responseElements().ifPresent(node -> ids(node, locator.path(), 0, add));
          break;
        case "identity":
          event.userIdentity().arn().ifPresent(add);
          break;
        default: // "region": a per-region setting, named by the region
          add.accept(event.awsRegion());
      }
    }
    return List.copyOf(refs);
  }

  /**
   * Tells whether the table lists an event.
   *
   * @param key the event
   * @return true when {@link #extract} reads the event's parameters, not only its {@code resources}
   */
  public static boolean supports(EventKey key) {
    return TABLE.containsKey(key);
  }

  /** @return every event the table lists */
  public static Set<EventKey> supportedEvents() {
    return TABLE.keySet();
  }

  private static @Nullable ResourceRef ref(Entry entry, Locator locator, String id,
      CloudTrailEvent event, Optional<String> account) {
    String type = locator.type();
    if (type == null) {
      int dash = id.lastIndexOf('-');
      type = dash > 0 ? EC2_PREFIXES.get(id.substring(0, dash)) : null;
      if (type == null) {
        return null;
      }
    }
    return new ResourceRef(entry.service(), type, id, event.awsRegion(), account);
  }

  /** Walks a path; arrays are walked element by element; EC2's {@code {"content": id}} is unwrapped. */
  private static void ids(JsonNode node, List<String> path, int at, Consumer<String> sink) {
    if (node.isArray()) {
      node.forEach(element -> ids(element, path, at, sink));
    } else if (at == path.size()) {
      JsonNode value = node.isObject() ? node.path("content") : node;
      if (value.isTextual() && !value.asText().isEmpty()) {
        sink.accept(value.asText());
      }
    } else if (node.isObject()) {
      JsonNode child = node.get(path.get(at));
      if (child != null) {
        ids(child, path, at + 1, sink);
      }
    }
  }

  private static Entry on(String eventSource, String eventName, String service,
      String... locators) {
    List<Locator> parsed = new ArrayList<>();
    for (String spec : locators) {
      int eq = spec.indexOf('=');
      int colon = spec.indexOf(':');
      String where = spec.substring(colon + 1).replace("[]", "");
      parsed.add(new Locator(eq < 0 ? null : spec.substring(0, eq), spec.substring(eq + 1, colon),
          where.isEmpty() ? List.of() : List.of(where.split("\\."))));
    }
    return new Entry(EventKey.of(eventSource, eventName), service, List.copyOf(parsed));
  }

  private static Map<EventKey, Entry> table(Entry... entries) {
    Map<EventKey, Entry> map = new HashMap<>();
    for (Entry entry : entries) {
      if (map.put(entry.key(), entry) != null) {
        throw new IllegalStateException("Listed twice: " + entry.key());
      }
    }
    return Map.copyOf(map);
  }
}
