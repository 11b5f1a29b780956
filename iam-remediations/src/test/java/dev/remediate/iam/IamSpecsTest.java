package dev.remediate.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.plan.RemediationSpec;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Strict spec parsing and the {@code forTarget} contracts other helpers route through. */
class IamSpecsTest {
  private static final String KEY = "AKIAIOSFODNN7EXAMPLE";
  private final RemediationCatalog catalog = RemediationCatalog.load();

  private static String refused(String id, Map<String, String> parameters) {
    return assertThrows(InvalidRemediationException.class, () -> RemediationCatalog.load()
        .fromSpec(RemediationSpec.of(id, parameters))).getMessage();
  }

  @Test
  void typosInSpecs_areRefusedNamingTheParameterAndValue() {
    String bool = refused(QuarantineUser.ID, Map.of("userName", "eve",
        "deleteLoginProfile", "ture"));
    assertTrue(bool.contains("deleteLoginProfile") && bool.contains("ture"), bool);
    String minutes = refused(RevokeRoleSessions.ID, Map.of("roleName", "app",
        "recentMinutes", "ten"));
    assertTrue(minutes.contains("recentMinutes") && minutes.contains("ten"), minutes);
    String key = refused(DeactivateAccessKey.ID, Map.of("accessKeyId", "AKIA-typo"));
    assertTrue(key.contains("AKIA-typo"), key);
    String unknown = refused(ReleaseUser.ID, Map.of("userNmae", "eve"));
    assertTrue(unknown.contains("userNmae"), unknown);
    String both = refused(DeactivateAccessKey.ID, Map.of("accessKeyId", KEY, "userName", "x"));
    assertTrue(both.contains("exactly one"), both);
    String instance = refused(RevokeRoleSessions.ID, Map.of("instanceId", "i-xyz"));
    assertTrue(instance.contains("i-xyz"), instance);
  }

  @Test
  void forTarget_accessKeyOrUser_forDeactivation() {
    assertEquals(Optional.of(DeactivateAccessKey.forAccessKey(KEY)),
        catalog.require(DeactivateAccessKey.ID).forTarget(KEY, Map.of()));
    assertEquals(Optional.of(DeactivateAccessKey.forUser("alice")),
        catalog.require(DeactivateAccessKey.ID).forTarget("alice", Map.of()));
    assertEquals(Optional.empty(), catalog.require(DeactivateAccessKey.ID)
        .forTarget("arn:aws:iam::111122223333:user/alice", Map.of()));
    assertEquals(Optional.empty(), catalog.require(DeactivateAccessKey.ID)
        .forTarget("vpc-0abc1234", Map.of()));
  }

  @Test
  void forTarget_instanceOrRole_forRevocation_withItsSetting() {
    assertEquals(Optional.of(RevokeRoleSessions.forInstance("i-0abc1234def567890").build()),
        catalog.require(RevokeRoleSessions.ID).forTarget("i-0abc1234def567890", Map.of()));
    assertEquals(Optional.of(RevokeRoleSessions.forRole("app").recentMinutes(5).build()),
        catalog.require(RevokeRoleSessions.ID).forTarget("app",
            Map.of("revokeSessions.recentMinutes", "5")));
    assertEquals(Optional.empty(), catalog.require(RevokeRoleSessions.ID).forTarget(KEY,
        Map.of()));
    String bad = assertThrows(InvalidRemediationException.class, () -> catalog
        .require(RevokeRoleSessions.ID).forTarget("app",
            Map.of("revokeSessions.recentMinutes", "soon"))).getMessage();
    assertTrue(bad.contains("revokeSessions.recentMinutes") && bad.contains("soon"), bad);
  }

  @Test
  void build_refusesBadValues_namingThem() {
    String minutes = assertThrows(InvalidRemediationException.class,
        () -> RevokeRoleSessions.forRole("app").recentMinutes(1441).build()).getMessage();
    assertTrue(minutes.contains("recentMinutes 1441"), minutes);
    String role = assertThrows(InvalidRemediationException.class,
        () -> RevokeRoleSessions.forRole("bad role!").build()).getMessage();
    assertTrue(role.contains("'bad role!'"), role);
    String user = assertThrows(InvalidRemediationException.class,
        () -> QuarantineUser.of("bad name!").build()).getMessage();
    assertTrue(user.contains("'bad name!'"), user);
  }

  @Test
  void everyForm_roundTripsThroughItsSpec() {
    for (var r : java.util.List.of(DeactivateAccessKey.forAccessKey(KEY),
        DeactivateAccessKey.forUser("alice"), ReactivateAccessKey.forUser("alice"),
        RevokeRoleSessions.forRole("app").build(),
        RevokeRoleSessions.forInstance("i-0abc1234").recentMinutes(30).build(),
        QuarantineUser.of("eve").deleteLoginProfile().build(), ReleaseUser.of("eve"))) {
      assertEquals(r, catalog.fromSpec(r.spec()), r.toString());
    }
  }
}
