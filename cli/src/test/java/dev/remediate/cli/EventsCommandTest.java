package dev.remediate.cli;

import static dev.remediate.cli.CliTesting.assertBadInput;
import static dev.remediate.cli.CliTesting.offline;
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

  @Test
  void events_folder_readsTheLogFilesBelowIt() throws Exception {
    Path day = dir.resolve("AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/27");
    Files.createDirectories(day);
    Files.writeString(day.resolve("a.json"), Records.logFile(Records.createVpc("vpc-0a1b2c3d",
        "e-1")));
    try (var gz = new java.util.zip.GZIPOutputStream(Files.newOutputStream(day.resolve("b.json.gz")))) {
      gz.write(Records.logFile(Records.createVpc("vpc-0a1b2c3e", "e-2"),
          Records.createVpc("vpc-0a1b2c3f", "e-3")).getBytes(StandardCharsets.UTF_8));
    }
    Files.writeString(day.resolve("notes.txt"), "not a log file");
    Remediate.Result r = Remediate.run(offline(), "events", "--count", dir.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("3\n", r.out());
  }

  /** A folder as {@code aws s3 sync} leaves a trail's bucket with log file validation on. */
  static Path syncedTrailBucket(Path root) throws Exception {
    Path logs = root.resolve("AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/27");
    Path digests = root.resolve("AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/11/27");
    Files.createDirectories(logs);
    Files.createDirectories(digests);
    gzip(logs.resolve("123456789012_CloudTrail_us-east-1_20261127T0905Z_a1.json.gz"),
        Records.logFile(Records.createVpc("vpc-0a1b2c3d", "e-1"),
            Records.createVpc("vpc-0a1b2c3e", "e-2")));
    String digest = "{\"awsAccountId\":\"123456789012\",\"digestStartTime\":"
        + "\"2026-11-27T04:05:00Z\",\"digestEndTime\":\"2026-11-27T05:05:00Z\","
        + "\"digestS3Bucket\":\"trail\",\"logFiles\":[]}";
    gzip(digests.resolve("123456789012_CloudTrail-Digest_us-east-1_org_us-east-1_"
        + "20261127T050500Z.json.gz"), digest);
    gzip(digests.resolve("123456789012_CloudTrail-Digest_us-east-1_org_us-east-1_"
        + "20261127T060500Z.json.gz"), digest);
    return root;
  }

  private static void gzip(Path file, String text) throws Exception {
    try (var gz = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void events_syncedTrailBucket_skipsAndCountsDigestFiles() throws Exception {
    Path root = syncedTrailBucket(dir);
    Remediate.Result r = Remediate.run(offline(), "events", "--count", root.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("2\n", r.out());
    assertEquals("remediate: skipped 2 digest files (hashes of log files, not records)\n",
        r.err());
  }

  @Test
  void events_digestFileNamedDirectly_isStillRefused() throws Exception {
    Path root = syncedTrailBucket(dir);
    Path digest;
    try (var files = Files.walk(root)) {
      digest = files.filter(p -> p.toString().contains("CloudTrail-Digest_")).findFirst()
          .orElseThrow();
    }
    Remediate.Result r = Remediate.run(offline(), "events", "--count", digest.toString());
    assertBadInput(r, "this is a CloudTrail digest file");
    assertEquals("", r.out(), "no count of input that could not be read");
  }

  @Test
  void events_countOrSummaryOfUnreadableInput_printsNothingOnStdout() throws Exception {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, Records.createVpc("vpc-0a1b2c3d", "e-1") + "\n{\"eventVersion\": \n");
    for (String mode : List.of("--count", "--summary")) {
      Remediate.Result r = Remediate.run(offline(), "events", mode, file.toString());
      assertBadInput(r, file + " at line ");
      assertEquals("", r.out(), mode);
    }
    Remediate.Result missing = Remediate.run(offline(), "events", "--count",
        dir.resolve("none.json").toString());
    assertBadInput(missing, "no such file: " + dir.resolve("none.json"));
    assertEquals("", missing.out());
  }
}
