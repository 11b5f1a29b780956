package dev.remediate.ec2;

import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Setting;
import dev.remediate.core.aws.AwsErrors;
import dev.remediate.core.aws.AwsNames;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.immutables.value.Value;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Replaces the SSH key of one Linux instance that Systems Manager manages: a new EC2 key pair,
 * its private key kept only in a SecureString parameter, the login user's authorized keys
 * replaced through SSM Run Command, the instance tagged with the new key pair's name. For
 * incident response when a key may be compromised.
 *
 * <pre>{@code
 * Remediation replace = ReplaceSshKey.forInstance("i-0abc1234def567890")
 *     .user("ubuntu").keyType("rsa").build();
 * }</pre>
 *
 * <p><b>Observe</b> ({@link SshKeyObserver}): {@code DescribeInstances}, SSM
 * {@code DescribeInstanceInformation}; for a running Linux instance SSM reports {@code Online}:
 * {@code DescribeKeyPairs} and {@code DescribeParameters} (never the parameter's value).
 * <b>Decide</b> ({@link SshKeyDecision}, no AWS call): compliant when the instance's tag
 * {@code remediate:ssh-key} names a key pair Remediate created for it whose private key is
 * stored; an instance SSM does not manage, a Windows, stopped or terminated instance gets an empty
 * plan whose skip says why and what the operator must do. <b>Steps</b>: {@code CreateKeyPair} and
 * {@code PutParameter} (one step, so the private key exists only inside it: if storing fails, the
 * new key pair is deleted again), {@code SendCommand} with {@code AWS-RunShellScript} then
 * {@code GetCommandInvocation} until done (bounded), {@code CreateTags}.
 *
 * <p>The private key is never printed, logged, put in a plan, a result or an exception. The
 * instance's {@code KeyName} attribute cannot change after launch and keeps naming the old key.
 */
@Value.Immutable
public abstract class ReplaceSshKey extends AbstractRemediation<ReplaceSshKey> {
  /** The catalog id. */
  public static final String ID = "ec2.replace-ssh-key";
  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.copyOf(new TreeSet<>(List.of(
      "ec2:DescribeInstances", "ssm:DescribeInstanceInformation", "ec2:DescribeKeyPairs",
      "ssm:DescribeParameters", "ec2:CreateKeyPair", "ec2:DeleteKeyPair", "ssm:PutParameter",
      "kms:Encrypt", "ssm:SendCommand", "ssm:GetCommandInvocation", "ec2:CreateTags")));
  /** The default login user (Amazon Linux). */
  public static final String DEFAULT_USER = "ec2-user";
  /** The default key type. */
  public static final String DEFAULT_KEY_TYPE = "ed25519";
  /** The parameter holding the private key unless another is named: this prefix, the instance id. */
  public static final String PARAMETER_PREFIX = "/remediate/ssh-keys/";
  static final String DOCUMENT = "AWS-RunShellScript";

  private static final SpecTable<ReplaceSshKey, Builder> SPEC =
      SpecTable.<ReplaceSshKey, Builder>of(ID)
          .start("instanceId", SpecKind.aws(AwsNames::instanceId), ReplaceSshKey::instanceId,
              ReplaceSshKey::forInstance)
          .required("keyName", SpecKind.text(), ReplaceSshKey::keyName, Builder::keyName)
          .required("keyType", SpecKind.text(), ReplaceSshKey::keyType, Builder::keyType)
          .required("parameterName", SpecKind.text(), ReplaceSshKey::parameterName,
              Builder::parameterName)
          .optional("kmsKey", SpecKind.aws(AwsNames::kmsKey), ReplaceSshKey::kmsKey,
              Builder::kmsKey)
          .required("user", SpecKind.text(), ReplaceSshKey::user, Builder::user)
          .build(Builder::build);

  ReplaceSshKey() {}

  /** @return the instance */
  abstract String instanceId();

  /** @return the new key pair's name */
  @Value.Default
  public String keyName() {
    return "remediate-" + instanceId() + "-"
        + LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE);
  }

  /** @return {@code ed25519} or {@code rsa} */
  @Value.Default
  String keyType() {
    return DEFAULT_KEY_TYPE;
  }

  /** @return the SecureString parameter that receives the private key */
  @Value.Default
  public String parameterName() {
    return PARAMETER_PREFIX + instanceId();
  }

  /** @return the parameter's KMS key, or null for the account's {@code aws/ssm} key */
  abstract @Nullable String kmsKey();

  /** @return the login user whose authorized keys are replaced */
  @Value.Default
  String user() {
    return DEFAULT_USER;
  }

  /**
   * Every check of the values, in one place.
   *
   * @throws InvalidRemediationException naming the bad value
   */
  @Value.Check
  final void check() {
    AwsNames.instanceId(instanceId());
    validKeyName(keyName());
    validKeyType(keyType());
    validParameterName(parameterName());
    String kmsKey = kmsKey();
    if (kmsKey != null) {
      AwsNames.kmsKey(kmsKey);
    }
    validUser(user());
  }

  static String validKeyName(@Nullable String value) {
    return check("keyName", value, "[A-Za-z0-9._-]{1,255}", "1-255 letters, digits, '.', '_' "
        + "and '-'");
  }

  static String validKeyType(@Nullable String value) {
    return check("keyType", value, "ed25519|rsa", "ed25519 or rsa");
  }

  static String validUser(@Nullable String value) {
    return check("user", value, "[a-z_][a-z0-9_.-]{0,31}", "a Linux user name such as ec2-user "
        + "or ubuntu");
  }

  static String validParameterName(@Nullable String value) {
    String name = check("parameterName", value, "/?[A-Za-z0-9_.\\-/]{1,1011}", "an SSM "
        + "parameter name such as /remediate/ssh-keys/i-0abc1234");
    if (name.toLowerCase(java.util.Locale.ROOT).matches("/?(aws|ssm).*")) {
      throw new InvalidRemediationException("parameterName '" + name + "' must not start with "
          + "aws or ssm (reserved by AWS)");
    }
    return name;
  }

  private static String check(String name, @Nullable String value, String pattern,
      String expected) {
    if (value == null || !value.matches(pattern)) {
      throw new InvalidRemediationException(name + " '" + value + "' is not " + expected);
    }
    return value;
  }

  /**
   * @param instanceId e.g. {@code i-0abc1234def567890}
   * @return a builder replacing that instance's key
   */
  public static Builder forInstance(String instanceId) {
    return new Builder(instanceId);
  }

  /** The description of the parameter holding a key pair's private key: how plans recognise it. */
  static String parameterDescription(String keyName) {
    return "Private key of EC2 key pair " + keyName + " (stored by Remediate " + ID + ")";
  }

  @Override
  protected SpecTable<ReplaceSshKey, ?> specTable() {
    return SPEC;
  }

  /**
   * @throws RemediationException when the instance is not found or the key pair name is taken
   */
  @Override
  public Plan plan(RemediationContext context) {
    SshKeyDecision.Outcome outcome = new SshKeyDecision(this, context.region(), context.account())
        .decide(SshKeyObserver.observe(instanceId(), keyName(), parameterName(), context));
    Plan.Builder plan = context.newPlan(this, "AWS::EC2::Instance", instanceId())
        .addAllSteps(outcome.steps()).addAllWarnings(outcome.warnings());
    if (outcome.skipReason() != null) {
      plan.addSkipped(Skip.of(instanceId(), outcome.skipReason()));
    }
    return plan.addAllIamActions(actions(outcome.steps())).build();
  }

  private Set<String> actions(List<Step> steps) {
    Set<String> actions = new TreeSet<>(List.of("ec2:DescribeInstances",
        "ssm:DescribeInstanceInformation"));
    if (steps.isEmpty()) {
      return Set.of();
    }
    actions.addAll(List.of("ec2:DescribeKeyPairs", "ssm:DescribeParameters"));
    for (Step s : steps) {
      switch (s.kind()) {
        case SshKeyDecision.CREATE_KEY -> {
          actions.addAll(List.of("ec2:CreateKeyPair", "ec2:DeleteKeyPair", "ssm:PutParameter"));
          if (kmsKey() != null) {
            actions.add("kms:Encrypt");
          }
        }
        case SshKeyDecision.SEND_COMMAND -> actions.addAll(List.of("ssm:SendCommand",
            "ssm:GetCommandInvocation"));
        default -> actions.add("ec2:" + s.kind());
      }
    }
    return actions;
  }

  // ---------------------------------------------------------------- steps

  @Override
  public void execute(Step step, RemediationContext context) {
    Ec2Client ec2 = SshKeyObserver.ec2(context);
    String keyName = step.parameter("keyName");
    switch (step.kind()) {
      case SshKeyDecision.DELETE_KEY -> deleteKeyPair(ec2, keyName);
      case SshKeyDecision.CREATE_KEY -> createAndStore(ec2, step, context);
      case SshKeyDecision.SEND_COMMAND -> new AuthorizedKeyCommand(SshKeyObserver.ssm(context),
          context).replace(step.parameter("instance"), step.parameter("user"), keyName,
          publicKey(ec2, keyName));
      case SshKeyDecision.TAG -> ec2.createTags(r -> r.resources(step.parameter("instance"))
          .tags(t -> t.key(SshKeyObserver.INSTANCE_TAG).value(keyName)));
      default -> throw new InvalidRemediationException(ID + " has no step " + step.kind());
    }
  }

  /**
   * Creates the key pair and stores its private key; the key material lives only in this method.
   * When storing fails, the new key pair is deleted (its private key is lost) and the failure
   * reported without the AWS message, which could echo the request.
   */
  private static void createAndStore(Ec2Client ec2, Step step, RemediationContext context) {
    String keyName = step.parameter("keyName");
    String parameter = step.parameter("parameterName");
    String kmsKey = step.parameters().get("kmsKey");
    String material = ec2.createKeyPair(r -> r.keyName(keyName).keyType(step.parameter("keyType"))
        .tagSpecifications(t -> t.resourceType(ResourceType.KEY_PAIR).tags(tag -> tag
            .key(SshKeyObserver.KEY_TAG).value(step.parameter("instance"))))).keyMaterial();
    SsmClient ssm = SshKeyObserver.ssm(context);
    try {
      ssm.putParameter(r -> r.name(parameter).type(ParameterType.SECURE_STRING).value(material)
          .overwrite(true).description(parameterDescription(keyName)).keyId(kmsKey));
    } catch (RuntimeException e) {
      String code = AwsErrors.code(e);
      String cleanup;
      try {
        deleteKeyPair(ec2, keyName);
        cleanup = "key pair " + keyName + " deleted again";
      } catch (RuntimeException d) {
        cleanup = "deleting key pair " + keyName + " failed too (" + AwsErrors.code(d)
            + "): the next plan deletes it";
      }
      throw new RemediationException("Storing the private key of " + keyName + " in "
          + parameter + " failed (PutParameter: " + code + ", HTTP " + AwsErrors.status(e)
          + "); " + cleanup + ". Apply again");
    }
  }

  private static void deleteKeyPair(Ec2Client ec2, String keyName) {
    try {
      ec2.deleteKeyPair(r -> r.keyName(keyName));
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "InvalidKeyPair.NotFound")) {
        throw e;
      }
    }
  }

  private static String publicKey(Ec2Client ec2, String keyName) {
    return ec2.describeKeyPairs(r -> r.keyNames(keyName).includePublicKey(true)).keyPairs()
        .stream().map(k -> k.publicKey()).filter(k -> k != null && !k.isBlank()).findFirst()
        .orElseThrow(() -> new RemediationException("DescribeKeyPairs gave no public key for "
            + keyName));
  }

  /** Builds {@link ReplaceSshKey}; {@link #build()} validates every value. */
  @SuppressWarnings("immutables:incompat") // not an extension of the generated builder: it wraps one
  public static final class Builder {
    private final ImmutableReplaceSshKey.Builder values = ImmutableReplaceSshKey.builder();

    private Builder(String instanceId) {
      values.instanceId(instanceId);
    }

    /**
     * @param name the new key pair's name (default {@code remediate-<instance>-<yyyymmdd>}, the
     *     date in UTC when the remediation is built)
     * @return this builder
     */
    public Builder keyName(String name) {
      values.keyName(name);
      return this;
    }

    /**
     * @param type {@code ed25519} (default) or {@code rsa}
     * @return this builder
     */
    public Builder keyType(String type) {
      values.keyType(type);
      return this;
    }

    /**
     * @param name the SecureString parameter receiving the private key (default
     *     {@value #PARAMETER_PREFIX} and the instance id); overwritten when it exists
     * @return this builder
     */
    public Builder parameterName(String name) {
      values.parameterName(name);
      return this;
    }

    /**
     * @param key the KMS key encrypting the parameter (default: the account's {@code aws/ssm})
     * @return this builder
     */
    public Builder kmsKey(@Nullable String key) {
      values.kmsKey(key);
      return this;
    }

    /**
     * @param user the login user whose authorized keys are replaced (default
     *     {@value #DEFAULT_USER}; {@code ubuntu}, {@code admin}, ... on other images)
     * @return this builder
     */
    public Builder user(String user) {
      values.user(user);
      return this;
    }

    /**
     * @return the remediation
     * @throws InvalidRemediationException naming the bad value
     */
    public ReplaceSshKey build() {
      return values.build();
    }
  }

  /** The catalog entry of {@link ReplaceSshKey}; reached with {@code --target i-...}. */
  public static final class Type extends AbstractRemediationType {
    static final Setting NAME = Setting.text("sshKey.name", "Name of the new key pair "
        + "(default remediate-<instance>-<yyyymmdd>, UTC)");
    static final Setting KEY_TYPE = new Setting("sshKey.type", Setting.Kind.TEXT, "Type of the "
        + "new key pair: ed25519 or rsa", Optional.of(DEFAULT_KEY_TYPE));
    static final Setting USER = new Setting("sshKey.user", Setting.Kind.TEXT, "Login user whose "
        + "authorized keys are replaced", Optional.of(DEFAULT_USER));
    static final Setting PARAMETER = Setting.text("sshKey.parameterName", "SecureString "
        + "parameter receiving the private key (default /remediate/ssh-keys/<instance-id>)");
    static final Setting KMS_KEY = Setting.text("sshKey.kmsKey", "KMS key encrypting that "
        + "parameter (default: the account's aws/ssm key)");

    /** Creates the type (service loader). */
    public Type() {
      super(ID, "Replaces the SSH key of an SSM-managed Linux instance (new key pair, private "
          + "key in a SecureString parameter, authorized keys replaced by Run Command)",
          List.of(), IAM_ACTIONS, EnumSet.noneOf(Flag.class));
      specTable(SPEC);
    }

    @Override
    public List<Setting> settings() {
      return List.of(NAME, KEY_TYPE, USER, PARAMETER, KMS_KEY);
    }

    /** An instance id: that instance, with the {@code sshKey.*} settings. */
    @Override
    public Optional<Remediation> forTarget(String resourceId, Map<String, String> settings) {
      if (!resourceId.startsWith("i-")) {
        return Optional.empty();
      }
      Builder b = forInstance(resourceId);
      NAME.valueIn(settings, ReplaceSshKey::validKeyName).ifPresent(b::keyName);
      KEY_TYPE.valueIn(settings, ReplaceSshKey::validKeyType).ifPresent(b::keyType);
      USER.valueIn(settings, ReplaceSshKey::validUser).ifPresent(b::user);
      PARAMETER.valueIn(settings, ReplaceSshKey::validParameterName).ifPresent(b::parameterName);
      KMS_KEY.valueIn(settings, AwsNames::kmsKey).ifPresent(b::kmsKey);
      return Optional.of(b.build());
    }
  }
}
