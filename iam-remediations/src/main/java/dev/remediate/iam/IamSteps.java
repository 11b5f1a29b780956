package dev.remediate.iam;

import static dev.remediate.iam.IamSupport.iam;
import static dev.remediate.iam.IamSupport.notFound;

import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Step;
import dev.remediate.iam.UserObserver.KeyFacts;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * The steps of the IAM remediations: how each is planned (what a reviewer approves: no time, no
 * last-use date in its identity) and carried out. Times are written when a step runs, from the
 * context's clock, into fields that are not part of a step's identity, so that applying again
 * later is never refused as stale because the clock moved.
 */
final class IamSteps {
  static final String UPDATE_ACCESS_KEY = "UpdateAccessKey";
  static final String TAG_USER = "TagUser";
  static final String UNTAG_USER = "UntagUser";
  static final String PUT_USER_POLICY = "PutUserPolicy";
  static final String DELETE_USER_POLICY = "DeleteUserPolicy";
  static final String DELETE_LOGIN_PROFILE = "DeleteLoginProfile";
  static final String PUT_ROLE_POLICY = "PutRolePolicy";
  /** Tag parameters are {@code tag:KEY}; {@code timeTag} names the tag set to the apply time. */
  static final String TAG_PREFIX = "tag:";

  private IamSteps() {}

  /** @return the resource name of a user in a step, e.g. {@code user/alice} */
  static String userResource(String user) {
    return "user/" + user;
  }

  /** Deactivates one key; the summary (not the identity) shows its last use. */
  static Step deactivate(String user, KeyFacts key, String why) {
    String lastUse = key.lastUse() == null ? "last use not read" : key.lastUse().describe();
    return Step.builder().kind(UPDATE_ACCESS_KEY).action(Action.CHANGE).resource(key.id())
        .summary("deactivate access key " + key.id() + " of " + user + " (" + lastUse + "; "
            + why + ")")
        .before("Active").after("Inactive").addFlags(Flag.DISRUPTIVE)
        .putParameters("user", user).putParameters("status", "Inactive").build();
  }

  /** Reactivates one key the record lists. */
  static Step reactivate(String user, String keyId, String recordTag) {
    return Step.builder().kind(UPDATE_ACCESS_KEY).action(Action.CHANGE).resource(keyId)
        .summary("reactivate access key " + keyId + " of " + user + " (listed in " + recordTag
            + ")")
        .before("Inactive").after("Active")
        .putParameters("user", user).putParameters("status", "Active").build();
  }

  /** Records keys in a user tag (space-separated: IAM tag values allow no comma), and the time. */
  static Step record(String user, String keysTag, String atTag, Collection<String> keys,
      String why) {
    String value = String.join(" ", keys);
    return Step.builder().kind(TAG_USER).action(Action.ADD).resource(userResource(user))
        .summary("tag " + user + " with " + keysTag + " (" + why + ") and " + atTag
            + " (the time of apply)")
        .after(keysTag + "=" + value).putParameters("user", user)
        .putParameters(TAG_PREFIX + keysTag, value).putParameters("timeTag", atTag).build();
  }

  /** Removes record tags. */
  static Step unrecord(String user, List<String> tagKeys) {
    return Step.builder().kind(UNTAG_USER).action(Action.REMOVE).resource(userResource(user))
        .summary("remove the record tags " + tagKeys + " of " + user)
        .before(String.join(",", tagKeys)).putParameters("user", user)
        .putParameters("tagKeys", String.join(",", tagKeys)).build();
  }

  /**
   * Carries out a step of any IAM remediation.
   *
   * @throws RemediationException for a step kind no IAM remediation plans
   */
  static void execute(Step step, RemediationContext context) {
    IamClient iam = iam(context);
    switch (step.kind()) {
      case UPDATE_ACCESS_KEY -> updateKey(iam, step);
      case TAG_USER -> iam.tagUser(b -> b.userName(step.parameter("user")).tags(tags(step,
          now(context))));
      case UNTAG_USER -> iam.untagUser(b -> b.userName(step.parameter("user"))
          .tagKeys(step.parameter("tagKeys").split(",")));
      case PUT_USER_POLICY -> iam.putUserPolicy(b -> b.userName(step.parameter("user"))
          .policyName(step.parameter("policyName")).policyDocument(IamSupport.denyAll()));
      case DELETE_USER_POLICY -> ignoreNotFound(() -> iam.deleteUserPolicy(b -> b
          .userName(step.parameter("user")).policyName(step.parameter("policyName"))));
      case DELETE_LOGIN_PROFILE -> ignoreNotFound(() -> iam.deleteLoginProfile(b -> b
          .userName(step.parameter("user"))));
      case PUT_ROLE_POLICY -> {
        String time = now(context).toString();
        context.outputs().put("revokedBefore:" + step.parameter("role"), time);
        iam.putRolePolicy(b -> b.roleName(step.parameter("role"))
            .policyName(step.parameter("policyName"))
            .policyDocument(RevokeDecision.document(time)));
      }
      default -> throw new RemediationException("No IAM remediation has a step " + step.kind());
    }
  }

  private static void updateKey(IamClient iam, Step step) {
    StatusType status = StatusType.fromValue(step.parameter("status"));
    try {
      iam.updateAccessKey(b -> b.userName(step.parameter("user")).accessKeyId(step.resource())
          .status(status));
    } catch (RuntimeException e) {
      // a deleted key is not active: deactivating it is done; reactivating it is not
      if (!(notFound(e) && status == StatusType.INACTIVE)) {
        throw e;
      }
    }
  }

  private static List<Tag> tags(Step step, Instant now) {
    List<Tag> tags = new java.util.ArrayList<>(step.parameters().entrySet().stream()
        .filter(e -> e.getKey().startsWith(TAG_PREFIX))
        .map(e -> Tag.builder().key(e.getKey().substring(TAG_PREFIX.length()))
            .value(e.getValue()).build()).toList());
    tags.add(Tag.builder().key(step.parameter("timeTag")).value(now.toString()).build());
    return tags;
  }

  private static Instant now(RemediationContext context) {
    return context.clock().instant().truncatedTo(ChronoUnit.SECONDS);
  }

  private static void ignoreNotFound(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      if (!notFound(e)) {
        throw e;
      }
    }
  }
}
