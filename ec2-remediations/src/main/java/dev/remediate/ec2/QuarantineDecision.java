package dev.remediate.ec2;

import static dev.remediate.ec2.QuarantineInstance.ENI_TAG_PREFIX;
import static dev.remediate.ec2.QuarantineInstance.GROUP_TAG;
import static dev.remediate.ec2.QuarantineInstance.MAX_TAG_VALUE;
import static dev.remediate.ec2.QuarantineInstance.PROFILE_TAG;

import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Step;
import dev.remediate.ec2.QuarantineObserver.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.IamInstanceProfileAssociation;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * The decisions of {@link QuarantineInstance} and {@link ReleaseQuarantine}: an
 * {@link Observation} in, the plan's steps out, with no AWS call.
 *
 * <p>Quarantine: make or empty the isolation group, record every original (interface groups, the
 * profile) in one tag step before anything changes, move each interface, detach the profile.
 * Release: put back each interface's recorded groups, re-attach the recorded profile, remove the
 * record.
 */
final class QuarantineDecision {
  /** The resource name of the isolation group before it exists. */
  static final String NEW_GROUP = "(new)";

  private QuarantineDecision() {}

  // ---------------------------------------------------------------- quarantine

  /** Refuses an instance that cannot be quarantined with security groups. */
  static void requireQuarantinable(Observation o) {
    if (!QuarantineObserver.quarantinable(o.state())) {
      throw new RemediationException("Instance " + o.instanceId() + " is " + o.state()
          + "; there is nothing to quarantine");
    }
    if (o.vpcId() == null) {
      throw new RemediationException("Instance " + o.instanceId() + " is not in a VPC "
          + "(EC2-Classic or terminated); it cannot be quarantined with security groups");
    }
  }

  /**
   * Adds the quarantine's steps to the plan.
   *
   * @param o the observation of the instance, made for quarantine
   * @param groupName the isolation group's name
   * @param plan the plan being built
   */
  static void quarantine(Observation o, String groupName, Plan.Builder plan) {
    requireQuarantinable(o);
    SecurityGroup isolation = o.isolation();
    if (isolation != null) {
      QuarantineInstance.requireIsolationTag(isolation);
    }
    String groupRef = isolation == null ? NEW_GROUP : isolation.groupId();
    List<Step> steps = new ArrayList<>(isolationGroupSteps(o, groupName, groupRef));
    Map<String, String> record = new TreeMap<>();
    List<Step> moves = interfaceMoves(o, groupRef, record);
    IamInstanceProfileAssociation association = o.association().orElse(null);
    if (association != null && !o.tags().containsKey(PROFILE_TAG)) {
      record.put(PROFILE_TAG, association.iamInstanceProfile().arn());
    }
    if (!record.isEmpty()) {
      steps.add(recordStep(o.instanceId(), record));
    }
    steps.addAll(moves);
    if (association != null) {
      steps.add(detachStep(association));
      plan.addIamActions("ec2:DisassociateIamInstanceProfile");
    }
    if (!moves.isEmpty()) {
      plan.addWarnings(QuarantineInstance.TRACKING_WARNING);
    }
    plan.addAllSteps(steps);
    if (!steps.isEmpty()) {
      plan.addIamActions("ec2:CreateSecurityGroup", "ec2:CreateTags",
          "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
          "ec2:ModifyNetworkInterfaceAttribute");
    }
  }

  /** Create the isolation group, or empty the existing one of each direction's rules. */
  private static List<Step> isolationGroupSteps(Observation o, String groupName, String groupRef) {
    List<Step> steps = new ArrayList<>();
    boolean missing = o.isolation() == null;
    if (missing) {
      steps.add(Step.builder().kind("CreateSecurityGroup").action(Action.ADD)
          .resource(o.vpcId())
          .summary("create isolation group '" + groupName + "' (tagged " + GROUP_TAG + ")")
          .putParameters("vpc", o.vpcId()).build());
    }
    long ingress = o.isolationRules().stream().filter(r -> !Boolean.TRUE.equals(r.isEgress()))
        .count();
    long egress = o.isolationRules().size() - ingress;
    if (ingress > 0) {
      steps.add(Step.builder().kind("RevokeSecurityGroupIngress").action(Action.REMOVE)
          .resource(groupRef).summary("remove every ingress rule of the isolation group")
          .before(ingress + " ingress rule(s)").after("no ingress").build());
    }
    if (missing || egress > 0) {
      steps.add(Step.builder().kind("RevokeSecurityGroupEgress").action(Action.REMOVE)
          .resource(groupRef)
          .summary("remove every egress rule of the isolation group, including the default "
              + "allow-all egress")
          .before(missing ? "allow-all egress (default)" : egress + " egress rule(s)")
          .after("no egress").build());
    }
    return steps;
  }

  /**
   * One move per interface not yet isolated; each one's original groups go into {@code record}
   * unless an earlier quarantine recorded them already.
   */
  private static List<Step> interfaceMoves(Observation o, String groupRef,
      Map<String, String> record) {
    List<Step> moves = new ArrayList<>();
    for (NetworkInterface eni : o.interfaces()) {
      List<String> groups = groupIds(eni);
      if (o.isolation() != null && groups.equals(List.of(o.isolation().groupId()))) {
        continue;
      }
      String tagKey = ENI_TAG_PREFIX + eni.networkInterfaceId();
      if (!o.tags().containsKey(tagKey)) {
        record.put(tagKey, recordedGroups(o.instanceId(), eni, groups));
      }
      moves.add(Step.builder().kind("ModifyNetworkInterfaceAttribute").action(Action.CHANGE)
          .resource(eni.networkInterfaceId())
          .summary("move the interface to isolation group " + groupRef + " (cuts its traffic)")
          .before(String.join(",", groups)).after(groupRef)
          .addFlags(Flag.DISRUPTIVE).putParameters("group", groupRef).build());
    }
    return moves;
  }

  /** The tag value recording an interface's groups; refused when AWS could not store it. */
  private static String recordedGroups(String instanceId, NetworkInterface eni,
      List<String> groups) {
    String value = String.join(",", groups);
    if (value.length() > MAX_TAG_VALUE) {
      throw new RemediationException("Interface " + eni.networkInterfaceId() + " of instance "
          + instanceId + " has " + groups.size() + " security groups; recording them takes "
          + value.length() + " characters, more than AWS's " + MAX_TAG_VALUE + "-character "
          + "tag value limit, so the quarantine could not be undone. Nothing was changed; "
          + "reduce the interface's groups first");
    }
    return value;
  }

  private static Step recordStep(String instanceId, Map<String, String> record) {
    Step.Builder tag = Step.builder().kind("CreateTags").action(Action.ADD).resource(instanceId)
        .summary("record what quarantine changes, so ReleaseQuarantine can restore it")
        .after(record.toString());
    record.forEach((k, v) -> tag.putParameters("tag:" + k, v));
    return tag.build();
  }

  private static Step detachStep(IamInstanceProfileAssociation association) {
    return Step.builder().kind("DisassociateIamInstanceProfile").action(Action.REMOVE)
        .resource(association.associationId())
        .summary("detach instance profile " + association.iamInstanceProfile().arn()
            + " (the instance loses its AWS credentials)")
        .before(association.iamInstanceProfile().arn())
        .addFlags(Flag.DISRUPTIVE).build();
  }

  // ---------------------------------------------------------------- release

  /**
   * Adds the release's steps to the plan.
   *
   * @param o the observation of the instance, made for release
   * @param plan the plan being built
   */
  static void release(Observation o, Plan.Builder plan) {
    List<Step> steps = new ArrayList<>();
    List<String> recordTags = new ArrayList<>();
    for (NetworkInterface eni : o.interfaces()) {
      String key = ENI_TAG_PREFIX + eni.networkInterfaceId();
      String recorded = o.tags().get(key);
      if (recorded != null) {
        recordTags.add(key);
        restoreGroups(eni, recorded, plan).ifPresent(steps::add);
      }
    }
    o.tags().keySet().stream()
        .filter(k -> k.startsWith(ENI_TAG_PREFIX) && !recordTags.contains(k)).forEach(k -> {
          plan.addWarnings(k + " names an interface no longer attached; only the tag is removed");
          recordTags.add(k);
        });
    String profile = o.tags().get(PROFILE_TAG);
    if (profile != null) {
      recordTags.add(PROFILE_TAG);
      restoreProfile(o, profile, plan).ifPresent(steps::add);
      plan.addIamActions("ec2:DescribeIamInstanceProfileAssociations");
    }
    if (!recordTags.isEmpty()) {
      Step.Builder delete = Step.builder().kind("DeleteTags").action(Action.REMOVE)
          .resource(o.instanceId()).summary("remove the quarantine record")
          .before(String.join(",", recordTags));
      recordTags.forEach(k -> delete.putParameters("tag:" + k, o.tags().get(k)));
      steps.add(delete.build());
      plan.addIamActions("ec2:DeleteTags", "ec2:ModifyNetworkInterfaceAttribute");
    }
    plan.addAllSteps(steps);
  }

  private static java.util.Optional<Step> restoreGroups(NetworkInterface eni, String recorded,
      Plan.Builder plan) {
    List<String> current = groupIds(eni);
    List<String> original = NetworkSupport.splitCsv(recorded).stream().sorted().toList();
    if (original.isEmpty()) {
      plan.addWarnings(eni.networkInterfaceId() + " has an empty record; it stays where it is");
      return java.util.Optional.empty();
    }
    if (original.equals(current)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(Step.builder().kind("ModifyNetworkInterfaceAttribute")
        .action(Action.CHANGE).resource(eni.networkInterfaceId())
        .summary("restore the interface's original security groups")
        .before(String.join(",", current)).after(String.join(",", original))
        .putParameters("groups", String.join(",", original)).build());
  }

  private static java.util.Optional<Step> restoreProfile(Observation o, String profile,
      Plan.Builder plan) {
    IamInstanceProfileAssociation association = o.association().orElse(null);
    if (association == null) {
      plan.addIamActions("ec2:AssociateIamInstanceProfile", "iam:PassRole");
      return java.util.Optional.of(Step.builder().kind("AssociateIamInstanceProfile")
          .action(Action.ADD).resource(o.instanceId()).summary("re-attach instance profile "
              + profile).after(profile).putParameters("profile", profile).build());
    }
    if (!association.iamInstanceProfile().arn().equals(profile)) {
      plan.addWarnings("instance now has profile " + association.iamInstanceProfile().arn()
          + ", not the recorded " + profile + "; it is left as it is");
    }
    return java.util.Optional.empty();
  }

  private static List<String> groupIds(NetworkInterface eni) {
    return eni.groups().stream().map(GroupIdentifier::groupId).sorted().toList();
  }
}
