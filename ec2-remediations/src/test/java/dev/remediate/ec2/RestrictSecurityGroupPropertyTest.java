package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Property: over generated rule sets, every change RestrictSecurityGroup plans removes a rule or
 * adds one that is narrower than a rule it removes; no probe (group, protocol, port, address) is
 * allowed afterwards that was not allowed before; rules that are not offending are never touched;
 * and no offending rule is left.
 */
class RestrictSecurityGroupPropertyTest {
  private static final long SEED = 20261127L;
  private static final int RUNS = 400;
  private static final String[] PROTOCOLS = {"tcp", "udp", "-1", "icmp", "sctp"};
  private static final String[] V4 = {"0.0.0.0/0", "10.0.0.0/8", "192.168.1.0/24", "203.0.113.7/32",
      "172.16.0.0/12"};
  private static final String[] V6 = {"::/0", "2001:db8::/32", "fd00::/8"};
  private static final String[] REPLACEMENTS = {"10.0.0.0/8", "198.51.100.0/24", "2001:db8::/32",
      "203.0.113.9/32"};

  @Test
  void decide_generatedRuleSets_neverWidensAccess() {
    Random random = new Random(SEED);
    int changes = 0;
    int authorizations = 0;
    for (int run = 0; run < RUNS; run++) {
      RestrictSecurityGroup remediation = randomRemediation(random);
      List<GroupRule> before = randomRules(random);
      List<OpenPortsDecision.Change> planned = remediation.decide(before);
      changes += planned.size();

      List<GroupRule> after = new ArrayList<>(before);
      Set<String> revokedIds = new HashSet<>();
      for (OpenPortsDecision.Change change : planned) {
        if (change.authorize()) {
          authorizations++;
          GroupRule added = change.rule();
          GroupRule replaced = before.stream().filter(r -> r.id().equals(change.replaces()))
              .findFirst().orElseThrow();
          assertTrue(narrower(added, replaced), "run " + run + ": " + added.describe()
              + " is not narrower than " + replaced.describe());
          assertTrue(planned.stream().anyMatch(c -> !c.authorize()
              && c.rule().id().equals(replaced.id())), "a replacement comes with a revocation");
          after.add(added);
        } else {
          assertTrue(remediation.isOffending(change.rule()), "run " + run
              + ": revoked a rule that was not offending: " + change.rule().describe());
          revokedIds.add(change.rule().id());
        }
      }
      Set<String> revokedGroups = new HashSet<>();
      for (OpenPortsDecision.Change change : planned) {
        if (!change.authorize()) {
          revokedGroups.add(change.rule().groupId());
        } else {
          assertFalse(revokedGroups.contains(change.rule().groupId()), "run " + run
              + ": a revocation of " + change.rule().groupId() + " precedes a replacement");
        }
      }
      after.removeIf(r -> revokedIds.contains(r.id()));
      for (GroupRule rule : after) {
        assertFalse(remediation.isOffending(rule), "run " + run + ": left " + rule.describe());
      }
      for (GroupRule rule : before) {
        if (!remediation.isOffending(rule)) {
          assertTrue(after.contains(rule), "run " + run + ": touched " + rule.describe());
        }
      }
      for (int probe = 0; probe < 200; probe++) {
        String group = "sg-" + random.nextInt(3);
        String protocol = PROTOCOLS[random.nextInt(3)];
        int port = random.nextInt(10) == 0 ? random.nextInt(65536)
            : List.copyOf(RestrictSecurityGroup.DEFAULT_PORTS).get(random.nextInt(24));
        String address = random.nextBoolean() ? "10." + random.nextInt(256) + ".1.2"
            : random.nextBoolean() ? "203.0.113." + random.nextInt(256) : "2001:db8::"
                + Integer.toHexString(random.nextInt(65536));
        if (allows(after, group, protocol, port, address)) {
          assertTrue(allows(before, group, protocol, port, address), "run " + run
              + ": widened access to " + group + " " + protocol + " " + port + " from " + address);
        }
      }
    }
    assertTrue(changes > RUNS / 2, "the generator must produce offending rules, got " + changes);
    assertTrue(authorizations > RUNS / 10, "and replacements, got " + authorizations);
  }

  @Test
  void decide_replacementAlreadyPresent_isNotAuthorizedAgain() {
    RestrictSecurityGroup remediation = RestrictSecurityGroup.forEveryGroup()
        .replaceWith("10.0.0.0/8").build();
    List<GroupRule> rules = List.of(
        new GroupRule("sgr-1", "sg-1", false, "tcp", 22, 22, "0.0.0.0/0", null, null, null),
        new GroupRule("sgr-2", "sg-1", false, "tcp", 22, 22, "10.0.0.0/8", null, null, null));
    List<OpenPortsDecision.Change> changes = remediation.decide(rules);
    assertEquals(1, changes.size());
    assertFalse(changes.get(0).authorize());
  }

  private static RestrictSecurityGroup randomRemediation(Random random) {
    RestrictSecurityGroup.Builder b = RestrictSecurityGroup.forEveryGroup();
    switch (random.nextInt(3)) {
      case 0 -> { }
      case 1 -> b.ports(22, 3389, 1 + random.nextInt(65535));
      default -> b.allPortsExcept(80, 443);
    }
    List<String> replacements = new ArrayList<>();
    for (String r : REPLACEMENTS) {
      if (random.nextBoolean()) {
        replacements.add(r);
      }
    }
    return b.replaceWith(replacements).build();
  }

  private static List<GroupRule> randomRules(Random random) {
    List<GroupRule> rules = new ArrayList<>();
    int count = random.nextInt(12);
    for (int i = 0; i < count; i++) {
      String protocol = PROTOCOLS[random.nextInt(PROTOCOLS.length)];
      int from = 0;
      int to = 65535;
      if (GroupRule.hasPorts(protocol)) {
        from = random.nextBoolean() ? List.of(22, 80, 443, 3389, 8080, 0, 1024).get(random.nextInt(7))
            : random.nextInt(65536);
        to = random.nextInt(4) == 0 ? Math.min(65535, from + random.nextInt(10000)) : from;
      } else if (!"-1".equals(protocol)) {
        from = 8;
        to = -1;
      }
      String v4 = null;
      String v6 = null;
      String prefixList = null;
      String groupRef = null;
      switch (random.nextInt(6)) {
        case 0, 1, 2 -> v4 = V4[random.nextInt(V4.length)];
        case 3 -> v6 = V6[random.nextInt(V6.length)];
        case 4 -> prefixList = "pl-0123";
        default -> groupRef = "sg-9";
      }
      rules.add(new GroupRule("sgr-" + i, "sg-" + random.nextInt(3), random.nextInt(8) == 0,
          protocol, from, to, v4, v6, prefixList, groupRef));
    }
    return rules;
  }

  private static boolean narrower(GroupRule added, GroupRule replaced) {
    return added.groupId().equals(replaced.groupId()) && !added.egress()
        && added.protocol().equals(replaced.protocol())
        && added.fromPort() >= replaced.fromPort() && added.toPort() <= replaced.toPort()
        && added.prefixListId() == null && added.referencedGroupId() == null
        && contains(replaced.source(), added.source());
  }

  private static boolean allows(List<GroupRule> rules, String group, String protocol, int port,
      String address) {
    for (GroupRule r : rules) {
      if (r.egress() || !r.groupId().equals(group) || r.prefixListId() != null
          || r.referencedGroupId() != null) {
        continue;
      }
      boolean protocolOk = r.allTraffic() || (r.protocol().equals(protocol)
          && GroupRule.hasPorts(protocol) && r.fromPort() <= port && port <= r.toPort());
      if (protocolOk && contains(r.source(), address.contains("/") ? address
          : address + (address.contains(":") ? "/128" : "/32"))) {
        return true;
      }
    }
    return false;
  }

  /** @return true when CIDR {@code inner} lies inside CIDR {@code outer} */
  static boolean contains(String outer, String inner) {
    try {
      String[] o = outer.split("/");
      String[] i = inner.split("/");
      byte[] ob = InetAddress.getByName(o[0]).getAddress();
      byte[] ib = InetAddress.getByName(i[0]).getAddress();
      if (ob.length != ib.length) {
        return false;
      }
      int op = Integer.parseInt(o[1]);
      int ip = Integer.parseInt(i[1]);
      if (ip < op) {
        return false;
      }
      int bits = ob.length * 8;
      BigInteger mask = op == 0 ? BigInteger.ZERO
          : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
              .shiftRight(bits - op).shiftLeft(bits - op);
      return new BigInteger(1, ob).and(mask).equals(new BigInteger(1, ib).and(mask));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(outer + " / " + inner, e);
    }
  }
}
