package dev.remediate.ec2;

import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Step;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.LaunchTemplateSpecification;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;

/**
 * {@link ResizeInstance} of an Auto Scaling group member: Auto Scaling would replace an instance
 * changed behind its back, so the group's launch template gets the new type instead, and the plan
 * says so. Observe ({@link #observe}: the group, its launch template version) and decide
 * ({@link #decide}, no AWS call); the steps are {@link LaunchTemplateSteps}'.
 */
final class ResizeGroup {
  private ResizeGroup() {}

  /**
   * The group as observed.
   *
   * @param name the group
   * @param templateId its launch template, null when it has none
   * @param version the version the group names ({@code $Latest}, {@code $Default} or a number)
   * @param versionNumber that version's number
   * @param instanceType that version's instance type, null when it sets none
   * @param refusal why the group's type cannot be changed this way, null when it can
   */
  record Group(String name, @Nullable String templateId, String version, long versionNumber,
      @Nullable String instanceType, @Nullable String refusal) {}

  static Group observe(String name, RemediationContext context) {
    AutoScalingGroup group = context.scope().client(AutoScalingClient.class,
        AutoScalingClient::builder).describeAutoScalingGroups(r -> r.autoScalingGroupNames(name))
        .autoScalingGroups().stream().findFirst().orElse(null);
    if (group == null) {
      return new Group(name, null, "", 0, null, "the group is not found");
    }
    LaunchTemplateSpecification template = group.launchTemplate();
    if (template == null) {
      return new Group(name, null, "", 0, null, group.mixedInstancesPolicy() != null
          ? "it uses a mixed instances policy: change the instance types of its overrides"
          : "it uses a launch configuration: move it to a launch template first");
    }
    String version = template.version() == null ? "$Default" : template.version();
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    LaunchTemplateVersion v = ec2.describeLaunchTemplateVersions(r -> {
      if (template.launchTemplateId() != null) {
        r.launchTemplateId(template.launchTemplateId());
      } else {
        r.launchTemplateName(template.launchTemplateName());
      }
      r.versions(version);
    }).launchTemplateVersions().get(0);
    return new Group(name, v.launchTemplateId(), version, v.versionNumber(),
        v.launchTemplateData() == null ? null : v.launchTemplateData().instanceTypeAsString(),
        null);
  }

  /**
   * The steps giving the group's launch template the type: a new version from the group's
   * ({@code SourceVersion}), then the group pointed at it (nothing for {@code $Latest}).
   *
   * @throws RemediationException when the group cannot be changed this way, naming why
   */
  static List<Step> decide(Group g, String instanceId, String type, String region,
      String account, List<String> warnings) {
    if (g.refusal() != null) {
      throw new RemediationException("Resize of " + instanceId + " to " + type + " refused: it "
          + "is a member of Auto Scaling group " + g.name() + ", and " + g.refusal());
    }
    if (type.equals(g.instanceType())) {
      return List.of();
    }
    warnings.add(instanceId + " is a member of Auto Scaling group " + g.name() + ", which would "
        + "replace an instance changed behind its back: the group's launch template "
        + g.templateId() + " gets type " + type + " instead. Running instances keep their type "
        + "until Auto Scaling replaces them (start an instance refresh to replace them now); "
        + "the group's Availability Zones must offer " + type);
    String arn = "arn:aws:autoscaling:" + region + ":" + account
        + ":autoScalingGroup:*:autoScalingGroupName/" + g.name();
    List<Step> steps = new ArrayList<>();
    steps.add(Step.builder().kind(LaunchTemplateSteps.CREATE_VERSION).action(Action.ADD)
        .resource(arn).summary("create a version of launch template " + g.templateId()
            + " from version " + g.versionNumber() + " with instance type " + type)
        .before(String.valueOf(g.instanceType())).after(type)
        .putParameters("group", g.name()).putParameters("templateId", g.templateId())
        .putParameters("sourceVersion", String.valueOf(g.versionNumber()))
        .putParameters("instanceType", type).build());
    if (!"$Latest".equals(g.version())) {
      boolean viaDefault = "$Default".equals(g.version());
      steps.add(Step.builder().kind(viaDefault ? LaunchTemplateSteps.MODIFY_TEMPLATE
              : LaunchTemplateSteps.UPDATE_GROUP).action(Action.CHANGE).resource(arn)
          .summary(viaDefault ? "make that version the default of launch template "
              + g.templateId() + " (group " + g.name() + " uses $Default)"
              : "set group " + g.name() + " to that version of launch template " + g.templateId())
          .before("version " + g.versionNumber()).after("the version with instance type " + type)
          .putParameters("group", g.name()).putParameters("templateId", g.templateId())
          .putParameters("instanceType", type).build());
    }
    return steps;
  }
}
