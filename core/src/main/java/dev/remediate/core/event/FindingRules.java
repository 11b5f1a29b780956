package dev.remediate.core.event;

import dev.remediate.core.RemediationType;
import dev.remediate.core.event.FindingRouter.Want;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The routing rules of {@link FindingRouter}, one method per finding source; no AWS call. */
final class FindingRules {
  static final String BLOCK_IP = "ec2.block-ip";
  static final String OPEN_PORTS = "ec2.security-group-open-ports";
  static final String QUARANTINE = "ec2.quarantine-instance";
  static final String REVOKE_SESSIONS = "iam.revoke-role-sessions";
  static final String DEACTIVATE_KEY = "iam.deactivate-access-key";
  static final String RESIZE = "ec2.resize-instance";
  private static final String EXFILTRATION =
      "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration";

  private FindingRules() {}

  static List<Want> wants(Finding finding, FindingRouter router, List<String> notes) {
    if (finding instanceof GuardDutyFinding g) {
      return guardDuty(g, notes);
    }
    if (finding instanceof SecurityHubFinding h) {
      return securityHub(h, router);
    }
    if (finding instanceof Signal s) {
      return signal(s, router.settings(), notes);
    }
    if (finding instanceof AlarmStateChange a) {
      return alarm(a);
    }
    return List.of();
  }

  /**
   * An EC2 {@code CPUUtilization} alarm that went into {@code ALARM}: a resize of its instance to
   * the type its {@code remediate:resize-to} tag names ({@code resize.instanceType=tag}; an
   * instance without the tag gets an empty plan saying so). Needs approval: a resize stops the
   * instance.
   */
  static List<Want> alarm(AlarmStateChange a) {
    String instance = a.dimensions().get("InstanceId");
    if (!a.isAlarm() || instance == null || !a.namespace().map("AWS/EC2"::equals).orElse(false)
        || !a.metricName().map("CPUUtilization"::equals).orElse(false)) {
      return List.of();
    }
    return List.of(new Want("cloudwatch.cpu-alarm.resize-to-tag", RESIZE, instance,
        Map.of("resize.instanceType", "tag"), true));
  }

  static List<Want> guardDuty(GuardDutyFinding f, List<String> notes) {
    String type = f.type();
    List<Want> wants = new ArrayList<>();
    if (type.equals("UnauthorizedAccess:EC2/SSHBruteForce")
        || type.equals("UnauthorizedAccess:EC2/RDPBruteForce")) {
      String rule = "guardduty.brute-force.block-ip";
      if (!f.resourceIsTarget()) {
        notes.add("the instance " + f.instanceId().orElse("?") + " is the actor of "
            + f.describe() + ": nothing blocked (quarantine it after review)");
      } else if (f.subnetIds().isEmpty() || f.remoteIps().isEmpty()) {
        notes.add(f.describe() + " names no subnet or no remote address: nothing to block");
      }
      for (String ip : f.resourceIsTarget() ? f.remoteIps() : List.<String>of()) {
        for (String subnet : f.subnetIds()) {
          wants.add(new Want(rule, BLOCK_IP, subnet, Map.of("blockIp.address", ip), false));
        }
      }
    } else if (type.startsWith(EXFILTRATION)) {
      Optional<String> target = f.userName().filter(n -> !f.userType().map("IAMUser"::equals)
          .orElse(false)).or(f::instanceId);
      target.ifPresentOrElse(t -> wants.add(new Want("guardduty.credential-exfiltration"
          + ".revoke-sessions", REVOKE_SESSIONS, t, Map.of(), true)),
          () -> notes.add(f.describe() + " names neither the role nor the instance"));
    } else if (type.equals("Recon:EC2/PortProbeUnprotectedPort")) {
      String ports = f.localPorts().stream().map(String::valueOf).collect(Collectors.joining(","));
      if (ports.isEmpty() || f.securityGroupIds().isEmpty()) {
        notes.add(f.describe() + " names no probed port or no security group");
      }
      for (String group : ports.isEmpty() ? List.<String>of() : f.securityGroupIds()) {
        wants.add(new Want("guardduty.port-probe.restrict-port", OPEN_PORTS, group,
            Map.of("securityGroups.ports", ports), false));
      }
    } else if (type.matches("(CryptoCurrency|Backdoor|Trojan):EC2/.*")) {
      f.instanceId().ifPresentOrElse(i -> wants.add(new Want("guardduty.compromised-instance"
          + ".quarantine", QUARANTINE, i, Map.of(), true)),
          () -> notes.add(f.describe() + " names no instance"));
    } else if (type.contains(":IAMUser/") && f.accessKeyId().isPresent()) {
      keyOrSessions(f, wants, notes);
    }
    return wants;
  }

  /** A long-term key is deactivated; a role's temporary key has its role's sessions revoked. */
  private static void keyOrSessions(GuardDutyFinding f, List<Want> wants, List<String> notes) {
    String key = f.accessKeyId().orElseThrow();
    String rule = "guardduty.iam-user.access-key";
    if (key.startsWith("AKIA")) {
      wants.add(new Want(rule, DEACTIVATE_KEY, key, Map.of(), true));
    } else if (f.userType().map("AssumedRole"::equals).orElse(false) && f.userName().isPresent()) {
      wants.add(new Want(rule, REVOKE_SESSIONS, f.userName().get(), Map.of(), true));
    } else {
      notes.add(f.describe() + ": access key " + key + " is not a long-term key (AKIA...) "
          + "of a user nor a role's: nothing to deactivate");
    }
  }

  static List<Want> securityHub(SecurityHubFinding f, FindingRouter router) {
    if (!f.isFailedControl()) {
      return List.of();
    }
    List<Want> wants = new ArrayList<>();
    String control = f.securityControlId().orElseThrow();
    String rule = "securityhub.control." + control;
    for (RemediationType type : router.typesFor(control)) {
      if (f.resources().isEmpty()) {
        wants.add(new Want(rule, type.id(), null, Map.of(), false));
      }
      for (SecurityHubFinding.Resource resource : f.resources()) {
        String target = resource.type().equals("AwsAccount") ? null
            : takes(type, resource.shortId(), router.settings()) || resource.vpcId().isEmpty()
                ? resource.shortId() : resource.vpcId().get();
        wants.add(new Want(rule, type.id(), target, Map.of(), false));
      }
    }
    return wants;
  }

  /** Whether a type has a form for this id (an invalid setting counts: resolving reports it). */
  private static boolean takes(RemediationType type, String id, Map<String, String> settings) {
    try {
      return type.forTarget(id, settings).isPresent();
    } catch (RuntimeException e) {
      return true;
    }
  }

  static List<Want> signal(Signal s, Map<String, String> settings, List<String> notes) {
    List<Want> wants = new ArrayList<>();
    if (s.dimension() == Signal.Dimension.SOURCE_IP) {
      List<String> places = SignalDetector.BLOCK_IN.valueIn(settings)
          .map(v -> List.of(v.split("\\s*,\\s*"))).orElse(List.of());
      if (places.isEmpty()) {
        notes.add(s.describe() + ": set " + SignalDetector.BLOCK_IN.key() + " (VPC or subnet "
            + "ids) to block it with " + BLOCK_IP);
      }
      for (String place : places) {
        wants.add(new Want("signals.source-ip.block-ip", BLOCK_IP, place,
            Map.of("blockIp.address", s.key()), false));
      }
    } else if (s.roleName().isPresent()) {
      wants.add(new Want("signals.principal.revoke-sessions", REVOKE_SESSIONS,
          s.roleName().get(), Map.of(), true));
    } else if (s.accessKeyId().isPresent()) {
      wants.add(new Want("signals.principal.deactivate-key", DEACTIVATE_KEY,
          s.accessKeyId().get(), Map.of(), true));
    } else {
      notes.add(s.describe() + ": no role session or long-term key to revoke; review the "
          + "principal");
    }
    return wants;
  }
}
