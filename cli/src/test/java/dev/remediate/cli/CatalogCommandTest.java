package dev.remediate.cli;

import static dev.remediate.cli.CliTesting.assertBadInput;
import static dev.remediate.cli.CliTesting.offline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.remediate.core.RemediationCatalog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void catalog_text_listsIdControlsFlagsAndIamActions() {
    Remediate.Result r = Remediate.run(offline(), "catalog");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("test.vpc-tag  Every VPC carries a tag (test only)"), r.out());
    assertTrue(r.out().contains("controls:    TEST 1"), r.out());
    assertTrue(r.out().contains("flags:       DOWNTIME"), r.out());
    assertTrue(r.out().contains("IAM actions: ec2:CreateTags, ec2:DescribeVpcs"), r.out());
    assertTrue(r.out().contains("1 remediation(s)"), r.out());
  }

  @Test
  void catalog_json_isAnArrayWithEveryField() throws Exception {
    Remediate.Result r = Remediate.run(offline(), "catalog", "--json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode array = JSON.readTree(r.out());
    assertEquals(1, array.size());
    JsonNode entry = array.get(0);
    assertEquals("test.vpc-tag", entry.get("id").asText());
    assertEquals(List.of("ec2:CreateTags", "ec2:DescribeVpcs"),
        JSON.convertValue(entry.get("iamActions"), List.class));
    assertEquals(List.of("TEST 1"), JSON.convertValue(entry.get("controls"), List.class));
    assertEquals(List.of("DOWNTIME"), JSON.convertValue(entry.get("flags"), List.class));
  }

  @Test
  void catalog_iamPolicy_allowsExactlyTheCatalogActions() throws Exception {
    Remediate.Result r = Remediate.run(offline(), "catalog", "--iam-policy");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode policy = JSON.readTree(r.out());
    assertEquals("2012-10-17", policy.get("Version").asText());
    JsonNode statements = policy.get("Statement");
    assertTrue(statements.isArray(), "Statement is an array: " + r.out());
    assertEquals(1, statements.size(), r.out());
    JsonNode statement = statements.get(0);
    assertEquals("RemediateCatalog", statement.get("Sid").asText());
    assertEquals("Allow", statement.get("Effect").asText());
    assertEquals(List.of("ec2:CreateTags", "ec2:DescribeVpcs"),
        JSON.convertValue(statement.get("Action"), List.class));
    assertEquals("*", statement.get("Resource").asText());
  }

  @Test
  void catalog_skipEverything_iamPolicyIsBadInput() {
    assertBadInput(Remediate.run(offline(), "catalog", "--iam-policy", "--skip", "test.vpc-tag"),
        "no IAM actions");
  }

  @Test
  void catalog_unknownId_isBadInputNamingIt() {
    assertBadInput(Remediate.run(offline(), "catalog", "--only", "ec2.nope"),
        "unknown remediation id 'ec2.nope'");
  }

  @Test
  void catalog_unknownFlag_isBadInput() {
    assertBadInput(Remediate.run(offline(), "catalog", "--frobnicate"),
        "Unknown option: '--frobnicate'");
  }

  @Test
  void noSubcommand_isBadInput() {
    assertBadInput(Remediate.run(offline()), "a subcommand is required");
  }

  @Test
  void unknownSubcommand_isBadInput() {
    assertBadInput(Remediate.run(offline(), "destroy-everything"), "destroy-everything");
  }

  @Test
  void catalog_emptyCatalog_saysSo() {
    CliEnvironment env = CliEnvironment.builder().catalog(RemediationCatalog.of())
        .terminal(Terminal.none()).env(Map.of()).build();
    Remediate.Result r = Remediate.run(env, "catalog");
    assertEquals(0, r.exitCode());
    assertEquals("No remediations on the class path.\n", r.out());
  }

  @Test
  void catalog_onlyAndSkipTheSameId_saysNoneIsSelected() {
    Remediate.Result r = Remediate.run(offline(), "catalog", "--only", "test.vpc-tag", "--skip",
        "test.vpc-tag");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("No remediation selected: --only and --skip left none.\n", r.out());
  }

  @Test
  void version_printsTheLibraryVersion() {
    Remediate.Result r = Remediate.run(offline(), "--version");
    assertEquals(0, r.exitCode());
    assertTrue(r.out().startsWith("remediate "), r.out());
  }
}
