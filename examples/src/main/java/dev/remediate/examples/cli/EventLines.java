package dev.remediate.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.ResourceExtractor;
import dev.remediate.core.event.ResourceRef;

/**
 * The one-line JSON projection of a CloudTrail record that {@code remediate events} prints:
 * {@code eventTime, eventID, eventSource, eventName, awsRegion, recipientAccountId, principal}
 * (the caller's ARN), {@code errorCode} and {@code resources} ({@code service:type/id}, from
 * {@link ResourceExtractor}). Absent values are {@code null}.
 *
 * <pre>{@code
 * {"eventTime":"2026-11-27T05:00:00Z","eventID":"...","eventSource":"ec2.amazonaws.com",
 *  "eventName":"CreateVpc","awsRegion":"us-east-1","recipientAccountId":"123456789012",
 *  "principal":"arn:aws:iam::123456789012:user/alice","errorCode":null,
 *  "resources":["ec2:vpc/vpc-0abc1234"]}
 * }</pre>
 */
public final class EventLines {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private EventLines() {}

  /**
   * Projects a record.
   *
   * @param event the record
   * @return the projection
   */
  public static ObjectNode project(CloudTrailEvent event) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("eventTime", event.eventTime().toString());
    node.put("eventID", event.eventId());
    node.put("eventSource", event.eventSource());
    node.put("eventName", event.eventName());
    node.put("awsRegion", event.awsRegion());
    node.put("recipientAccountId", event.recipientAccountId().orElse(null));
    node.put("principal", event.userIdentity().arn().orElse(null));
    node.put("errorCode", event.errorCode().orElse(null));
    ArrayNode resources = node.putArray("resources");
    for (ResourceRef ref : ResourceExtractor.extract(event)) {
      resources.add(ref.service() + ":" + ref.type() + "/" + ref.id());
    }
    return node;
  }

  /**
   * Projects a record as one line of JSON.
   *
   * @param event the record
   * @return the line, without a line break
   */
  public static String line(CloudTrailEvent event) {
    try {
      return MAPPER.writeValueAsString(project(event));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
