package dev.remediate.ec2;

import dev.remediate.core.aws.AwsErrors;
import dev.remediate.core.RemediationException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IamInstanceProfileAssociation;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

/**
 * The reads of {@link QuarantineInstance} and {@link ReleaseQuarantine}: the instance, its
 * interfaces, the isolation group of its VPC with that group's rules, and the instance profile
 * association. Every AWS read of the two remediations' plans is here; their decisions
 * ({@link QuarantineDecision}) make none.
 */
final class QuarantineObserver {
  private QuarantineObserver() {}

  /**
   * What quarantine and release see of one instance.
   *
   * @param instanceId the instance
   * @param tags the instance's tags
   * @param state the instance's state name ({@code running}, {@code stopped}, ...)
   * @param vpcId its VPC, null outside a VPC
   * @param isolation the isolation group of that VPC, null when there is none (or not read)
   * @param isolationRules that group's rules, ingress and egress
   * @param interfaces the attached interfaces, by id
   * @param association the instance profile association, empty when none (or not read)
   */
  record Observation(String instanceId, Map<String, String> tags, String state,
      @Nullable String vpcId, @Nullable SecurityGroup isolation,
      List<SecurityGroupRule> isolationRules, List<NetworkInterface> interfaces,
      Optional<IamInstanceProfileAssociation> association) {
    Observation {
      tags = Map.copyOf(tags);
      isolationRules = List.copyOf(isolationRules);
      interfaces = List.copyOf(interfaces);
    }

    /** The same observation without the network reads, for a decision that stops early. */
    static Observation instanceOnly(Instance instance) {
      return new Observation(instance.instanceId(), NetworkSupport.tags(instance.tags()),
          instance.state() == null ? "" : instance.state().nameAsString(), instance.vpcId(), null,
          List.of(), List.of(), Optional.empty());
    }
  }

  /**
   * Observes what quarantine needs: the isolation group and its rules are read only for an
   * instance in a VPC; the profile association only when it is to be detached.
   */
  static Observation forQuarantine(Ec2Client ec2, Instance instance, String groupName,
      boolean detachProfile) {
    Observation base = Observation.instanceOnly(instance);
    if (base.vpcId() == null || !quarantinable(base.state())) {
      return base;
    }
    SecurityGroup isolation = ec2.describeSecurityGroups(r -> r.filters(
            NetworkSupport.filter("vpc-id", List.of(base.vpcId())),
            NetworkSupport.filter("group-name", List.of(groupName))))
        .securityGroups().stream().findFirst().orElse(null);
    List<SecurityGroupRule> rules = isolation == null ? List.of()
        : ec2.describeSecurityGroupRules(r -> r.filters(NetworkSupport.filter("group-id",
            List.of(isolation.groupId())))).securityGroupRules();
    return new Observation(base.instanceId(), base.tags(), base.state(), base.vpcId(), isolation,
        rules, interfaces(ec2, base.instanceId()),
        detachProfile ? profileAssociation(ec2, base.instanceId()) : Optional.empty());
  }

  /** Observes what release needs: the interfaces, and the profile only when one was recorded. */
  static Observation forRelease(Ec2Client ec2, Instance instance) {
    Observation base = Observation.instanceOnly(instance);
    boolean profileRecorded = base.tags().containsKey(QuarantineInstance.PROFILE_TAG);
    return new Observation(base.instanceId(), base.tags(), base.state(), base.vpcId(), null,
        List.of(), interfaces(ec2, base.instanceId()),
        profileRecorded ? profileAssociation(ec2, base.instanceId()) : Optional.empty());
  }

  static boolean quarantinable(String state) {
    return !"terminated".equals(state) && !"shutting-down".equals(state);
  }

  static Instance describeInstance(Ec2Client ec2, String instanceId) {
    try {
      return ec2.describeInstances(r -> r.instanceIds(instanceId)).reservations().stream()
          .flatMap(r -> r.instances().stream()).findFirst()
          .orElseThrow(() -> new RemediationException("Instance " + instanceId + " not found"));
    } catch (AwsServiceException e) {
      if (AwsErrors.is(e, "InvalidInstanceID.NotFound")) {
        throw new RemediationException("Instance " + instanceId + " not found", e);
      }
      throw e;
    }
  }

  /**
   * The instance's network interfaces with their groups, from {@code DescribeNetworkInterfaces}:
   * the per-interface view (an emulator's {@code DescribeInstances} may show the instance's groups
   * on every interface).
   */
  static List<NetworkInterface> interfaces(Ec2Client ec2, String instanceId) {
    List<NetworkInterface> out = new ArrayList<>();
    ec2.describeNetworkInterfacesPaginator(r -> r.filters(NetworkSupport.filter(
        "attachment.instance-id", List.of(instanceId)))).networkInterfaces().forEach(out::add);
    out.sort(Comparator.comparing(NetworkInterface::networkInterfaceId));
    return out;
  }

  static Optional<IamInstanceProfileAssociation> profileAssociation(Ec2Client ec2,
      String instanceId) {
    return ec2.describeIamInstanceProfileAssociations(r -> r.filters(
            NetworkSupport.filter("instance-id", List.of(instanceId)),
            NetworkSupport.filter("state", List.of("associated", "associating"))))
        .iamInstanceProfileAssociations().stream().findFirst();
  }
}
