package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Step;
import dev.remediate.ec2.SshKeyObserver.InstanceFacts;
import dev.remediate.ec2.SshKeyObserver.KeyPairFacts;
import dev.remediate.ec2.SshKeyObserver.Observation;
import dev.remediate.ec2.SshKeyObserver.ParameterFacts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link SshKeyDecision} with hand-made observations: no emulator, no AWS call. */
class SshKeyDecisionTest {
  private static final String ID = "i-0abc1234def567890";
  private static final String KEY = "remediate-" + ID + "-20250101";
  private static final ReplaceSshKey WANT = ReplaceSshKey.forInstance(ID).keyName(KEY)
      .keyType("ed25519").parameterName("/remediate/ssh-keys/" + ID).user("ec2-user").build();
  private static final SshKeyDecision DECISION = new SshKeyDecision(WANT, "eu-west-1",
      "111122223333");
  private static final ParameterFacts STORED = new ParameterFacts(WANT.parameterName(),
      "SecureString", ReplaceSshKey.parameterDescription(KEY));

  private static Observation managed(String tagged, List<KeyPairFacts> keys,
      ParameterFacts parameter) {
    return new Observation(new InstanceFacts(ID, "running", false, "launch-key", tagged),
        "Online", "Linux", keys, parameter);
  }

  private static List<String> kinds(SshKeyDecision.Outcome o) {
    return o.steps().stream().map(Step::kind).toList();
  }

  @Test
  void decide_managedLinuxNothingYet_createSendTagInOrder() {
    var outcome = DECISION.decide(managed(null, List.of(), null));

    assertEquals(List.of("CreateKeyPair", "SendCommand", "CreateTags"), kinds(outcome));
    Step create = outcome.steps().get(0);
    assertEquals(Map.of("instance", ID, "keyName", KEY, "keyType", "ed25519", "parameterName",
        "/remediate/ssh-keys/" + ID), create.parameters());
    assertEquals("ec2-user", outcome.steps().get(1).parameter("user"));
    assertTrue(outcome.warnings().get(0).contains("KeyName attribute cannot be changed after "
        + "launch"), outcome.warnings().toString());
    assertTrue(outcome.warnings().get(0).contains("launch-key"));
    assertNull(outcome.skipReason());
  }

  @Test
  void decide_tagNamesOurKeyWithStoredPrivateKey_compliant() {
    var outcome = DECISION.decide(managed(KEY, List.of(new KeyPairFacts(KEY, ID)), STORED));

    assertTrue(outcome.steps().isEmpty());
    assertNull(outcome.skipReason());
  }

  @Test
  void decide_tagNamesAKeyPairThatIsGone_replacedAgain() {
    var outcome = DECISION.decide(managed("remediate-" + ID + "-20240101", List.of(), null));

    assertEquals(List.of("CreateKeyPair", "SendCommand", "CreateTags"), kinds(outcome));
  }

  @Test
  void decide_keyCreatedAndStoredByInterruptedApply_onlySendAndTag() {
    var outcome = DECISION.decide(managed(null, List.of(new KeyPairFacts(KEY, ID)), STORED));

    assertEquals(List.of("SendCommand", "CreateTags"), kinds(outcome));
  }

  @Test
  void decide_ourKeyWithoutStoredPrivateKey_deletedAndCreatedAgain() {
    var outcome = DECISION.decide(managed(null, List.of(new KeyPairFacts(KEY, ID)), null));

    assertEquals(List.of("DeleteKeyPair", "CreateKeyPair", "SendCommand", "CreateTags"),
        kinds(outcome));
  }

  @Test
  void decide_parameterHoldsAnotherKey_keyCreatedAgain() {
    ParameterFacts other = new ParameterFacts(WANT.parameterName(), "SecureString",
        ReplaceSshKey.parameterDescription("other-key"));
    var outcome = DECISION.decide(managed(null, List.of(new KeyPairFacts(KEY, ID)), other));

    assertEquals("DeleteKeyPair", kinds(outcome).get(0));
  }

  @Test
  void decide_nameTakenBySomeoneElsesKeyPair_refusedNamingTheSetting() {
    RemediationException e = assertThrows(RemediationException.class, () -> DECISION.decide(
        managed(null, List.of(new KeyPairFacts(KEY, null)), null)));

    assertTrue(e.getMessage().contains("sshKey.name"), e.getMessage());
  }

  @Test
  void decide_notManagedBySsm_skipSaysWhatTheOperatorMustDo() {
    var outcome = DECISION.decide(new Observation(new InstanceFacts(ID, "running", false, "k",
        null), null, null, List.of(), null));

    assertTrue(outcome.steps().isEmpty());
    assertTrue(outcome.skipReason().contains("not managed by Systems Manager"),
        outcome.skipReason());
    assertTrue(outcome.skipReason().contains("authorized_keys"), outcome.skipReason());
  }

  @Test
  void decide_connectionLost_skippedNamingThePingStatus() {
    var outcome = DECISION.decide(new Observation(new InstanceFacts(ID, "running", false, "k",
        null), "ConnectionLost", "Linux", List.of(), null));

    assertTrue(outcome.skipReason().contains("PingStatus ConnectionLost"), outcome.skipReason());
  }

  @Test
  void decide_windowsOrStopped_skippedWithReason() {
    var windows = DECISION.decide(new Observation(new InstanceFacts(ID, "running", true, "k",
        null), "Online", "Windows", List.of(), null));
    var stopped = DECISION.decide(new Observation(new InstanceFacts(ID, "stopped", false, "k",
        null), "ConnectionLost", "Linux", List.of(), null));

    assertTrue(windows.steps().isEmpty());
    assertTrue(windows.skipReason().contains("Windows"), windows.skipReason());
    assertTrue(stopped.skipReason().contains("is stopped"), stopped.skipReason());
  }

  @Test
  void script_atomicMoveMode600AndOnlyTheNewKey() {
    String line = AuthorizedKeyCommand.keyLine("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAbc= k",
        KEY);
    List<String> script = AuthorizedKeyCommand.script("ec2-user", line);

    assertEquals("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAbc= remediate:" + KEY, line);
    String text = String.join("\n", script);
    assertTrue(text.indexOf("chmod 600 \"$tmp\"") < text.indexOf("mv -f \"$tmp\" "
        + "\"$dir/authorized_keys\""), text);
    assertTrue(text.contains("mktemp \"$dir/"), "the temporary file is beside the target: " + text);
    assertTrue(text.contains("printf '%s\\n' \"$key\" > \"$tmp\""), text);
    assertTrue(!text.contains(">>"), "nothing is appended: the old lines go");
  }

  @Test
  void keyLine_notAnOpenSshKey_refused() {
    assertThrows(RemediationException.class, () -> AuthorizedKeyCommand.keyLine(
        "ssh-ed25519 AAAA'; rm -rf / #", KEY));
  }

  @Test
  void fromSpec_typoInNameOrValue_refusedNamingIt() {
    RemediationCatalog catalog = RemediationCatalog.load();
    Map<String, String> good = ReplaceSshKey.forInstance(ID).keyName(KEY).build().spec()
        .parameters();
    var typoName = new java.util.TreeMap<>(good);
    typoName.put("usr", "ubuntu");
    InvalidRemediationException name = assertThrows(InvalidRemediationException.class,
        () -> catalog.fromSpec(RemediationSpec.of(ReplaceSshKey.ID, typoName)));
    assertTrue(name.getMessage().contains("'usr'"), name.getMessage());
    var typoValue = new java.util.TreeMap<>(good);
    typoValue.put("keyType", "ed2551");
    InvalidRemediationException value = assertThrows(InvalidRemediationException.class,
        () -> catalog.fromSpec(RemediationSpec.of(ReplaceSshKey.ID, typoValue)));
    assertTrue(value.getMessage().contains("keyType 'ed2551'"), value.getMessage());
  }

  @Test
  void forTarget_settingTypo_refusedNamingTheSetting() {
    var type = new ReplaceSshKey.Type();
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> type.forTarget(ID, Map.of("sshKey.type", "dsa")));
    assertTrue(e.getMessage().startsWith("setting sshKey.type:"), e.getMessage());
    ReplaceSshKey built = (ReplaceSshKey) type.forTarget(ID, Map.of("sshKey.user", "ubuntu"))
        .orElseThrow();
    assertTrue(built.keyName().matches("remediate-" + ID + "-\\d{8}"), built.keyName());
    assertEquals("/remediate/ssh-keys/" + ID, built.parameterName());
    assertTrue(type.forTarget("vpc-0abc1234", Map.of()).isEmpty());
  }
}
