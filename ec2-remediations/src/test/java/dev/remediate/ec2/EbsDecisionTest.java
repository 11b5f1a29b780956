package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Step;
import dev.remediate.ec2.EbsObservation.InstanceFacts;
import dev.remediate.ec2.EbsObservation.ResolvedKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeAttachment;
import software.amazon.awssdk.services.ec2.model.VolumeState;
import software.amazon.awssdk.services.ec2.model.VolumeType;

/** {@link EbsDecision} on hand-made observations: no emulator, no AWS call. */
class EbsDecisionTest {
  private static final String KEY = "arn:aws:kms:us-east-1:123456789012:key/"
      + "1234abcd-12ab-34cd-56ef-1234567890ab";
  private static final String INSTANCE = "i-0123456789abcdef0";
  private static final String ROOT = "vol-0000000000000000a";
  private static final String DATA = "vol-0000000000000000b";
  private static final Instant LAUNCHED = Instant.parse("2026-01-02T03:04:05Z");
  private static final InstanceFacts OK = new InstanceFacts(true, false, false, null);

  private static EbsDecision decision(EncryptVolume r) {
    return new EbsDecision(r, tags -> "true".equals(tags.get("remediate:opt-out")), "opted out");
  }

  private static Instance instance(InstanceStateName state, Tag... tags) {
    return Instance.builder().instanceId(INSTANCE).instanceType("t3.micro")
        .state(s -> s.name(state)).launchTime(LAUNCHED).rootDeviceName("/dev/sda1").tags(tags)
        .blockDeviceMappings(mapping("/dev/sda1", ROOT, true), mapping("/dev/sdf", DATA, false))
        .build();
  }

  private static InstanceBlockDeviceMapping mapping(String device, String volume, boolean dot) {
    return InstanceBlockDeviceMapping.builder().deviceName(device)
        .ebs(e -> e.volumeId(volume).deleteOnTermination(dot)).build();
  }

  private static Volume volume(String id, String device, boolean encrypted, Tag... tags) {
    Volume.Builder b = Volume.builder().volumeId(id).size(8).volumeType(VolumeType.GP3).iops(3000)
        .throughput(125).availabilityZone("us-east-1a").encrypted(encrypted).tags(tags)
        .state(device == null ? VolumeState.AVAILABLE : VolumeState.IN_USE);
    if (encrypted) {
      b.kmsKeyId(KEY);
    }
    if (device != null) {
      b.attachments(VolumeAttachment.builder().instanceId(INSTANCE).device(device)
          .state("attached").build());
    }
    return b.build();
  }

  private static EbsObservation observed(Instance instance, Volume... attached) {
    return EbsObservation.of(instance, List.of(attached), null, List.of(), List.of())
        .withKey(new ResolvedKey(KEY, List.of())).withFacts(OK);
  }

  private static List<String> kinds(EbsDecision.Decided d) {
    return d.steps().stream().map(Step::kind).toList();
  }

  @Test
  void decide_runningInstanceWithTwoUnencryptedVolumes_oneStopFirstOneStartAfterSwaps() {
    EncryptVolume r = EncryptVolume.forInstance(INSTANCE).kmsKey(KEY).build();
    EbsDecision.Decided d = decision(r).decide(observed(instance(InstanceStateName.RUNNING),
        volume(ROOT, "/dev/sda1", false), volume(DATA, "/dev/sdf", false)));
    assertEquals(List.of("StopInstances", "CreateSnapshot", "CreateVolume", "CreateTags",
        "CreateSnapshot", "CreateVolume", "CreateTags", "DetachVolume", "AttachVolume",
        "DetachVolume", "AttachVolume", "ModifyInstanceAttribute", "StartInstances",
        "DeleteSnapshot", "DeleteSnapshot"), kinds(d));
    assertTrue(d.steps().get(0).has(Flag.DOWNTIME));
    assertEquals(1, d.steps().stream().filter(s -> s.has(Flag.DOWNTIME)).count());
    Step create = d.steps().get(2);
    assertEquals(Map.of("availabilityZone", "us-east-1a", "volumeType", "gp3", "size", "8",
        "iops", "3000", "throughput", "125"), Map.of(
        "availabilityZone", create.parameter("availabilityZone"),
        "volumeType", create.parameter("volumeType"), "size", create.parameter("size"),
        "iops", create.parameter("iops"), "throughput", create.parameter("throughput")));
    // only the root's DeleteOnTermination (true) needs restoring: attaching sets false
    assertEquals("/dev/sda1|" + ROOT + "|true|-", d.steps().get(11).parameter("devices"));
    assertTrue(d.work());
  }

  @Test
  void decide_sameObservationTwice_givesStepsOfEqualIdentity() {
    EncryptVolume r = EncryptVolume.forInstance(INSTANCE).kmsKey(KEY).build();
    EbsObservation obs = observed(instance(InstanceStateName.RUNNING),
        volume(ROOT, "/dev/sda1", false));
    List<String> first = decision(r).decide(obs).steps().stream().map(Step::identity).toList();
    List<String> second = decision(r).decide(obs).steps().stream().map(Step::identity).toList();
    assertEquals(first, second);
    assertTrue(first.stream().noneMatch(id -> id.contains(Instant.now().toString()
        .substring(0, 10))), "no time of planning in any identity: " + first);
  }

  @Test
  void decide_encryptedWithTheKey_isEmpty() {
    EncryptVolume r = EncryptVolume.forInstance(INSTANCE).kmsKey(KEY).build();
    EbsDecision.Decided d = decision(r).decide(observed(instance(InstanceStateName.RUNNING),
        volume(ROOT, "/dev/sda1", true), volume(DATA, "/dev/sdf", true)));
    assertEquals(List.of(), d.steps());
  }

  @Test
  void units_withoutKey_asksForTheKeyOnlyWhenAVolumeNeedsIt() {
    EncryptVolume r = EncryptVolume.forInstance(INSTANCE).build();
    EbsObservation encrypted = EbsObservation.of(instance(InstanceStateName.RUNNING),
        List.of(volume(ROOT, "/dev/sda1", true)), null, List.of(), List.of());
    assertTrue(!decision(r).units(encrypted).needsKey(), "any encryption satisfies EC2.3");
    EbsObservation plain = EbsObservation.of(instance(InstanceStateName.RUNNING),
        List.of(volume(ROOT, "/dev/sda1", false)), null, List.of(), List.of());
    assertTrue(decision(r).units(plain).needsKey());
    assertThrows(IllegalStateException.class, () -> decision(r).decide(plain));
  }

  @Test
  void decide_stoppedInstance_swapsWithoutStopOrStartAndWarns() {
    EncryptVolume r = EncryptVolume.forInstance(INSTANCE).kmsKey(KEY).build();
    EbsDecision.Decided d = decision(r).decide(observed(instance(InstanceStateName.STOPPED),
        volume(ROOT, "/dev/sda1", false)));
    assertEquals(List.of("CreateSnapshot", "CreateVolume", "CreateTags", "DetachVolume",
        "AttachVolume", "ModifyInstanceAttribute", "DeleteSnapshot"), kinds(d));
    assertTrue(d.warnings().stream().anyMatch(w -> w.contains("must stay stopped")), d.warnings()
        .toString());
  }

  @Test
  void decide_unattachedVolume_noDowntime() {
    EncryptVolume r = EncryptVolume.forVolume(DATA).kmsKey(KEY).build();
    Volume loose = volume(DATA, null, false, Tag.builder().key("Name").value("archive").build());
    EbsDecision.Decided d = decision(r).decide(EbsObservation.of(null, List.of(), loose,
        List.of(), List.of()).withKey(new ResolvedKey(KEY, List.of())));
    assertEquals(List.of("CreateSnapshot", "CreateVolume", "CreateTags", "DeleteSnapshot"),
        kinds(d));
    assertTrue(d.steps().stream().noneMatch(s -> s.has(Flag.DOWNTIME)));
    assertEquals(Map.of("Name", "archive"), Tags.decode(d.steps().get(1).parameter("tags")));
  }

  @Test
  void decide_keepOriginalFalse_deletesOriginalsFlaggedDestructive() {
    EncryptVolume r = EncryptVolume.forVolume(DATA).kmsKey(KEY).keepOriginal(false).build();
    EbsDecision.Decided d = decision(r).decide(EbsObservation.of(null, List.of(),
        volume(DATA, null, false), List.of(), List.of()).withKey(new ResolvedKey(KEY, List.of())));
    Step last = d.steps().get(d.steps().size() - 1);
    assertEquals("DeleteVolume", last.kind());
    assertTrue(last.has(Flag.DESTRUCTIVE));
  }

  @Test
  void decide_refusals_nameTheReason() {
    EncryptVolume r = EncryptVolume.forInstance(INSTANCE).kmsKey(KEY).build();
    Instance asg = instance(InstanceStateName.RUNNING,
        Tag.builder().key(EncryptVolume.ASG_TAG).value("web-asg").build());
    RemediationException e = assertThrows(RemediationException.class, () -> decision(r)
        .decide(observed(asg, volume(ROOT, "/dev/sda1", false))));
    assertTrue(e.getMessage().contains("web-asg"), e.getMessage());
    EbsObservation unsupported = observed(instance(InstanceStateName.RUNNING),
        volume(ROOT, "/dev/sda1", false)).withFacts(new InstanceFacts(false, false, false, null));
    e = assertThrows(RemediationException.class, () -> decision(r).decide(unsupported));
    assertTrue(e.getMessage().contains("does not support EBS encryption"), e.getMessage());
    EbsObservation protectedFromStop = observed(instance(InstanceStateName.RUNNING),
        volume(ROOT, "/dev/sda1", false)).withFacts(new InstanceFacts(true, false, true, null));
    e = assertThrows(RemediationException.class, () -> decision(r).decide(protectedFromStop));
    assertTrue(e.getMessage().contains("DisableApiStop"), e.getMessage());
    EbsObservation spot = observed(instance(InstanceStateName.RUNNING),
        volume(ROOT, "/dev/sda1", false)).withFacts(new InstanceFacts(true, false, false,
            "sir-12345678"));
    e = assertThrows(RemediationException.class, () -> decision(r).decide(spot));
    assertTrue(e.getMessage().contains("sir-12345678"), e.getMessage());
  }

  @Test
  void decide_optedOutInstance_isSkippedWithoutSteps() {
    EncryptVolume r = EncryptVolume.forInstance(INSTANCE).kmsKey(KEY).build();
    Instance out = instance(InstanceStateName.RUNNING,
        Tag.builder().key("remediate:opt-out").value("true").build());
    EbsDecision.Decided d = decision(r).decide(EbsObservation.of(out,
        List.of(volume(ROOT, "/dev/sda1", false)), null, List.of(), List.of()));
    assertEquals(List.of(), d.steps());
    assertEquals(INSTANCE, d.skipped().get(0).resource());
  }
}
