package dev.remediate.ec2;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamPolicyWriter;
import software.amazon.awssdk.policybuilder.iam.IamStatement;

/**
 * Merges statements into a policy document by statement id, with the SDK's policy builder: a
 * statement with the same Sid is replaced, every other statement stays as it was.
 */
final class PolicyMerge {
  private static final IamPolicyWriter COMPACT = IamPolicyWriter.builder().prettyPrint(false).build();

  private PolicyMerge() {}

  /**
   * Merges wanted statements into a policy.
   *
   * @param existing the current document, or null when there is none
   * @param wanted statements, each with a Sid
   * @return the merged document, or empty when every wanted statement is already there
   */
  static Optional<String> merge(@Nullable String existing, List<IamStatement> wanted) {
    List<IamStatement> statements = new ArrayList<>();
    if (existing != null && !existing.isBlank()) {
      statements.addAll(IamPolicy.fromJson(decode(existing)).statements());
    }
    boolean changed = false;
    for (IamStatement statement : wanted) {
      int index = indexOfSid(statements, statement.sid());
      if (index < 0) {
        statements.add(statement);
        changed = true;
      } else if (!equivalent(statements.get(index), statement)) {
        statements.set(index, statement);
        changed = true;
      }
    }
    return changed ? Optional.of(write(statements)) : Optional.empty();
  }

  /**
   * The statements of a document that carry one of the given Sids, as compact JSON, for plans and
   * fingerprints.
   *
   * @param existing the document or null
   * @param sids statement ids
   * @return a deterministic description
   */
  static String describe(@Nullable String existing, List<String> sids) {
    if (existing == null || existing.isBlank()) {
      return "(no policy)";
    }
    List<IamStatement> ours = new ArrayList<>();
    for (IamStatement statement : IamPolicy.fromJson(decode(existing)).statements()) {
      if (statement.sid() != null && sids.contains(statement.sid())) {
        ours.add(statement);
      }
    }
    return ours.isEmpty() ? "(no statement " + sids + ")" : write(ours);
  }

  static String write(List<IamStatement> statements) {
    return IamPolicy.builder().version("2012-10-17").statements(statements).build().toJson(COMPACT);
  }

  /** IAM returns policy documents URL-encoded; S3 returns them as they are. */
  static String decode(String document) {
    String trimmed = document.trim();
    return trimmed.startsWith("%") ? URLDecoder.decode(trimmed, StandardCharsets.UTF_8) : trimmed;
  }

  private static int indexOfSid(List<IamStatement> statements, @Nullable String sid) {
    for (int i = 0; i < statements.size(); i++) {
      if (sid != null && sid.equals(statements.get(i).sid())) {
        return i;
      }
    }
    return -1;
  }

  static boolean equivalent(IamStatement a, IamStatement b) {
    return a.effect().equals(b.effect())
        && new HashSet<>(a.principals()).equals(new HashSet<>(b.principals()))
        && new HashSet<>(a.actions()).equals(new HashSet<>(b.actions()))
        && new HashSet<>(a.resources()).equals(new HashSet<>(b.resources()))
        && new HashSet<>(a.conditions()).equals(new HashSet<>(b.conditions()))
        && a.notPrincipals().isEmpty() && a.notActions().isEmpty() && a.notResources().isEmpty();
  }
}
