package dev.remediate.iam;

import static dev.remediate.iam.IamSupport.found;
import static dev.remediate.iam.IamSupport.orNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyLastUsed;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.GetAccessKeyLastUsedResponse;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * Every read of a user the access-key and quarantine remediations make, into immutable records:
 * {@code ListUserTags}, {@code ListAccessKeys}, {@code GetAccessKeyLastUsed} of the keys that are
 * about to change, and, for the quarantine, {@code GetUserPolicy} and {@code GetLoginProfile}.
 */
final class UserObserver {
  private UserObserver() {}

  /**
   * When and where a key was last used, as {@code GetAccessKeyLastUsed} reports it.
   *
   * @param date the last use, or null when never used
   * @param service the service, e.g. {@code s3}, or {@code N/A}
   * @param region the region, or {@code N/A}
   */
  record LastUse(@Nullable Instant date, String service, String region) {
    /** @return e.g. {@code last used 2026-01-02T03:04:05Z (s3, eu-west-1)} or {@code never used} */
    String describe() {
      return date == null ? "never used" : "last used " + date + " (" + service + ", " + region
          + ")";
    }
  }

  /**
   * One access key of a user.
   *
   * @param id the key id
   * @param active true when its status is {@code Active}
   * @param lastUse its last use, when it was read (keys that will change), else null
   */
  record KeyFacts(String id, boolean active, @Nullable LastUse lastUse) {}

  /**
   * A user as the decisions need it.
   *
   * @param name the user name
   * @param tags its tags
   * @param keys its access keys, by id
   */
  record UserFacts(String name, Map<String, String> tags, List<KeyFacts> keys) {
    UserFacts {
      tags = Map.copyOf(tags);
      keys = List.copyOf(keys);
    }

    /** @return the user's keys that are active */
    List<KeyFacts> activeKeys() {
      return keys.stream().filter(KeyFacts::active).toList();
    }

    /** @return the key with that id, if the user has it */
    Optional<KeyFacts> key(String id) {
      return keys.stream().filter(k -> k.id().equals(id)).findFirst();
    }
  }

  /**
   * The user and (when it is a user's long-term key) its owner of an access key, from
   * {@code GetAccessKeyLastUsed}, which answers both.
   *
   * @param user the owner's user name
   * @param lastUse the key's last use
   */
  record KeyOwner(String user, LastUse lastUse) {}

  static KeyOwner owner(IamClient iam, String accessKeyId) {
    GetAccessKeyLastUsedResponse r = found("Access key " + accessKeyId,
        () -> iam.getAccessKeyLastUsed(b -> b.accessKeyId(accessKeyId)));
    if (r.userName() == null) {
      throw new dev.remediate.core.RemediationException("Access key " + accessKeyId
          + " belongs to no IAM user (GetAccessKeyLastUsed names none): only a user's long-term "
          + "keys can be deactivated");
    }
    return new KeyOwner(r.userName(), lastUse(r.accessKeyLastUsed()));
  }

  /**
   * Reads a user: tags, keys, and the last use of its active keys (those a deactivation changes;
   * {@code known} saves reading one again).
   *
   * @param withLastUse whether to read the last use of active keys
   */
  static UserFacts observe(IamClient iam, String user, boolean withLastUse,
      Map<String, LastUse> known) {
    Map<String, String> tags = new TreeMap<>();
    found("IAM user " + user, () -> {
      iam.listUserTagsPaginator(b -> b.userName(user)).tags()
          .forEach(t -> tags.put(t.key(), t.value()));
      return tags;
    });
    List<AccessKeyMetadata> metadata = new ArrayList<>();
    iam.listAccessKeysPaginator(b -> b.userName(user)).accessKeyMetadata().forEach(metadata::add);
    metadata.sort(Comparator.comparing(AccessKeyMetadata::accessKeyId));
    List<KeyFacts> keys = new ArrayList<>();
    Map<String, LastUse> lastUses = new LinkedHashMap<>(known);
    for (AccessKeyMetadata key : metadata) {
      boolean active = key.status() == StatusType.ACTIVE;
      LastUse use = lastUses.get(key.accessKeyId());
      if (use == null && active && withLastUse) {
        use = lastUse(iam.getAccessKeyLastUsed(b -> b.accessKeyId(key.accessKeyId()))
            .accessKeyLastUsed());
      }
      keys.add(new KeyFacts(key.accessKeyId(), active, use));
    }
    return new UserFacts(user, tags, keys);
  }

  /** @return the decoded inline user policy of that name, or null when the user has none */
  static @Nullable String userPolicy(IamClient iam, String user, String policyName) {
    return orNull(() -> dev.remediate.core.policy.PolicyDocuments.decode(iam.getUserPolicy(b -> b
        .userName(user).policyName(policyName)).policyDocument()));
  }

  /** @return true when the user has a console password (a login profile) */
  static boolean hasLoginProfile(IamClient iam, String user) {
    return orNull(() -> iam.getLoginProfile(b -> b.userName(user))) != null;
  }

  private static LastUse lastUse(@Nullable AccessKeyLastUsed used) {
    if (used == null) {
      return new LastUse(null, "N/A", "N/A");
    }
    return new LastUse(used.lastUsedDate(), used.serviceName() == null ? "N/A"
        : used.serviceName(), used.region() == null ? "N/A" : used.region());
  }
}
