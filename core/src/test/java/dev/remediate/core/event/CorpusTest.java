package dev.remediate.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The real records of the shared corpus parse completely and into the right values. */
class CorpusTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void read_wholeCorpus_parsesEveryRecord() {
    assertEquals(Corpus.RECORDS, Corpus.all().size());
    assertEquals(Corpus.RECORDS, Corpus.all().stream().map(CloudTrailEvent::eventId).map(java.util.Optional::orElseThrow).distinct().count());
  }

  @Test
  void read_eachFile_sameRecordsAsATreeWalk() throws IOException {
    for (Path file : Corpus.plainFiles()) {
      JsonNode root = MAPPER.readTree(file.toFile());
      JsonNode records = root.isArray() ? root : root.get("Records");
      List<CloudTrailEvent> events = Corpus.read(file);
      assertEquals(records.size(), events.size(), file.toString());
      for (int i = 0; i < records.size(); i++) {
        JsonNode expected = records.get(i);
        CloudTrailEvent actual = events.get(i);
        assertEquals(expected.get("eventID").asText(), actual.eventId().orElseThrow(), file + " #" + i);
        assertEquals(Instant.parse(expected.get("eventTime").asText()), actual.eventTime().orElseThrow());
        assertEquals(nonNull(expected.get("requestParameters")), actual.requestParameters(),
            file + " #" + i + " requestParameters");
        assertEquals(nonNull(expected.get("responseElements")), actual.responseElements(),
            file + " #" + i + " responseElements");
        assertEquals(nonNull(expected.get("additionalEventData")), actual.additionalEventData());
        assertEquals(Optional.ofNullable(expected.get("errorCode")).map(JsonNode::asText),
            actual.errorCode());
        assertTrue(actual.unknownFields().isEmpty(), () -> "unknown " + actual.unknownFields());
      }
    }
  }

  private static Optional<JsonNode> nonNull(JsonNode node) {
    return node == null || node.isNull() ? Optional.empty() : Optional.of(node);
  }

  @Test
  void read_gzipFiles_sameRecordsAsTheirPlainFiles() {
    assertEquals(3, Corpus.gzip().size());
    for (Path gz : Corpus.gzip()) {
      String plainName = gz.getFileName().toString().replace(".gz", "");
      Path plain = Corpus.dir().resolve("invictus-ir-aws-dataset").resolve(plainName);
      List<CloudTrailEvent> fromGzip = Corpus.read(gz);
      assertFalse(fromGzip.isEmpty());
      assertEquals(Corpus.read(plain), fromGzip, gz.toString());
    }
  }

  @Test
  void read_inputArrivingInSmallPieces_sameRecords() throws IOException {
    // Short reads put token boundaries everywhere: the bytes kept for opaque parts must survive.
    Random random = new Random(7);
    for (Path file : Corpus.invictus().subList(0, 8)) {
      byte[] bytes = java.nio.file.Files.readAllBytes(file);
      InputStream dribble = new java.io.ByteArrayInputStream(bytes) {
        @Override
        public synchronized int read(byte[] b, int off, int len) {
          return super.read(b, off, Math.min(len, 1 + random.nextInt(97)));
        }
      };
      try (CloudTrailReader reader = CloudTrailReader.open(dribble, file.toString())) {
        assertEquals(Corpus.read(file), reader.stream().collect(Collectors.toList()), file.toString());
      }
    }
  }

  @Test
  void read_accessDeniedRecord_hasErrorAndNullParameters() {
    CloudTrailEvent e = Corpus.byId("e4bad408-6272-4892-bf47-bd41b435ce40");
    assertTrue(e.isError());
    assertEquals(Optional.of("AccessDenied"), e.errorCode());
    assertTrue(e.errorMessage().orElseThrow().startsWith(
        "User: arn:aws:iam::123837392027:user/bert-jan is not authorized to perform: sts:AssumeRole"));
    assertEquals("sts.amazonaws.com", e.eventSource());
    assertEquals("AssumeRole", e.eventName());
    assertEquals(Optional.empty(), e.requestParameters());
    assertEquals(Optional.empty(), e.responseElements());
    assertEquals(Optional.of(true), e.readOnly());
    assertEquals(Optional.of("IAMUser"), e.userIdentity().type());
    assertEquals(Optional.of("bert-jan"), e.userIdentity().userName());
    assertEquals(Optional.of("TLSv1.2"), e.tlsDetails().flatMap(TlsDetails::tlsVersion));
    assertEquals(Optional.of("sts.us-east-1.amazonaws.com"),
        e.tlsDetails().flatMap(TlsDetails::clientProvidedHostHeader));
  }

  @Test
  void read_errorWithoutMessage_hasCodeOnly() {
    CloudTrailEvent e = Corpus.byId("c3bbd94a-297d-465f-bd98-a2c6f60b6aa5");
    assertEquals(Optional.of("InvocationDoesNotExist"), e.errorCode());
    assertEquals(Optional.empty(), e.errorMessage());
    assertEquals("i-0dbc91f429e48eeed",
        e.requestParameters().orElseThrow().get("instanceId").asText());
  }

  @Test
  void read_assumedRoleIdentity_hasSessionIssuerAndAttributes() {
    CloudTrailEvent e = Corpus.all().stream()
        .filter(r -> r.userIdentity().type().equals(Optional.of("AssumedRole"))
            && r.eventName().equals("GetPasswordData"))
        .findFirst().orElseThrow();
    UserIdentity id = e.userIdentity();
    assertEquals(Optional.of("ASIATFQR7NSCWLLE7IWW"), id.accessKeyId());
    SessionContext session = id.sessionContext().orElseThrow();
    assertEquals(Optional.of(false), session.mfaAuthenticated());
    assertEquals(Optional.of(Instant.parse("2023-07-10T11:54:47Z")), session.creationInstant());
    SessionIssuer issuer = session.sessionIssuer().orElseThrow();
    assertEquals(Optional.of("Role"), issuer.type());
    assertEquals(Optional.of("arn:aws:iam::123837392027:role/stratus-red-team-ec2-get-password-data-role"),
        issuer.arn());
    assertEquals(Optional.of("Client.UnauthorizedOperation"), e.errorCode());
  }

  @Test
  void read_awsServiceEvent_identityWithoutType() {
    CloudTrailEvent e = Corpus.byId("895dc875-cb08-45a5-b8c2-9158838741c0");
    assertEquals("AwsServiceEvent", e.eventType().orElseThrow());
    assertEquals(Optional.empty(), e.userIdentity().type());
    assertEquals(Optional.of("ec2.amazonaws.com"), e.userIdentity().invokedBy());
    assertEquals(Optional.of("123837392027"), e.userIdentity().accountId());
    assertEquals(Optional.empty(), e.requestId());
    assertEquals("ec2.amazonaws.com", e.sourceIpAddress());
    assertEquals(Optional.of("b81f7fe5-36b5-49ea-bbc9-6a9007e733c0"), e.sharedEventId());
    assertEquals("snap-0e83092ae538da583",
        e.serviceEventDetails().orElseThrow().get("snapshotId").asText());
  }

  @Test
  void read_consoleSessionRecord_emptySessionIssuerAndStringBooleans() {
    CloudTrailEvent e = Corpus.byId("8b0a92b6-4868-4090-a6aa-d8f4d618c9d4");
    SessionContext session = e.userIdentity().sessionContext().orElseThrow();
    assertEquals(Optional.of(SessionIssuer.builder().build()), session.sessionIssuer());
    assertEquals(Optional.of(true), session.mfaAuthenticated());
    assertEquals(Optional.empty(), e.requestParameters());
    long fromConsole = Corpus.all().stream()
        .filter(r -> r.sessionCredentialFromConsole().equals(Optional.of(true))).count();
    assertEquals(256, fromConsole);
  }

  @Test
  void read_createVpcRecord_responseCarriesNewVpcId() {
    CloudTrailEvent e = Corpus.byId("f5e4b2d3-a4a2-4a78-b81f-9036f12b623e");
    assertEquals(EventKey.of("ec2.amazonaws.com", "CreateVpc"), e.key());
    assertEquals("vpc-06fe1a64761a0f720",
        e.responseElements().orElseThrow().at("/vpc/vpcId").asText());
    assertTrue(e.requestParametersJson().orElseThrow().contains("\"cidrBlock\":\"10.0.0.0/16\""));
    assertEquals(Optional.of("123837392027"), e.recipientAccountId());
    assertEquals(Optional.of(false), e.readOnly());
    assertEquals(Optional.of(true), e.managementEvent());
    assertEquals(Optional.of("Management"), e.eventCategory());
  }

  @Test
  void read_eventVersions_compareNumerically() {
    Set<EventVersion> versions = Corpus.all().stream().map(e -> e.eventVersionNumber().orElseThrow())
        .collect(Collectors.toSet());
    assertEquals(Set.of(EventVersion.parse("1.08"), EventVersion.parse("1.09"),
        EventVersion.parse("1.10")), versions);
    EventVersion newest = versions.stream().max(EventVersion::compareTo).orElseThrow();
    assertEquals("1.10", newest.toString());
  }

  @Test
  void read_fakeRegionsAndNonIpSources_keptAsWritten() {
    Set<String> regions = Corpus.all().stream().map(CloudTrailEvent::awsRegion)
        .collect(Collectors.toSet());
    assertTrue(regions.contains("apiso-centralnorth-2r"), regions::toString);
    assertTrue(Corpus.all().stream().anyMatch(r -> r.sourceIpAddress().equals("AWS Internal")));
  }

  @Test
  void read_resourcesField_typedEntries() {
    CloudTrailEvent e = Corpus.all().stream().filter(r -> !r.resources().isEmpty()).findFirst()
        .orElseThrow();
    EventResource first = e.resources().get(0);
    assertTrue(first.arn().orElseThrow().startsWith("arn:aws"), first::toString);
    assertTrue(first.type().isPresent());
  }
}
