package dev.remediate.examples.docs;

import dev.remediate.lambda.EventForwardingTemplate;
import dev.remediate.lambda.FleetTemplate;
import dev.remediate.lambda.LambdaTemplate;
import dev.remediate.core.policy.MemberRoleTemplate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationType;
import dev.remediate.core.event.EventRouter;
import dev.remediate.core.policy.LeastPrivilegePolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The generated files in the repository match the code. */
class GeneratedDocsTest {
  private static final String REGENERATE = " is out of date with the code. Regenerate it from the "
      + "repository root: REMEDIATE_MAIN=dev.remediate.examples.docs.GenerateDocs ./remediate";
  private static final Path ROOT = Path.of("..");
  /** The stable ids of issue 7 and the companions that undo two of them. */
  private static final Set<String> EXPECTED_IDS = new TreeSet<>(List.of("ec2.vpc-flow-logs",
      "ec2.default-security-group", "ec2.security-group-open-ports",
      "ec2.ebs-encryption-by-default", "ec2.encrypt-volumes", "ec2.outdated-ami", "ec2.block-ip",
      "ec2.quarantine-instance", "cloudtrail.trail", "config.recorder", "cloudwatch.cis-alarms",
      "ec2.cpu-alarm", "ec2.resize-instance", "iam.deactivate-access-key",
      "iam.revoke-role-sessions", "iam.quarantine-user", "guardduty.detector",
      "ec2.replace-ssh-key",
      // companions
      "ec2.unblock-ip", "ec2.release-quarantine", "iam.reactivate-access-key",
      "iam.release-user"));

  @Test
  void catalogMarkdown_matchesTheCode() throws Exception {
    String expected = CatalogMarkdown.render(RemediationCatalog.load());
    assertEquals(expected, Files.readString(ROOT.resolve(GenerateDocs.CATALOG)),
        GenerateDocs.CATALOG + REGENERATE);
  }

  @Test
  void readme_catalogSectionMatchesTheCode() throws Exception {
    String readme = Files.readString(ROOT.resolve(GenerateDocs.README));
    assertEquals(CatalogMarkdown.spliceReadme(readme, RemediationCatalog.load()), readme,
        GenerateDocs.README + " catalog section" + REGENERATE);
  }

  @Test
  void catalogMarkdown_hasARowPerTypeWithItsActions() {
    RemediationCatalog catalog = RemediationCatalog.load();
    String markdown = CatalogMarkdown.render(catalog);
    assertEquals(EXPECTED_IDS, catalog.types().stream().map(RemediationType::id)
        .collect(Collectors.toCollection(TreeSet::new)),
        "the catalog the docs are made from: the stable ids and their companions, no more");
    assertEquals(EXPECTED_IDS.size(), catalog.types().size(), "each id once");
    for (RemediationType type : catalog.types()) {
      String row = markdown.lines().filter(l -> l.startsWith("| [`" + type.id() + "`]"))
          .findFirst().orElseThrow(() -> new AssertionError("no row for " + type.id()));
      type.iamActions().forEach(a -> assertTrue(row.contains("`" + a + "`"), row));
      type.controls().forEach(c -> assertTrue(row.contains(c), row));
    }
  }

  @Test
  void lambdaTemplate_matchesTheCode() throws Exception {
    String expected = LambdaTemplate.render(RemediationCatalog.load(),
        EventRouter.load(LambdaTemplate.EVERY_RULE));
    assertEquals(expected, Files.readString(ROOT.resolve(GenerateDocs.TEMPLATE)),
        GenerateDocs.TEMPLATE + REGENERATE);
  }

  @Test
  void lambdaTemplate_isYamlWithTheCatalogActionsAndTheRouterEvents() throws Exception {
    RemediationCatalog catalog = RemediationCatalog.load();
    EventRouter router = EventRouter.load(LambdaTemplate.EVERY_RULE);
    JsonNode template = new ObjectMapper(new YAMLFactory()).readTree(
        LambdaTemplate.render(catalog, router).replace("!Ref ", "").replace("!GetAtt ", "")
            .replace("!Sub ", ""));
    JsonNode function = template.path("Resources").path("RemediateFunction").path("Properties");
    assertEquals(LambdaTemplate.HANDLER, function.path("Handler").asText());
    TreeSet<String> actions = new TreeSet<>();
    JsonNode statements = function.path("Policies").get(0).path("Statement");
    for (JsonNode statement : statements) {
      if (statement.path("Sid").asText().equals("RemediatePlanSets")) {
        // the plan sets of fleet.yaml's runs, in the bucket the PlansBucket parameter names
        assertEquals("arn:${AWS::Partition}:s3:::${PlansBucket}/*",
            statement.path("Resource").asText());
        continue;
      }
      addActions(statement, actions);
    }
    assertEquals(nonResponderActions(catalog), actions,
        "the function holds every non-responder action");
    assertEquals("MemberRoleName", function.path("Environment").path("Variables")
        .path("REMEDIATE_MEMBER_ROLE").asText(), "events of member accounts act through it");
    assertTrue(statements.findValuesAsText("Action").contains("sts:AssumeRole"));
    assertEquals("SQS", function.path("EventInvokeConfig").path("DestinationConfig")
        .path("OnFailure").path("Type").asText(), "failed events are kept, not lost");
    assertEquals("RemediateFailures.Arn", function.path("EventInvokeConfig")
        .path("DestinationConfig").path("OnFailure").path("Destination").asText());
    assertEquals("AWS::SQS::Queue", template.path("Resources").path("RemediateFailures")
        .path("Type").asText());
    assertEquals("PublishedVersions", function.path("SnapStart").path("ApplyOn").asText());
    JsonNode detail = function.path("Events").path("CloudTrailApiCalls").path("Properties")
        .path("Pattern").path("detail");
    List<String> names = new ArrayList<>();
    detail.path("eventName").forEach(n -> names.add(n.asText()));
    router.rules().forEach(r -> r.triggers().forEach(k ->
        assertTrue(names.contains(k.eventName()), k + " missing from " + names)));
    // what the finding router takes reaches the function too, filtered to what it routes
    JsonNode events = function.path("Events");
    assertEquals(LambdaTemplate.GUARDDUTY_FINDING, events.path("GuardDutyFindings")
        .path("Properties").path("Pattern").path("detail-type").get(0).asText());
    JsonNode hub = events.path("SecurityHubFindings").path("Properties").path("Pattern");
    assertEquals(LambdaTemplate.SECURITY_HUB_FINDINGS, hub.path("detail-type").get(0).asText());
    assertEquals("FAILED", hub.path("detail").path("findings").path("Compliance")
        .path("Status").get(0).asText());
    JsonNode alarms = events.path("CpuAlarms").path("Properties").path("Pattern");
    assertEquals(dev.remediate.core.event.AlarmStateChange.DETAIL_TYPE,
        alarms.path("detail-type").get(0).asText());
    assertEquals("CPUUtilization", alarms.path("detail").path("configuration").path("metrics")
        .path("metricStat").path("metric").path("name").get(0).asText());
  }

  @Test
  void forwarding_centralBusAdmitsOnlyTheOrganization_andMembersForwardTheFunctionsPattern()
      throws Exception {
    EventRouter router = EventRouter.load(LambdaTemplate.EVERY_RULE);
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode central = yaml.readTree(LambdaTemplate.render(RemediationCatalog.load(), router)
        .replace("!Ref ", "").replace("!GetAtt ", "").replace("!Sub ", "")
        .replace("!Not ", "").replace("!Equals ", ""));
    JsonNode resources = central.path("Resources");
    JsonNode statement = resources.path("RemediateEventBusPolicy").path("Properties")
        .path("Statement");
    assertEquals("events:PutEvents", statement.path("Action").asText());
    assertEquals("OrganizationId", statement.path("Condition").path("StringEquals")
        .path("aws:PrincipalOrgID").asText(), "only the organization's principals may forward");
    for (String id : List.of("RemediateEventBus", "RemediateEventBusPolicy", "ForwardedApiCalls",
        "ForwardedApiCallsPermission")) {
      assertEquals("ReceivesFromOrganization", resources.path(id).path("Condition").asText(), id);
    }
    JsonNode functionPattern = resources.path("RemediateFunction").path("Properties")
        .path("Events").path("CloudTrailApiCalls").path("Properties").path("Pattern");
    JsonNode centralRule = resources.path("ForwardedApiCalls").path("Properties");
    assertEquals(functionPattern, centralRule.path("EventPattern"), "the bus's rule matches alike");
    assertEquals("RemediateEventBus", centralRule.path("EventBusName").asText());
    assertEquals("RemediateFunction.Alias",
        centralRule.path("Targets").get(0).path("Arn").asText());

    JsonNode member = yaml.readTree(EventForwardingTemplate.render(router)
        .replace("!Ref ", "").replace("!GetAtt ", ""));
    JsonNode rule = member.path("Resources").path(EventForwardingTemplate.RULE)
        .path("Properties");
    assertEquals(functionPattern, rule.path("EventPattern"), "members forward what it matches");
    JsonNode target = rule.path("Targets").get(0);
    assertEquals("CentralEventBusArn", target.path("Arn").asText());
    assertEquals("ForwardingRole.Arn", target.path("RoleArn").asText(),
        "an event bus target in another account is sent through a role");
    JsonNode put = member.path("Resources").path("ForwardingRole").path("Properties")
        .path("Policies").get(0).path("PolicyDocument").path("Statement").get(0);
    assertEquals("events:PutEvents", put.path("Action").asText());
    assertEquals("CentralEventBusArn", put.path("Resource").asText(), "that bus only");
  }

  @Test
  void eventForwarding_matchesTheCode_andPassesCfnLint_whereInstalled() throws Exception {
    String expected = EventForwardingTemplate.render(EventRouter.load(LambdaTemplate.EVERY_RULE));
    assertEquals(expected, Files.readString(ROOT.resolve(GenerateDocs.FORWARDING)),
        GenerateDocs.FORWARDING + REGENERATE);
    assertCfnLintPasses(expected);
  }

  @Test
  void lambdaTemplate_passesCfnLint_whereInstalled() throws Exception {
    assertCfnLintPasses(LambdaTemplate.render(RemediationCatalog.load(),
        EventRouter.load(LambdaTemplate.EVERY_RULE)));
  }

  @Test
  void memberRole_matchesTheCode() throws Exception {
    assertEquals(MemberRoleTemplate.render(RemediationCatalog.load().types()),
        Files.readString(ROOT.resolve(GenerateDocs.MEMBER_ROLE)),
        GenerateDocs.MEMBER_ROLE + REGENERATE);
  }

  @Test
  void memberRole_trustsTheCentralRoleWithTheExternalIdAndHoldsTheScopedActions()
      throws Exception {
    RemediationCatalog catalog = RemediationCatalog.load();
    JsonNode role = new ObjectMapper(new YAMLFactory()).readTree(
        MemberRoleTemplate.render(catalog.types()).replace("!Ref ", "").replace("!GetAtt ", "")
            .replace("!Sub ", "").replace("!If", "").replace("!Not ", "").replace("!Equals ", ""))
        .path("Resources").path(MemberRoleTemplate.ROLE).path("Properties");
    JsonNode trust = role.path("AssumeRolePolicyDocument").path("Statement");
    assertEquals(1, trust.size(), trust.toString());
    assertEquals("arn:${AWS::Partition}:iam::${CentralAccountId}:role/${CentralRoleName}",
        trust.get(0).path("Principal").path("AWS").asText());
    JsonNode condition = trust.get(0).path("Condition");
    assertEquals("HasExternalId", condition.get(0).asText());
    assertEquals("ExternalId", condition.get(1).path("StringEquals").path("sts:ExternalId")
        .asText());
    TreeSet<String> actions = new TreeSet<>();
    role.path("Policies").get(0).path("PolicyDocument").path("Statement")
        .forEach(statement -> addActions(statement, actions));
    assertEquals(nonResponderActions(catalog), actions,
        "the role holds every non-responder action, no other");
  }

  /** Adds a statement's actions; an IAM write on {@code Resource: *} fails the test. */
  private static void addActions(JsonNode statement, Set<String> actions) {
    statement.path("Action").forEach(a -> actions.add(a.asText()));
    List<String> resources = new ArrayList<>();
    statement.path("Resource").forEach(r -> resources.add(r.asText()));
    if (resources.contains("*")) {
      statement.path("Action").forEach(a -> assertTrue(
          !LeastPrivilegePolicy.isIamWrite(a.asText()), a + " on Resource * in " + statement));
    }
  }

  /** Every IAM action of the catalog's types but their responder actions. */
  private static Set<String> nonResponderActions(RemediationCatalog catalog) {
    Set<String> expected = new TreeSet<>();
    catalog.types().forEach(t -> t.iamActions().stream()
        .filter(a -> !t.responderActions().contains(a)).forEach(expected::add));
    return expected;
  }

  @Test
  void memberRole_ofOneRemediation_holdsOnlyItsActions() {
    RemediationCatalog catalog = RemediationCatalog.load();
    String yaml = MemberRoleTemplate.render(
        List.of(catalog.require("ec2.security-group-open-ports")));
    assertTrue(yaml.contains("'ec2:RevokeSecurityGroupIngress'"), yaml);
    assertTrue(!yaml.contains("'cloudtrail:CreateTrail'"), yaml);
  }

  @Test
  void memberRole_passesCfnLint_whereInstalled() throws Exception {
    assertCfnLintPasses(MemberRoleTemplate.render(RemediationCatalog.load().types()));
  }

  @Test
  void fleetTemplate_matchesTheCode() throws Exception {
    assertEquals(FleetTemplate.render(), Files.readString(ROOT.resolve(GenerateDocs.FLEET)),
        GenerateDocs.FLEET + REGENERATE);
  }

  @Test
  void fleetTemplate_isADistributedMapInvokingTheFunctionPerAccountAndRegion() throws Exception {
    JsonNode template = new ObjectMapper(new YAMLFactory()).readTree(FleetTemplate.render()
        .replace("!Ref ", "").replace("!GetAtt ", "").replace("!Sub ", ""));
    JsonNode map = template.path("Resources").path("FleetStateMachine").path("Properties")
        .path("Definition").path("States").path("EachPlace");
    assertEquals("Map", map.path("Type").asText());
    assertEquals("DISTRIBUTED", map.path("ItemProcessor").path("ProcessorConfig").path("Mode")
        .asText());
    assertEquals(8, map.path("MaxConcurrency").asInt());
    assertEquals("$$.Map.Item.Value.account", map.path("ItemSelector").path("account.$").asText());
    JsonNode task = map.path("ItemProcessor").path("States").path("Remediate");
    assertEquals("arn:aws:states:::lambda:invoke", task.path("Resource").asText());
    assertEquals("${FunctionArn}", task.path("Parameters").path("FunctionName").asText());
  }

  @Test
  void fleetTemplate_passesCfnLint_whereInstalled() throws Exception {
    assertCfnLintPasses(FleetTemplate.render());
  }

  private static void assertCfnLintPasses(String yaml) throws Exception {
    Process probe;
    try {
      probe = new ProcessBuilder("cfn-lint", "--version").redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      org.junit.jupiter.api.Assumptions.abort("cfn-lint is not installed");
      return;
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(
        probe.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && probe.exitValue() == 0,
        "cfn-lint does not run");
    Path template = Files.createTempFile("template-", ".yaml");
    Files.writeString(template, yaml);
    Process lint = new ProcessBuilder("cfn-lint", template.toString()).redirectErrorStream(true)
        .start();
    String output = new String(lint.getInputStream().readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(lint.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "cfn-lint timed out");
    assertEquals(0, lint.exitValue(), output);
  }
}
