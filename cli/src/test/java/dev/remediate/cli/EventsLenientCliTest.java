package dev.remediate.cli;

import static dev.remediate.cli.CliTesting.assertBadInput;
import static dev.remediate.cli.CliTesting.offline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code remediate events} on records as people feed them, and on folders of many files. */
class EventsLenientCliTest {
  @TempDir
  Path dir;

  @Test
  void eventsCount_recordsLackingFieldsAndOtherTimeForms_readAll() throws Exception {
    String a = Records.createVpc("vpc-0a1b2c3d", "e-1");
    Path file = dir.resolve("trimmed.json");
    Files.writeString(file, "[" + String.join(",",
        a.replace("\"eventID\":\"e-1\",", ""),
        a.replace("\"eventType\":\"AwsApiCall\",", ""),
        a.replace("\"eventVersion\":\"1.09\",", ""),
        a.replace("2026-11-27T05:00:00Z", "2026-11-27 05:00:00.000000000"),
        a.replace("2026-11-27T05:00:00Z", "2026-11-27T05:00:00.123+01:00"),
        a.replace("2026-11-27T05:00:00Z", "last tuesday")) + "]");
    Remediate.Result r = Remediate.run(offline(), "events", "--count", file.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("6\n", r.out());
    assertEquals("", r.err());
    Remediate.Result lines = Remediate.run(offline(), "events", file.toString());
    List<String> times = lines.out().lines().map(l -> l.replaceAll(".*\"eventTime\":\"([^\"]*)\".*", "$1"))
        .toList();
    assertEquals(List.of("2026-11-27T05:00:00Z", "2026-11-27T05:00:00Z", "2026-11-27T05:00:00Z",
        "2026-11-27T05:00:00Z", "2026-11-27T04:00:00.123Z", "last tuesday"), times);
  }

  @Test
  void eventsSummary_recordsWithoutSourceOrName_countedAndReported() throws Exception {
    String a = Records.createVpc("vpc-0a1b2c3d", "e-1");
    Path file = dir.resolve("partial.json");
    Files.writeString(file, Records.logFile(a, a.replace("\"eventName\":\"CreateVpc\",", ""),
        a.replace("\"eventSource\":\"ec2.amazonaws.com\",", "")));
    Remediate.Result r = Remediate.run(offline(), "events", "--summary", file.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("       1  ec2.amazonaws.com CreateVpc\n"
        + "       2  records without eventSource, eventName or awsRegion\n"
        + "       3  records\n", r.out());
    assertTrue(r.err().contains("2 record(s) without eventSource"), r.err());
  }

  @Test
  void eventsCount_damagedJson_exit2OneLine() throws Exception {
    String a = Records.createVpc("vpc-0a1b2c3d", "e-1");
    String log = Records.logFile(a, a);
    Path truncated = dir.resolve("truncated.json");
    Files.writeString(truncated, log.substring(0, log.length() - 40));
    assertBadInput(Remediate.run(offline(), "events", "--count", truncated.toString()),
        truncated.toString());
    Path syntax = dir.resolve("syntax.json");
    Files.writeString(syntax, log.replace("\"eventName\":", "\"eventName\" "));
    assertBadInput(Remediate.run(offline(), "events", "--count", syntax.toString()),
        syntax + " at line 1");
    Path topLevel = dir.resolve("top.json");
    Files.writeString(topLevel, "{\"Records\":\"none\"}");
    assertBadInput(Remediate.run(offline(), "events", "--count", topLevel.toString()),
        "Records must be an array");
  }

  @Test
  void events_folderOfManyGzipFiles_outputInFileOrder() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("AWSLogs/123456789012/CloudTrail/us-east-1"));
    List<String> expected = new ArrayList<>();
    java.time.Instant base = java.time.Instant.parse("2026-11-27T05:00:00Z");
    for (int i = 0; i < 60; i++) {
      List<String> records = new ArrayList<>();
      for (int j = 0; j <= i % 7; j++) {
        String time = base.plusSeconds(60L * i + j).toString();
        records.add(Records.createVpc("vpc-0a1b2c3d", "e-" + i + "-" + j)
            .replace("2026-11-27T05:00:00Z", time));
        expected.add(time);
      }
      Path file = folder.resolve(String.format("123456789012_CloudTrail_us-east-1_%03d.json.gz", i));
      try (var gz = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
        gz.write(Records.logFile(records.toArray(String[]::new)).getBytes(StandardCharsets.UTF_8));
      }
    }
    Remediate.Result count = Remediate.run(offline(), "events", "--count", dir.toString());
    assertEquals(expected.size() + "\n", count.out(), count.toString());
    Remediate.Result all = Remediate.run(offline(), "events", dir.toString());
    assertEquals(expected, all.out().lines()
        .map(l -> l.replaceAll(".*\"eventTime\":\"([^\"]*)\".*", "$1")).toList());
  }

  @Test
  void events_findingsMixedWithRecords_oneLineEachAndCountedByType() throws Exception {
    Path file = dir.resolve("mixed.json");
    Files.writeString(file, Records.createVpc("vpc-0a1b2c3d", "e-1") + "\n"
        + "{\"schemaVersion\":\"2.0\",\"accountId\":\"123456789012\",\"region\":\"us-east-1\","
        + "\"id\":\"f-1\",\"type\":\"Recon:EC2/PortProbeUnprotectedPort\",\"resource\":{"
        + "\"resourceType\":\"Instance\",\"instanceDetails\":{\"instanceId\":\"i-0abc\"}},"
        + "\"service\":{\"resourceRole\":\"TARGET\"},\"severity\":5}\n");
    Remediate.Result lines = Remediate.run(offline(), "events", file.toString());
    assertEquals(0, lines.exitCode(), lines.toString());
    List<String> out = lines.out().lines().toList();
    assertEquals(2, out.size(), lines.out());
    assertEquals("{\"finding\":\"GuardDuty\",\"type\":\"Recon:EC2/PortProbeUnprotectedPort\","
        + "\"id\":\"f-1\",\"region\":\"us-east-1\",\"account\":\"123456789012\","
        + "\"resources\":[\"i-0abc\"]}", out.get(1));
    Remediate.Result summary = Remediate.run(offline(), "events", "--summary", file.toString());
    assertEquals("       1  ec2.amazonaws.com CreateVpc\n"
        + "       1  GuardDuty Recon:EC2/PortProbeUnprotectedPort\n"
        + "       1  records\n       1  findings\n", summary.out());
  }
}
