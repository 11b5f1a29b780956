package dev.remediate.ec2;

import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import dev.remediate.ec2.AmiObserver.Group;
import dev.remediate.ec2.AmiObserver.Image;
import dev.remediate.ec2.AmiObserver.InstanceFacts;
import dev.remediate.ec2.AmiObserver.Observation;
import dev.remediate.ec2.AmiObserver.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Turns an {@link AmiObserver.Observation} into one {@link Target} per outdated standalone
 * instance and per Auto Scaling group with outdated members, with no AWS call.
 *
 * <p><b>Outdated</b>: the instance's image is superseded by a newer image of its family
 * ({@link AmiFamily}: same owner, name pattern, architecture and virtualization type), or older
 * than {@code maxAgeDays} by its {@code CreationDate}. Replacing needs a newer image: an old image
 * with no newer one in its family is reported as skipped.
 *
 * <p><b>Auto Scaling members</b> are never replaced one by one: their group's plan
 * ({@link AmiGroupSteps}) makes a launch template version with the newer image, points the group
 * at it (nothing to do when the group uses {@code $Latest}) and starts an instance refresh.
 *
 * <p><b>Standalone instances</b> ({@link AmiReplacementSteps}): a backup image, a replacement with
 * the same configuration, a wait for its status checks, the Elastic IPs moved, the old instance
 * tagged and stopped ({@link Flag#DOWNTIME}); terminated only when {@code terminateReplaced}
 * ({@link Flag#DESTRUCTIVE}). Each step is left out once done, read from the tags
 * {@value AmiObserver#BACKUP_OF}, {@value AmiObserver#REPLACES} and
 * {@value AmiObserver#REPLACED_BY}, so applying again continues where a failure stopped.
 *
 * @param maxAgeDays an image older than this many days is outdated
 * @param rebootForImage whether the backup image reboots the instance
 * @param terminateReplaced whether the stopped original is then terminated
 */
record AmiDecision(int maxAgeDays, boolean rebootForImage, boolean terminateReplaced) {
  static final Set<String> GONE = Set.of("terminated", "shutting-down");
  static final String INSTANCE = "AWS::EC2::Instance";
  static final String GROUP = "AWS::AutoScaling::AutoScalingGroup";

  /**
   * What the decision wants for one target, before it becomes a plan.
   *
   * @param type {@value #INSTANCE} or {@value #GROUP}
   * @param id the instance id or group name
   * @param steps the changes in order; empty when compliant or skipped
   * @param warnings what the reviewer should know; the first names the outdated image and the newer
   * @param skipped what is left alone, and why
   */
  record Target(String type, String id, List<Step> steps, List<String> warnings,
      List<Skip> skipped) {
    Target {
      steps = List.copyOf(steps);
      warnings = List.copyOf(warnings);
      skipped = List.copyOf(skipped);
    }

    static Target empty(String type, String id) {
      return new Target(type, id, List.of(), List.of(), List.of());
    }

    static Target skip(String type, String id, String reason) {
      return new Target(type, id, List.of(), List.of(), List.of(Skip.of(id, reason)));
    }
  }

  /**
   * @param o what was observed
   * @param optOutTagKey an instance carrying this tag key is left alone
   * @param optOutReason the reason recorded for it
   * @return the targets, instances then groups, each in id order; compliant ones as empty targets
   */
  List<Target> decide(Observation o, String optOutTagKey, String optOutReason) {
    List<Target> targets = new ArrayList<>();
    for (InstanceFacts i : o.instances().values().stream()
        .sorted(Comparator.comparing(InstanceFacts::id)).toList()) {
      if (GONE.contains(i.state()) || i.group() != null && o.groups().containsKey(i.group())) {
        continue;
      }
      targets.add(i.tags().containsKey(optOutTagKey) ? Target.skip(INSTANCE, i.id(), optOutReason)
          : instance(i, o));
    }
    o.groups().values().stream().sorted(Comparator.comparing(Group::name))
        .forEach(g -> targets.add(group(g, o)));
    return targets;
  }

  // ---------------------------------------------------------------- the rule

  /**
   * @param current an image
   * @param images every image read
   * @return the newest image of its family when it is newer than {@code current}, else null
   */
  static @Nullable Image newest(Image current, Map<String, Image> images) {
    String pattern = AmiFamily.pattern(current.name());
    if (pattern == null) {
      return null;
    }
    Comparator<Image> order = Comparator.<Image, List<java.math.BigInteger>>comparing(
            i -> AmiFamily.version(i.name()), AmiFamily::compare)
        .thenComparing(i -> i.created() == null ? Instant.EPOCH : i.created());
    Image best = images.values().stream()
        .filter(i -> i.owner().equals(current.owner()) && pattern.equals(AmiFamily.pattern(i.name()))
            && Objects.equals(i.architecture(), current.architecture())
            && Objects.equals(i.virtualizationType(), current.virtualizationType()))
        .max(order.thenComparing(Image::id)).orElse(current);
    return order.compare(best, current) > 0 ? best : null;
  }

  /** @return whether the image was created more than {@code maxAgeDays} before {@code now} */
  boolean tooOld(Image image, Instant now) {
    return image.created() != null
        && image.created().isBefore(now.minus(Duration.ofDays(maxAgeDays)));
  }

  /**
   * The observer's question, so that it reads volumes, addresses and user data only of the
   * instances this decision will replace.
   *
   * @param s what is known before those reads, about {@code s.instance()}
   * @return whether the instance is standalone, not yet replaced and on a superseded image
   */
  boolean needsReplacement(Snapshot s) {
    InstanceFacts i = Objects.requireNonNull(s.instance());
    if (i.group() != null && s.groups().containsKey(i.group()) || GONE.contains(i.state())
        || "stopped".equals(i.state()) && i.tags().containsKey(AmiObserver.REPLACED_BY)) {
      return false;
    }
    Image image = s.images().get(i.imageId());
    return image != null && newest(image, s.images()) != null;
  }

  // ---------------------------------------------------------------- standalone instances

  private Target instance(InstanceFacts i, Observation o) {
    InstanceFacts replacement = o.replacementOf(i.id());
    boolean replaced = i.tags().containsKey(AmiObserver.REPLACED_BY);
    if (replaced && "stopped".equals(i.state())) {
      return terminateReplaced ? new Target(INSTANCE, i.id(), List.of(
          AmiReplacementSteps.terminate(i, o)), List.of(), List.of())
          : Target.empty(INSTANCE, i.id());
    }
    Image image = o.images().get(i.imageId());
    if (image == null) {
      return Target.skip(INSTANCE, i.id(), "its image " + i.imageId() + " is not described any "
          + "more (deregistered or no longer shared): its age and family are unknown");
    }
    Image newer = newest(image, o.images());
    if (newer == null) {
      return !tooOld(image, o.now()) ? Target.empty(INSTANCE, i.id())
          : Target.skip(INSTANCE, i.id(), describe(image, o.now()) + " is older than "
              + maxAgeDays + " days and no newer image of its family was found: choose an image "
              + "and replace the instance yourself");
    }
    String refused = refusal(i, replacement != null || replaced);
    if (refused != null) {
      return Target.skip(INSTANCE, i.id(), refused);
    }
    List<String> warnings = new ArrayList<>();
    warnings.add(i.id() + " runs " + describe(image, o.now()) + ", superseded by "
        + describe(newer, o.now()));
    if (tooOld(newer, o.now())) {
      warnings.add("the newest image of its family, " + newer.id() + ", is itself older than "
          + maxAgeDays + " days");
    }
    return new Target(INSTANCE, i.id(), new AmiReplacementSteps(this, o, i, newer)
        .steps(replacement, warnings), warnings, List.of());
  }

  private static @Nullable String refusal(InstanceFacts i, boolean underway) {
    if (!"running".equals(i.state()) && !("stopped".equals(i.state()) && underway)) {
      return "it is " + i.state() + ": only running instances are replaced (plan again once it "
          + "runs)";
    }
    if ("spot".equals(i.lifecycle())) {
      return "it is a Spot instance: launch a new Spot request from the newer image instead";
    }
    if (i.interfaces() > 1) {
      return "it has " + i.interfaces() + " network interfaces: a replacement would copy only "
          + "the primary one; replace it yourself";
    }
    if (i.subnetId() == null) {
      return "it has no subnet (EC2-Classic): replace it yourself";
    }
    return null;
  }

  static String describe(Image image, Instant now) {
    return image.id() + " (" + image.name() + (image.created() == null ? ""
        : ", " + Duration.between(image.created(), now).toDays() + " days old") + ")";
  }

  // ---------------------------------------------------------------- Auto Scaling groups

  private Target group(Group g, Observation o) {
    List<InstanceFacts> outdated = o.instances().values().stream()
        .filter(i -> g.name().equals(i.group()) && "running".equals(i.state()))
        .filter(i -> {
          Image image = o.images().get(i.imageId());
          return image != null && (newest(image, o.images()) != null || tooOld(image, o.now()));
        }).sorted(Comparator.comparing(InstanceFacts::id)).toList();
    Image template = g.imageId() == null ? null : o.images().get(g.imageId());
    Image newer = template == null ? null : newest(template, o.images());
    if (outdated.isEmpty() && newer == null) {
      return Target.empty(GROUP, g.name());
    }
    if (g.refreshing() && newer == null) {
      return new Target(GROUP, g.name(), List.of(), List.of("an instance refresh of group "
          + g.name() + " is under way; members still on outdated images: " + outdated.stream()
              .map(InstanceFacts::id).toList()), List.of());
    }
    if (g.unsupported() != null) {
      return Target.skip(GROUP, g.name(), g.unsupported());
    }
    if (newer == null && template != null && tooOld(template, o.now())) {
      return Target.skip(GROUP, g.name(), "its launch template's image "
          + describe(template, o.now()) + " is older than " + maxAgeDays + " days and no newer "
          + "image of its family was found: put a newer image in the launch template yourself");
    }
    return new AmiGroupSteps(o, g).target(template, newer, outdated);
  }
}
