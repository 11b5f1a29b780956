package dev.remediate.ec2;

import dev.remediate.core.aws.AwsErrors;
import static dev.remediate.ec2.NetworkSupport.splitCsv;

import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.aws.AwsNames;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.plan.Step;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.immutables.value.Value;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * Undoes {@link QuarantineInstance}: puts every network interface back into the groups recorded in
 * the instance's {@code remediate:quarantine:<eni>} tags, re-attaches the recorded instance profile,
 * then removes those tags. An instance without such tags is not quarantined: the plan is empty.
 *
 * <pre>{@code
 * remediator.apply(remediator.plan(ReleaseQuarantine.of("i-0abc1234")));
 * }</pre>
 *
 * <p>The isolation group is kept for later quarantines in the same VPC.
 */
@Value.Immutable
public abstract class ReleaseQuarantine extends AbstractRemediation<ReleaseQuarantine> {
  /** The catalog id. */
  public static final String ID = "ec2.release-quarantine";
  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.of("ec2:DescribeInstances",
      "ec2:DescribeNetworkInterfaces",
      "ec2:ModifyNetworkInterfaceAttribute", "ec2:DescribeIamInstanceProfileAssociations",
      "ec2:AssociateIamInstanceProfile", "iam:PassRole", "ec2:DeleteTags");

  private static final SpecTable<ReleaseQuarantine, ReleaseQuarantine> SPEC =
      SpecTable.<ReleaseQuarantine, ReleaseQuarantine>of(ID)
          .start("instance", SpecKind.aws(AwsNames::instanceId), ReleaseQuarantine::instanceId,
              ReleaseQuarantine::of)
          .build(r -> r);

  ReleaseQuarantine() {}

  /** @return the instance released */
  abstract String instanceId();

  /**
   * Checks the value: the instance id.
   *
   * @throws dev.remediate.core.InvalidRemediationException naming the bad id
   */
  @Value.Check
  final void check() {
    AwsNames.instanceId(instanceId());
  }

  /**
   * Releases one instance.
   *
   * @param instanceId e.g. {@code i-0abc1234}
   * @return the remediation
   * @throws dev.remediate.core.InvalidRemediationException when the id is malformed
   */
  public static ReleaseQuarantine of(String instanceId) {
    return ImmutableReleaseQuarantine.builder().instanceId(instanceId).build();
  }

  @Override
  protected SpecTable<ReleaseQuarantine, ?> specTable() {
    return SPEC;
  }

  /** Observes the instance ({@link QuarantineObserver}) and decides ({@link QuarantineDecision}). */
  @Override
  public Plan plan(RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    Instance instance = QuarantineObserver.describeInstance(ec2, instanceId());
    Plan.Builder plan = context.newPlan(this, "AWS::EC2::Instance", instanceId());
    QuarantineDecision.release(QuarantineObserver.forRelease(ec2, instance), plan);
    return plan.addIamActions("ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces").build();
  }

  @Override
  public void execute(Step step, RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    switch (step.kind()) {
      case "ModifyNetworkInterfaceAttribute" -> ec2.modifyNetworkInterfaceAttribute(r -> r
          .networkInterfaceId(step.resource()).groups(splitCsv(step.parameter("groups"))));
      case "AssociateIamInstanceProfile" -> associate(ec2, step.parameter("profile"));
      case "DeleteTags" -> ec2.deleteTags(r -> r.resources(instanceId()).tags(step.parameters()
          .keySet().stream().filter(k -> k.startsWith("tag:"))
          .map(k -> software.amazon.awssdk.services.ec2.model.Tag.builder().key(k.substring(4))
              .build()).toList()));
      default -> throw new RemediationException("ReleaseQuarantine has no step " + step.kind());
    }
  }

  private void associate(Ec2Client ec2, String profileArn) {
    try {
      ec2.associateIamInstanceProfile(r -> r.instanceId(instanceId())
          .iamInstanceProfile(p -> p.arn(profileArn)));
    } catch (AwsServiceException e) {
      if (!AwsErrors.is(e, "IncorrectState")) {
        throw e;
      }
    }
  }

  /** The catalog entry of {@link ReleaseQuarantine}. */
  public static final class Type extends AbstractRemediationType {
    /** Creates the type (service loader). */
    public Type() {
      super(ID, "Undo a quarantine: restore each interface's recorded groups and instance profile",
          List.of(), IAM_ACTIONS, EnumSet.noneOf(Flag.class));
      specTable(SPEC);
      // iam:PassRole passes an instance profile's role (any role) to EC2: no prefix can scope it
      responderActions("iam:PassRole");
      roleServices("ec2.amazonaws.com");
    }


    /** An instance id; no setting. */
    @Override
    public Optional<Remediation> forTarget(String resourceId, Map<String, String> settings) {
      return resourceId.startsWith("i-") ? Optional.of(of(AwsNames.instanceId(resourceId)))
          : Optional.empty();
    }
  }
}
