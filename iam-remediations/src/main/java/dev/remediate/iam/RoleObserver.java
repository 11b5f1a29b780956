package dev.remediate.iam;

import static dev.remediate.iam.IamSupport.found;
import static dev.remediate.iam.IamSupport.orNull;

import dev.remediate.core.RemediationException;
import dev.remediate.core.aws.AwsErrors;
import dev.remediate.core.policy.PolicyDocuments;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Role;

/**
 * Every read {@link RevokeRoleSessions} makes, into an {@link Observation}: for an instance,
 * {@code ec2:DescribeInstances} (its instance profile's ARN) and {@code iam:GetInstanceProfile}
 * (the profile's role); then {@code iam:GetRole} (path, tags) and {@code iam:GetRolePolicy} of
 * {@value RevokeRoleSessions#POLICY_NAME}.
 */
final class RoleObserver {
  private RoleObserver() {}

  /**
   * A role as the decision needs it.
   *
   * @param name the role name
   * @param path its path, e.g. {@code /} or {@code /aws-service-role/ec2.amazonaws.com/}
   * @param tags its tags
   * @param revocationPolicy the decoded inline policy {@value RevokeRoleSessions#POLICY_NAME}, or
   *     null when the role has none
   */
  record RoleFacts(String name, String path, Map<String, String> tags,
      @Nullable String revocationPolicy) {
    RoleFacts {
      tags = Map.copyOf(tags);
    }
  }

  /**
   * What was read.
   *
   * @param instanceId the instance whose role it is, or null for a role chosen by name
   * @param profileArn the instance's profile ARN, or null (a role chosen by name, or no profile)
   * @param role the role, or null when the instance has no profile or the profile no role
   */
  record Observation(@Nullable String instanceId, @Nullable String profileArn,
      @Nullable RoleFacts role) {}

  /** @throws RemediationException when the role is not found */
  static Observation ofRole(IamClient iam, String roleName) {
    return new Observation(null, null, role(iam, roleName));
  }

  /** @throws RemediationException when the instance, its profile or its role is not found */
  static Observation ofInstance(Ec2Client ec2, IamClient iam, String instanceId) {
    Instance instance;
    try {
      instance = ec2.describeInstances(r -> r.instanceIds(instanceId)).reservations().stream()
          .flatMap(r -> r.instances().stream()).findFirst()
          .orElseThrow(() -> new RemediationException("Instance " + instanceId + " not found"));
    } catch (RuntimeException e) {
      if (AwsErrors.is(e, "InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed")) {
        throw new RemediationException("Instance " + instanceId + " not found", e);
      }
      throw e;
    }
    String profileArn = instance.iamInstanceProfile() == null ? null
        : instance.iamInstanceProfile().arn();
    if (profileArn == null) {
      return new Observation(instanceId, null, null);
    }
    String profile = profileArn.substring(profileArn.lastIndexOf('/') + 1);
    List<Role> roles = found("Instance profile " + profileArn + " of " + instanceId,
        () -> iam.getInstanceProfile(r -> r.instanceProfileName(profile))).instanceProfile()
        .roles();
    return new Observation(instanceId, profileArn, roles.isEmpty() ? null
        : role(iam, roles.get(0).roleName()));
  }

  private static RoleFacts role(IamClient iam, String roleName) {
    Role role = found("IAM role " + roleName, () -> iam.getRole(r -> r.roleName(roleName))).role();
    Map<String, String> tags = new TreeMap<>();
    role.tags().forEach(t -> tags.put(t.key(), t.value()));
    String policy = orNull(() -> PolicyDocuments.decode(iam.getRolePolicy(r -> r
        .roleName(roleName).policyName(RevokeRoleSessions.POLICY_NAME)).policyDocument()));
    return new RoleFacts(role.roleName(), role.path() == null ? "/" : role.path(), tags, policy);
  }
}
