package dev.remediate.iam;

import dev.remediate.core.ApplyResult;
import dev.remediate.core.Guardrails;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.Remediation;
import dev.remediate.core.Remediator;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.testing.AwsEmulator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.StatusType;

/** Users, keys and plan helpers the IAM emulator tests share. */
final class IamEmulatorFixture {
  final AwsEmulator aws;
  final IamClient iam;

  IamEmulatorFixture(AwsEmulator aws) {
    this.aws = aws;
    this.iam = aws.scope().globalClient(IamClient.class, IamClient::builder);
  }

  /** Creates a user with one key per status given; returns the key ids in that order. */
  List<String> user(String name, StatusType... statuses) {
    iam.createUser(r -> r.userName(name));
    List<String> keys = new java.util.ArrayList<>();
    for (StatusType status : statuses) {
      String key = iam.createAccessKey(r -> r.userName(name)).accessKey().accessKeyId();
      if (status == StatusType.INACTIVE) {
        iam.updateAccessKey(r -> r.userName(name).accessKeyId(key).status(status));
      }
      keys.add(key);
    }
    return keys;
  }

  /** @return the user's keys and their status */
  Map<String, String> keys(String user) {
    Map<String, String> out = new TreeMap<>();
    for (AccessKeyMetadata k : iam.listAccessKeys(r -> r.userName(user)).accessKeyMetadata()) {
      out.put(k.accessKeyId(), k.statusAsString());
    }
    return out;
  }

  /** @return the user's tags */
  Map<String, String> tags(String user) {
    Map<String, String> out = new TreeMap<>();
    iam.listUserTags(r -> r.userName(user)).tags().forEach(t -> out.put(t.key(), t.value()));
    return out;
  }

  Remediator remediator(Flag... consent) {
    return Remediator.builder().scope(aws.scope())
        .guardrails(Guardrails.custom().consentTo(consent).build()).build();
  }

  /** Plans, saves to JSON and reads back, as a plan reviewed in another process. */
  PlanSet planSaved(Remediation remediation) {
    return PlanSet.fromJson(remediator().planSet(List.of(remediation)).toJson());
  }

  ApplyResult only(PlanSetResult result) {
    if (result.results().size() != 1) {
      throw new AssertionError(result.toString());
    }
    return result.results().get(0);
  }

  boolean planIsEmpty(Remediation remediation) {
    return remediator().planSet(List.of(remediation)).withChanges().isEmpty();
  }
}
