package dev.remediate.cloudtrail;

import dev.remediate.core.aws.AwsErrors;
import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.Setting;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.plan.Step;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.immutables.value.Value;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.guardduty.GuardDutyClient;
import software.amazon.awssdk.services.guardduty.model.GetDetectorResponse;

/**
 * Amazon GuardDuty enabled in one Region (the scope's), its findings published at a chosen
 * frequency: FSBP GuardDuty.1.
 *
 * <pre>{@code
 * Remediation guardDuty = EnableGuardDuty.create();                  // every 15 minutes
 * Remediation hourly = EnableGuardDuty.publishingEvery("ONE_HOUR");
 * }</pre>
 *
 * <p><b>Observe.</b> {@code ListDetectors} and {@code GetDetector} of each detector (a Region has
 * at most one per account): its status and finding publishing frequency, into an
 * {@link Observation}.
 *
 * <p><b>Decide</b> ({@link #decide}, no AWS call). No detector: {@code CreateDetector} with
 * {@code Enable=true} and the frequency (GuardDuty creates its service-linked role
 * {@code AWSServiceRoleForAmazonGuardDuty} on first enable, which is why the caller needs
 * {@code iam:CreateServiceLinkedRole}). A suspended detector ({@code DISABLED}): resumed with
 * {@code UpdateDetector Enable=true}, never replaced by a second detector and never deleted (it
 * keeps its findings, filters and member accounts). A detector with another frequency:
 * {@code UpdateDetector} with the frequency. Both differences are one {@code UpdateDetector}.
 *
 * <p><b>Steps.</b> {@code CreateDetector} carries a client token derived from the plan, so a
 * retried apply cannot create two; AWS's "a detector already exists" answer counts as done.
 * {@code UpdateDetector} sends only what differs. The Remediator's re-plan after apply verifies.
 */
@Value.Immutable
public abstract class EnableGuardDuty extends AbstractRemediation<EnableGuardDuty> {
  /** The catalog id. */
  public static final String ID = "guardduty.detector";
  /** The frequency unless another is chosen. */
  public static final String DEFAULT_FREQUENCY = "FIFTEEN_MINUTES";
  /** The frequencies GuardDuty accepts. */
  public static final List<String> FREQUENCIES = List.of("FIFTEEN_MINUTES", "ONE_HOUR",
      "SIX_HOURS");
  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.copyOf(new TreeSet<>(List.of(
      "guardduty:ListDetectors", "guardduty:GetDetector", "guardduty:CreateDetector",
      "guardduty:UpdateDetector", "iam:CreateServiceLinkedRole")));
  /** Controls satisfied. */
  public static final List<String> CONTROLS = List.of("FSBP GuardDuty.1");

  static final String CREATE = "CreateDetector";
  static final String UPDATE = "UpdateDetector";
  static final String ENABLED = "ENABLED";
  private static final String PARAMETER = "findingPublishingFrequency";
  private static final List<String> READS = List.of("guardduty:ListDetectors",
      "guardduty:GetDetector");

  private static final SpecTable<EnableGuardDuty, EnableGuardDuty> SPEC =
      SpecTable.<EnableGuardDuty, EnableGuardDuty>of(ID)
          .start(PARAMETER, SpecKind.word(FREQUENCIES.toArray(String[]::new)),
              EnableGuardDuty::findingPublishingFrequency, EnableGuardDuty::publishingEvery)
          .start(EnableGuardDuty::create)
          .build(r -> r);

  EnableGuardDuty() {}

  /** @return GuardDuty enabled, findings published every 15 minutes */
  public static EnableGuardDuty create() {
    return publishingEvery(DEFAULT_FREQUENCY);
  }

  /**
   * GuardDuty enabled, findings published at a chosen frequency.
   *
   * @param frequency {@code FIFTEEN_MINUTES}, {@code ONE_HOUR} or {@code SIX_HOURS}
   * @return the remediation
   * @throws InvalidRemediationException naming the value when it is none of those
   */
  public static EnableGuardDuty publishingEvery(String frequency) {
    return ImmutableEnableGuardDuty.builder().findingPublishingFrequency(frequency).build();
  }

  /** @return the wanted finding publishing frequency, e.g. {@code FIFTEEN_MINUTES} */
  public abstract String findingPublishingFrequency();

  /**
   * Every check of the values, in one place: the frequency is one GuardDuty accepts.
   *
   * @throws InvalidRemediationException naming the value
   */
  @Value.Check
  final void check() {
    frequency(findingPublishingFrequency());
  }

  static String frequency(@Nullable String text) {
    if (text == null || !FREQUENCIES.contains(text)) {
      throw new InvalidRemediationException(PARAMETER + " '" + text + "' is not a GuardDuty "
          + "finding publishing frequency: one of " + FREQUENCIES);
    }
    return text;
  }

  @Override
  protected SpecTable<EnableGuardDuty, ?> specTable() {
    return SPEC;
  }

  // ---------------------------------------------------------------- observe

  /**
   * One detector as GuardDuty reports it.
   *
   * @param id the detector id
   * @param status {@code ENABLED} or {@code DISABLED} (suspended), or null when not reported
   * @param frequency its finding publishing frequency, or null when not reported
   */
  record Detector(String id, @Nullable String status, @Nullable String frequency) {}

  /**
   * Every read of one Region.
   *
   * @param region the Region
   * @param account the account
   * @param detectors the Region's detectors, by id (AWS allows one)
   */
  record Observation(String region, String account, List<Detector> detectors) {
    Observation {
      detectors = detectors.stream().sorted(Comparator.comparing(Detector::id)).toList();
    }
  }

  static Observation observe(RemediationContext context) {
    GuardDutyClient guardDuty = client(context);
    List<Detector> detectors = new ArrayList<>();
    for (String id : guardDuty.listDetectorsPaginator(r -> {}).detectorIds()) {
      GetDetectorResponse d = guardDuty.getDetector(r -> r.detectorId(id));
      detectors.add(new Detector(id, d.statusAsString(), d.findingPublishingFrequencyAsString()));
    }
    return new Observation(context.region(), context.account(), detectors);
  }

  @Override
  public Plan plan(RemediationContext context) {
    Observation o = observe(context);
    return decide(o, context.newPlan(this, "AWS::GuardDuty::Detector", o.region()));
  }

  // ---------------------------------------------------------------- decide

  /**
   * The plan of one Region, with no AWS call.
   *
   * @param o what was observed
   * @param plan a plan builder with remediation, target (the Region) and observation time set
   * @return the plan: empty when a detector is enabled with the wanted frequency
   */
  Plan decide(Observation o, Plan.Builder plan) {
    String frequency = findingPublishingFrequency();
    plan.addAllControls(CONTROLS);
    Set<String> actions = new TreeSet<>(READS);
    String arn = "arn:aws:guardduty:" + o.region() + ":" + o.account() + ":detector";
    if (o.detectors().isEmpty()) {
      plan.addSteps(Step.builder().kind(CREATE).action(Action.ADD).resource(arn)
          .summary("enable GuardDuty in " + o.region() + ": create a detector publishing "
              + "findings " + frequency)
          .before("no detector").after("status=ENABLED, findingPublishingFrequency=" + frequency)
          .putParameters(PARAMETER, frequency).build());
      actions.addAll(List.of("guardduty:" + CREATE, "iam:CreateServiceLinkedRole"));
      plan.addWarnings("GuardDuty is billed by the volume of events it analyses (30-day free "
          + "trial per account and Region)");
    } else {
      Detector d = o.detectors().get(0);
      if (o.detectors().size() > 1) {
        plan.addWarnings("GuardDuty reports " + o.detectors().size() + " detectors in "
            + o.region() + " (AWS allows one): only " + d.id() + " is planned");
      }
      updateStep(d, arn + "/" + d.id()).ifPresent(step -> {
        plan.addSteps(step);
        actions.add("guardduty:" + UPDATE);
      });
    }
    Plan built = plan.build();
    return built.isEmpty() ? built : Plan.builder().from(built).addAllIamActions(actions).build();
  }

  private Optional<Step> updateStep(Detector d, String arn) {
    String frequency = findingPublishingFrequency();
    boolean suspended = !ENABLED.equals(d.status());
    boolean otherFrequency = !frequency.equals(d.frequency());
    if (!suspended && !otherFrequency) {
      return Optional.empty();
    }
    Step.Builder step = Step.builder().kind(UPDATE).action(Action.CHANGE).resource(arn)
        .before("status=" + d.status() + ", findingPublishingFrequency=" + d.frequency())
        .after("status=ENABLED, findingPublishingFrequency=" + frequency)
        .putParameters("detectorId", d.id());
    List<String> what = new ArrayList<>();
    if (suspended) {
      step.putParameters("enable", "true");
      what.add("resume the suspended detector " + d.id() + " (kept, with its findings)");
    }
    if (otherFrequency) {
      step.putParameters(PARAMETER, frequency);
      what.add("publish findings " + frequency + " instead of " + d.frequency());
    }
    return Optional.of(step.summary(String.join("; ", what)).build());
  }

  // ---------------------------------------------------------------- steps

  @Override
  public void execute(Step step, RemediationContext context) {
    GuardDutyClient guardDuty = client(context);
    Map<String, String> p = step.parameters();
    switch (step.kind()) {
      case CREATE -> create(guardDuty, step, context);
      case UPDATE -> guardDuty.updateDetector(r -> {
        r.detectorId(step.parameter("detectorId"));
        if (p.containsKey("enable")) {
          r.enable(true);
        }
        if (p.containsKey(PARAMETER)) {
          r.findingPublishingFrequency(frequency(p.get(PARAMETER)));
        }
      });
      default -> throw new InvalidRemediationException(ID + " has no step " + step.kind());
    }
  }

  private static void create(GuardDutyClient guardDuty, Step step, RemediationContext context) {
    try {
      guardDuty.createDetector(r -> r.enable(true)
          .findingPublishingFrequency(frequency(step.parameter(PARAMETER)))
          .clientToken(context.clientToken(step, "detector")));
    } catch (RuntimeException e) {
      // AWS: BadRequestException "... a detector already exists for the current account".
      if (!AwsErrors.is(e, "BadRequestException") || e.getMessage() == null
          || !e.getMessage().contains("already exists")) {
        throw e;
      }
    }
  }

  private static GuardDutyClient client(RemediationContext context) {
    return context.scope().client(GuardDutyClient.class, GuardDutyClient::builder);
  }

  /** The catalog entry of {@link EnableGuardDuty}; region-wide, one plan per Region. */
  public static final class Type extends AbstractRemediationType {
    static final Setting FREQUENCY = new Setting("guardduty.findingPublishingFrequency",
        Setting.Kind.TEXT, "How often GuardDuty publishes updated findings: FIFTEEN_MINUTES, "
        + "ONE_HOUR or SIX_HOURS", Optional.of(DEFAULT_FREQUENCY));

    /** {@code CreateDetector} creates GuardDuty's service-linked role when it is missing. */
    @Override
    public Set<String> roleServices() {
      return Set.of("guardduty.amazonaws.com");
    }

    /** Creates the type (service loader). */
    public Type() {
      super(ID, "GuardDuty enabled in a Region (a suspended detector resumed, never replaced), "
          + "findings published every 15 minutes or as configured", CONTROLS, IAM_ACTIONS,
          EnumSet.noneOf(Flag.class));
      specTable(SPEC);
    }

    @Override
    public List<Setting> settings() {
      return List.of(FREQUENCY);
    }

    /** Always available: setting {@code guardduty.findingPublishingFrequency} (strict). */
    @Override
    public Optional<Remediation> forRegion(Map<String, String> settings) {
      return FREQUENCY.valueIn(settings, EnableGuardDuty::publishingEvery).map(r -> r);
    }
  }
}
