package dev.remediate.examples.cli;

import static dev.remediate.examples.cli.CliTesting.assertBadInput;
import static dev.remediate.examples.cli.CliTesting.offline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventsCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private Path logFile() throws Exception {
    Path file = dir.resolve("trail.json");
    Files.writeString(file, Records.logFile(Records.createVpc("vpc-0a1b2c3d", "e-1"),
        Records.createVpc("vpc-0a1b2c3e", "e-2"),
        Records.record("DeleteVpc", "e-3", "{\"return\":true}")));
    return file;
  }

  @Test
  void events_printsOneJsonLinePerRecord() throws Exception {
    Remediate.Result r = Remediate.run(offline(), "events", logFile().toString());
    assertEquals(0, r.exitCode(), r.toString());
    List<String> lines = r.out().lines().toList();
    assertEquals(3, lines.size(), r.out());
    JsonNode first = JSON.readTree(lines.get(0));
    assertEquals("2026-11-27T05:00:00Z", first.get("eventTime").asText());
    assertEquals("ec2.amazonaws.com", first.get("eventSource").asText());
    assertEquals("CreateVpc", first.get("eventName").asText());
    assertEquals("us-east-1", first.get("awsRegion").asText());
    assertEquals("123456789012", first.get("recipientAccountId").asText());
    assertEquals("arn:aws:iam::123456789012:user/alice", first.get("principalArn").asText());
    assertTrue(first.get("errorCode").isNull());
    JsonNode resource = first.get("resources").get(0);
    assertEquals(1, first.get("resources").size());
    assertEquals("ec2", resource.get("service").asText());
    assertEquals("vpc", resource.get("type").asText());
    assertEquals("vpc-0a1b2c3d", resource.get("id").asText());
    assertEquals("", r.err());
  }

  @Test
  void events_count_printsTheNumber() throws Exception {
    Remediate.Result r = Remediate.run(offline(), "events", "--count", logFile().toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("3\n", r.out());
  }

  @Test
  void events_summary_countsBySourceAndName() throws Exception {
    Remediate.Result r = Remediate.run(offline(), "events", "--summary", logFile().toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("       2  ec2.amazonaws.com CreateVpc\n       1  ec2.amazonaws.com DeleteVpc\n"
        + "       3  records\n", r.out());
  }

  @Test
  void events_stdin_readsNdjson() {
    String ndjson = Records.createVpc("vpc-0a1b2c3d", "e-1") + "\n"
        + Records.createVpc("vpc-0a1b2c3e", "e-2") + "\n";
    CliEnvironment env = CliEnvironment.builder().catalog(CliTesting.testCatalog())
        .terminal(Terminal.none()).env(Map.of())
        .stdin(new ByteArrayInputStream(ndjson.getBytes(StandardCharsets.UTF_8))).build();
    Remediate.Result r = Remediate.run(env, "events", "--count", "-");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("2\n", r.out());
  }

  @Test
  void events_malformed_printsRecordsFirstThenOneLineAndExits2() throws Exception {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, Records.createVpc("vpc-0a1b2c3d", "e-1") + "\n{\"eventVersion\": \n");
    Remediate.Result r = Remediate.run(offline(), "events", file.toString());
    assertEquals(1, r.out().lines().count(), r.out());
    assertTrue(r.out().contains("\"eventName\":\"CreateVpc\""), r.out());
    assertBadInput(r, file + " at line ");
  }

  @Test
  void events_badInput_exits2() {
    assertBadInput(Remediate.run(offline(), "events", dir.resolve("none.json").toString()),
        "none.json");
    assertBadInput(Remediate.run(offline(), "events", "--summary", "--count", "x.json"),
        "mutually exclusive");
    assertBadInput(Remediate.run(offline(), "events"), "Missing required parameter");
  }
}
