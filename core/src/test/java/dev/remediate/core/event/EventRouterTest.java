package dev.remediate.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationException;
import dev.remediate.core.event.TestRules.LockDown;
import dev.remediate.core.event.TestRules.LockDownNewVpc;
import dev.remediate.core.internal.Version;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EventRouterTest {
  private static final String VPC_RESPONSE = "{\"vpc\":{\"vpcId\":\"vpc-0abc\"}}";

  private static CloudTrailEvent createVpc() {
    return ResourceExtractorTest.event("ec2.amazonaws.com", "CreateVpc", "{\"cidrBlock\":\"10.0.0.0/16\"}",
        VPC_RESPONSE);
  }

  @Test
  void route_createVpc_remediationWithTriggerRuleAndScope() {
    EventRouter router = EventRouter.of(new LockDownNewVpc("lock", false));
    CloudTrailEvent event = createVpc();
    List<RoutedRemediation> routed = router.route(event);
    assertEquals(1, routed.size());
    RoutedRemediation r = routed.get(0);
    assertEquals(new LockDown("vpc-0abc"), r.remediation());
    assertSame(event, r.trigger());
    assertEquals("lock", r.ruleId());
    assertFalse(r.needsApproval());
    assertEquals("eu-west-1", r.region());
    assertEquals(Optional.of("111122223333"), r.account());
  }

  @Test
  void route_corpusCreateVpcRecords_onlySuccessfulOnesRouted() {
    EventRouter router = EventRouter.of(new LockDownNewVpc("lock", false));
    List<CloudTrailEvent> createVpcs = Corpus.all().stream()
        .filter(e -> e.key().equals(TestRules.CREATE_VPC)).collect(Collectors.toList());
    assertEquals(10, createVpcs.size());
    List<RoutedRemediation> routed = createVpcs.stream().flatMap(e -> router.route(e).stream())
        .collect(Collectors.toList());
    assertEquals(7, routed.size());
    assertTrue(routed.stream().allMatch(r -> ((CloudTrailEvent) r.trigger()).errorCode().isEmpty()));
    assertTrue(routed.contains(new RoutedRemediation(new LockDown("vpc-06fe1a64761a0f720"),
        Corpus.byId("f5e4b2d3-a4a2-4a78-b81f-9036f12b623e"), "lock", false)));
  }

  @Test
  void route_errorRecord_skippedUnlessIncluded() {
    CloudTrailEvent failed = CloudTrailEvent.builder().from(createVpc())
        .errorCode("Client.UnauthorizedOperation").build();
    LockDownNewVpc rule = new LockDownNewVpc("lock", false);
    assertEquals(List.of(), EventRouter.of(rule).route(failed));
    assertTrue(EventRouter.of(rule).skipped(failed));
    assertEquals(1, EventRouter.builder().rule(rule).includeErrors(true).build().route(failed).size());
  }

  @Test
  void route_readOnlyRecord_skippedUnlessIncluded() {
    CloudTrailEvent readOnly = CloudTrailEvent.builder().from(createVpc()).readOnly(true).build();
    LockDownNewVpc rule = new LockDownNewVpc("lock", false);
    assertEquals(List.of(), EventRouter.of(rule).route(readOnly));
    assertEquals(1, EventRouter.builder().rule(rule).includeReadOnly(true).build().route(readOnly).size());
    CloudTrailEvent notReadOnly = CloudTrailEvent.builder().from(createVpc()).readOnly(false).build();
    assertEquals(1, EventRouter.of(rule).route(notReadOnly).size());
  }

  @Test
  void route_recordOfRemediatesOwnCall_skippedUnlessIncluded() {
    String sdkAgent = "aws-sdk-java/2.40.2 Linux/6.1 OpenJDK_64-Bit_Server_VM/17 " + Version.userAgent();
    CloudTrailEvent own = CloudTrailEvent.builder().from(createVpc()).userAgent(sdkAgent).build();
    LockDownNewVpc rule = new LockDownNewVpc("lock", false);
    assertEquals(List.of(), EventRouter.of(rule).route(own));
    assertEquals(1, EventRouter.builder().rule(rule).includeOwnCalls(true).build().route(own).size());
    CloudTrailEvent someoneElse = CloudTrailEvent.builder().from(createVpc())
        .userAgent("aws-cli/2.15.0").build();
    assertEquals(1, EventRouter.of(rule).route(someoneElse).size());
  }

  @Test
  void route_twoRulesSameRemediation_onceAndNeedingApprovalIfAnyDoes() {
    EventRouter router = EventRouter.of(new LockDownNewVpc("a", false), new LockDownNewVpc("b", true));
    List<RoutedRemediation> routed = router.route(createVpc());
    assertEquals(1, routed.size());
    assertEquals("a", routed.get(0).ruleId());
    assertTrue(routed.get(0).needsApproval());
  }

  @Test
  void route_ruleReturnsNothing_noRemediation() {
    CloudTrailEvent noResponse = ResourceExtractorTest.event("ec2.amazonaws.com", "CreateVpc", "{}", null);
    assertEquals(List.of(), EventRouter.of(new LockDownNewVpc("lock", false)).route(noResponse));
  }

  @Test
  void route_otherEvent_noRemediation() {
    CloudTrailEvent other = ResourceExtractorTest.event("ec2.amazonaws.com", "CreateSubnet", "{}",
        VPC_RESPONSE);
    assertEquals(List.of(), EventRouter.of(new LockDownNewVpc("lock", false)).route(other));
  }

  @Test
  void route_ruleThrows_remediationExceptionNamingRuleAndRecord() {
    EventRule broken = new LockDownNewVpc("broken", false) {
      @Override
      public List<Remediation> remediationsFor(CloudTrailEvent event) {
        throw new IllegalStateException("boom");
      }
    };
    RemediationException e = assertThrows(RemediationException.class,
        () -> EventRouter.of(broken).route(createVpc()));
    assertTrue(e.getMessage().contains("'broken'") && e.getMessage().contains("id-CreateVpc"),
        e.getMessage());
  }

  @Test
  void build_duplicateRuleIds_rejectedNamingTheId() {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> EventRouter.of(new LockDownNewVpc("same", false), new LockDownNewVpc("same", true)));
    assertTrue(e.getMessage().contains("'same'"), e.getMessage());
  }

  @Test
  void build_ruleWithoutTriggers_rejected() {
    EventRule none = new LockDownNewVpc("none", false) {
      @Override
      public Set<EventKey> triggers() {
        return Set.of();
      }
    };
    assertThrows(InvalidRemediationException.class, () -> EventRouter.of(none));
  }

  @Test
  void load_serviceLoader_findsProviderRules() {
    EventRouter router = EventRouter.load();
    assertTrue(router.rules().stream().anyMatch(r -> r.id().equals("test.from-service-loader")),
        () -> router.rules().toString());
    assertEquals(List.of(new LockDown("vpc-0abc")),
        router.route(createVpc()).stream().map(RoutedRemediation::remediation).collect(Collectors.toList()));
  }

  @Test
  void route_envelopeWithoutRegion_routedToEnvelopeRegionAndAccount() {
    String detail = CloudTrailReaderTest.record("x").replace("\"awsRegion\":\"eu-west-1\",", "")
        .replace(",\"recipientAccountId\":\"111122223333\"", "");
    String envelope = "{\"detail-type\":\"AWS API Call via CloudTrail\",\"account\":\"444455556666\","
        + "\"region\":\"ap-south-1\",\"detail\":" + detail + "}";
    RoutedRemediation r = EventRouter.of(new LockDownNewVpc("lock", false))
        .route(CloudTrailReaderTest.read(envelope).get(0)).get(0);
    assertEquals("ap-south-1", r.region());
    assertEquals(Optional.of("444455556666"), r.account());
  }
}
