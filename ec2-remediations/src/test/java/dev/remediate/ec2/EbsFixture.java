package dev.remediate.ec2;

import dev.remediate.testing.AwsEmulator;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mockito.Mockito;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeType;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The running-instance scenario of issue 5: a t3.micro with an 8 GiB gp2 root volume at
 * {@code /dev/sda1} (DeleteOnTermination true, tagged) and a 20 GiB gp3 data volume at
 * {@code /dev/sdf} with 4000 IOPS, 250 MiB/s, user tags and an {@code aws:} tag (DeleteOnTermination
 * false), plus a customer managed KMS key with an alias.
 */
final class EbsFixture {
  static final String AMI = "ami-12c6146b";
  static final String ROOT_DEVICE = "/dev/sda1";
  static final String DATA_DEVICE = "/dev/sdf";
  static final String ALIAS = "alias/ebs-test";

  final Ec2Client ec2;
  final KmsClient kms;
  final String keyArn;
  final String instanceId;
  final String rootVolume;
  final String dataVolume;

  private EbsFixture(AwsEmulator aws, String instanceType) {
    ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    kms = aws.client(KmsClient.class, KmsClient::builder);
    keyArn = kms.createKey(r -> r.description("ebs test key")).keyMetadata().arn();
    kms.createAlias(r -> r.aliasName(ALIAS).targetKeyId(keyArn));
    Instance instance = ec2.runInstances(r -> r.imageId(AMI).minCount(1).maxCount(1)
        .instanceType(instanceType)
        .blockDeviceMappings(BlockDeviceMapping.builder().deviceName(ROOT_DEVICE)
            .ebs(e -> e.volumeSize(8).volumeType(VolumeType.GP2).deleteOnTermination(true))
            .build())
        .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
            .tags(tag("Name", "web-1")).build())).instances().get(0);
    instanceId = instance.instanceId();
    rootVolume = instance.blockDeviceMappings().get(0).ebs().volumeId();
    ec2.createTags(r -> r.resources(rootVolume).tags(tag("Name", "web-1-root")));
    dataVolume = ec2.createVolume(r -> r.availabilityZone(instance.placement().availabilityZone())
        .size(20).volumeType(VolumeType.GP3).iops(4000).throughput(250)
        .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.VOLUME)
            .tags(tag("Name", "web-1-data"), tag("team", "db"),
                tag("aws:cloudformation:stack-name", "web")).build())).volumeId();
    ec2.attachVolume(r -> r.volumeId(dataVolume).instanceId(instanceId).device(DATA_DEVICE));
    ec2.modifyInstanceAttribute(r -> r.instanceId(instanceId).blockDeviceMappings(
        EncryptVolume.deleteOnTermination(DATA_DEVICE, dataVolume, false)));
  }

  /** The scenario with a t3.micro. */
  static EbsFixture create(AwsEmulator aws) {
    return new EbsFixture(aws, "t3.micro");
  }

  static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }

  Instance instance() {
    return ec2.describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0)
        .instances().get(0);
  }

  /** Device name to attached volume id, from DescribeInstances. */
  Map<String, String> devices() {
    Map<String, String> map = new TreeMap<>();
    for (InstanceBlockDeviceMapping m : instance().blockDeviceMappings()) {
      map.put(m.deviceName(), m.ebs().volumeId());
    }
    return map;
  }

  /** Device name to DeleteOnTermination, from DescribeInstances (moto has it nowhere else). */
  Map<String, Boolean> deleteOnTermination() {
    Map<String, Boolean> map = new TreeMap<>();
    for (InstanceBlockDeviceMapping m : instance().blockDeviceMappings()) {
      map.put(m.deviceName(), m.ebs().deleteOnTermination());
    }
    return map;
  }

  Volume volume(String id) {
    return ec2.describeVolumes(r -> r.volumeIds(id)).volumes().get(0);
  }

  List<Volume> allVolumes() {
    return ec2.describeVolumes().volumes();
  }

  List<Volume> replacements() {
    return ec2.describeVolumes(r -> r.filters(Filter.builder().name("tag-key")
        .values(EncryptVolume.TAG_ORIGIN_VOLUME).build())).volumes();
  }

  List<Snapshot> snapshots() {
    // moto lists the snapshots of its built-in AMIs too: look at ours only
    return ec2.describeSnapshots(r -> r.ownerIds("self").filters(Filter.builder().name("tag-key")
        .values(EncryptVolume.TAG_ORIGIN_VOLUME).build())).snapshots();
  }

  static Map<String, String> tags(Volume v) {
    return Tags.toMap(v.tags());
  }

  /**
   * A Mockito mock of {@link Ec2Client} that forwards every call to {@code real} unless stubbed.
   * Consumer-builder overloads run on the mock, so stubbing the request overload of an operation
   * catches both forms of the call.
   */
  static Ec2Client stubbable(Ec2Client real) {
    return Mockito.mock(Ec2Client.class, invocation -> {
      Object[] args = invocation.getArguments();
      if (args.length == 1 && args[0] instanceof java.util.function.Consumer) {
        return invocation.callRealMethod();
      }
      try {
        return invocation.getMethod().invoke(real, invocation.getArguments());
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    });
  }
}
