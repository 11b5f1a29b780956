package dev.remediate.ec2;

import static dev.remediate.ec2.NetworkSupport.filter;

import dev.remediate.core.RemediationContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;

/**
 * Every read {@link OutdatedAmi} makes, into an {@link Observation}:
 *
 * <ol>
 *   <li>{@code DescribeInstances}: every instance of the Region, or the chosen ones (filter
 *       {@code instance-id}) and the members of chosen groups (filter
 *       {@code tag:aws:autoscaling:groupName}), and for chosen instances their replacements
 *       (filter {@code tag:remediate:replaces});
 *   <li>{@code DescribeAutoScalingGroups} of the groups running instances belong to, and one
 *       {@code DescribeLaunchTemplateVersions} per group with a launch template (the group's
 *       version and {@code $Latest}), and {@code DescribeInstanceRefreshes} (the latest one) of a
 *       group whose running members are not all on its template's image;
 *   <li>{@code DescribeImages} of the images in use (filter {@code image-id}), then one per image
 *       family ({@link AmiFamily}: owner, name pattern, architecture, virtualization type,
 *       {@code state=available});
 *   <li>only for outdated standalone instances: {@code DescribeVolumes} of their volumes,
 *       {@code DescribeAddresses} of their Elastic IPs, {@code DescribeImages} of this
 *       remediation's backup images (owner {@code self}, tag {@code remediate:backup-of}), and one
 *       {@code DescribeInstanceAttribute userData} each (kept only as a SHA-256 digest).
 * </ol>
 */
final class AmiObserver {
  static final String REPLACES = "remediate:replaces";
  static final String REPLACED_BY = "remediate:replaced-by";
  static final String BACKUP_OF = "remediate:backup-of";
  static final String ASG_TAG = "aws:autoscaling:groupName";

  private AmiObserver() {}

  /**
   * An image as the decision needs it.
   *
   * @param id e.g. {@code ami-04681a1dbd79675a5}
   * @param name its name, or null
   * @param owner the owner account
   * @param architecture e.g. {@code x86_64}
   * @param virtualizationType e.g. {@code hvm}
   * @param created its {@code CreationDate}, or null when not given
   * @param rootDeviceName e.g. {@code /dev/xvda}
   * @param rootSize the size of its root snapshot, GiB (0 when unknown)
   */
  record Image(String id, @Nullable String name, String owner, @Nullable String architecture,
      @Nullable String virtualizationType, @Nullable Instant created,
      @Nullable String rootDeviceName, int rootSize) {}

  /**
   * An attached EBS volume.
   *
   * @param device e.g. {@code /dev/xvda}
   * @param volumeId the volume
   * @param size GiB (0 when not read)
   * @param type e.g. {@code gp3}
   * @param iops provisioned IOPS, or null
   * @param throughput provisioned throughput, MiB/s, or null
   * @param encrypted whether encrypted
   * @param kmsKeyId its key, or null
   * @param deleteOnTermination whether deleted with the instance
   */
  record Volume(String device, String volumeId, int size, @Nullable String type,
      @Nullable Integer iops, @Nullable Integer throughput, boolean encrypted,
      @Nullable String kmsKeyId, boolean deleteOnTermination) {}

  /**
   * An instance as the decision needs it: everything its replacement copies.
   *
   * @param id the instance
   * @param state e.g. {@code running}
   * @param imageId the image it was launched from
   * @param type its instance type
   * @param subnetId its subnet, or null (EC2-Classic)
   * @param privateIp its primary private address, or null
   * @param securityGroups its groups' ids
   * @param profileArn its instance profile's ARN, or null
   * @param keyName its key pair, or null
   * @param tags its tags
   * @param metadata its metadata options that a launch can set ({@code HttpTokens}, ...)
   * @param rootDeviceName e.g. {@code /dev/xvda}
   * @param lifecycle {@code spot}, ..., or null for on-demand
   * @param interfaces how many network interfaces it has
   * @param ebsOptimized whether EBS-optimized
   * @param monitoring whether detailed monitoring is on
   * @param tenancy {@code default}, {@code dedicated} or {@code host}, or null
   * @param publicIp its public address, or null
   * @param volumes its EBS volumes (sizes read only when it is outdated)
   */
  record InstanceFacts(String id, String state, String imageId, String type,
      @Nullable String subnetId, @Nullable String privateIp, List<String> securityGroups,
      @Nullable String profileArn, @Nullable String keyName, Map<String, String> tags,
      Map<String, String> metadata, @Nullable String rootDeviceName, @Nullable String lifecycle,
      int interfaces, boolean ebsOptimized, boolean monitoring, @Nullable String tenancy,
      @Nullable String publicIp, List<Volume> volumes) {
    InstanceFacts {
      securityGroups = List.copyOf(securityGroups);
      tags = Map.copyOf(tags);
      metadata = Map.copyOf(metadata);
      volumes = List.copyOf(volumes);
    }

    @Nullable String group() {
      return tags.get(ASG_TAG);
    }

    InstanceFacts withVolumes(List<Volume> read) {
      return new InstanceFacts(id, state, imageId, type, subnetId, privateIp, securityGroups,
          profileArn, keyName, tags, metadata, rootDeviceName, lifecycle, interfaces,
          ebsOptimized, monitoring, tenancy, publicIp, read);
    }
  }

  /**
   * An Auto Scaling group.
   *
   * @param name its name
   * @param templateId its launch template, or null when it has none (launch configuration)
   * @param version the version it names: a number, {@code $Latest} or {@code $Default}
   * @param versionNumber that version resolved to a number (0 when unknown)
   * @param imageId the image of that version, or null
   * @param latestImageId the image of the template's latest version, or null
   * @param unsupported why this remediation leaves the group alone, or null
   * @param refreshing whether an instance refresh is under way (read only when a running member's
   *     image differs from the template's)
   */
  record Group(String name, @Nullable String templateId, @Nullable String version,
      long versionNumber, @Nullable String imageId, @Nullable String latestImageId,
      @Nullable String unsupported, boolean refreshing) {
    Group withRefreshing(boolean now) {
      return new Group(name, templateId, version, versionNumber, imageId, latestImageId,
          unsupported, now);
    }
  }

  /**
   * What was read.
   *
   * @param region the Region
   * @param account the account
   * @param now the time of the observation
   * @param instances by id
   * @param images every image read, by id
   * @param groups by name
   * @param addresses Elastic IPs (allocation id to public address) by instance id
   * @param backups this remediation's backup image id by instance id
   * @param userData SHA-256 of the user data by instance id ("" when it has none)
   */
  record Observation(String region, String account, Instant now,
      Map<String, InstanceFacts> instances, Map<String, Image> images, Map<String, Group> groups,
      Map<String, Map<String, String>> addresses, Map<String, String> backups,
      Map<String, String> userData) {
    Observation {
      instances = Map.copyOf(instances);
      images = Map.copyOf(images);
      groups = Map.copyOf(groups);
      addresses = Map.copyOf(addresses);
      backups = Map.copyOf(backups);
      userData = Map.copyOf(userData);
    }

    /** @return the live instance tagged as the replacement of {@code oldId}, or null */
    @Nullable InstanceFacts replacementOf(String oldId) {
      return instances.values().stream().filter(i -> oldId.equals(i.tags().get(REPLACES))
              && !AmiDecision.GONE.contains(i.state())).findFirst().orElse(null);
    }
  }

  /**
   * @param instanceIds chosen instances, or null with {@code groups} null for the whole Region
   * @param groups chosen Auto Scaling groups, or null
   * @param outdated tells, with no AWS call, whether an instance needs replacing by itself
   */
  static Observation observe(@Nullable List<String> instanceIds, @Nullable List<String> groups,
      Predicate<Snapshot> outdated, RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    Map<String, InstanceFacts> instances = instances(ec2, instanceIds, groups);
    Map<String, Group> groupFacts = groups(context, ec2, instances.values());
    Set<String> imageIds = new LinkedHashSet<>();
    instances.values().forEach(i -> imageIds.add(i.imageId()));
    groupFacts.values().forEach(g -> {
      addIfPresent(imageIds, g.imageId());
      addIfPresent(imageIds, g.latestImageId());
    });
    Map<String, Image> images = images(ec2, imageIds);
    families(ec2, images);
    Snapshot seen = new Snapshot(context.clock().instant(), instances, images, groupFacts);
    List<String> details = instances.values().stream()
        .filter(i -> outdated.test(seen.with(i))).map(InstanceFacts::id).toList();
    Map<String, Map<String, String>> addresses = new TreeMap<>();
    Map<String, String> backups = new TreeMap<>();
    Map<String, String> userData = new TreeMap<>();
    if (!details.isEmpty()) {
      volumes(ec2, instances, details);
      addresses(ec2, details, addresses);
      backups(ec2, details, backups);
      details.forEach(id -> userData.put(id, digest(ec2.describeInstanceAttribute(r -> r
          .instanceId(id).attribute("userData")).userData())));
    }
    return new Observation(context.region(), context.account(), seen.now(), instances, images,
        groupFacts, addresses, backups, userData);
  }

  /**
   * What is known before the detail reads, for the observer's question "outdated?".
   *
   * @param now the time of the observation
   * @param instances by id
   * @param images by id
   * @param groups by name
   * @param instance the instance asked about (null in the snapshot itself)
   */
  record Snapshot(Instant now, Map<String, InstanceFacts> instances, Map<String, Image> images,
      Map<String, Group> groups, @Nullable InstanceFacts instance) {
    Snapshot(Instant now, Map<String, InstanceFacts> instances, Map<String, Image> images,
        Map<String, Group> groups) {
      this(now, instances, images, groups, null);
    }

    Snapshot with(InstanceFacts i) {
      return new Snapshot(now, instances, images, groups, i);
    }
  }

  private static Map<String, InstanceFacts> instances(Ec2Client ec2,
      @Nullable List<String> ids, @Nullable List<String> groups) {
    Map<String, InstanceFacts> found = new TreeMap<>();
    if (ids == null && groups == null) {
      describe(ec2, List.of(), found);
      return found;
    }
    for (List<String> chunk : NetworkSupport.chunks(ids == null ? List.of() : ids,
        NetworkSupport.FILTER_VALUES)) {
      describe(ec2, List.of(filter("instance-id", chunk)), found);
      describe(ec2, List.of(filter("tag:" + REPLACES, chunk)), found);
    }
    if (groups != null && !groups.isEmpty()) {
      describe(ec2, List.of(filter("tag:" + ASG_TAG, groups)), found);
    }
    return found;
  }

  private static void describe(Ec2Client ec2, List<Filter> filters,
      Map<String, InstanceFacts> found) {
    ec2.describeInstancesPaginator(r -> r.filters(filters)).reservations()
        .forEach(res -> res.instances().forEach(i -> found.put(i.instanceId(), facts(i))));
  }

  private static InstanceFacts facts(software.amazon.awssdk.services.ec2.model.Instance i) {
    List<Volume> volumes = new ArrayList<>();
    for (InstanceBlockDeviceMapping m : i.blockDeviceMappings()) {
      if (m.ebs() != null) {
        volumes.add(new Volume(m.deviceName(), m.ebs().volumeId(), 0, null, null, null, false,
            null, Boolean.TRUE.equals(m.ebs().deleteOnTermination())));
      }
    }
    Map<String, String> metadata = new TreeMap<>();
    if (i.metadataOptions() != null) {
      var o = i.metadataOptions();
      putIfPresent(metadata, "HttpTokens", o.httpTokensAsString());
      putIfPresent(metadata, "HttpEndpoint", o.httpEndpointAsString());
      putIfPresent(metadata, "HttpProtocolIpv6", o.httpProtocolIpv6AsString());
      putIfPresent(metadata, "InstanceMetadataTags", o.instanceMetadataTagsAsString());
      if (o.httpPutResponseHopLimit() != null) {
        metadata.put("HttpPutResponseHopLimit", o.httpPutResponseHopLimit().toString());
      }
    }
    return new InstanceFacts(i.instanceId(), i.state() == null ? "unknown"
        : i.state().nameAsString(), i.imageId(), i.instanceTypeAsString(), i.subnetId(),
        i.privateIpAddress(), i.securityGroups().stream().map(g -> g.groupId()).toList(),
        i.iamInstanceProfile() == null ? null : i.iamInstanceProfile().arn(), i.keyName(),
        NetworkSupport.tags(i.tags()), metadata, i.rootDeviceName(), i.instanceLifecycleAsString(),
        i.networkInterfaces().size(), Boolean.TRUE.equals(i.ebsOptimized()),
        i.monitoring() != null && "enabled".equals(i.monitoring().stateAsString()),
        i.placement() == null ? null : i.placement().tenancyAsString(), i.publicIpAddress(),
        volumes);
  }

  private static Map<String, Group> groups(RemediationContext context, Ec2Client ec2,
      Collection<InstanceFacts> instances) {
    List<String> names = instances.stream().filter(i -> "running".equals(i.state()))
        .map(InstanceFacts::group).filter(g -> g != null).distinct().sorted().toList();
    Map<String, Group> groups = new TreeMap<>();
    if (names.isEmpty()) {
      return groups;
    }
    AutoScalingClient autoScaling = context.scope().client(AutoScalingClient.class,
        AutoScalingClient::builder);
    for (List<String> chunk : NetworkSupport.chunks(names, 100)) {
      autoScaling.describeAutoScalingGroupsPaginator(r -> r.autoScalingGroupNames(chunk))
          .autoScalingGroups().forEach(g -> groups.put(g.autoScalingGroupName(), group(ec2, g)));
    }
    groups.replaceAll((name, g) -> g.imageId() != null && instances.stream().anyMatch(i ->
            name.equals(i.group()) && "running".equals(i.state())
                && !g.imageId().equals(i.imageId()))
        ? g.withRefreshing(refreshing(autoScaling, name)) : g);
    return groups;
  }

  private static final Set<String> REFRESHING = Set.of("Pending", "InProgress", "Baking",
      "Cancelling", "RollbackInProgress");

  private static boolean refreshing(AutoScalingClient autoScaling, String group) {
    return autoScaling.describeInstanceRefreshes(r -> r.autoScalingGroupName(group).maxRecords(1))
        .instanceRefreshes().stream().anyMatch(x -> REFRESHING.contains(x.statusAsString()));
  }

  private static Group group(Ec2Client ec2, AutoScalingGroup g) {
    if (g.mixedInstancesPolicy() != null) {
      return new Group(g.autoScalingGroupName(), null, null, 0, null, null, "it uses a mixed "
          + "instances policy: update its launch template overrides yourself", false);
    }
    if (g.launchTemplate() == null) {
      return new Group(g.autoScalingGroupName(), null, null, 0, null, null, "it uses a launch "
          + "configuration, which cannot take a new version: move it to a launch template", false);
    }
    String templateId = g.launchTemplate().launchTemplateId();
    String version = g.launchTemplate().version() == null ? "$Default"
        : g.launchTemplate().version();
    List<LaunchTemplateVersion> versions = ec2.describeLaunchTemplateVersions(r -> r
        .launchTemplateId(templateId).versions(version, "$Latest")).launchTemplateVersions();
    LaunchTemplateVersion used = versions.isEmpty() ? null : versions.get(0);
    LaunchTemplateVersion latest = versions.stream().max(java.util.Comparator.comparing(
        LaunchTemplateVersion::versionNumber)).orElse(null);
    return new Group(g.autoScalingGroupName(), templateId, version,
        used == null ? 0 : used.versionNumber(), imageOf(used), imageOf(latest),
        used == null ? "its launch template version " + version + " was not found" : null, false);
  }

  private static @Nullable String imageOf(@Nullable LaunchTemplateVersion v) {
    return v == null || v.launchTemplateData() == null ? null : v.launchTemplateData().imageId();
  }

  private static Map<String, Image> images(Ec2Client ec2, Collection<String> ids) {
    Map<String, Image> images = new TreeMap<>();
    for (List<String> chunk : NetworkSupport.chunks(List.copyOf(ids),
        NetworkSupport.FILTER_VALUES)) {
      ec2.describeImagesPaginator(r -> r.filters(filter("image-id", chunk))).images()
          .forEach(i -> images.put(i.imageId(), image(i)));
    }
    return images;
  }

  /** Adds to {@code images} every available image of the families of those already there. */
  private static void families(Ec2Client ec2, Map<String, Image> images) {
    Set<List<String>> families = new LinkedHashSet<>();
    for (Image i : images.values()) {
      String pattern = AmiFamily.pattern(i.name());
      if (pattern != null) {
        families.add(List.of(i.owner(), pattern, String.valueOf(i.architecture()),
            String.valueOf(i.virtualizationType())));
      }
    }
    for (List<String> f : families) {
      ec2.describeImagesPaginator(r -> r.owners(f.get(0)).filters(filter("name",
              List.of(f.get(1))), filter("architecture", List.of(f.get(2))),
              filter("virtualization-type", List.of(f.get(3))),
              filter("state", List.of("available")))).images()
          .forEach(i -> images.putIfAbsent(i.imageId(), image(i)));
    }
  }

  private static Image image(software.amazon.awssdk.services.ec2.model.Image i) {
    int rootSize = i.blockDeviceMappings().stream()
        .filter(m -> m.ebs() != null && m.deviceName() != null
            && m.deviceName().equals(i.rootDeviceName()) && m.ebs().volumeSize() != null)
        .mapToInt(m -> m.ebs().volumeSize()).findFirst().orElse(0);
    Instant created = null;
    try {
      created = i.creationDate() == null ? null : Instant.parse(i.creationDate());
    } catch (java.time.format.DateTimeParseException e) {
      created = null;
    }
    return new Image(i.imageId(), i.name(), i.ownerId(), i.architectureAsString(),
        i.virtualizationTypeAsString(), created, i.rootDeviceName(), rootSize);
  }

  private static void volumes(Ec2Client ec2, Map<String, InstanceFacts> instances,
      List<String> ids) {
    List<String> volumeIds = ids.stream().flatMap(id -> instances.get(id).volumes().stream())
        .map(Volume::volumeId).toList();
    Map<String, software.amazon.awssdk.services.ec2.model.Volume> read = new TreeMap<>();
    for (List<String> chunk : NetworkSupport.chunks(volumeIds, NetworkSupport.FILTER_VALUES)) {
      ec2.describeVolumesPaginator(r -> r.filters(filter("volume-id", chunk))).volumes()
          .forEach(v -> read.put(v.volumeId(), v));
    }
    for (String id : ids) {
      InstanceFacts i = instances.get(id);
      instances.put(id, i.withVolumes(i.volumes().stream().map(v -> {
        var r = read.get(v.volumeId());
        return r == null ? v : new Volume(v.device(), v.volumeId(), r.size(), r.volumeTypeAsString(),
            r.iops(), r.throughput(), Boolean.TRUE.equals(r.encrypted()), r.kmsKeyId(),
            v.deleteOnTermination());
      }).toList()));
    }
  }

  private static void addresses(Ec2Client ec2, List<String> ids,
      Map<String, Map<String, String>> addresses) {
    for (List<String> chunk : NetworkSupport.chunks(ids, NetworkSupport.FILTER_VALUES)) {
      ec2.describeAddresses(r -> r.filters(filter("instance-id", chunk))).addresses()
          .stream().filter(a -> a.allocationId() != null && a.instanceId() != null)
          .forEach(a -> addresses.computeIfAbsent(a.instanceId(), k -> new TreeMap<>())
              .put(a.allocationId(), a.publicIp()));
    }
  }

  private static void backups(Ec2Client ec2, List<String> ids, Map<String, String> backups) {
    for (List<String> chunk : NetworkSupport.chunks(ids, NetworkSupport.FILTER_VALUES)) {
      ec2.describeImagesPaginator(r -> r.owners("self").filters(filter("tag:" + BACKUP_OF,
          chunk))).images().stream().filter(i -> !"deregistered".equals(i.stateAsString()))
          .forEach(i -> NetworkSupport.tags(i.tags()).entrySet().stream()
              .filter(t -> t.getKey().equals(BACKUP_OF))
              .forEach(t -> backups.put(t.getValue(), i.imageId())));
    }
  }

  /** @return the SHA-256 of the base64 user data, or "" when there is none */
  static String digest(software.amazon.awssdk.services.ec2.model.@Nullable AttributeValue value) {
    if (value == null || value.value() == null || value.value().isEmpty()) {
      return "";
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(value.value().getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void putIfPresent(Map<String, String> map, String key, @Nullable String value) {
    if (value != null && !value.isEmpty() && !"null".equals(value)) {
      map.put(key, value);
    }
  }

  private static void addIfPresent(Set<String> set, @Nullable String value) {
    if (value != null) {
      set.add(value);
    }
  }
}
