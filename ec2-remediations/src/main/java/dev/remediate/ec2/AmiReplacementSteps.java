package dev.remediate.ec2;

import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Step;
import dev.remediate.ec2.AmiObserver.Image;
import dev.remediate.ec2.AmiObserver.InstanceFacts;
import dev.remediate.ec2.AmiObserver.Observation;
import dev.remediate.ec2.AmiObserver.Volume;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.waiters.Ec2Waiter;

/**
 * The steps replacing one standalone instance: what each step is (built by {@link AmiDecision},
 * no AWS call) and how it is carried out ({@link #execute}).
 *
 * <ol>
 *   <li>{@code CreateImage}: a backup image of the old instance, tagged
 *       {@value AmiObserver#BACKUP_OF}, {@code NoReboot} unless {@code amis.rebootForImage}
 *       (then flagged {@link Flag#DOWNTIME}); waited for until available;
 *   <li>{@code RunInstances}: the replacement from the newer image with the reviewed
 *       configuration (subnet, security groups, instance profile, key, tags plus
 *       {@value AmiObserver#REPLACES}, block devices, user data, metadata options), with a client
 *       token derived from the plan;
 *   <li>{@code DescribeInstanceStatus}: waits until the replacement runs with status checks ok;
 *   <li>{@code AssociateAddress} per Elastic IP, {@code AllowReassociation};
 *   <li>{@code StopInstances} ({@link Flag#DOWNTIME}): tags the old instance
 *       {@value AmiObserver#REPLACED_BY}, stops it and waits;
 *   <li>{@code TerminateInstances} ({@link Flag#DESTRUCTIVE}), only with
 *       {@code amis.terminateReplaced}.
 * </ol>
 */
final class AmiReplacementSteps {
  static final String CREATE_IMAGE = "CreateImage";
  static final String RUN = "RunInstances";
  static final String AWAIT = "DescribeInstanceStatus";
  static final String ASSOCIATE = "AssociateAddress";
  static final String STOP = "StopInstances";
  static final String TERMINATE = "TerminateInstances";
  private static final String OUT_REPLACEMENT = "ami-replacement:";
  /** The longest wait for a backup image to become available. */
  static final Duration IMAGE_WAIT = Duration.ofHours(6);
  /** The longest wait for an instance to run with status checks ok, or to stop. */
  static final Duration INSTANCE_WAIT = Duration.ofMinutes(30);

  private final AmiDecision decision;
  private final Observation o;
  private final InstanceFacts i;
  private final Image newer;

  AmiReplacementSteps(AmiDecision decision, Observation o, InstanceFacts i, Image newer) {
    this.decision = decision;
    this.o = o;
    this.i = i;
    this.newer = newer;
  }

  // ---------------------------------------------------------------- the steps (no AWS call)

  /**
   * @param replacement the replacement already launched, or null
   * @param warnings receives what the reviewer should know
   * @return the steps still to do, in order
   */
  List<Step> steps(@Nullable InstanceFacts replacement, List<String> warnings) {
    List<Step> steps = new ArrayList<>();
    if (replacement == null) {
      if (!o.backups().containsKey(i.id())) {
        steps.add(backup(warnings));
      }
      steps.add(run(warnings));
    } else {
      warnings.add("replacement " + replacement.id() + " (tag " + AmiObserver.REPLACES + "="
          + i.id() + ") was launched by an earlier apply: continuing from it");
    }
    steps.add(step(AWAIT, Action.CHANGE, "wait until the replacement of " + i.id()
        + " runs with status checks ok (at most " + INSTANCE_WAIT.toMinutes() + " minutes)")
        .before("launched").after("running, status ok").build());
    o.addresses().getOrDefault(i.id(), Map.of()).forEach((allocation, ip) -> steps.add(
        step(ASSOCIATE, Action.CHANGE, "move Elastic IP " + ip + " (" + allocation + ") from "
            + i.id() + " to its replacement").before(ip + " on " + i.id())
            .after(ip + " on the replacement").putParameters("allocationId", allocation).build()));
    steps.add(step(STOP, Action.CHANGE, "tag " + i.id() + " " + AmiObserver.REPLACED_BY
        + "=<replacement> and stop it, keeping its volumes (downtime of anything still using "
        + i.id() + ")").addFlags(Flag.DOWNTIME).before(i.state()).after("stopped").build());
    if (decision.terminateReplaced()) {
      steps.add(terminate(i, o));
    }
    return steps;
  }

  private Step backup(List<String> warnings) {
    boolean reboot = decision.rebootForImage();
    warnings.add(reboot ? "the backup image reboots " + i.id() + " (amis.rebootForImage=true): "
        + "a file-system-consistent image, at the cost of a reboot"
        : "the backup image is taken without a reboot (amis.rebootForImage=false): it is "
            + "crash-consistent, and writes not yet flushed to disk may be missing from it");
    var b = step(CREATE_IMAGE, Action.ADD, "back up " + i.id() + " as image "
        + backupName(i) + (reboot ? " (rebooting it)" : " (no reboot)"))
        .after("image " + backupName(i) + " tagged " + AmiObserver.BACKUP_OF + "=" + i.id())
        .putParameters("name", backupName(i)).putParameters("noReboot", String.valueOf(!reboot));
    if (reboot) {
      b.addFlags(Flag.DOWNTIME);
    }
    return b.build();
  }

  static String backupName(InstanceFacts i) {
    return "remediate-backup-" + i.id() + "-" + i.imageId();
  }

  private Step run(List<String> warnings) {
    Map<String, String> tags = new TreeMap<>(Tags.userTags(i.tags(), "remediate:"));
    tags.put(AmiObserver.REPLACES, i.id());
    List<String> devices = new ArrayList<>();
    List<String> empty = new ArrayList<>();
    for (Volume v : i.volumes()) {
      boolean root = v.device().equals(i.rootDeviceName());
      String device = root && newer.rootDeviceName() != null ? newer.rootDeviceName() : v.device();
      int size = root ? Math.max(v.size(), newer.rootSize()) : v.size();
      devices.add(String.join("|", device, String.valueOf(size), text(v.type()), text(v.iops()),
          text(v.throughput()), String.valueOf(v.encrypted()), text(v.kmsKeyId()),
          String.valueOf(v.deleteOnTermination()), root ? "root" : "data"));
      if (!root) {
        empty.add(v.device());
      }
    }
    addWarnings(warnings, empty);
    return step(RUN, Action.ADD, "launch a replacement of " + i.id() + " from "
        + AmiDecision.describe(newer, o.now()) + ", " + i.type() + " in " + i.subnetId()
        + " with groups " + i.securityGroups() + (i.profileArn() == null ? ""
            : ", profile " + i.profileArn()))
        .before(i.imageId()).after(newer.id())
        .putParameters("imageId", newer.id()).putParameters("instanceType", i.type())
        .putParameters("subnet", String.valueOf(i.subnetId()))
        .putParameters("securityGroups", String.join(",", new java.util.TreeSet<>(i.securityGroups())))
        .putParameters("profile", text(i.profileArn())).putParameters("keyName", text(i.keyName()))
        .putParameters("tags", Tags.encode(tags)).putParameters("metadata", Tags.encode(i.metadata()))
        .putParameters("blockDevices", String.join(";", devices))
        .putParameters("userDataSha256", o.userData().getOrDefault(i.id(), ""))
        .putParameters("ebsOptimized", String.valueOf(i.ebsOptimized()))
        .putParameters("monitoring", String.valueOf(i.monitoring()))
        .putParameters("tenancy", text(i.tenancy())).build();
  }

  private void addWarnings(List<String> warnings, List<String> emptyDevices) {
    if (i.privateIp() != null) {
      warnings.add("the replacement gets a new private address in " + i.subnetId() + ": "
          + i.privateIp() + " stays with " + i.id() + "'s own network interface, which it keeps "
          + "while stopped");
    }
    if (i.publicIp() != null && !o.addresses().containsKey(i.id())) {
      warnings.add(i.id() + "'s public address " + i.publicIp() + " is not an Elastic IP: the "
          + "replacement gets another one");
    }
    if (!emptyDevices.isEmpty()) {
      warnings.add("the replacement's data volumes " + emptyDevices + " are made from the backup "
          + "image's snapshots (same size, type and encryption), taken at apply "
          + (decision.rebootForImage() ? "with a reboot" : "without a reboot: crash-consistent")
          + "; what " + i.id() + " writes after the image stays on its own volumes (kept with "
          + "the stopped instance). A device the backup image holds no snapshot of is made "
          + "empty, as the apply's progress says");
    }
    warnings.add("not copied: secondary addresses, placement group, source/destination check, "
        + "volume tags (the replacement's volumes carry the instance's tags)");
  }

  static Step terminate(InstanceFacts i, Observation o) {
    List<String> deleted = i.volumes().stream().filter(Volume::deleteOnTermination)
        .map(Volume::volumeId).toList();
    return Step.builder().kind(TERMINATE).action(Action.REMOVE).resource(arn(o, i.id()))
        .addFlags(Flag.DESTRUCTIVE).summary("terminate replaced instance " + i.id()
            + " (amis.terminateReplaced=true); volumes deleted with it: " + deleted)
        .before("stopped").after("terminated").putParameters("instance", i.id()).build();
  }

  private Step.Builder step(String kind, Action action, String summary) {
    return Step.builder().kind(kind).action(action).resource(arn(o, i.id())).summary(summary)
        .putParameters("instance", i.id());
  }

  private static String arn(Observation o, String instance) {
    return "arn:aws:ec2:" + o.region() + ":" + o.account() + ":instance/" + instance;
  }

  private static String text(@Nullable Object value) {
    return value == null ? "" : value.toString();
  }

  // ---------------------------------------------------------------- carrying them out

  /** Carries out one step of {@link #steps}. */
  static void execute(Step step, RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    String old = step.parameter("instance");
    switch (step.kind()) {
      case CREATE_IMAGE -> createImage(ec2, step, context);
      case RUN -> context.outputs().put(OUT_REPLACEMENT + old, launch(ec2, step, context));
      case AWAIT -> {
        String replacement = replacement(ec2, old, context);
        context.progress("waiting for " + replacement + " to pass its status checks", -1);
        try (Ec2Waiter w = EbsWaits.waiter(ec2, context, INSTANCE_WAIT)) {
          w.waitUntilInstanceRunning(r -> r.instanceIds(replacement));
          w.waitUntilInstanceStatusOk(r -> r.instanceIds(replacement));
        }
      }
      case ASSOCIATE -> ec2.associateAddress(r -> r.allocationId(step.parameter("allocationId"))
          .instanceId(replacement(ec2, old, context)).allowReassociation(true));
      case STOP -> {
        String replacement = replacement(ec2, old, context);
        ec2.createTags(r -> r.resources(old).tags(t -> t.key(AmiObserver.REPLACED_BY)
            .value(replacement)));
        ec2.stopInstances(r -> r.instanceIds(old));
        try (Ec2Waiter w = EbsWaits.waiter(ec2, context, INSTANCE_WAIT)) {
          w.waitUntilInstanceStopped(r -> r.instanceIds(old));
        }
      }
      case TERMINATE -> ec2.terminateInstances(r -> r.instanceIds(old));
      default -> throw new RemediationException("OutdatedAmi has no step " + step.kind());
    }
  }

  private static void createImage(Ec2Client ec2, Step step, RemediationContext context) {
    String old = step.parameter("instance");
    String image = ec2.createImage(r -> r.instanceId(old).name(step.parameter("name"))
        .description("backup of " + old + " before its replacement (remediate "
            + OutdatedAmi.ID + ")")
        .noReboot(Boolean.parseBoolean(step.parameter("noReboot")))
        .tagSpecifications(EbsTags.tagSpec(ResourceType.IMAGE,
            Map.of(AmiObserver.BACKUP_OF, old)))).imageId();
    context.progress("waiting for backup image " + image, -1);
    try (Ec2Waiter w = EbsWaits.waiter(ec2, context, IMAGE_WAIT)) {
      w.waitUntilImageAvailable(r -> r.imageIds(image));
    }
  }

  private static String launch(Ec2Client ec2, Step step, RemediationContext context) {
    String old = step.parameter("instance");
    var attribute = ec2.describeInstanceAttribute(r -> r.instanceId(old).attribute("userData"))
        .userData();
    String userData = attribute == null ? null : attribute.value();
    if (!AmiObserver.digest(attribute).equals(step.parameter("userDataSha256"))) {
      throw new RemediationException("the user data of " + old + " changed since the plan was "
          + "made: plan again");
    }
    RunInstancesRequest.Builder r = RunInstancesRequest.builder()
        .imageId(step.parameter("imageId")).instanceType(step.parameter("instanceType"))
        .minCount(1).maxCount(1).subnetId(step.parameter("subnet"))
        .securityGroupIds(NetworkSupport.splitCsv(step.parameter("securityGroups")))
        .clientToken(context.clientToken(step, "replacement"))
        .ebsOptimized(Boolean.parseBoolean(step.parameter("ebsOptimized")))
        .monitoring(m -> m.enabled(Boolean.parseBoolean(step.parameter("monitoring"))))
        .blockDeviceMappings(devices(step.parameter("blockDevices"),
            backupSnapshots(ec2, old), context))
        .tagSpecifications(EbsTags.tagSpec(ResourceType.INSTANCE,
            Tags.decode(step.parameter("tags"))), EbsTags.tagSpec(ResourceType.VOLUME,
            Tags.decode(step.parameter("tags"))));
    optional(step, "profile").ifPresent(p -> r.iamInstanceProfile(p2 -> p2.arn(p)));
    optional(step, "keyName").ifPresent(r::keyName);
    optional(step, "tenancy").filter(t -> !"default".equals(t))
        .ifPresent(t -> r.placement(p -> p.tenancy(t)));
    if (userData != null && !userData.isEmpty()) {
      r.userData(userData);
    }
    Map<String, String> metadata = Tags.decode(step.parameter("metadata"));
    if (!metadata.isEmpty()) {
      r.metadataOptions(m -> m.httpTokens(metadata.get("HttpTokens"))
          .httpEndpoint(metadata.get("HttpEndpoint"))
          .httpProtocolIpv6(metadata.get("HttpProtocolIpv6"))
          .instanceMetadataTags(metadata.get("InstanceMetadataTags"))
          .httpPutResponseHopLimit(metadata.containsKey("HttpPutResponseHopLimit")
              ? Integer.valueOf(metadata.get("HttpPutResponseHopLimit")) : null));
    }
    return ec2.runInstances(r.build()).instances().get(0).instanceId();
  }

  /**
   * The snapshot of each data device (not the root) of the instance's newest available backup
   * image: the replacement's data volumes are made from them. AWS's {@code CreateImage} snapshots
   * every attached EBS volume; a device without a snapshot is made empty, and said so.
   */
  static Map<String, String> backupSnapshots(Ec2Client ec2, String old) {
    Map<String, String> snapshots = new TreeMap<>();
    ec2.describeImagesPaginator(r -> r.owners("self").filters(f -> f.name("tag:"
            + AmiObserver.BACKUP_OF).values(old))).images().stream()
        .filter(image -> "available".equals(image.stateAsString()))
        .max(java.util.Comparator.comparing(image -> String.valueOf(image.creationDate())))
        .ifPresent(image -> image.blockDeviceMappings().stream()
            .filter(m -> m.ebs() != null && m.ebs().snapshotId() != null
                && !m.deviceName().equals(image.rootDeviceName()))
            .forEach(m -> snapshots.put(m.deviceName(), m.ebs().snapshotId())));
    return snapshots;
  }

  private static List<BlockDeviceMapping> devices(String encoded, Map<String, String> snapshots,
      RemediationContext context) {
    List<BlockDeviceMapping> mappings = new ArrayList<>();
    for (String device : encoded.isEmpty() ? new String[0] : encoded.split(";")) {
      String[] f = device.split("\\|", -1);
      mappings.add(BlockDeviceMapping.builder().deviceName(f[0]).ebs(e -> {
        e.volumeSize(Integer.valueOf(f[1])).deleteOnTermination(Boolean.parseBoolean(f[7]));
        if (snapshots.containsKey(f[0])) {
          e.snapshotId(snapshots.get(f[0]));
        } else if (f.length > 8 && f[8].equals("data")) {
          context.progress("the backup image holds no snapshot of " + f[0] + ": the "
              + "replacement's " + f[0] + " is made empty", -1);
        }
        if (!f[2].isEmpty()) {
          e.volumeType(f[2]);
        }
        if (!f[3].isEmpty() && List.of("io1", "io2", "gp3").contains(f[2])) {
          e.iops(Integer.valueOf(f[3]));
        }
        if (!f[4].isEmpty() && "gp3".equals(f[2])) {
          e.throughput(Integer.valueOf(f[4]));
        }
        if (Boolean.parseBoolean(f[5])) {
          e.encrypted(true);
          if (!f[6].isEmpty()) {
            e.kmsKeyId(f[6]);
          }
        }
      }).build());
    }
    return mappings;
  }

  private static java.util.Optional<String> optional(Step step, String name) {
    String value = step.parameters().get(name);
    return value == null || value.isEmpty() ? java.util.Optional.empty()
        : java.util.Optional.of(value);
  }

  /** The replacement of {@code old}: launched by this apply, or found by its tag. */
  private static String replacement(Ec2Client ec2, String old, RemediationContext context) {
    String launched = context.outputs().get(OUT_REPLACEMENT + old);
    if (launched != null) {
      return launched;
    }
    return ec2.describeInstances(r -> r.filters(NetworkSupport.filter("tag:"
            + AmiObserver.REPLACES, List.of(old)), NetworkSupport.filter("instance-state-name",
            List.of("pending", "running", "stopping", "stopped")))).reservations().stream()
        .flatMap(res -> res.instances().stream()).map(x -> x.instanceId()).sorted().findFirst()
        .orElseThrow(() -> new RemediationException("no replacement of " + old + " (tag "
            + AmiObserver.REPLACES + ") found"));
  }
}
