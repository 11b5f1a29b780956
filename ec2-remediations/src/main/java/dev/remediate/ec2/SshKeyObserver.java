package dev.remediate.ec2;

import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.KeyPairInfo;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.InstanceInformation;
import software.amazon.awssdk.services.ssm.model.ParameterMetadata;

/**
 * Every read {@link ReplaceSshKey} makes, into an {@link Observation}: {@code DescribeInstances}
 * of the instance, SSM's {@code DescribeInstanceInformation} filtered by its id; and, for a
 * running Linux instance that SSM manages, {@code DescribeKeyPairs} of the wanted key pair and of
 * the one the instance's tag names, and {@code DescribeParameters} of the parameter that holds
 * the private key (metadata only: the value is never read).
 */
final class SshKeyObserver {
  /** Tag on the instance naming the key pair Remediate put in its authorized keys. */
  static final String INSTANCE_TAG = "remediate:ssh-key";
  /** Tag on a key pair Remediate created, naming the instance it was made for. */
  static final String KEY_TAG = "remediate:instance";

  private SshKeyObserver() {}

  /**
   * The instance as the decision needs it.
   *
   * @param id the instance id
   * @param state e.g. {@code running}
   * @param windows whether EC2 reports it as a Windows instance
   * @param launchKeyName the key pair it was launched with (cannot change), or null
   * @param taggedKeyName the value of tag {@value #INSTANCE_TAG}, or null
   */
  record InstanceFacts(String id, String state, boolean windows, @Nullable String launchKeyName,
      @Nullable String taggedKeyName) {}

  /**
   * A key pair.
   *
   * @param name its name
   * @param createdFor the value of its tag {@value #KEY_TAG}, or null
   */
  record KeyPairFacts(String name, @Nullable String createdFor) {}

  /**
   * The parameter that holds a private key, without its value.
   *
   * @param name its name
   * @param type e.g. {@code SecureString}
   * @param description its description (names the key pair whose private key it holds), or null
   */
  record ParameterFacts(String name, String type, @Nullable String description) {}

  /**
   * What was read.
   *
   * @param instance the instance
   * @param pingStatus SSM's ping status ({@code Online}, {@code ConnectionLost}, {@code Inactive}),
   *     or null when SSM does not know the instance
   * @param ssmPlatform SSM's platform type ({@code Linux}, {@code Windows}, {@code MacOS}), or null
   * @param keyPairs the wanted key pair and the tagged one, those that exist
   * @param parameter the private key's parameter, or null when absent or not read
   */
  record Observation(InstanceFacts instance, @Nullable String pingStatus,
      @Nullable String ssmPlatform, List<KeyPairFacts> keyPairs,
      @Nullable ParameterFacts parameter) {
    Observation {
      keyPairs = List.copyOf(keyPairs);
    }

    /** @return whether the key pair of that name exists, or null */
    @Nullable KeyPairFacts keyPair(@Nullable String name) {
      return keyPairs.stream().filter(k -> k.name().equals(name)).findFirst().orElse(null);
    }

    /** @return a running instance SSM reports Online as Linux (or macOS), not Windows */
    boolean managedUnix() {
      return "running".equals(instance.state()) && !instance.windows()
          && "Online".equals(pingStatus) && !"Windows".equals(ssmPlatform);
    }
  }

  /**
   * @throws RemediationException when the instance is not found
   */
  static Observation observe(String instanceId, String keyName, String parameterName,
      RemediationContext context) {
    Ec2Client ec2 = ec2(context);
    Instance found = ResizeObserver.describe(ec2, instanceId).orElseThrow(() ->
        new RemediationException("Instance " + instanceId + " not found in " + context.region()));
    Map<String, String> tags = NetworkSupport.tags(found.tags());
    InstanceFacts instance = new InstanceFacts(instanceId, found.state() == null ? "unknown"
        : found.state().nameAsString(), "windows".equalsIgnoreCase(found.platformAsString()),
        found.keyName(), tags.get(INSTANCE_TAG));
    InstanceInformation info = ssm(context).describeInstanceInformation(r -> r.filters(f -> f
            .key("InstanceIds").values(instanceId))).instanceInformationList().stream()
        .filter(i -> instanceId.equals(i.instanceId())).findFirst().orElse(null);
    Observation partial = new Observation(instance, info == null ? null
        : info.pingStatusAsString(), info == null ? null : info.platformTypeAsString(), List.of(),
        null);
    if (!partial.managedUnix()) {
      return partial;
    }
    return new Observation(instance, partial.pingStatus(), partial.ssmPlatform(),
        keyPairs(ec2, keyName, instance.taggedKeyName()), parameter(context, parameterName));
  }

  private static List<KeyPairFacts> keyPairs(Ec2Client ec2, String wanted,
      @Nullable String tagged) {
    Set<String> names = new LinkedHashSet<>(List.of(wanted));
    if (tagged != null) {
      names.add(tagged);
    }
    List<KeyPairFacts> found = new ArrayList<>();
    for (KeyPairInfo k : ec2.describeKeyPairs(r -> r.filters(NetworkSupport.filter("key-name",
        names))).keyPairs()) {
      found.add(new KeyPairFacts(k.keyName(), NetworkSupport.tags(k.tags()).get(KEY_TAG)));
    }
    return found;
  }

  private static @Nullable ParameterFacts parameter(RemediationContext context, String name) {
    List<ParameterMetadata> found = ssm(context).describeParameters(r -> r.parameterFilters(f -> f
        .key("Name").option("Equals").values(name))).parameters();
    return found.stream().filter(p -> name.equals(p.name())).findFirst()
        .map(p -> new ParameterFacts(p.name(), p.typeAsString(), p.description())).orElse(null);
  }

  static Ec2Client ec2(RemediationContext context) {
    return context.scope().client(Ec2Client.class, Ec2Client::builder);
  }

  static SsmClient ssm(RemediationContext context) {
    return context.scope().client(SsmClient.class, SsmClient::builder);
  }
}
