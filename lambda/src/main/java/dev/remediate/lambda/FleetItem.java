package dev.remediate.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.Guardrails;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationType;
import dev.remediate.core.Remediator;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.aws.AccountRole;
import dev.remediate.core.aws.AwsNames;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.PlanSet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One (account, Region) item of an organization-wide scan or apply, as the Step Functions state
 * machine ({@code lambda/fleet.yaml}, a Distributed Map over the items) invokes the
 * handler:
 *
 * <pre>{@code
 * {"remediate": "scan",  "account": "111122223333", "region": "eu-west-1",
 *  "bucket": "org-remediate-plans", "key": "2026-12-06/111122223333/eu-west-1.json",
 *  "only": ["ec2.vpc-flow-logs"]}
 * {"remediate": "apply", "account": "111122223333", "region": "eu-west-1",
 *  "bucket": "org-remediate-plans", "key": "2026-12-06/111122223333/eu-west-1.json"}
 * }</pre>
 *
 * <p>{@code scan} plans the region-wide form of every catalog remediation (or those of
 * {@code only}) with the settings of {@code REMEDIATE_SETTINGS}, in the item's account (through
 * the member role when it is not the function's), and writes the plan set's JSON to
 * {@code s3://bucket/key} in the function's account. {@code apply} reads that plan set, applies it
 * in the item's account (each target observed again; flagged steps are never consented to), and
 * writes the result's text next to it ({@code key + ".result.txt"}). Both answer one JSON object;
 * a failed target is counted in {@code failed}, never thrown, so the other items go on.
 */
final class FleetItem {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * An item.
   *
   * @param mode {@code scan} or {@code apply}
   * @param account the account to act in
   * @param region the Region
   * @param bucket the bucket of the plan sets (the function's account)
   * @param key the plan set's key
   * @param only the catalog ids to scan; empty for all
   */
  record Request(String mode, String account, String region, String bucket, String key,
      List<String> only) {}

  private FleetItem() {}

  /**
   * Reads an item, if the input is one: a JSON object with a {@code remediate} field.
   *
   * @param input the invocation's bytes
   * @return the item, or empty for any other input (events go to the event reactor)
   * @throws InvalidRemediationException naming the field when an item is malformed
   */
  static Optional<Request> parse(byte[] input) {
    JsonNode node;
    try {
      node = JSON.readTree(input);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (node == null || !node.isObject() || !node.has("remediate")) {
      return Optional.empty();
    }
    String mode = node.path("remediate").asText();
    if (!mode.equals("scan") && !mode.equals("apply")) {
      throw new InvalidRemediationException("remediate must be scan or apply, was '" + mode + "'");
    }
    List<String> only = new ArrayList<>();
    node.path("only").forEach(id -> only.add(id.asText()));
    return Optional.of(new Request(mode, AwsNames.accountId(field(node, "account")),
        AwsNames.region(field(node, "region")), AwsNames.bucket(field(node, "bucket")),
        field(node, "key"), List.copyOf(only)));
  }

  private static String field(JsonNode node, String name) {
    String value = node.path(name).asText("");
    if (value.isBlank()) {
      throw new InvalidRemediationException("a " + node.path("remediate").asText() + " item "
          + "needs '" + name + "'");
    }
    return value;
  }

  /**
   * Runs an item.
   *
   * @param item the item
   * @param home the function's scope of the item's Region (writes the plan sets)
   * @param role the role assumed in the item's account when it is not the function's
   * @param catalog the catalog
   * @param settings the settings of {@code REMEDIATE_SETTINGS}
   * @param guardrails the guardrails (no consent is ever given)
   * @return the item's summary
   */
  static ObjectNode run(Request item, AwsScope home, AccountRole role, RemediationCatalog catalog,
      Map<String, String> settings, Guardrails guardrails) {
    ObjectNode summary = JSON.createObjectNode().put("remediate", item.mode())
        .put("account", item.account()).put("region", item.region())
        .put("s3", "s3://" + item.bucket() + "/" + item.key());
    S3Client s3 = home.client(S3Client.class, S3Client::builder);
    boolean member = !item.account().equals(home.account());
    AwsScope scope = member ? role.scopeFor(home, item.account()) : home;
    try {
      Remediator remediator = Remediator.builder().scope(scope).guardrails(guardrails).build();
      if (item.mode().equals("scan")) {
        PlanSet plans = remediator.planSet(remediations(item, catalog, settings));
        s3.putObject(r -> r.bucket(item.bucket()).key(item.key()),
            RequestBody.fromString(plans.toJson()));
        return summary.put("plans", plans.plans().size()).put("changes", plans.changes());
      }
      PlanSet plans = PlanSet.fromJson(s3.getObjectAsBytes(r -> r.bucket(item.bucket())
          .key(item.key())).asUtf8String());
      PlanSetResult result = remediator.apply(plans);
      s3.putObject(r -> r.bucket(item.bucket()).key(item.key() + ".result.txt"),
          RequestBody.fromString(result.toText()));
      return summary.put("applied", result.withStatus(ApplyResult.Status.APPLIED).size())
          .put("failed", result.results().stream().filter(ApplyResult::isProblem).count());
    } finally {
      if (member) {
        scope.close();
      }
    }
  }

  private static List<Remediation> remediations(Request item, RemediationCatalog catalog,
      Map<String, String> settings) {
    item.only().forEach(catalog::require); // an unknown id fails the item, naming it
    List<Remediation> remediations = new ArrayList<>();
    for (RemediationType type : catalog.types()) {
      if (item.only().isEmpty() || item.only().contains(type.id())) {
        type.forRegion(settings).ifPresent(remediations::add);
      }
    }
    return remediations;
  }
}
