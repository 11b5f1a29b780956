package dev.remediate.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An AWS Security Hub finding in the AWS Security Finding Format (ASFF), with the fields
 * remediations act on. Read alone, from {@code aws securityhub get-findings} output
 * ({@code {"Findings":[...]}}) or from a "Security Hub Findings - Imported" EventBridge envelope.
 *
 * <pre>{@code
 * if (finding.isFailedControl()) {
 *   System.out.println(finding.securityControlId().get() + " fails on " + finding.resources());
 * }
 * }</pre>
 *
 * @param id the finding's {@code Id}
 * @param productArn {@code ProductArn}
 * @param generatorId {@code GeneratorId}
 * @param region {@code Region}, else the first resource's, else the envelope's
 * @param account {@code AwsAccountId}
 * @param types {@code Types}
 * @param title {@code Title}
 * @param severityLabel {@code Severity.Label}
 * @param securityControlId {@code Compliance.SecurityControlId}, else the control id of
 *     {@code ProductFields.ControlId} or a {@code GeneratorId} ending in {@code /EC2.19}
 * @param complianceStatus {@code Compliance.Status}: {@code PASSED}, {@code FAILED}, ...
 * @param workflowStatus {@code Workflow.Status}: {@code NEW}, {@code NOTIFIED}, {@code RESOLVED},
 *     {@code SUPPRESSED}
 * @param recordState {@code RecordState}: {@code ACTIVE} or {@code ARCHIVED}
 * @param resources {@code Resources}
 * @param json the finding as read
 */
public record SecurityHubFinding(String id, String productArn, Optional<String> generatorId,
    String region, Optional<String> account, List<String> types, Optional<String> title,
    Optional<String> severityLabel, Optional<String> securityControlId,
    Optional<String> complianceStatus, Optional<String> workflowStatus,
    Optional<String> recordState, List<Resource> resources, JsonNode json) implements Finding {
  /**
   * Creates a finding (the reader does; tests may).
   *
   * @param id the id
   * @param productArn the product
   * @param generatorId the generator
   * @param region the region
   * @param account the account
   * @param types the types
   * @param title the title
   * @param severityLabel the severity label
   * @param securityControlId the control id
   * @param complianceStatus the compliance status
   * @param workflowStatus the workflow status
   * @param recordState the record state
   * @param resources the resources
   * @param json the JSON
   */
  public SecurityHubFinding {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(productArn, "productArn");
    Objects.requireNonNull(region, "region");
    types = List.copyOf(types);
    resources = List.copyOf(resources);
    Objects.requireNonNull(json, "json");
  }

  /**
   * One resource of a finding.
   *
   * @param type the ASFF type, e.g. {@code AwsEc2SecurityGroup}
   * @param id the id as written, usually an ARN
   * @param region the resource's region, when given
   * @param vpcId the VPC named in the resource's {@code Details} (e.g. a security group's), when given
   */
  public record Resource(String type, String id, Optional<String> region, Optional<String> vpcId) {
    /**
     * Creates a resource.
     *
     * @param type the type
     * @param id the id
     * @param region the region
     * @param vpcId the VPC of its details
     */
    public Resource {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(region, "region");
      Objects.requireNonNull(vpcId, "vpcId");
    }

    /**
     * The id remediations take: the last part of an ARN's resource ({@code sg-0abc} of
     * {@code arn:aws:ec2:...:security-group/sg-0abc}), else the id as written.
     *
     * @return the short id
     */
    public String shortId() {
      if (!id.startsWith("arn:")) {
        return id;
      }
      String[] parts = id.split(":", 6);
      String resource = parts.length == 6 ? parts[5] : id;
      return resource.substring(resource.lastIndexOf('/') + 1);
    }
  }

  /** @return the control id when present, else the first ASFF type, else the product */
  @Override
  public String type() {
    return securityControlId.orElse(types.isEmpty() ? productArn : types.get(0));
  }

  /**
   * Whether this is a failed control that still needs work: a control id, compliance
   * {@code FAILED}, the record {@code ACTIVE} (or not said), the workflow neither
   * {@code RESOLVED} nor {@code SUPPRESSED}.
   *
   * @return true when a remediation is called for
   */
  public boolean isFailedControl() {
    return securityControlId.isPresent()
        && complianceStatus.map("FAILED"::equalsIgnoreCase).orElse(false)
        && recordState.map("ACTIVE"::equalsIgnoreCase).orElse(true)
        && workflowStatus.map(s -> !s.equalsIgnoreCase("RESOLVED") && !s.equalsIgnoreCase("SUPPRESSED"))
            .orElse(true);
  }

  @Override
  public String describe() {
    return "Security Hub " + type() + " " + id;
  }
}
