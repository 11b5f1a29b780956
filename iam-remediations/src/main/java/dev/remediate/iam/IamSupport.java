package dev.remediate.iam;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.aws.AwsErrors;
import dev.remediate.core.aws.AwsNames;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.policy.PolicyDocuments;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.policybuilder.iam.IamEffect;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamStatement;
import software.amazon.awssdk.services.iam.IamClient;

/** What the IAM remediations share: the global client, the deny-all policy, spec checks. */
final class IamSupport {
  /** The deny-all statement's id in the quarantine policy. */
  static final String DENY_ALL_SID = "RemediateDenyAll";

  private IamSupport() {}

  /**
   * The responder actions of a type of this module: every IAM action it lists, reads included,
   * since each acts on a user or role chosen at run time that no name prefix can scope (a role
   * read such as {@code iam:GetRole} would otherwise be limited to Remediate's own roles); see
   * {@link dev.remediate.core.RemediationType#responderActions()}.
   */
  static Set<String> responderActions(Set<String> iamActions) {
    return iamActions.stream().filter(a -> a.startsWith("iam:"))
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /** @return the scope's IAM client, built once in the partition's global region */
  static IamClient iam(RemediationContext context) {
    return context.scope().globalClient(IamClient.class, IamClient::builder);
  }

  /** @return true when the failure is IAM's {@code NoSuchEntity} */
  static boolean notFound(Throwable failure) {
    return AwsErrors.is(failure, "NoSuchEntity");
  }

  /**
   * Runs a read, turning {@code NoSuchEntity} into a {@link RemediationException} naming what was
   * not found.
   */
  static <T> T found(String what, Supplier<T> read) {
    try {
      return read.get();
    } catch (RuntimeException e) {
      if (notFound(e)) {
        throw new RemediationException(what + " not found (IAM NoSuchEntity)", e);
      }
      throw e;
    }
  }

  /** A read whose {@code NoSuchEntity} means "absent": null then. */
  static <T> @Nullable T orNull(Supplier<T> read) {
    try {
      return read.get();
    } catch (RuntimeException e) {
      if (notFound(e)) {
        return null;
      }
      throw e;
    }
  }

  /** @return the deny-all policy document of the quarantine: Deny {@code *} on {@code *} */
  static String denyAll() {
    return PolicyDocuments.write(java.util.List.of(IamStatement.builder().sid(DENY_ALL_SID)
        .effect(IamEffect.DENY).addAction("*").addResource("*").build()));
  }

  /** @return true when the (possibly URL-encoded) document is exactly one deny-all statement */
  static boolean isDenyAll(String document) {
    try {
      IamPolicy policy = IamPolicy.fromJson(PolicyDocuments.decode(document));
      return policy.statements().size() == 1 && isDenyEverything(policy.statements().get(0))
          && policy.statements().get(0).conditions().isEmpty();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** @return true when the statement denies every action on every resource */
  static boolean isDenyEverything(IamStatement s) {
    return s.effect() != null && "Deny".equals(s.effect().value()) && s.actions().size() == 1
        && "*".equals(s.actions().get(0).value()) && s.resources().size() == 1
        && "*".equals(s.resources().get(0).value()) && s.principals().isEmpty()
        && s.notPrincipals().isEmpty() && s.notActions().isEmpty() && s.notResources().isEmpty();
  }

  /**
   * Checks a remediation chosen one of two ways (a key or a user, a role or an instance): exactly
   * one of the values is given, and its check accepts it.
   *
   * @param first what the first value is, e.g. {@code "an access key"}
   * @param firstValue the first value, or null
   * @param firstCheck its check, e.g. {@code AwsNames::accessKeyId}
   * @param second what the second value is
   * @param secondValue the second value, or null
   * @param secondCheck its check
   * @throws InvalidRemediationException naming both values, or the malformed one
   */
  static void requireOne(String first, @Nullable String firstValue, Consumer<String> firstCheck,
      String second, @Nullable String secondValue, Consumer<String> secondCheck) {
    if (firstValue != null && secondValue == null) {
      firstCheck.accept(firstValue);
    } else if (firstValue == null && secondValue != null) {
      secondCheck.accept(secondValue);
    } else {
      throw new InvalidRemediationException("Name either " + first + " (" + firstValue + ") or "
          + second + " (" + secondValue + "), not both and not neither");
    }
  }

  /**
   * The spec table of a remediation of one IAM user, built by {@code factory(userName)}: one
   * parameter, {@code userName}.
   */
  static <R extends Remediation> SpecTable<R, R> userNameSpec(String id,
      Function<R, String> userName, Function<String, R> factory) {
    return SpecTable.<R, R>of(id)
        .start("userName", SpecKind.aws(AwsNames::userName), userName, factory)
        .build(r -> r);
  }
}
