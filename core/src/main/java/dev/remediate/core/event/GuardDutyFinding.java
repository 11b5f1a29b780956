package dev.remediate.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An Amazon GuardDuty finding, with the fields remediations act on. Read from the finding JSON
 * GuardDuty documents (camelCase, as in EventBridge's {@code detail}, or the CLI's PascalCase
 * {@code get-findings} output), alone or in a "GuardDuty Finding" EventBridge envelope.
 *
 * <pre>{@code
 * if (finding.type().equals("UnauthorizedAccess:EC2/SSHBruteForce")) {
 *   System.out.println(finding.remoteIps() + " -> " + finding.instanceId().orElse("?"));
 * }
 * }</pre>
 *
 * @param id the finding id
 * @param type the finding type, e.g. {@code Recon:EC2/PortProbeUnprotectedPort}
 * @param region the region of the finding
 * @param account the account of the finding
 * @param severity the severity (GuardDuty's number, 1 to 10)
 * @param title the title
 * @param resourceType {@code resource.resourceType}, e.g. {@code Instance}, {@code AccessKey}
 * @param resourceRole {@code service.resourceRole}: {@code TARGET} (the resource was acted on) or
 *     {@code ACTOR} (the resource acted)
 * @param instanceId {@code resource.instanceDetails.instanceId}
 * @param subnetIds the subnets of the instance's network interfaces
 * @param securityGroupIds the security groups of the instance's network interfaces
 * @param accessKeyId {@code resource.accessKeyDetails.accessKeyId}
 * @param userName {@code resource.accessKeyDetails.userName} (a user, or a role for assumed roles)
 * @param userType {@code resource.accessKeyDetails.userType}, e.g. {@code IAMUser}, {@code AssumedRole}
 * @param remoteIps remote IPv4 addresses of the action (connection, port probes, API calls)
 * @param localPorts local ports of the action (port probes, connections)
 * @param json the finding as read
 */
public record GuardDutyFinding(String id, String type, String region, Optional<String> account,
    double severity, Optional<String> title, Optional<String> resourceType,
    Optional<String> resourceRole, Optional<String> instanceId, List<String> subnetIds,
    List<String> securityGroupIds, Optional<String> accessKeyId, Optional<String> userName,
    Optional<String> userType, List<String> remoteIps, List<Integer> localPorts, JsonNode json)
    implements Finding {
  /**
   * Creates a finding (the reader does; tests may).
   *
   * @param id the id
   * @param type the type
   * @param region the region
   * @param account the account
   * @param severity the severity
   * @param title the title
   * @param resourceType the resource type
   * @param resourceRole the resource role
   * @param instanceId the instance
   * @param subnetIds the subnets
   * @param securityGroupIds the groups
   * @param accessKeyId the access key
   * @param userName the user or role name
   * @param userType the user type
   * @param remoteIps the remote addresses
   * @param localPorts the local ports
   * @param json the JSON
   */
  public GuardDutyFinding {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(region, "region");
    subnetIds = List.copyOf(subnetIds);
    securityGroupIds = List.copyOf(securityGroupIds);
    remoteIps = List.copyOf(remoteIps);
    localPorts = List.copyOf(localPorts);
    Objects.requireNonNull(json, "json");
  }

  /** @return true when the finding's resource was acted on (not the actor); true when not said */
  public boolean resourceIsTarget() {
    return resourceRole.map(role -> !role.equalsIgnoreCase("ACTOR")).orElse(true);
  }

  @Override
  public String describe() {
    return "GuardDuty " + type + " " + id;
  }
}
