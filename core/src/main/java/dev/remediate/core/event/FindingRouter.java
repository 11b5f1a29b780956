package dev.remediate.core.event;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Routes findings to the catalog remediations they call for. Remediations are named by catalog id
 * and built with {@link RemediationType#forTarget} (or {@link RemediationType#forRegion} for
 * account-wide controls), so core does not depend on the remediation modules; a route to an id the
 * catalog lacks is reported as a note ("remediation X not installed"), never a failure.
 *
 * <table>
 *   <caption>Rules</caption>
 *   <tr><th>Finding</th><th>Remediation</th><th>Approval</th></tr>
 *   <tr><td>GuardDuty {@code UnauthorizedAccess:EC2/SSHBruteForce}, {@code .../RDPBruteForce}
 *       (instance is the target)</td><td>{@code ec2.block-ip}: the remote address in the network
 *       ACLs of the instance's subnets</td><td>no</td></tr>
 *   <tr><td>GuardDuty {@code UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS}
 *       and {@code .InsideAWS}</td><td>{@code iam.revoke-role-sessions} of the role (else of the
 *       instance's role)</td><td>yes</td></tr>
 *   <tr><td>GuardDuty {@code Recon:EC2/PortProbeUnprotectedPort}</td><td>{@code
 *       ec2.security-group-open-ports} for the probed ports on each of the instance's groups</td>
 *       <td>no</td></tr>
 *   <tr><td>GuardDuty {@code CryptoCurrency:EC2/*}, {@code Backdoor:EC2/*}, {@code Trojan:EC2/*}</td>
 *       <td>{@code ec2.quarantine-instance}</td><td>yes</td></tr>
 *   <tr><td>GuardDuty {@code *:IAMUser/*} with an access key</td><td>{@code
 *       iam.deactivate-access-key} for a long-term key ({@code AKIA}), {@code
 *       iam.revoke-role-sessions} for a role's temporary key</td><td>yes</td></tr>
 *   <tr><td>Security Hub control finding, compliance {@code FAILED}, active, not resolved or
 *       suppressed</td><td>every catalog type whose {@code controls()} list {@code FSBP <control>},
 *       for each resource of the finding</td><td>no</td></tr>
 *   <tr><td>{@link Signal} of a source address</td><td>{@code ec2.block-ip} in each VPC or subnet of
 *       {@code signals.blockIn}</td><td>no</td></tr>
 *   <tr><td>{@link Signal} of a principal</td><td>{@code iam.revoke-role-sessions} of its role, or
 *       {@code iam.deactivate-access-key} of its long-term key</td><td>yes</td></tr>
 * </table>
 *
 * <pre>{@code
 * FindingRouter router = FindingRouter.of(RemediationCatalog.load(), settings);
 * FindingRouter.Routing routing = router.route(finding);
 * routing.remediations().forEach(System.out::println);
 * routing.notes().forEach(System.err::println);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class FindingRouter {
  /** Control ids whose remediation may not be installed, so a missing one is named. */
  private static final Map<String, String> KNOWN_CONTROLS = Map.of("EC2.2",
      "ec2.default-security-group", "EC2.6", "ec2.vpc-flow-logs", "EC2.7",
      "ec2.ebs-encryption-by-default", "EC2.18", "ec2.security-group-open-ports", "EC2.19",
      "ec2.security-group-open-ports", "CloudTrail.1", "cloudtrail.trail", "Config.1",
      "config.recorder", "GuardDuty.1", "guardduty.detector");

  private final RemediationCatalog catalog;
  private final Map<String, String> settings;

  Map<String, String> settings() {
    return settings;
  }

  private FindingRouter(RemediationCatalog catalog, Map<String, String> settings) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.settings = Map.copyOf(settings);
  }

  /**
   * A router.
   *
   * @param catalog the remediations that can be routed to
   * @param settings scan settings by dotted key, passed to {@link RemediationType#forTarget}
   * @return the router
   */
  public static FindingRouter of(RemediationCatalog catalog, Map<String, String> settings) {
    return new FindingRouter(catalog, settings);
  }

  /**
   * What a finding calls for.
   *
   * @param remediations the remediations, each with the finding and the rule
   * @param notes what could not be routed and why (a remediation not installed or not
   *     configured, a finding without the resource a rule needs)
   */
  public record Routing(List<RoutedRemediation> remediations, List<String> notes) {
    /**
     * Creates a routing.
     *
     * @param remediations the remediations
     * @param notes the notes
     */
    public Routing {
      remediations = List.copyOf(remediations);
      notes = List.copyOf(notes);
    }
  }

  /** A remediation a rule wants: a catalog id, a target (null: region-wide), extra settings. */
  record Want(String ruleId, String id, @org.jspecify.annotations.Nullable String target,
      Map<String, String> extra,
      boolean approval) {}

  /**
   * Routes a finding.
   *
   * @param finding the finding
   * @return the remediations and notes; both empty when no rule applies
   */
  public Routing route(Finding finding) {
    List<String> notes = new ArrayList<>();
    List<Want> wants = FindingRules.wants(finding, this, notes);
    Map<Remediation, RoutedRemediation> found = new LinkedHashMap<>();
    for (Want want : wants) {
      resolve(want, finding, notes).ifPresent(r -> found.merge(r,
          new RoutedRemediation(r, finding, want.ruleId(), want.approval()),
          (first, later) -> later.needsApproval() && !first.needsApproval() ? later : first));
    }
    if (finding instanceof SecurityHubFinding hub && hub.isFailedControl()
        && wants.isEmpty() && notes.isEmpty()) {
      String control = hub.securityControlId().orElseThrow();
      notes.add(Optional.ofNullable(KNOWN_CONTROLS.get(control))
          .map(id -> "remediation " + id + " not installed (control " + control + ", "
              + finding.describe() + ")")
          .orElse("no catalog remediation satisfies control " + control + " ("
              + finding.describe() + ")"));
    }
    return new Routing(List.copyOf(found.values()), notes);
  }

  /** The installed catalog types that list {@code FSBP <control>}. */
  List<RemediationType> typesFor(String control) {
    return catalog.types().stream().filter(t -> t.controls().contains("FSBP " + control)).toList();
  }

  private Optional<Remediation> resolve(Want want, Finding finding, List<String> notes) {
    Optional<RemediationType> type = catalog.find(want.id());
    String where = " (rule " + want.ruleId() + ", " + finding.describe() + ")";
    if (type.isEmpty()) {
      notes.add("remediation " + want.id() + " not installed" + where);
      return Optional.empty();
    }
    Map<String, String> merged = new LinkedHashMap<>(settings);
    merged.putAll(want.extra());
    try {
      Optional<Remediation> remediation = want.target() == null
          ? type.get().forRegion(merged) : type.get().forTarget(want.target(), merged);
      if (remediation.isEmpty() && want.target() != null) {
        remediation = type.get().forRegion(merged);
        remediation.ifPresent(r -> notes.add(want.id() + " has no form for " + want.target()
            + " alone: its region-wide form covers it" + where));
      }
      if (remediation.isEmpty()) {
        notes.add(want.id() + (want.target() == null ? " is not configured"
            : " cannot target " + want.target() + " (or is not configured)") + where);
      }
      return remediation;
    } catch (InvalidRemediationException e) {
      notes.add(want.id() + " for " + want.target() + ": " + e.getMessage() + where);
      return Optional.empty();
    }
  }

  /** @return the catalog routed to */
  public RemediationCatalog catalog() {
    return catalog;
  }
}
