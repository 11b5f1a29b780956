package dev.remediate.ec2;

import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.aws.AwsErrors;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Step;
import dev.remediate.ec2.AmiDecision.Target;
import dev.remediate.ec2.AmiObserver.Group;
import dev.remediate.ec2.AmiObserver.Image;
import dev.remediate.ec2.AmiObserver.InstanceFacts;
import dev.remediate.ec2.AmiObserver.Observation;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;

/**
 * The steps bringing an Auto Scaling group's instances to the newer image the AWS way, one plan
 * per group (never per instance): what each step is (built by {@link AmiDecision}, no AWS call)
 * and how it is carried out ({@link #execute}).
 *
 * <ol>
 *   <li>{@code CreateLaunchTemplateVersion} from the group's version ({@code SourceVersion}, so
 *       every other setting is kept) with the newer {@code ImageId}; left out when the template's
 *       latest version already has it;
 *   <li>the group pointed at that version: nothing when it uses {@code $Latest};
 *       {@code ModifyLaunchTemplate DefaultVersion} when it uses {@code $Default};
 *       {@code UpdateAutoScalingGroup} when it names a version number;
 *   <li>{@code StartInstanceRefresh} with {@code SkipMatching}: Auto Scaling replaces the
 *       instances not matching the template, keeping its healthy minimum (90% by default).
 *       While it runs, the group is observed as under way (no step), so verification passes and
 *       a new plan does not start a second one; another refresh in progress fails the step.
 * </ol>
 */
final class AmiGroupSteps {
  static final String CREATE_VERSION = LaunchTemplateSteps.CREATE_VERSION;
  static final String MODIFY_TEMPLATE = LaunchTemplateSteps.MODIFY_TEMPLATE;
  static final String UPDATE_GROUP = LaunchTemplateSteps.UPDATE_GROUP;
  static final String REFRESH = "StartInstanceRefresh";

  private final Observation o;
  private final Group g;

  AmiGroupSteps(Observation o, Group g) {
    this.o = o;
    this.g = g;
  }

  // ---------------------------------------------------------------- the steps (no AWS call)

  /**
   * @param template the image of the group's template version, or null
   * @param newer the newer image for the template, or null when the template is up to date
   * @param outdated the group's running instances on outdated images
   * @return the group's target
   */
  Target target(@Nullable Image template, @Nullable Image newer, List<InstanceFacts> outdated) {
    List<String> warnings = new ArrayList<>();
    List<Step> steps = new ArrayList<>();
    if (newer != null && template != null) {
      warnings.add("group " + g.name() + " launches " + AmiDecision.describe(template, o.now())
          + " (launch template " + g.templateId() + " version " + g.version() + "), superseded by "
          + AmiDecision.describe(newer, o.now()));
      if (!newer.id().equals(g.latestImageId())) {
        steps.add(step(CREATE_VERSION, Action.ADD, "create a version of launch template "
            + g.templateId() + " from version " + g.versionNumber() + " with image " + newer.id())
            .before(template.id()).after(newer.id())
            .putParameters("sourceVersion", String.valueOf(g.versionNumber()))
            .putParameters("imageId", newer.id()).build());
      }
      pointAt(newer).ifPresent(steps::add);
    }
    if (!outdated.isEmpty()) {
      warnings.add("instances on outdated images: " + outdated.stream()
          .map(i -> i.id() + " (" + i.imageId() + ")").toList());
    }
    steps.add(step(REFRESH, Action.CHANGE, "start an instance refresh of group " + g.name()
        + " (skipping instances that already match; Auto Scaling keeps 90% healthy by default)")
        .before(outdated.size() + " instance(s) on outdated images")
        .after("instances launched from the template's image").build());
    warnings.add("the refresh replaces instances: anything stored on their own volumes is lost "
        + "unless the group's instances are stateless, as Auto Scaling expects");
    return new Target(AmiDecision.GROUP, g.name(), steps, warnings, List.of());
  }

  private java.util.Optional<Step> pointAt(Image newer) {
    if ("$Latest".equals(g.version())) {
      return java.util.Optional.empty();
    }
    boolean viaDefault = "$Default".equals(g.version());
    return java.util.Optional.of(step(viaDefault ? MODIFY_TEMPLATE : UPDATE_GROUP, Action.CHANGE,
        viaDefault ? "make the version with image " + newer.id() + " the default version of "
            + "launch template " + g.templateId() + " (group " + g.name() + " uses $Default)"
            : "set group " + g.name() + " to the version of launch template " + g.templateId()
                + " with image " + newer.id())
        .before("version " + g.versionNumber()).after("the version with image " + newer.id())
        .putParameters("imageId", newer.id()).build());
  }

  private Step.Builder step(String kind, Action action, String summary) {
    return Step.builder().kind(kind).action(action)
        .resource("arn:aws:autoscaling:" + o.region() + ":" + o.account()
            + ":autoScalingGroup:*:autoScalingGroupName/" + g.name())
        .summary(summary).putParameters("group", g.name())
        .putParameters("templateId", String.valueOf(g.templateId()));
  }

  // ---------------------------------------------------------------- carrying them out

  /** Carries out one step of {@link #target}. */
  static void execute(Step step, RemediationContext context) {
    if (step.kind().equals(REFRESH)) {
      refresh(step.parameter("group"), context);
    } else if (!LaunchTemplateSteps.execute(step, context, OutdatedAmi.ID)) {
      throw new RemediationException("OutdatedAmi has no step " + step.kind());
    }
  }

  private static void refresh(String group, RemediationContext context) {
    try {
      autoScaling(context).startInstanceRefresh(r -> r.autoScalingGroupName(group)
          .preferences(p -> p.skipMatching(true)));
    } catch (RuntimeException e) {
      if (AwsErrors.is(e, "InstanceRefreshInProgress")) {
        throw new RemediationException("another instance refresh of " + group + " is in "
            + "progress: apply again once it has ended", e);
      }
      throw e;
    }
  }

  private static AutoScalingClient autoScaling(RemediationContext context) {
    return context.scope().client(AutoScalingClient.class, AutoScalingClient::builder);
  }
}
