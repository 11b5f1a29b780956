package dev.remediate.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class EventSummariesTest {
  @Test
  void line_createVpcRecord_projectsFieldsAndResources() {
    CloudTrailEvent e = CloudTrailReaderTest.read(CloudTrailReaderTest.record("a")).get(0);
    assertEquals("{\"eventTime\":\"2024-05-01T10:00:00Z\",\"eventSource\":\"ec2.amazonaws.com\","
        + "\"eventName\":\"CreateVpc\",\"awsRegion\":\"eu-west-1\",\"recipientAccountId\":\"111122223333\","
        + "\"principalArn\":\"arn:aws:iam::111122223333:user/alice\",\"errorCode\":null,\"resources\":"
        + "[{\"service\":\"ec2\",\"type\":\"vpc\",\"id\":\"vpc-a\",\"region\":\"eu-west-1\","
        + "\"account\":\"111122223333\"}]}", EventSummaries.line(e));
  }

  @Test
  void line_errorRecordFromCorpus_carriesErrorCodeAndNoResources() {
    CloudTrailEvent e = Corpus.byId("e4bad408-6272-4892-bf47-bd41b435ce40");
    JsonNode summary = EventSummaries.summary(e);
    assertEquals("AccessDenied", summary.get("errorCode").asText());
    assertEquals("arn:aws:iam::123837392027:user/bert-jan", summary.get("principalArn").asText());
    assertEquals(0, summary.get("resources").size());
  }

  @Test
  void tally_wholeCorpus_countsBySourceAndName() {
    EventSummaries.Tally tally = EventSummaries.tally();
    Corpus.all().forEach(tally::add);
    assertEquals(Corpus.RECORDS, tally.total());
    JsonNode json = tally.toJson();
    assertEquals(Corpus.RECORDS, json.get("total").asLong());
    assertEquals(31, json.get("eventSources").size());
    assertEquals(979, json.at("/eventSources/ec2.amazonaws.com/total").asLong());
    assertEquals(10, tally.count(EventKey.of("ec2.amazonaws.com", "CreateVpc")));
    assertEquals(0, tally.count(EventKey.of("ec2.amazonaws.com", "NoSuchCall")));
    long pairs = 0;
    java.util.Set<String> names = new java.util.HashSet<>();
    for (JsonNode source : json.get("eventSources")) {
      pairs += source.get("eventNames").size();
      source.get("eventNames").fieldNames().forEachRemaining(names::add);
    }
    assertEquals(278, names.size());
    assertEquals(280, pairs); // two event names occur under two sources each

  }
}
