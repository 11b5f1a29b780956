package dev.remediate.ec2;

import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Step;
import dev.remediate.ec2.SshKeyObserver.InstanceFacts;
import dev.remediate.ec2.SshKeyObserver.KeyPairFacts;
import dev.remediate.ec2.SshKeyObserver.Observation;
import dev.remediate.ec2.SshKeyObserver.ParameterFacts;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Turns an {@link SshKeyObserver.Observation} into the steps of a key replacement, with no AWS
 * call.
 *
 * <ul>
 *   <li>Compliant (no step): the instance's tag {@value SshKeyObserver#INSTANCE_TAG} names a key
 *       pair that exists, was created by Remediate for this instance, and whose private key is in
 *       the parameter.
 *   <li>Skipped with the reason and what the operator must do (no step): terminated or stopped,
 *       Windows, or not managed by Systems Manager (unknown to SSM or not {@code Online}).
 *   <li>Refused: the wanted key pair name is taken by a key pair Remediate did not create for
 *       this instance.
 *   <li>Steps: {@code DeleteKeyPair} of a key pair Remediate created whose private key was never
 *       stored (an interrupted apply); {@code CreateKeyPair} with its private key stored by
 *       {@code PutParameter} in the same step, unless both exist already; {@code SendCommand}
 *       replacing the login user's authorized keys; {@code CreateTags} naming the new key pair.
 * </ul>
 *
 * @param want the remediation, what it asks for
 * @param region the Region, for ARNs
 * @param account the account, for ARNs
 */
record SshKeyDecision(ReplaceSshKey want, String region, String account) {
  static final String DELETE_KEY = "DeleteKeyPair";
  static final String CREATE_KEY = "CreateKeyPair";
  static final String SEND_COMMAND = "SendCommand";
  static final String TAG = "CreateTags";

  /**
   * The steps, warnings and skip reason of one instance.
   *
   * @param steps in order; empty when compliant or skipped
   * @param warnings what the reviewer should know
   * @param skipReason why nothing is planned and what the operator must do, or null
   */
  record Outcome(List<Step> steps, List<String> warnings, @Nullable String skipReason) {
    Outcome {
      steps = List.copyOf(steps);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * @throws RemediationException when the wanted key pair name belongs to someone else
   */
  Outcome decide(Observation o) {
    String skip = skipReason(o);
    if (skip != null) {
      return new Outcome(List.of(), List.of(), skip);
    }
    InstanceFacts i = o.instance();
    if (compliant(o)) {
      return new Outcome(List.of(), List.of(), null);
    }
    List<Step> steps = new ArrayList<>(keySteps(o));
    String arn = "arn:aws:ec2:" + region + ":" + account + ":instance/" + i.id();
    steps.add(Step.builder().kind(SEND_COMMAND).action(Action.CHANGE).resource(arn)
        .summary("replace the authorized keys of " + want.user() + " on " + i.id() + " with the "
            + "public key of " + want.keyName() + " (SSM Run Command AWS-RunShellScript: new file "
            + "written beside it, mode 600, moved into place; every other key line removed), "
            + "then wait for the command")
        .before(i.taggedKeyName() == null ? "authorized keys as launched" : "key "
            + i.taggedKeyName())
        .after("only key " + want.keyName())
        .putParameters("instance", i.id()).putParameters("user", want.user())
        .putParameters("keyName", want.keyName()).build());
    steps.add(Step.builder().kind(TAG).action(Action.CHANGE).resource(arn)
        .summary("tag " + i.id() + " " + SshKeyObserver.INSTANCE_TAG + "=" + want.keyName())
        .before(String.valueOf(i.taggedKeyName())).after(want.keyName())
        .putParameters("instance", i.id()).putParameters("keyName", want.keyName()).build());
    return new Outcome(steps, warnings(i), null);
  }

  private @Nullable String skipReason(Observation o) {
    InstanceFacts i = o.instance();
    if (List.of("terminated", "shutting-down").contains(i.state())) {
      return i.id() + " is " + i.state() + ": no key to replace";
    }
    if (i.windows() || "Windows".equals(o.ssmPlatform())) {
      return i.id() + " is a Windows instance: its key pair only decrypts the initial "
          + "Administrator password. Change the Administrator password (and any other local "
          + "accounts) instead, e.g. with Systems Manager (AWSSupport-ResetAccess) or over RDP";
    }
    if (!"running".equals(i.state())) {
      return i.id() + " is " + i.state() + ": Systems Manager can only run commands on a "
          + "running instance. Start it and plan again, or replace the key offline: detach its "
          + "root volume, attach it to another instance, edit /home/" + want.user()
          + "/.ssh/authorized_keys there, and attach it back";
    }
    if (!"Online".equals(o.pingStatus())) {
      return i.id() + " is not managed by Systems Manager (" + (o.pingStatus() == null
          ? "its SSM agent has never reported in" : "PingStatus " + o.pingStatus()) + "), so "
          + "Remediate cannot change its authorized keys. Either make it managed (SSM agent "
          + "running, an instance profile with AmazonSSMManagedInstanceCore, a route to the SSM "
          + "endpoints) and plan again, or replace the key yourself: create a key pair, connect "
          + "(EC2 Instance Connect, the serial console, or the old key while it still works), "
          + "replace ~" + want.user() + "/.ssh/authorized_keys with the new public key, and "
          + "delete the old key pair";
    }
    return null;
  }

  private boolean compliant(Observation o) {
    String tagged = o.instance().taggedKeyName();
    return tagged != null && ours(o.keyPair(tagged), o.instance().id())
        && holdsKey(o.parameter(), tagged);
  }

  private List<Step> keySteps(Observation o) {
    String id = o.instance().id();
    KeyPairFacts existing = o.keyPair(want.keyName());
    String keyArn = "arn:aws:ec2:" + region + ":" + account + ":key-pair/" + want.keyName();
    if (existing != null && !ours(existing, id)) {
      throw new RemediationException("Replacing the SSH key of " + id + " is refused: key pair "
          + want.keyName() + " exists and was not created by Remediate for " + id + " (its tag "
          + SshKeyObserver.KEY_TAG + " is " + existing.createdFor() + "). Choose another name: "
          + ReplaceSshKey.Type.NAME.advice("NAME", "keyName(\"NAME\")"));
    }
    if (existing != null && holdsKey(o.parameter(), want.keyName())) {
      return List.of(); // created and stored by an earlier, interrupted apply
    }
    List<Step> steps = new ArrayList<>();
    if (existing != null) {
      steps.add(Step.builder().kind(DELETE_KEY).action(Action.REMOVE).resource(keyArn)
          .summary("delete key pair " + want.keyName() + ", created by Remediate for " + id
              + " in an interrupted apply: its private key was never stored")
          .before("exists, private key not stored").after("deleted")
          .putParameters("keyName", want.keyName()).build());
    }
    Step.Builder create = Step.builder().kind(CREATE_KEY).action(Action.ADD).resource(keyArn)
        .summary("create key pair " + want.keyName() + " (" + want.keyType() + "), tagged "
            + SshKeyObserver.KEY_TAG + "=" + id + ", and store its private key in SecureString "
            + "parameter " + want.parameterName() + " (PutParameter in the same step: the private "
            + "key goes nowhere else and is never printed)")
        .after(want.keyName() + " in " + want.parameterName())
        .putParameters("instance", id).putParameters("keyName", want.keyName())
        .putParameters("keyType", want.keyType())
        .putParameters("parameterName", want.parameterName());
    if (want.kmsKey() != null) {
      create.putParameters("kmsKey", want.kmsKey());
    }
    steps.add(create.build());
    return steps;
  }

  private static boolean ours(@Nullable KeyPairFacts key, String instanceId) {
    return key != null && instanceId.equals(key.createdFor());
  }

  /** The parameter exists as a SecureString whose description names the key pair. */
  private static boolean holdsKey(@Nullable ParameterFacts p, String keyName) {
    return p != null && "SecureString".equals(p.type()) && p.description() != null
        && p.description().equals(ReplaceSshKey.parameterDescription(keyName));
  }

  private List<String> warnings(InstanceFacts i) {
    List<String> warnings = new ArrayList<>();
    warnings.add("The instance's KeyName attribute cannot be changed after launch: EC2 keeps "
        + "showing " + (i.launchKeyName() == null ? "no key pair" : "key pair "
        + i.launchKeyName()) + " for " + i.id() + "; the key now in use is named in its tag "
        + SshKeyObserver.INSTANCE_TAG + ". Delete the old key pair once no instance needs it");
    warnings.add("Whoever holds the old key (or added a line to "
        + want.user() + "'s authorized_keys) is locked out of " + want.user() + "; other users, "
        + "authorized_keys2 and any AuthorizedKeysCommand are not changed");
    warnings.add("The new private key is read with: aws ssm get-parameter --with-decryption "
        + "--name " + want.parameterName() + " (needs ssm:GetParameter and kms:Decrypt)");
    return warnings;
  }
}
