package dev.remediate.core;

import dev.remediate.core.plan.RemediationSpec;
import java.util.List;
import java.util.Set;

/**
 * Service-provider interface: describes one kind of remediation for the catalog and rebuilds it from
 * a {@link RemediationSpec}. Modules register implementations in
 * {@code META-INF/services/dev.remediate.core.RemediationType}.
 */
public interface RemediationType {
  /** @return the stable catalog id, e.g. {@code ec2.vpc-flow-logs} */
  String id();

  /** @return a one-line description */
  String description();

  /** @return controls satisfied, e.g. {@code FSBP EC2.6} */
  List<String> controls();

  /** @return every IAM action the remediation may need to plan and apply */
  Set<String> iamActions();

  /** @return flags its plans may carry */
  Set<dev.remediate.core.plan.Flag> flags();

  /**
   * Rebuilds a remediation.
   *
   * @param spec the spec, whose id is {@link #id()}
   * @return the remediation
   * @throws InvalidRemediationException when a parameter is missing or invalid
   */
  Remediation fromSpec(RemediationSpec spec);
}
