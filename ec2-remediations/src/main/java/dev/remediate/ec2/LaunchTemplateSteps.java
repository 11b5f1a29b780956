package dev.remediate.ec2;

import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Step;
import java.util.List;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.ec2.model.RequestLaunchTemplateData;

/**
 * Carries out the launch-template steps of an Auto Scaling group's change, shared by
 * {@link OutdatedAmi} (a newer image) and {@link ResizeInstance} (another instance type):
 * {@code CreateLaunchTemplateVersion} from the group's version ({@code SourceVersion}, every other
 * setting kept) with the step's {@code imageId} and/or {@code instanceType}; then the group pointed
 * at it: {@code ModifyLaunchTemplate DefaultVersion} (the group uses {@code $Default}) or
 * {@code UpdateAutoScalingGroup} (it names a version). Step parameters: {@code group},
 * {@code templateId}, {@code sourceVersion}, and the changed fields.
 */
final class LaunchTemplateSteps {
  static final String CREATE_VERSION = "CreateLaunchTemplateVersion";
  static final String MODIFY_TEMPLATE = "ModifyLaunchTemplate";
  static final String UPDATE_GROUP = "UpdateAutoScalingGroup";
  private static final String OUT_VERSION = "template-version:";

  private LaunchTemplateSteps() {}

  /** @return true when the step was one of these and has been carried out */
  static boolean execute(Step step, RemediationContext context, String by) {
    if (!List.of(CREATE_VERSION, MODIFY_TEMPLATE, UPDATE_GROUP).contains(step.kind())) {
      return false;
    }
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    String template = step.parameter("templateId");
    switch (step.kind()) {
      case CREATE_VERSION -> context.outputs().put(OUT_VERSION + template, String.valueOf(ec2
          .createLaunchTemplateVersion(r -> r.launchTemplateId(template)
              .sourceVersion(step.parameter("sourceVersion"))
              .versionDescription(changed(step) + " (remediate " + by + ")")
              .launchTemplateData(data(step)))
          .launchTemplateVersion().versionNumber()));
      case MODIFY_TEMPLATE -> ec2.modifyLaunchTemplate(r -> r.launchTemplateId(template)
          .defaultVersion(version(ec2, step, context)));
      case UPDATE_GROUP -> context.scope().client(AutoScalingClient.class,
          AutoScalingClient::builder).updateAutoScalingGroup(r -> r
              .autoScalingGroupName(step.parameter("group")).launchTemplate(t -> t
                  .launchTemplateId(template).version(version(ec2, step, context))));
      default -> {
        return false;
      }
    }
    return true;
  }

  private static RequestLaunchTemplateData data(Step step) {
    RequestLaunchTemplateData.Builder data = RequestLaunchTemplateData.builder();
    if (step.parameters().containsKey("imageId")) {
      data.imageId(step.parameter("imageId"));
    }
    if (step.parameters().containsKey("instanceType")) {
      data.instanceType(step.parameter("instanceType"));
    }
    return data.build();
  }

  private static String changed(Step step) {
    return step.parameters().containsKey("imageId") ? "image " + step.parameter("imageId")
        : "instance type " + step.parameter("instanceType");
  }

  /** The version with the step's change: made by this apply, or the template's latest. */
  private static String version(Ec2Client ec2, Step step, RemediationContext context) {
    String template = step.parameter("templateId");
    String made = context.outputs().get(OUT_VERSION + template);
    if (made != null) {
      return made;
    }
    List<LaunchTemplateVersion> latest = ec2.describeLaunchTemplateVersions(r -> r
        .launchTemplateId(template).versions("$Latest")).launchTemplateVersions();
    var data = latest.isEmpty() ? null : latest.get(0).launchTemplateData();
    boolean matches = data != null
        && (!step.parameters().containsKey("imageId")
            || step.parameter("imageId").equals(data.imageId()))
        && (!step.parameters().containsKey("instanceType")
            || step.parameter("instanceType").equals(data.instanceTypeAsString()));
    if (!matches) {
      throw new RemediationException("the latest version of launch template " + template
          + " does not have " + changed(step) + ": plan again");
    }
    return String.valueOf(latest.get(0).versionNumber());
  }
}
