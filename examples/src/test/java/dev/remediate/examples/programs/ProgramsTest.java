package dev.remediate.examples.programs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.event.EventRouter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgramsTest {
  @Test
  void readCloudTrailFolder_sampleDay_countsRecordsAndRoutesCreateVpc() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    java.nio.file.Path day = ReadCloudTrailFolder.sampleDay();
    long records;
    try {
      records = ReadCloudTrailFolder.summarize(day, EventRouter.load(),
          new PrintStream(bytes, true, StandardCharsets.UTF_8));
    } finally {
      ReadCloudTrailFolder.deleteSample(day);
    }
    java.nio.file.Path top = day.getParent().getParent().getParent().getParent().getParent()
        .getParent().getParent();
    org.junit.jupiter.api.Assertions.assertFalse(java.nio.file.Files.exists(top),
        "the sample is deleted with its temporary folder: " + top);
    org.junit.jupiter.api.Assertions.assertEquals(
        java.nio.file.Path.of(System.getProperty("java.io.tmpdir")).toRealPath(),
        top.getParent().toRealPath(), "only the example's own folder was deleted");
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(3, records);
    assertTrue(out.contains("     1  ec2.amazonaws.com CreateVpc"), out);
    assertTrue(out.contains("     2  ec2.amazonaws.com DescribeVpcs"), out);
    assertTrue(out.contains("calls for: ec2.default-security-group{vpcId=vpc-0a1b2c3d4e5f60718} (rule "
        + "ec2.default-security-group.on-create-vpc, CreateVpc "),
        out);
    assertTrue(out.contains("3 record(s) in 2 file(s)"), out);
  }
}
