package dev.remediate.core;

import dev.remediate.core.plan.RemediationSpec;
import java.util.List;
import java.util.Set;

/**
 * Service-provider interface: describes one kind of remediation for the catalog and rebuilds it from
 * a {@link RemediationSpec}. Modules register implementations in
 * {@code META-INF/services/dev.remediate.core.RemediationType}.
 *
 * <pre>{@code
 * RemediationType type = RemediationCatalog.load().require("ec2.vpc-flow-logs");
 * System.out.println(type.description() + " " + type.controls() + " " + type.iamActions());
 * Optional<Remediation> everyVpc =
 *     type.forRegion(Map.of("flowLogs.s3Bucket", "example-flow-logs"));
 * }</pre>
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

  /**
   * The incident-response actions among {@link #iamActions()}: IAM writes on arbitrary users and
   * roles (deactivate a key, put a deny policy on a role, restore an instance profile's role) that
   * no name prefix can scope. The generated policy puts them in a statement of their own (the
   * "responder" statement, or a separate role), never beside the scoped ones; see
   * {@link dev.remediate.core.policy.LeastPrivilegePolicy}.
   *
   * @return the marked actions, each also in {@link #iamActions()}; empty by default
   */
  default Set<String> responderActions() {
    return Set.of();
  }

  /**
   * The AWS services that assume the roles this type creates, passes ({@code iam:PassRole}) or
   * links ({@code iam:CreateServiceLinkedRole}), e.g. {@code vpc-flow-logs.amazonaws.com}: the
   * values of the {@code iam:PassedToService} and {@code iam:AWSServiceName} conditions of the
   * generated policy.
   *
   * @return service principals; empty by default
   */
  default Set<String> roleServices() {
    return Set.of();
  }

  /** @return flags its plans may carry */
  Set<dev.remediate.core.plan.Flag> flags();

  /**
   * The scan settings this type reads in {@link #forRegion} and {@link #forTarget}, declared once:
   * the command-line tool's known keys, its help, the docs and the validation of configuration
   * files come from here.
   *
   * @return the settings; empty by default
   */
  default java.util.List<Setting> settings() {
    return java.util.List.of();
  }

  /**
   * Rebuilds a remediation.
   *
   * @param spec the spec, whose id is {@link #id()}
   * @return the remediation
   * @throws InvalidRemediationException when a parameter is missing or invalid
   */
  Remediation fromSpec(RemediationSpec spec);

  /**
   * The remediation a region-wide scan runs for this type (e.g. flow logs for every VPC of the
   * region), built from scan settings; empty when a setting it needs is missing (the scan then
   * reports the type as not configured) or when the type has no region-wide form.
   *
   * <p>Settings use the keys of the command-line tool's configuration file, flattened with dots:
   * {@code flowLogs.s3Bucket}, {@code flowLogs.prefix}, {@code flowLogs.trafficType},
   * {@code flowLogs.logGroup}, {@code securityGroups.ports}, {@code securityGroups.allowedSources},
   * {@code encryption.kmsKey}, {@code trail.s3Bucket}, {@code trail.name}, {@code trail.kmsKey},
   * {@code trail.cloudWatchLogs}, {@code config.s3Bucket}, {@code alarms.snsTopic}; list values are
   * comma-separated.
   *
   * @param settings scan settings by dotted key
   * @return the region-wide remediation, if this type has one and the settings suffice
   */
  default java.util.Optional<Remediation> forRegion(java.util.Map<String, String> settings) {
    return java.util.Optional.empty();
  }

  /**
   * The remediation of one chosen resource, built from its id and scan settings: how
   * remediations that only make sense for a chosen resource (block an address, quarantine an
   * instance) are reached from a scan's {@code --target}.
   *
   * @param resourceId the resource, e.g. an instance id
   * @param settings scan settings by dotted key
   * @return the remediation, or empty when this type has no such form or the id is not its kind
   * @throws InvalidRemediationException when the id is of its kind but a setting is invalid
   */
  default java.util.Optional<Remediation> forTarget(String resourceId,
      java.util.Map<String, String> settings) {
    return java.util.Optional.empty();
  }

  /**
   * Rebuilds the remediations of several targets, combined where one observation can cover many
   * (e.g. one {@code DescribeFlowLogs} for many VPCs). Apply uses it to observe the targets of a
   * saved plan set again with as few calls as planning made. The returned remediations'
   * {@link Remediation#planEach} must plan every given target (and may plan more, which apply
   * ignores). The default rebuilds each spec alone.
   *
   * @param specs specs of this type, each from a plan of one target
   * @return remediations covering them
   */
  default java.util.List<Remediation> forTargets(java.util.List<RemediationSpec> specs) {
    return specs.stream().map(this::fromSpec).toList();
  }

  /**
   * The remediations apply observes to compare reviewed targets of this type with the account
   * now. The default observes the reviewed targets alone ({@link #forTargets}). A type whose
   * region-wide forms select targets (every security group, every running instance with a tag)
   * returns the forms the plan set was scanned with
   * ({@link AbstractRemediationType#observeAsScanned}), so that apply also sees targets found
   * since the scan and reports them as not reviewed. A form that resolves something relative to
   * the current state (the next instance size) must not: observed after the change, it would
   * plan another.
   *
   * @param reviewed specs of this type, each from a reviewed plan of one target
   * @param scanned the plan set's {@linkplain dev.remediate.core.plan.PlanSet#scanned() scanned}
   *     specs of this type; empty when it records none
   * @return remediations whose plans cover the reviewed targets that still exist
   */
  default java.util.List<Remediation> observeAgain(java.util.List<RemediationSpec> reviewed,
      java.util.List<RemediationSpec> scanned) {
    return forTargets(reviewed);
  }

  /**
   * The remediations apply observes for reviewed targets that {@link #observeAgain}, given the
   * plan set's scanned forms, did not find. The default is none: a type observed target by
   * target has read them by id already, so one not found is gone (the plan is refused as stale),
   * and reading it again would be a needless call. A type whose forms select by tag or state
   * returns them observed on their own ({@link #forTargets}): a form that selects by tag no
   * longer finds a target whose tag was removed, which still exists
   * ({@link AbstractRemediationType#observeAsScanned}).
   *
   * @param missing specs of reviewed plans of this type whose target was not found
   * @return remediations whose plans cover those that still exist
   */
  default java.util.List<Remediation> observeMissing(java.util.List<RemediationSpec> missing) {
    return java.util.List.of();
  }
}
