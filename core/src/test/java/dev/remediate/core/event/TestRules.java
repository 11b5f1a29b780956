package dev.remediate.core.event;

import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Step;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Event rules and a remediation for router tests; also a provider found by ServiceLoader. */
public final class TestRules implements EventRuleProvider {
  static final EventKey CREATE_VPC = EventKey.of("ec2.amazonaws.com", "CreateVpc");

  /** A remediation that only names its target; never planned in these tests. */
  record LockDown(String vpcId) implements Remediation {
    @Override
    public String id() {
      return "test.lock-down";
    }

    @Override
    public RemediationSpec spec() {
      return RemediationSpec.of(id(), Map.of("vpcId", vpcId));
    }

    @Override
    public Plan plan(RemediationContext context) {
      throw new UnsupportedOperationException("test remediation");
    }

    @Override
    public void execute(Step step, RemediationContext context) {
      throw new UnsupportedOperationException("test remediation");
    }
  }

  /** On CreateVpc: lock down the new VPC, named in responseElements.vpc.vpcId. */
  static class LockDownNewVpc implements EventRule {
    private final String id;
    private final boolean approval;

    LockDownNewVpc(String id, boolean approval) {
      this.id = id;
      this.approval = approval;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public Set<EventKey> triggers() {
      return Set.of(CREATE_VPC);
    }

    @Override
    public List<Remediation> remediationsFor(CloudTrailEvent event) {
      return event.responseElements().map(r -> r.path("vpc").path("vpcId"))
          .filter(id -> id.isTextual())
          .<List<Remediation>>map(id -> List.of(new LockDown(id.asText())))
          .orElse(List.of());
    }

    @Override
    public boolean needsApproval() {
      return approval;
    }
  }

  @Override
  public List<EventRule> rules() {
    return List.of(new LockDownNewVpc("test.from-service-loader", false));
  }
}
