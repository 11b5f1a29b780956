package dev.remediate.ec2;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remediate.core.Remediation;
import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.EventKey;
import dev.remediate.core.event.EventRule;
import dev.remediate.core.event.EventRuleProvider;
import dev.remediate.core.aws.AwsNames;
import java.util.List;
import java.util.Set;

/**
 * Event rules of {@link RestrictDefaultSecurityGroup}: a {@code CreateVpc} record calls for locking
 * down the new VPC's default security group (AWS gives it a self-referencing allow-all ingress
 * rule and an allow-all egress rule). The VPC id comes from {@code responseElements.vpc.vpcId}.
 *
 * <pre>{@code
 * EventRouter router = EventRouter.builder()
 *     .rules(new DefaultSecurityGroupEventRules().rules())
 *     .build();
 * List<RoutedRemediation> todo = router.route(createVpcEvent); // the new VPC's default group
 * }</pre>
 */
public final class DefaultSecurityGroupEventRules implements EventRuleProvider {
  /** The id of the {@code CreateVpc} rule. */
  public static final String CREATE_VPC_RULE = "ec2.default-security-group.on-create-vpc";

  /** Creates the provider (used by {@link java.util.ServiceLoader}). */
  public DefaultSecurityGroupEventRules() {}

  @Override
  public List<EventRule> rules() {
    return List.of(new OnCreateVpc());
  }

  private static final class OnCreateVpc implements EventRule {
    @Override
    public String id() {
      return CREATE_VPC_RULE;
    }

    @Override
    public Set<EventKey> triggers() {
      return Set.of(EventKey.of("ec2.amazonaws.com", "CreateVpc"));
    }

    @Override
    public List<Remediation> remediationsFor(CloudTrailEvent event) {
      String vpcId = event.responseElements()
          .map(r -> r.path("vpc").path("vpcId"))
          .filter(JsonNode::isTextual)
          .map(JsonNode::asText)
          .orElse("");
      if (!AwsNames.isEc2Id("vpc", vpcId)) {
        return List.of();
      }
      return List.of(RestrictDefaultSecurityGroup.forVpc(vpcId));
    }
  }
}
