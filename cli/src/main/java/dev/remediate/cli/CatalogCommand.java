package dev.remediate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remediate.core.RemediationType;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.policy.LeastPrivilegePolicy;
import dev.remediate.core.policy.MemberRoleTemplate;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.policybuilder.iam.IamPolicyWriter;

/**
 * {@code remediate catalog}: every remediation on the class path with its id, controls, IAM
 * actions and flags; {@code --json} for tools; {@code --iam-policy} for a least-privilege policy.
 *
 * <pre>{@code
 * remediate catalog
 * remediate catalog --json
 * remediate catalog --iam-policy --only ec2.vpc-flow-logs,ec2.default-security-group
 * remediate catalog --iam-policy --account 111122223333
 * remediate catalog --member-role --only ec2.security-group-open-ports > member-role.yaml
 * }</pre>
 */
@Command(name = "catalog", mixinStandardHelpOptions = true,
    description = "Lists every remediation: id, controls, IAM actions, flags.")
public final class CatalogCommand extends BaseCommand implements Callable<Integer> {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper()
          .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);

  /** The statement id of the generated IAM policy's unscoped actions. */
  public static final String POLICY_SID = LeastPrivilegePolicy.CATALOG_SID;

  @Mixin
  Selection selection;

  @Option(names = "--json", description = "Print the catalog as a JSON array.")
  boolean json;

  @Option(names = "--iam-policy",
      description = "Print a least-privilege IAM policy document allowing every IAM action of the "
          + "selected remediations.")
  boolean iamPolicy;

  @Option(names = "--member-role",
      description = "Print the CloudFormation template (for StackSets) of the role assumed in "
          + "member accounts (scan --accounts), with the least-privilege statements of the "
          + "selected remediations.")
  boolean memberRole;

  @Option(names = "--account", paramLabel = "ID", defaultValue = "*",
      description = "With --iam-policy: the account id in the role ARNs (default: *, any account).")
  String account;

  /** Creates the command (picocli fills its fields). */
  public CatalogCommand() {}

  @Override
  public Integer call() {
    checkGlobalOptions();
    if ((json ? 1 : 0) + (iamPolicy ? 1 : 0) + (memberRole ? 1 : 0) > 1) {
      throw CliException.badInput("--json, --iam-policy and --member-role cannot be combined");
    }
    List<RemediationType> types = selection.select(env().catalog());
    PrintWriter out = out();
    if (iamPolicy) {
      if (!account.equals("*") && !account.matches("\\d{12}")) {
        throw CliException.badInput("--account '" + account + "' is not a 12-digit account id");
      }
      out.println(iamPolicy(types, account));
    } else if (memberRole) {
      if (LeastPrivilegePolicy.of(types).isEmpty()) {
        throw CliException.badInput("no IAM actions: no remediation is selected");
      }
      out.print(MemberRoleTemplate.render(types));
    } else if (json) {
      out.println(json(types));
    } else if (types.isEmpty() && !env().catalog().types().isEmpty()) {
      out.println("No remediation selected: --only and --skip left none.");
    } else {
      out.print(text(types));
    }
    return Remediate.EXIT_OK;
  }

  /**
   * The least-privilege policy of the types, statement by statement ({@link LeastPrivilegePolicy}):
   * IAM role actions limited to {@code remediate-*} roles, {@code iam:PassRole} and
   * {@code iam:CreateServiceLinkedRole} limited by service, responder actions in a statement of
   * their own.
   *
   * @param types the remediation types
   * @param account the account id the role ARNs name, or {@code *} for any account
   * @return the policy document, pretty-printed
   * @throws CliException when the types need no action (an empty statement is invalid)
   */
  public static String iamPolicy(List<RemediationType> types, String account) {
    LeastPrivilegePolicy policy = LeastPrivilegePolicy.of(types);
    if (policy.isEmpty()) {
      throw CliException.badInput("no IAM actions: no remediation is selected (the catalog has "
          + "none on the class path, or --only/--skip left none)");
    }
    String written = policy.all("aws", account)
        .toJson(IamPolicyWriter.builder().prettyPrint(false).build());
    try {
      // The SDK writes a single statement as an object; tools (and AWS's own examples) expect
      // Statement to be an array.
      ObjectNode document = (ObjectNode) JSON.readTree(written);
      JsonNode statement = document.get("Statement");
      if (!statement.isArray()) {
        document.set("Statement", JSON.createArrayNode().add(statement));
      }
      return JSON.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The catalog as a JSON array of {@code {id, description, controls, iamActions, flags}}.
   *
   * @param types the types
   * @return JSON text
   */
  public static String json(List<RemediationType> types) {
    ArrayNode array = JSON.createArrayNode();
    for (RemediationType type : types) {
      ObjectNode node = array.addObject();
      node.put("id", type.id());
      node.put("description", type.description());
      ArrayNode controls = node.putArray("controls");
      type.controls().forEach(controls::add);
      ArrayNode actions = node.putArray("iamActions");
      new TreeSet<>(type.iamActions()).forEach(actions::add);
      ArrayNode responder = node.putArray("responderActions");
      new TreeSet<>(type.responderActions()).forEach(responder::add);
      ArrayNode flags = node.putArray("flags");
      new TreeSet<>(type.flags()).forEach(f -> flags.add(f.name()));
    }
    try {
      return JSON.writeValueAsString(array);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The catalog as text: one block per remediation.
   *
   * @param types the types
   * @return text
   */
  public static String text(List<RemediationType> types) {
    if (types.isEmpty()) {
      return "No remediations on the class path.\n";
    }
    StringBuilder out = new StringBuilder();
    for (RemediationType type : types) {
      out.append(type.id()).append("  ").append(type.description()).append('\n');
      out.append("  controls:    ").append(orNone(type.controls())).append('\n');
      out.append("  flags:       ").append(orNone(flags(type.flags()))).append('\n');
      out.append("  settings:    ").append(orNone(type.settings().stream()
          .map(setting -> setting.key() + setting.defaultValue().map(d -> " (default " + d + ")")
              .orElse("")).toList())).append('\n');
      out.append("  IAM actions: ").append(orNone(List.copyOf(new TreeSet<>(type.iamActions()))))
          .append('\n');
    }
    out.append(types.size()).append(" remediation(s)\n");
    return out.toString();
  }

  static List<String> flags(Set<Flag> flags) {
    return new TreeSet<>(flags).stream().map(Flag::name).collect(Collectors.toList());
  }

  private static String orNone(List<String> values) {
    return values.isEmpty() ? "none" : String.join(", ", values);
  }
}
