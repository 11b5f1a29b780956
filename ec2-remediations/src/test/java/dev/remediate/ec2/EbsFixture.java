package dev.remediate.ec2;

import dev.remediate.testing.AwsEmulator;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mockito.MockMakers;
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
  private static final java.util.concurrent.atomic.AtomicInteger ALIASES =
      new java.util.concurrent.atomic.AtomicInteger();

  final Ec2Client ec2;
  final KmsClient kms;
  final String keyArn;
  final String alias = "alias/ebs-test-" + ALIASES.incrementAndGet();
  final String instanceId;
  final String rootVolume;
  final String dataVolume;

  private EbsFixture(AwsEmulator aws, String instanceType) {
    ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    kms = aws.client(KmsClient.class, KmsClient::builder);
    keyArn = kms.createKey(r -> r.description("ebs test key")).keyMetadata().arn();
    kms.createAlias(r -> r.aliasName(alias).targetKeyId(keyArn));
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
            .tags(tag("Name", "web-1-data"), tag("team", "db"), tag("cost=center&x", "a b/ü+%"),
                tag("aws:cloudformation:stack-name", "web")).build())).volumeId();
    ec2.attachVolume(r -> r.volumeId(dataVolume).instanceId(instanceId).device(DATA_DEVICE));
    ec2.modifyInstanceAttribute(r -> r.instanceId(instanceId).blockDeviceMappings(
        EbsTags.deleteOnTermination(DATA_DEVICE, dataVolume, false)));
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

  /** The encrypted volumes made for this fixture's instance or its volumes. */
  List<Volume> replacements() {
    return ec2.describeVolumes(r -> r.filters(Filter.builder().name("tag:"
        + EncryptVolume.TAG_ORIGIN_VOLUME).values(rootVolume, dataVolume).build())).volumes();
  }

  /** The transient snapshots of this fixture's volumes (moto also lists its AMIs' snapshots). */
  List<Snapshot> snapshots() {
    return ec2.describeSnapshots(r -> r.ownerIds("self").filters(
        Filter.builder().name("owner-id").values(AwsEmulator.ACCOUNT).build(),
        Filter.builder().name("tag:" + EncryptVolume.TAG_ORIGIN_VOLUME)
            .values(rootVolume, dataVolume).build())).snapshots();
  }

  /** The originals and every volume made from them. */
  List<Volume> ownVolumes() {
    List<Volume> all = new java.util.ArrayList<>(replacements());
    all.add(volume(rootVolume));
    all.add(volume(dataVolume));
    return all;
  }

  static Map<String, String> tags(Volume v) {
    return NetworkSupport.tags(v.tags());
  }

  /**
   * A Mockito mock of {@link Ec2Client} that forwards every call to {@code real} unless stubbed.
   * Consumer-builder overloads run on the mock, so stubbing the request overload of an operation
   * catches both forms of the call.
   */
  static Ec2Client stubbable(Ec2Client real) {
    // the subclass mock maker needs no agent: much faster to start than the inline one
    return Mockito.mock(Ec2Client.class, Mockito.withSettings().mockMaker(MockMakers.SUBCLASS)
        .defaultAnswer(invocation -> {
      Object[] args = invocation.getArguments();
      if (args.length == 1 && args[0] instanceof java.util.function.Consumer) {
        return invocation.callRealMethod();
      }
      try {
        return invocation.getMethod().invoke(real, invocation.getArguments());
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }));
  }

  /**
   * Asserts that {@code apply} ended with the simulated crash (an {@link OutOfMemoryError} thrown
   * by a listener), whether core rethrew it as is or wrapped it.
   */
  static void assertCrashed(org.junit.jupiter.api.function.Executable apply) {
    // a crash (an Error) propagates as itself, never wrapped: nothing may catch and go on
    OutOfMemoryError crash =
        org.junit.jupiter.api.Assertions.assertThrows(OutOfMemoryError.class, apply);
    org.junit.jupiter.api.Assertions.assertEquals("simulated crash", crash.getMessage());
  }
}
