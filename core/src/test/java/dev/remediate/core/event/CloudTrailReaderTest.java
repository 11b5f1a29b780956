package dev.remediate.core.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shape detection, streaming and error reporting of {@link CloudTrailReader}. */
class CloudTrailReaderTest {
  @TempDir Path tmp;

  static String record(String id) {
    return "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\",\"accountId\":\"111122223333\","
        + "\"arn\":\"arn:aws:iam::111122223333:user/alice\"},\"eventTime\":\"2024-05-01T10:00:00Z\","
        + "\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":\"CreateVpc\",\"awsRegion\":\"eu-west-1\","
        + "\"sourceIPAddress\":\"203.0.113.7\",\"userAgent\":\"aws-cli/2.15\",\"requestParameters\":"
        + "{\"cidrBlock\":\"10.0.0.0/16\"},\"responseElements\":{\"vpc\":{\"vpcId\":\"vpc-" + id + "\"}},"
        + "\"requestID\":\"r-" + id + "\",\"eventID\":\"" + id + "\",\"readOnly\":false,"
        + "\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\"111122223333\","
        + "\"eventCategory\":\"Management\"}";
  }

  static List<CloudTrailEvent> read(String text) {
    return read(text.getBytes(UTF_8));
  }

  static List<CloudTrailEvent> read(byte[] bytes) {
    try (CloudTrailReader reader = CloudTrailReader.open(new ByteArrayInputStream(bytes), "test")) {
      return reader.stream().collect(Collectors.toList());
    }
  }

  static List<String> ids(List<CloudTrailEvent> events) {
    return events.stream().map(e -> e.eventId().orElseThrow()).collect(Collectors.toList());
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Reads until the failure; returns the records read before it and the failure. */
  static Outcome readUntilFailure(byte[] bytes) {
    return readUntilFailure(bytes, false);
  }

  static Outcome readUntilFailure(byte[] bytes, boolean strict) {
    List<CloudTrailEvent> before = new ArrayList<>();
    try (CloudTrailReader reader = CloudTrailReader.open(new ByteArrayInputStream(bytes), "in.json")) {
      if (strict) {
        reader.strict();
      }
      CloudTrailParseException failure = assertThrows(CloudTrailParseException.class, () -> {
        while (reader.hasNext()) {
          before.add(reader.next());
        }
      });
      assertFalse(reader.hasNext(), "a failed reader ends");
      return new Outcome(before, failure);
    }
  }

  record Outcome(List<CloudTrailEvent> before, CloudTrailParseException failure) {}

  @Test
  void open_s3LogFile_readsRecordsInOrder() {
    assertEquals(List.of("a", "b"), ids(read("{\"Records\":[" + record("a") + "," + record("b") + "]}")));
  }

  @Test
  void open_jsonArray_readsRecords() {
    assertEquals(List.of("a", "b"), ids(read("[" + record("a") + ",\n" + record("b") + "]")));
  }

  @Test
  void open_ndjson_readsOneRecordPerLine() {
    assertEquals(List.of("a", "b", "c"),
        ids(read(record("a") + "\n" + record("b") + "\r\n" + record("c") + "\n")));
  }

  @Test
  void open_singleRecord_readsIt() {
    List<CloudTrailEvent> events = read(record("a"));
    assertEquals(1, events.size());
    CloudTrailEvent e = events.get(0);
    assertEquals("CreateVpc", e.eventName());
    assertEquals("eu-west-1", e.awsRegion());
    assertEquals(Optional.of("arn:aws:iam::111122223333:user/alice"), e.userIdentity().arn());
    assertEquals(Optional.of("r-a"), e.requestId());
  }

  @Test
  void open_emptyInput_noRecords() {
    assertEquals(List.of(), read(""));
    assertEquals(List.of(), read("{\"Records\":[]}"));
    assertEquals(List.of(), read("  \n"));
  }

  @Test
  void open_gzipOfEachShape_detectedByMagicBytes() {
    String log = "{\"Records\":[" + record("a") + "]}";
    String array = "[" + record("a") + "]";
    String ndjson = record("a") + "\n" + record("b");
    assertEquals(List.of("a"), ids(read(gzip(log.getBytes(UTF_8)))));
    assertEquals(List.of("a"), ids(read(gzip(array.getBytes(UTF_8)))));
    assertEquals(List.of("a", "b"), ids(read(gzip(ndjson.getBytes(UTF_8)))));
  }

  @Test
  void open_gzipOfEventBridgeEnvelope_parsesWithEnvelopeRegionAndAccount() {
    String detail = record("a").replace("\"awsRegion\":\"eu-west-1\",", "")
        .replace(",\"recipientAccountId\":\"111122223333\"", "");
    String envelope = "{\"version\":\"0\",\"id\":\"e1\",\"detail-type\":\"AWS API Call via CloudTrail\","
        + "\"source\":\"aws.ec2\",\"account\":\"444455556666\",\"region\":\"ap-south-1\",\"detail\":" + detail + "}";
    List<CloudTrailEvent> events = read(gzip((envelope + "\n" + envelope.replace("\"eventID\":\"a\"",
        "\"eventID\":\"b\"")).getBytes(UTF_8)));
    assertEquals(List.of("a", "b"), ids(events));
    assertEquals("ap-south-1", events.get(0).awsRegion());
    assertEquals(Optional.of("444455556666"), events.get(0).recipientAccountId());
    assertEquals(Optional.of("{\"cidrBlock\":\"10.0.0.0/16\"}"), events.get(1).requestParametersJson());
  }

  @Test
  void open_gzipOfLookupEventsOutput_parsesEmbeddedRecords() {
    String output = "{\"Events\":[" + lookupEntry("a") + "," + lookupEntry("b") + "],\"NextToken\":\"t\"}";
    List<CloudTrailEvent> events = read(gzip(output.getBytes(UTF_8)));
    assertEquals(List.of("a", "b"), ids(events));
    assertEquals(Optional.of("{\"vpc\":{\"vpcId\":\"vpc-b\"}}"), events.get(1).responseElementsJson());
  }

  @Test
  void open_gzipFileWithoutGzSuffix_detected() throws IOException {
    Path file = tmp.resolve("plain-name.json");
    Files.write(file, gzip(("{\"Records\":[" + record("a") + "]}").getBytes(UTF_8)));
    try (CloudTrailReader reader = CloudTrailReader.open(file)) {
      assertEquals("a", reader.next().eventId().orElseThrow());
      assertFalse(reader.hasNext());
      assertEquals(1, reader.count());
      assertEquals(file.toString(), reader.source());
    }
  }

  @Test
  void open_concatenatedLogFiles_readsAll() {
    String log = "{\"Records\":[" + record("a") + "]}\n{\"Records\":[" + record("b") + "]}";
    assertEquals(List.of("a", "b"), ids(read(log)));
  }

  @Test
  void open_eventBridgeEnvelope_fillsMissingRegionAndAccount() {
    String detail = record("a").replace("\"awsRegion\":\"eu-west-1\",", "")
        .replace(",\"recipientAccountId\":\"111122223333\"", "");
    String envelope = "{\"version\":\"0\",\"id\":\"e1\",\"detail-type\":\"AWS API Call via CloudTrail\","
        + "\"source\":\"aws.ec2\",\"account\":\"444455556666\",\"time\":\"2024-05-01T10:00:01Z\","
        + "\"region\":\"ap-south-1\",\"resources\":[],\"detail\":" + detail + "}";
    CloudTrailEvent e = read(envelope).get(0);
    assertEquals("ap-south-1", e.awsRegion());
    assertEquals(Optional.of("444455556666"), e.recipientAccountId());
    assertEquals("a", e.eventId().orElseThrow());
  }

  @Test
  void open_eventBridgeEnvelope_recordValuesWinOverEnvelope() {
    String envelope = "{\"version\":\"0\",\"detail-type\":\"AWS API Call via CloudTrail\","
        + "\"account\":\"444455556666\",\"region\":\"ap-south-1\",\"detail\":" + record("a") + "}";
    CloudTrailEvent e = read(envelope).get(0);
    assertEquals("eu-west-1", e.awsRegion());
    assertEquals(Optional.of("111122223333"), e.recipientAccountId());
  }

  @Test
  void open_consoleSignInEnvelopesAsNdjson_readsEach() {
    String signIn = "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"Root\",\"principalId\":\"111122223333\","
        + "\"arn\":\"arn:aws:iam::111122223333:root\",\"accountId\":\"111122223333\"},"
        + "\"eventTime\":\"2024-05-01T10:00:00Z\",\"eventSource\":\"signin.amazonaws.com\","
        + "\"eventName\":\"ConsoleLogin\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"198.51.100.1\","
        + "\"userAgent\":\"Mozilla/5.0\",\"requestParameters\":null,\"responseElements\":{\"ConsoleLogin\":\"Success\"},"
        + "\"additionalEventData\":{\"MFAUsed\":\"No\"},\"eventID\":\"s1\",\"readOnly\":false,"
        + "\"eventType\":\"AwsConsoleSignIn\",\"managementEvent\":true,\"eventCategory\":\"Management\"}";
    String envelope = "{\"version\":\"0\",\"id\":\"x\",\"detail-type\":\"AWS Console Sign In via CloudTrail\","
        + "\"source\":\"aws.signin\",\"account\":\"111122223333\",\"region\":\"us-east-1\",\"detail\":"
        + signIn + "}";
    List<CloudTrailEvent> events = read(envelope + "\n" + envelope.replace("\"s1\"", "\"s2\""));
    assertEquals(List.of("s1", "s2"), ids(events));
    assertEquals(Optional.of("111122223333"), events.get(0).recipientAccountId());
    assertEquals(Optional.of("{\"MFAUsed\":\"No\"}"), events.get(0).additionalEventDataJson());
  }

  @Test
  void open_otherEventBridgeEvent_refusedNamingDetailType() {
    String envelope = "{\"version\":\"0\",\"detail-type\":\"EC2 Instance State-change Notification\","
        + "\"detail\":{\"state\":\"running\"}}";
    CloudTrailParseException e = assertThrows(CloudTrailParseException.class, () -> read(envelope));
    assertTrue(e.getMessage().contains("EC2 Instance State-change Notification"), e.getMessage());
  }

  @Test
  void open_lookupEventsOutput_readsEmbeddedRecords() {
    String output = "{\"Events\":[" + lookupEntry("a") + "," + lookupEntry("b") + "],\"NextToken\":\"t\"}";
    assertEquals(List.of("a", "b"), ids(read(output)));
  }

  private static String lookupEntry(String id) {
    return "{\"EventId\":\"" + id + "\",\"EventName\":\"CreateVpc\",\"ReadOnly\":\"false\","
        + "\"EventTime\":\"2024-05-01T12:00:00+02:00\",\"Resources\":[],\"CloudTrailEvent\":"
        + quote(record(id)) + "}";
  }

  private static String quote(String json) {
    return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Test
  void open_digestFile_refusedSayingItIsADigest() {
    String digest = "{\"awsAccountId\":\"111122223333\",\"digestStartTime\":\"2024-05-01T10:00:00Z\","
        + "\"digestEndTime\":\"2024-05-01T11:00:00Z\",\"digestS3Bucket\":\"b\",\"logFiles\":[]}";
    CloudTrailParseException e = assertThrows(CloudTrailParseException.class,
        () -> read(gzip(digest.getBytes(UTF_8))));
    assertTrue(e.getMessage().contains("digest file"), e.getMessage());
    assertEquals("test", e.source());
  }

  @Test
  void open_unknownFields_keptAsJson() {
    String text = record("a").replace("\"eventID\"",
        "\"futureField\":{\"x\":[1,2]},\"eventContext\":{\"tags\":1},\"eventID\"")
        .replace("\"type\":\"IAMUser\"", "\"type\":\"IAMUser\",\"newIdentityField\":\"v\"");
    CloudTrailEvent e = read(text).get(0);
    assertEquals("{\"x\":[1,2]}", e.unknownFields().get("futureField").toString());
    assertEquals("v", e.userIdentity().unknownFields().get("newIdentityField").asText());
    assertEquals(Optional.of("{\"tags\":1}"), e.eventContext().map(Object::toString));
  }

  @Test
  void open_unknownFieldsOfSessionIssuerTlsDetailsAndResources_keptAsJson() {
    String text = record("a")
        .replace("\"arn\":\"arn:aws:iam::111122223333:user/alice\"}",
            "\"arn\":\"arn:aws:iam::111122223333:user/alice\",\"sessionContext\":{\"sessionIssuer\":"
                + "{\"type\":\"Role\",\"issuerTag\":{\"k\":[1,2]},\"userName\":\"ops\"}}}")
        .replace("\"eventID\"", "\"tlsDetails\":{\"tlsVersion\":\"TLSv1.3\",\"keyExchange\":\"x25519\","
            + "\"cipherSuite\":\"TLS_AES_128_GCM_SHA256\"},\"resources\":[{\"ARN\":\"arn:aws:ec2:eu-west-1:"
            + "111122223333:vpc/vpc-a\",\"resourceTag\":7,\"type\":\"AWS::EC2::VPC\"}],\"eventID\"");
    CloudTrailEvent e = read(text).get(0);
    SessionIssuer issuer = e.userIdentity().sessionContext().orElseThrow().sessionIssuer().orElseThrow();
    assertEquals(Map.of("issuerTag", "{\"k\":[1,2]}"), asText(issuer.unknownFields()));
    assertEquals(Optional.of("ops"), issuer.userName());
    TlsDetails tls = e.tlsDetails().orElseThrow();
    assertEquals(Map.of("keyExchange", "\"x25519\""), asText(tls.unknownFields()));
    assertEquals(Optional.of("TLS_AES_128_GCM_SHA256"), tls.cipherSuite());
    EventResource resource = e.resources().get(0);
    assertEquals(Map.of("resourceTag", "7"), asText(resource.unknownFields()));
    assertEquals(Optional.of("AWS::EC2::VPC"), resource.type());
  }

  private static Map<String, String> asText(Map<String, JsonNode> fields) {
    Map<String, String> text = new LinkedHashMap<>();
    fields.forEach((name, value) -> text.put(name, value.toString()));
    return text;
  }

  @Test
  void open_insightsEventWithoutIdentity_parses() {
    String insight = "{\"eventVersion\":\"1.11\",\"eventTime\":\"2024-05-01T10:00:00Z\","
        + "\"awsRegion\":\"us-east-1\",\"eventID\":\"i1\",\"eventType\":\"AwsCloudTrailInsight\","
        + "\"recipientAccountId\":\"111122223333\",\"sharedEventID\":\"s\",\"insightDetails\":"
        + "{\"state\":\"Start\",\"eventSource\":\"ec2.amazonaws.com\"},\"eventCategory\":\"Insight\","
        + "\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":\"RunInstances\"}";
    CloudTrailEvent e = read(insight).get(0);
    assertEquals(UserIdentity.none(), e.userIdentity());
    assertEquals("", e.sourceIpAddress());
    assertEquals("Start", e.insightDetails().orElseThrow().get("state").asText());
    assertTrue(e.eventVersionNumber().orElseThrow().isAtLeast(EventVersion.parse("1.10")));
  }

  @Test
  void hasNext_truncatedGzip_recordsBeforeTheCutThenParseException() {
    StringBuilder log = new StringBuilder("{\"Records\":[");
    for (int i = 0; i < 200; i++) {
      log.append(i == 0 ? "" : ",").append(record("r" + i));
    }
    byte[] gz = gzip(log.append("]}").toString().getBytes(UTF_8));
    Outcome outcome = readUntilFailure(Arrays.copyOf(gz, gz.length / 2));
    assertTrue(outcome.before().size() > 10, "records before the cut: " + outcome.before().size());
    assertEquals("r0", outcome.before().get(0).eventId().orElseThrow());
    assertTrue(outcome.failure().getMessage().startsWith("in.json at line 1"),
        outcome.failure().getMessage());
    assertTrue(outcome.failure().getMessage().contains("gzip"), outcome.failure().getMessage());
  }

  @Test
  void hasNext_invalidJson_namesSourceLineAndColumn() {
    String text = record("a") + "\n" + record("b") + "\n{\"eventVersion\": oops}\n" + record("c");
    Outcome outcome = readUntilFailure(text.getBytes(UTF_8));
    assertEquals(List.of("a", "b"), ids(outcome.before()));
    CloudTrailParseException e = outcome.failure();
    assertEquals("in.json", e.source());
    assertEquals(3, e.line());
    assertEquals(18, e.column());
    assertTrue(e.byteOffset() > 2 * record("a").length(), "offset " + e.byteOffset());
    assertTrue(e.getMessage().startsWith("in.json at line 3 column 18"), e.getMessage());
  }

  @Test
  void hasNext_strictWrongFieldType_namesFieldAndPosition() {
    String text = "[\n" + record("a") + ",\n" + record("b").replace("\"2024-05-01T10:00:00Z\"", "12") + "\n]";
    Outcome outcome = readUntilFailure(text.getBytes(UTF_8), true);
    assertEquals(List.of("a"), ids(outcome.before()));
    assertEquals(3, outcome.failure().line());
    assertTrue(outcome.failure().getMessage().contains("eventTime must be a string, found a number"),
        outcome.failure().getMessage());
  }

  @Test
  void hasNext_strictBadValues_parseExceptionNamingTheProblem() {
    assertStrictProblem(record("a").replace("2024-05-01T10:00:00Z", "yesterday"), "is not an ISO-8601 instant");
    assertStrictProblem(record("a").replace("2024-05-01T10:00:00Z", "2024-05-01 10:00:00"),
        "is not an ISO-8601 instant");
    assertStrictProblem(record("a").replace("\"readOnly\":false", "\"readOnly\":\"maybe\""), "readOnly must be a boolean");
    assertStrictProblem(record("a").replace("\"eventID\":\"a\",", ""), "required field 'eventID'");
    assertStrictProblem(record("a").replace("\"1.09\"", "\"one\""), "eventVersion 'one'");
    assertStrictProblem(record("a").replace("\"recipientAccountId\":\"111122223333\"",
        "\"recipientAccountId\":111122223333"), "recipientAccountId must be a string");
    assertStrictProblem(record("a").replace("{\"type\":\"IAMUser\"", "[{\"type\":\"IAMUser\"")
        .replace("/alice\"}", "/alice\"}]"), "userIdentity must be an object");
  }

  private static void assertStrictProblem(String input, String expected) {
    assertEquals(1, read(input).size(), "lenient reading accepts it");
    CloudTrailParseException e = assertThrows(CloudTrailParseException.class, () -> {
      try (CloudTrailReader reader = CloudTrailReader.open(
          new ByteArrayInputStream(input.getBytes(UTF_8)), "test").strict()) {
        reader.forEachRemaining(x -> { });
      }
    });
    assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
  }

  @Test
  void hasNext_damagedJson_parseExceptionNamingTheProblem() {
    assertProblem("[1]", "an array element must be an object");
    assertProblem("\"x\"", "expected a CloudTrail record");
    assertProblem("{}", "empty object");
    assertProblem("{\"Records\":{}}", "Records must be an array");
    assertProblem("{\"Events\":[{\"EventId\":\"x\"}]}", "has no CloudTrailEvent");
    assertProblem("{\"Events\":[{\"CloudTrailEvent\":\"{nope\"}]}", "invalid JSON in Events[].CloudTrailEvent");
  }

  private static void assertProblem(String input, String expected) {
    CloudTrailParseException e = assertThrows(CloudTrailParseException.class, () -> read(input));
    assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
    assertTrue(e.getMessage().startsWith("test"), e.getMessage());
  }

  @Test
  void hasNext_nestingBeyondLimit_parseException() {
    String deep = "[".repeat(Json.MAX_DEPTH + 10) + "]".repeat(Json.MAX_DEPTH + 10);
    String text = record("a").replace("{\"cidrBlock\":\"10.0.0.0/16\"}", deep);
    CloudTrailParseException e = assertThrows(CloudTrailParseException.class, () -> read(text));
    assertTrue(e.getMessage().contains("nesting depth"), e.getMessage());
  }

  @Test
  void hasNext_stringBeyondLimit_parseException() {
    String text = record("a").replace("aws-cli/2.15", "x".repeat(Json.MAX_STRING + 1));
    CloudTrailParseException e = assertThrows(CloudTrailParseException.class, () -> read(text));
    assertTrue(e.getMessage().contains("String value length"), e.getMessage());
  }

  @Test
  void hasNext_opaquePartBeyondLimit_parseExceptionNamingIt() {
    String text = record("a").replace("10.0.0.0/16", "x".repeat(Recorder.MAX_CAPTURE));
    CloudTrailParseException e = assertThrows(CloudTrailParseException.class, () -> read(text));
    assertTrue(e.getMessage().contains("requestParameters is larger than"), e.getMessage());
    assertEquals(1, e.line());
  }

  @Test
  void read_largeOpaquePartWithinLimit_keptWhole() {
    String big = "y".repeat(Json.MAX_STRING + 10);
    CloudTrailEvent e = read("[" + record("a") + "," + record("b").replace("10.0.0.0/16", big) + "]").get(1);
    assertEquals(big, e.requestParameters().orElseThrow().get("cidrBlock").asText());
  }

  @Test
  void hasNext_invalidUtf8_parseException() {
    byte[] bytes = record("a").getBytes(UTF_8);
    int at = record("a").indexOf("alice");
    bytes[at] = (byte) 0xC3;
    bytes[at + 1] = (byte) 0x28;
    CloudTrailParseException e = assertThrows(CloudTrailParseException.class, () -> read(bytes));
    assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    assertEquals(1, e.line());
  }

  @Test
  void open_missingFile_parseExceptionNamingIt() {
    Path missing = tmp.resolve("nope.json");
    CloudTrailParseException e = assertThrows(CloudTrailParseException.class,
        () -> CloudTrailReader.open(missing));
    assertEquals(missing.toString(), e.source());
    assertEquals(-1, e.line());
  }

  @Test
  void stream_close_closesTheInput() {
    AtomicBoolean closed = new AtomicBoolean();
    InputStream in = new ByteArrayInputStream(("[" + record("a") + "," + record("b") + "]").getBytes(UTF_8)) {
      @Override
      public void close() throws IOException {
        closed.set(true);
        super.close();
      }
    };
    try (Stream<CloudTrailEvent> events = CloudTrailReader.open(in, "s").stream()) {
      assertEquals("a", events.findFirst().orElseThrow().eventId().orElseThrow());
      assertFalse(closed.get());
    }
    assertTrue(closed.get());
  }

  @Test
  void close_gzipReadHalfway_stopsTheDecompressingThread() throws InterruptedException {
    StringBuilder log = new StringBuilder("[");
    for (int i = 0; i < 5_000; i++) {
      log.append(i == 0 ? "" : ",").append(record("r" + i));
    }
    byte[] gz = gzip(log.append("]").toString().getBytes(UTF_8));
    try (CloudTrailReader reader = CloudTrailReader.open(new ByteArrayInputStream(gz), "halfway")) {
      assertEquals("r0", reader.next().eventId().orElseThrow());
      assertTrue(gunzipThreads("halfway") > 0);
    }
    for (int i = 0; i < 100 && gunzipThreads("halfway") > 0; i++) {
      Thread.sleep(10);
    }
    assertEquals(0, gunzipThreads("halfway"));
  }

  private static long gunzipThreads(String source) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("remediate-gunzip " + source) && t.isAlive()).count();
  }

  @Test
  void open_gzipHeaderOnly_parseExceptionNamingGzip() {
    CloudTrailParseException e = assertThrows(CloudTrailParseException.class,
        () -> read(new byte[] {0x1f, (byte) 0x8b}));
    assertTrue(e.getMessage().contains("gzip"), e.getMessage());
  }

  @Test
  void next_afterEnd_throwsNoSuchElement() {
    try (CloudTrailReader reader = CloudTrailReader.open(
        new ByteArrayInputStream(record("a").getBytes(UTF_8)), "s")) {
      reader.next();
      assertThrows(java.util.NoSuchElementException.class, reader::next);
    }
  }
}
