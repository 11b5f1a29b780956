package dev.remediate.ec2;

import static dev.remediate.ec2.EncryptVolume.TAG_OPERATION;
import static dev.remediate.ec2.EncryptVolume.TAG_ORIGIN_INSTANCE;
import static dev.remediate.ec2.EncryptVolume.TAG_ORIGIN_VOLUME;
import static dev.remediate.ec2.EncryptVolume.TAG_STOPPED_BY;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMappingSpecification;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * The tags and mappings {@link EncryptVolume} writes and reads back: the operation tags on its
 * snapshots and volumes (how an interrupted apply's intermediates are found again), the stopped-by
 * tag of an instance it stopped, and DeleteOnTermination mappings.
 */
final class EbsTags {
  private EbsTags() {}

  static TagSpecification tagSpec(ResourceType type, Map<String, String> tags) {
    return TagSpecification.builder().resourceType(type).tags(Tags.toSdk(tags)).build();
  }

  static InstanceBlockDeviceMappingSpecification deleteOnTermination(String device,
      String volume, boolean delete) {
    return InstanceBlockDeviceMappingSpecification.builder().deviceName(device)
        .ebs(e -> e.volumeId(volume).deleteOnTermination(delete)).build();
  }

  /** The {@value EncryptVolume#TAG_STOPPED_BY} value of a stop: the operation id and the launch time. */
  static String stopValue(String operationId, @Nullable String launchTime) {
    return operationId + "|" + (launchTime == null ? "-" : launchTime);
  }

  /**
   * The {@value EncryptVolume#TAG_STOPPED_BY} value of {@code instance} if it still describes the current stop:
   * the instance is stopped and its launch time is the one recorded when this remediation stopped
   * it. An owner who started it since (and maybe stopped it again) changed the launch time: the tag
   * then says nothing about the current stop, and null is returned.
   */
  static @Nullable String trustedStop(@Nullable Instance instance) {
    if (instance == null || instance.state() == null
        || instance.state().name() != InstanceStateName.STOPPED || instance.launchTime() == null) {
      return null;
    }
    String value = NetworkSupport.tags(instance.tags()).get(TAG_STOPPED_BY);
    if (value == null || value.lastIndexOf('|') < 0) {
      return null;
    }
    return instance.launchTime().toString().equals(value.substring(value.lastIndexOf('|') + 1))
        ? value : null;
  }

  static Map<String, String> ourTags(String operationId, String origin,
      @Nullable String instance) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(TAG_OPERATION, operationId);
    tags.put(TAG_ORIGIN_VOLUME, origin);
    if (instance != null) {
      tags.put(TAG_ORIGIN_INSTANCE, instance);
    }
    return tags;
  }

  /** @return each EBS device of the instance and its DeleteOnTermination; empty for null */
  static Map<String, Boolean> deleteOnTerminationByDevice(@Nullable Instance instance) {
    Map<String, Boolean> map = new TreeMap<>();
    if (instance != null) {
      for (InstanceBlockDeviceMapping m : instance.blockDeviceMappings()) {
        if (m.ebs() != null) {
          map.put(m.deviceName(), Boolean.TRUE.equals(m.ebs().deleteOnTermination()));
        }
      }
    }
    return map;
  }

  /** @return each EBS device of the instance and its volume id */
  static Map<String, String> volumesByDevice(Instance instance) {
    Map<String, String> map = new TreeMap<>();
    for (InstanceBlockDeviceMapping m : instance.blockDeviceMappings()) {
      if (m.ebs() != null) {
        map.put(m.deviceName(), m.ebs().volumeId());
      }
    }
    return map;
  }
}
