package dev.remediate.core.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Turns the tokens of one record object into a {@link CloudTrailEvent}, field by field, without a
 * tree for the record (only its opaque parts become trees). {@link #STRICT} throws {@link Malformed}
 * for a missing required field or a value of the wrong type; {@link #LENIENT} leaves them absent.
 */
final class RecordParser {
  /** A record that is valid JSON but not a valid CloudTrail record; the reader adds the position. */
  static final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /** Today's schema checks: required fields, ISO-8601 {@code eventTime}, types. */
  static final RecordParser STRICT = new RecordParser(true);
  /** Missing fields are absent, time variants parse, values of the wrong type are left out. */
  static final RecordParser LENIENT = new RecordParser(false);

  private final boolean strict;

  private RecordParser(boolean strict) {
    this.strict = strict;
  }

  /**
   * Parses a record. The parser is on the record's {@code START_OBJECT} or on its first
   * {@code FIELD_NAME}; it is left on the record's {@code END_OBJECT}.
   *
   * @param region the envelope's region, used when the record has no {@code awsRegion}
   * @param account the envelope's account, used when the record has no {@code recipientAccountId}
   * @param raw the bytes under {@code p} when it reads the input itself, so that opaque parts can
   *     be kept as bytes; null to build trees
   */
  CloudTrailEvent parse(JsonParser p, @Nullable String region, @Nullable String account,
      @Nullable Recorder raw) throws IOException {
    CloudTrailEvent.Builder b = CloudTrailEvent.builder();
    Head head = new Head();
    JsonToken t = p.currentToken() == JsonToken.START_OBJECT ? p.nextToken() : p.currentToken();
    for (; t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String name = p.currentName();
      p.nextToken();
      if (!head.read(this, p, name)) {
        field(p, name, b, raw);
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new Malformed("expected a field name or the end of the record, found " + t);
    }
    if (head.awsRegion == null) {
      head.awsRegion = region;
    }
    if (strict) {
      head.check();
    }
    head.into(b, this);
    b.recipientAccountId(Optional.ofNullable(head.recipient != null ? head.recipient : account));
    return b.build();
  }

  /** The fields CloudTrail always writes, checked together at the end of the record. */
  private static final class Head {
    @Nullable String eventVersion;
    @Nullable String eventTime;
    @Nullable String eventSource;
    @Nullable String eventName;
    @Nullable String awsRegion;
    @Nullable String eventId;
    @Nullable String eventType;
    @Nullable String recipient;

    boolean read(RecordParser parser, JsonParser p, String name) throws IOException {
      switch (name) {
        case "eventVersion": eventVersion = parser.text(p, name); return true;
        case "eventTime": eventTime = parser.text(p, name); return true;
        case "eventSource": eventSource = parser.text(p, name); return true;
        case "eventName": eventName = parser.text(p, name); return true;
        case "awsRegion": awsRegion = parser.text(p, name); return true;
        case "eventID": eventId = parser.text(p, name); return true;
        case "eventType": eventType = parser.text(p, name); return true;
        case "recipientAccountId": recipient = parser.text(p, name); return true;
        default: return false;
      }
    }

    void check() {
      required(eventVersion, "eventVersion");
      required(eventTime, "eventTime");
      required(eventSource, "eventSource");
      required(eventName, "eventName");
      required(awsRegion, "awsRegion");
      required(eventId, "eventID");
      required(eventType, "eventType");
      if (EventVersion.tryParse(eventVersion).isEmpty()) {
        throw new Malformed("eventVersion '" + eventVersion + "' is not a version number");
      }
    }

    void into(CloudTrailEvent.Builder b, RecordParser parser) {
      b.eventVersion(Optional.ofNullable(eventVersion))
          .eventTimeText(Optional.ofNullable(eventTime))
          .eventTime(Optional.ofNullable(eventTime == null ? null : parser.instant(eventTime)))
          .eventId(Optional.ofNullable(eventId))
          .eventType(Optional.ofNullable(eventType));
      if (eventSource != null) {
        b.eventSource(eventSource);
      }
      if (eventName != null) {
        b.eventName(eventName);
      }
      if (awsRegion != null) {
        b.awsRegion(awsRegion);
      }
    }
  }

  private void field(JsonParser p, String name, CloudTrailEvent.Builder b, @Nullable Recorder raw)
      throws IOException {
    switch (name) {
      case "sourceIPAddress": {
        String ip = text(p, name);
        if (ip != null) {
          b.sourceIpAddress(ip);
        }
        break;
      }
      case "userIdentity": {
        UserIdentity identity = userIdentity(p);
        if (identity != null) {
          b.userIdentity(identity);
        }
        break;
      }
      case "userAgent": b.userAgent(Optional.ofNullable(text(p, name))); break;
      case "errorCode": b.errorCode(Optional.ofNullable(text(p, name))); break;
      case "errorMessage": b.errorMessage(Optional.ofNullable(text(p, name))); break;
      case "requestParameters": b.requestParametersData(captured(p, raw, name)); break;
      case "responseElements": b.responseElementsData(captured(p, raw, name)); break;
      case "additionalEventData": b.additionalEventDataData(captured(p, raw, name)); break;
      case "requestID": b.requestId(Optional.ofNullable(text(p, name))); break;
      case "readOnly": b.readOnly(Optional.ofNullable(bool(p, name))); break;
      case "managementEvent": b.managementEvent(Optional.ofNullable(bool(p, name))); break;
      case "eventCategory": b.eventCategory(Optional.ofNullable(text(p, name))); break;
      case "resources": resources(p, b); break;
      case "sharedEventID": b.sharedEventId(Optional.ofNullable(text(p, name))); break;
      case "vpcEndpointId": b.vpcEndpointId(Optional.ofNullable(text(p, name))); break;
      case "vpcEndpointAccountId": b.vpcEndpointAccountId(Optional.ofNullable(text(p, name))); break;
      case "apiVersion": b.apiVersion(Optional.ofNullable(text(p, name))); break;
      case "serviceEventDetails": b.serviceEventDetails(opaque(p)); break;
      case "tlsDetails": b.tlsDetails(Optional.ofNullable(tlsDetails(p))); break;
      case "sessionCredentialFromConsole":
        b.sessionCredentialFromConsole(Optional.ofNullable(bool(p, name)));
        break;
      case "edgeDeviceDetails": b.edgeDeviceDetails(opaque(p)); break;
      case "insightDetails": b.insightDetails(opaque(p)); break;
      case "addendum": b.addendum(opaque(p)); break;
      case "eventContext": b.eventContext(opaque(p)); break;
      default: b.putUnknownFields(name, Json.tree(p)); break;
    }
  }

  private static <T> T required(@Nullable T value, String field) {
    if (value == null) {
      throw new Malformed("record lacks the required field '" + field + "'");
    }
    return value;
  }

  /**
   * The instant of an {@code eventTime}: strict, CloudTrail's form or ISO-8601 (else malformed);
   * lenient, also the variants {@link EventTimes} knows (else null: the text is kept).
   */
  @Nullable Instant instant(String s) {
    Instant fast = utcSeconds(s);
    if (fast != null) {
      return fast;
    }
    if (!strict) {
      return EventTimes.parse(s);
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new Malformed("eventTime '" + shorten(s) + "' is not an ISO-8601 instant");
    }
  }

  private @Nullable String text(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (strict) {
      throw wrongType(field, "a string", t);
    }
    if (t.isScalarValue()) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  /** Lenient: a value of the wrong type is skipped and absent; strict: malformed. */
  private <T> @Nullable T wrong(JsonParser p, String field, String expected) throws IOException {
    if (strict) {
      throw wrongType(field, expected, p.currentToken());
    }
    p.skipChildren();
    return null;
  }

  private @Nullable Boolean bool(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
      return t == JsonToken.VALUE_TRUE;
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t == JsonToken.VALUE_STRING) {
      String s = p.getText();
      if ("true".equalsIgnoreCase(s) || "false".equalsIgnoreCase(s)) {
        return Boolean.parseBoolean(s);
      }
    }
    return wrong(p, field, "a boolean");
  }

  /**
   * Parses the form CloudTrail writes, {@code 2024-05-01T10:00:00Z}, without the general
   * {@code DateTimeFormatter} machinery (a hot spot when reading large files).
   *
   * @return the instant, or null when the text has another form (then {@link Instant#parse} decides)
   */
  static @Nullable Instant utcSeconds(String s) {
    if (s.length() != 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
        || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(19) != 'Z') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > lengthOfMonth(year, month)
        || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    long days = java.time.LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(days * 86_400L + hour * 3600L + minute * 60L + second);
  }

  private static int lengthOfMonth(int year, int month) {
    return java.time.YearMonth.of(year, month).lengthOfMonth();
  }

  /** @return the value of {@code count} ASCII digits at {@code from}, or -1 when one is not a digit */
  private static int digits(String s, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** An opaque object or array as the bytes the parser skipped over, else as a tree. */
  private Optional<OpaqueJson> captured(JsonParser p, @Nullable Recorder raw, String field)
      throws IOException {
    JsonToken t = p.currentToken();
    if (raw == null || t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
      return opaque(p).map(OpaqueJson::of);
    }
    raw.start(p.currentTokenLocation().getByteOffset());
    p.skipChildren();
    byte[] bytes = raw.take(p.currentTokenLocation().getByteOffset() + 1);
    if (bytes == null) {
      throw new Malformed(field + " is larger than " + Recorder.MAX_CAPTURE + " bytes");
    }
    return Optional.of(OpaqueJson.ofBytes(bytes));
  }

  private static Optional<JsonNode> opaque(JsonParser p) throws IOException {
    return p.currentToken() == JsonToken.VALUE_NULL ? Optional.empty() : Optional.of(Json.tree(p));
  }

  private boolean startObject(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      return true;
    }
    if (t == JsonToken.VALUE_NULL) {
      return false;
    }
    wrong(p, field, "an object");
    return false;
  }

  private @Nullable UserIdentity userIdentity(JsonParser p) throws IOException {
    if (!startObject(p, "userIdentity")) {
      return null;
    }
    ImmutableUserIdentity.Builder b = UserIdentity.builder();
    fields(p, name -> {
      switch (name) {
        case "type": b.type(Optional.ofNullable(text(p, name))); break;
        case "principalId": b.principalId(Optional.ofNullable(text(p, name))); break;
        case "arn": b.arn(Optional.ofNullable(text(p, name))); break;
        case "accountId": b.accountId(Optional.ofNullable(text(p, name))); break;
        case "accessKeyId": b.accessKeyId(Optional.ofNullable(text(p, name))); break;
        case "userName": b.userName(Optional.ofNullable(text(p, name))); break;
        case "invokedBy": b.invokedBy(Optional.ofNullable(text(p, name))); break;
        case "identityProvider": b.identityProvider(Optional.ofNullable(text(p, name))); break;
        case "credentialId": b.credentialId(Optional.ofNullable(text(p, name))); break;
        case "sessionContext": b.sessionContext(Optional.ofNullable(sessionContext(p))); break;
        case "onBehalfOf": b.onBehalfOf(opaque(p)); break;
        case "inScopeOf": b.inScopeOf(opaque(p)); break;
        default: b.putUnknownFields(name, Json.tree(p)); break;
      }
    });
    return b.build();
  }

  private @Nullable SessionContext sessionContext(JsonParser p) throws IOException {
    if (!startObject(p, "sessionContext")) {
      return null;
    }
    ImmutableSessionContext.Builder b = SessionContext.builder();
    fields(p, name -> {
      switch (name) {
        case "attributes": attributes(p, b); break;
        case "sessionIssuer": b.sessionIssuer(Optional.ofNullable(sessionIssuer(p))); break;
        case "webIdFederationData": b.webIdFederationData(opaque(p)); break;
        case "sourceIdentity": b.sourceIdentity(Optional.ofNullable(text(p, name))); break;
        case "ec2RoleDelivery": b.ec2RoleDelivery(Optional.ofNullable(text(p, name))); break;
        case "assumedRoot": b.assumedRoot(Optional.ofNullable(text(p, name))); break;
        default: b.putUnknownFields(name, Json.tree(p)); break;
      }
    });
    return b.build();
  }

  private void attributes(JsonParser p, ImmutableSessionContext.Builder b)
      throws IOException {
    if (!startObject(p, "attributes")) {
      return;
    }
    fields(p, name -> {
      switch (name) {
        case "creationDate": b.creationDate(Optional.ofNullable(text(p, name))); break;
        case "mfaAuthenticated": b.mfaAuthenticated(Optional.ofNullable(bool(p, name))); break;
        default: b.putUnknownFields("attributes." + name, Json.tree(p)); break;
      }
    });
  }

  private @Nullable SessionIssuer sessionIssuer(JsonParser p) throws IOException {
    if (!startObject(p, "sessionIssuer")) {
      return null;
    }
    ImmutableSessionIssuer.Builder b = SessionIssuer.builder();
    fields(p, name -> {
      switch (name) {
        case "type": b.type(Optional.ofNullable(text(p, name))); break;
        case "principalId": b.principalId(Optional.ofNullable(text(p, name))); break;
        case "arn": b.arn(Optional.ofNullable(text(p, name))); break;
        case "accountId": b.accountId(Optional.ofNullable(text(p, name))); break;
        case "userName": b.userName(Optional.ofNullable(text(p, name))); break;
        default: b.putUnknownFields(name, Json.tree(p)); break;
      }
    });
    return b.build();
  }

  private @Nullable TlsDetails tlsDetails(JsonParser p) throws IOException {
    if (!startObject(p, "tlsDetails")) {
      return null;
    }
    ImmutableTlsDetails.Builder b = TlsDetails.builder();
    fields(p, name -> {
      switch (name) {
        case "tlsVersion": b.tlsVersion(Optional.ofNullable(text(p, name))); break;
        case "cipherSuite": b.cipherSuite(Optional.ofNullable(text(p, name))); break;
        case "clientProvidedHostHeader":
          b.clientProvidedHostHeader(Optional.ofNullable(text(p, name)));
          break;
        default: b.putUnknownFields(name, Json.tree(p)); break;
      }
    });
    return b.build();
  }

  private void resources(JsonParser p, CloudTrailEvent.Builder event)
      throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    if (t != JsonToken.START_ARRAY) {
      wrong(p, "resources", "an array");
      return;
    }
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT) {
        wrong(p, "resources[]", "an object");
        continue;
      }
      ImmutableEventResource.Builder b = EventResource.builder();
      fields(p, name -> {
        switch (name) {
          case "ARN":
          case "arn":
            b.arn(Optional.ofNullable(text(p, "resources[].ARN")));
            break;
          case "accountId": b.accountId(Optional.ofNullable(text(p, "resources[].accountId"))); break;
          case "type": b.type(Optional.ofNullable(text(p, "resources[].type"))); break;
          default: b.putUnknownFields(name, Json.tree(p)); break;
        }
      });
      event.addResources(b.build());
    }
  }

  /** Reads one field of an object; the parser is on the field's value. */
  private interface Field {
    void read(String name) throws IOException;
  }

  /** Calls {@code field} for each field of the object whose start the parser is on. */
  private static void fields(JsonParser p, Field field) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      field.read(name);
    }
  }

  static Malformed wrongType(String field, String expected, @Nullable JsonToken found) {
    return new Malformed(field + " must be " + expected + ", found " + describe(found));
  }

  static String describe(@Nullable JsonToken t) {
    if (t == null) {
      return "the end of the input";
    }
    switch (t) {
      case START_OBJECT: return "an object";
      case START_ARRAY: return "an array";
      case VALUE_STRING: return "a string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT: return "a number";
      case VALUE_TRUE:
      case VALUE_FALSE: return "a boolean";
      case VALUE_NULL: return "null";
      default: return t.asString() != null ? "'" + t.asString() + "'" : t.name();
    }
  }

  static String shorten(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
