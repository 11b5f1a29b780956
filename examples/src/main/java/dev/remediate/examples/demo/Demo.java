package dev.remediate.examples.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remediate.core.Guardrails;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.Remediator;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.CloudTrailReader;
import dev.remediate.core.event.EventRouter;
import dev.remediate.core.event.RoutedRemediation;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.testing.EmulatorFixtures;
import dev.remediate.testing.MotoServer;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateVpcResponse;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * The demo: the library's story end to end. It creates a VPC through the SDK, turns the real
 * {@code CreateVpc} response into a CloudTrail record, reads the record with
 * {@link CloudTrailReader}, routes it with {@link EventRouter}, prints the plans (flow logs, default
 * security group lock-down), applies them, prints the results and shows that a second plan is
 * empty.
 *
 * <p>With no arguments it starts the local AWS emulator (moto) itself. With {@code --profile} or
 * {@code --region} it runs against real AWS: it creates a VPC tagged {@code remediate-demo},
 * plans only unless {@code --apply} is given, and deletes the VPC (and any flow logs on it) at the
 * end unless {@code --keep} is given.
 *
 * <pre>{@code
 * ./demo                                           # emulator, fresh clone
 * ./demo --profile sandbox --region eu-west-1      # real AWS, plan only
 * ./demo --profile sandbox --region eu-west-1 --apply --flow-logs-bucket my-flow-logs
 * }</pre>
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Creates a VPC, turns CreateVpc into a CloudTrail record, routes it, plans, "
        + "applies, and shows that the second plan is empty.")
public final class Demo implements Callable<Integer> {
  /** The CIDR of the demo VPC. */
  public static final String DEMO_CIDR = "10.77.0.0/16";
  /** The Name tag of the demo VPC. */
  public static final String DEMO_NAME = "remediate-demo";
  private static final String FLOW_LOGS_ID = "ec2.vpc-flow-logs";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--profile", paramLabel = "NAME", description = "Run against real AWS with "
      + "this profile.")
  @Nullable String profile;

  @Option(names = "--region", paramLabel = "REGION", description = "Run against real AWS in "
      + "this region.")
  @Nullable String region;

  @Option(names = "--apply", description = "Against real AWS: apply the plans (the emulator "
      + "run always applies).")
  boolean apply;

  @Option(names = "--flow-logs-bucket", paramLabel = "BUCKET", description = "Against real AWS: "
      + "an existing S3 bucket for the demo VPC's flow logs (without it, no flow logs are "
      + "planned).")
  @Nullable String flowLogsBucket;

  @Option(names = "--keep", description = "Against real AWS: keep the demo VPC at the end.")
  boolean keep;

  @Option(names = "--endpoint", paramLabel = "URL", description = "With --region: send the calls "
      + "to this endpoint (an emulator you run), to try the real-AWS flow locally.")
  @Nullable URI endpoint;

  private final PrintWriter out;

  /**
   * Creates the demo.
   *
   * @param out where the story is told
   */
  public Demo(PrintWriter out) {
    this.out = out;
  }

  /**
   * Runs the demo and exits with its exit code (0 when the story ends with an empty plan).
   *
   * @param args {@code --help} for the flags
   */
  public static void main(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    dev.remediate.core.aws.SecretSafeLogging.install();
    PrintWriter out = new PrintWriter(System.out, true);
    System.exit(run(out, new PrintWriter(System.err, true), args));
  }

  /**
   * Runs the demo in process.
   *
   * @param out standard output
   * @param err standard error
   * @param args the command line
   * @return the exit code: 0 success, 1 failure, 2 bad arguments
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Demo(out));
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler((e, a) -> {
      err.println("demo: " + e.getMessage() + " (see 'demo --help')");
      return 2;
    });
    cli.setExecutionExceptionHandler((e, c, p) -> {
      err.println("demo: " + e.getMessage());
      return 1;
    });
    return cli.execute(args);
  }

  @Override
  public Integer call() {
    boolean realAws = profile != null || region != null;
    if (!realAws) {
      if (apply || flowLogsBucket != null || keep || endpoint != null) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "--apply, --flow-logs-bucket, --keep and --endpoint need --profile or --region "
                + "(real AWS)");
      }
      say("Starting the local AWS emulator (moto server)...");
      try (MotoServer moto = MotoServer.start()) {
        say("  moto is listening on " + moto.endpoint());
        AwsCredentialsProvider credentials =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        try (AwsScope scope = emulatorScope(moto.endpoint(), credentials)) {
          return story(scope, credentials, true, true, null);
        }
      }
    }
    AwsCredentialsProvider credentials = profile != null
        ? ProfileCredentialsProvider.builder().profileName(profile).build()
        : DefaultCredentialsProvider.builder().build();
    String regionId = region != null ? region : "us-east-1";
    AwsScope.Builder builder = AwsScope.builder().region(regionId)
        .credentialsProvider(credentials);
    if (endpoint != null) {
      builder.endpointOverride(endpoint).clientCustomizer(Demo::pathStyle);
    }
    try (AwsScope scope = builder.build()) {
      return story(scope, credentials, false, apply, flowLogsBucket);
    }
  }

  /**
   * A scope for the emulator (path-style S3, few retries).
   *
   * @param endpoint the emulator
   * @param credentials test credentials
   * @return the scope
   */
  static AwsScope emulatorScope(URI endpoint, AwsCredentialsProvider credentials) {
    return AwsScope.builder().region(Region.US_EAST_1).endpointOverride(endpoint)
        .credentialsProvider(credentials).maxAttempts(3)
        .clientCustomizer(Demo::pathStyle).build();
  }

  private static void pathStyle(software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<?, ?> b) {
    if (b instanceof S3ClientBuilder s3) {
      s3.forcePathStyle(true);
    }
  }

  /**
   * Tells the story in a scope.
   *
   * @param scope where to act
   * @param credentials the credentials of the "user" who creates the VPC
   * @param emulator true against the emulator (fills in what moto lacks, always applies)
   * @param apply whether to apply the plans
   * @param bucket the flow-log bucket, or null (emulator: the demo creates one)
   * @return the exit code
   */
  int story(AwsScope scope, AwsCredentialsProvider credentials, boolean emulator, boolean apply,
      @Nullable String bucket) {
    String account = scope.account();
    say("");
    say("1. A user creates a VPC through the SDK (" + scope.region() + ", account " + account
        + ")");
    String vpcId;
    ObjectNode record;
    try (Ec2Client user = userClient(scope, credentials);
        StsClient sts = userSts(scope, credentials)) {
      CreateVpcResponse created = user.createVpc(r -> r.cidrBlock(DEMO_CIDR)
          .tagSpecifications(t -> t.resourceType(ResourceType.VPC)
              .tags(Tag.builder().key("Name").value(DEMO_NAME).build())));
      vpcId = created.vpc().vpcId();
      say("   CreateVpc -> " + vpcId + " (" + created.vpc().cidrBlock() + ")");
      if (emulator) {
        addAwsDefaultIngress(user, vpcId);
      }
      record = cloudTrailRecord(created, sts.getCallerIdentity(), scope.region().id(), account);
    }
    try {
      return route(scope, emulator, apply, bucket, account, vpcId, record);
    } finally {
      if (!emulator && !keep) {
        DemoCleanup.deleteVpc(scope, vpcId, this::say);
      } else if (!emulator) {
        say("Kept the demo VPC " + vpcId + " (--keep).");
      }
    }
  }

  private int route(AwsScope scope, boolean emulator, boolean apply, @Nullable String bucket,
      String account, String vpcId, ObjectNode record) {
    say("");
    say("2. CloudTrail records the call. The record, built from the real response:");
    String json = record.toPrettyString();
    json.lines().forEach(l -> say("   " + l));
    CloudTrailEvent event;
    try (CloudTrailReader reader = CloudTrailReader.open(
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "CreateVpc record")) {
      event = reader.next();
    }
    say("");
    say("3. The library reads it (" + event.eventSource() + " " + event.eventName() + " "
        + event.eventId() + ") and routes it:");
    String flowLogs = flowLogsBucket(scope, emulator, bucket, account);
    Map<String, String> settings = flowLogs == null ? Map.of()
        : Map.of("flowLogs.s3Bucket", flowLogs);
    say("   settings: " + settings + " (rules that need a destination take it from settings)");
    List<Remediation> remediations = new ArrayList<>();
    for (RoutedRemediation routed : EventRouter.load(settings).route(event)) {
      say("   rule " + routed.ruleId() + " -> " + routed.remediation().spec());
      remediations.add(routed.remediation());
    }
    if (remediations.stream().noneMatch(r -> r.id().equals(FLOW_LOGS_ID))) {
      addFlowLogs(flowLogs, vpcId, remediations);
    }
    if (remediations.isEmpty()) {
      say("   No remediation was called for: are the remediation modules on the class path?");
      return 1;
    }
    return planAndApply(scope, apply, remediations);
  }

  /** Steps 4 to 6: the plan set, its apply (with --apply), and the second plan. */
  private int planAndApply(AwsScope scope, boolean apply, List<Remediation> remediations) {
    Set<Flag> consent = EnumSet.noneOf(Flag.class);
    Remediator planner = Remediator.builder().scope(scope).build();
    say("");
    say("4. The plan set (one plan per target; a VPC's flow log needs its bucket's plan first):");
    PlanSet plans = planner.planSet(remediations);
    plans.toText().lines().forEach(l -> say("   " + l));
    plans.plans().forEach(p -> consent.addAll(p.flags()));
    if (!apply) {
      say("");
      say("Plan only: nothing was changed. Run again with --apply to apply these plans.");
      return 0;
    }
    Guardrails guardrails = Guardrails.ofDefaults();
    if (!consent.isEmpty()) {
      say("   (the demo consents to " + consent + " for these plans; the command-line tool asks"
          + " for --allow-* flags instead)");
      guardrails = Guardrails.custom().consentTo(consent.toArray(Flag[]::new)).build();
    }
    Remediator remediator = Remediator.builder().scope(scope).guardrails(guardrails).build();
    say("");
    say("5. Applying them, target by target (each observed again first):");
    PlanSetResult result = remediator.apply(PlanSet.fromJson(plans.toJson()));
    result.toText().lines().forEach(l -> say("   " + l));
    if (result.hasProblems()) {
      return 1;
    }
    say("");
    say("6. Planning again:");
    PlanSet again = remediator.planSet(remediations);
    for (Plan plan : again.plans()) {
      say("   " + plan.remediation().id() + " on " + plan.target().id() + ": "
          + (plan.isEmpty() ? "no changes, compliant" : plan.steps().size() + " change(s) left"));
    }
    boolean clean = again.isEmpty();
    say("");
    say(clean ? "Done: the new VPC is compliant, and a second plan is empty."
        : "The second plan is not empty: something is wrong.");
    return clean ? 0 : 1;
  }

  /**
   * The flow-log destination: the given bucket, or on the emulator one the demo creates.
   *
   * @return the bucket, or null when flow logs cannot be planned
   */
  private @Nullable String flowLogsBucket(AwsScope scope, boolean emulator,
      @Nullable String bucket, String account) {
    if (bucket != null || !emulator || RemediationCatalog.load().find(FLOW_LOGS_ID).isEmpty()) {
      return bucket;
    }
    String name = "remediate-demo-flow-logs-" + account;
    scope.client(S3Client.class, S3Client::builder).createBucket(r -> r.bucket(name));
    say("   (the demo created bucket " + name + " for flow logs)");
    return name;
  }

  private void addFlowLogs(@Nullable String bucket, String vpcId,
      List<Remediation> remediations) {
    RemediationCatalog catalog = RemediationCatalog.load();
    if (catalog.find(FLOW_LOGS_ID).isEmpty()) {
      say("   (" + FLOW_LOGS_ID + " is not on the class path: no flow logs in this run)");
      return;
    }
    if (bucket == null) {
      say("   (no --flow-logs-bucket: no flow logs in this run)");
      return;
    }
    Remediation flowLogs = catalog.fromSpec(RemediationSpec.of(FLOW_LOGS_ID,
        Map.of("vpcs", vpcId, "s3Bucket", bucket)));
    say("   no event rule asked for flow logs; the demo adds " + flowLogs.spec());
    remediations.add(flowLogs);
  }

  private void addAwsDefaultIngress(Ec2Client ec2, String vpcId) {
    String groupId = EmulatorFixtures.addAwsDefaultIngress(ec2, vpcId);
    if (groupId != null) {
      say("   (emulator: added AWS's self-referencing ingress rule to " + groupId
          + ", which moto leaves out)");
    }
  }

  /**
   * Turns a real CreateVpc response into the CloudTrail record AWS would write for it.
   *
   * @param response the SDK response
   * @param caller who made the call
   * @param region the region
   * @param account the recipient account
   * @return the record
   */
  static ObjectNode cloudTrailRecord(CreateVpcResponse response, GetCallerIdentityResponse caller,
      String region, String account) {
    Vpc vpc = response.vpc();
    ObjectNode r = JSON.createObjectNode();
    r.put("eventVersion", "1.09");
    ObjectNode identity = r.putObject("userIdentity");
    identity.put("type", caller.arn().contains(":assumed-role/") ? "AssumedRole" : "IAMUser");
    identity.put("principalId", caller.userId());
    identity.put("arn", caller.arn());
    identity.put("accountId", caller.account());
    r.put("eventTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    r.put("eventSource", "ec2.amazonaws.com");
    r.put("eventName", "CreateVpc");
    r.put("awsRegion", region);
    r.put("sourceIPAddress", "198.51.100.10");
    r.put("userAgent", "aws-sdk-java/2.40.2 (demo user)");
    ObjectNode request = r.putObject("requestParameters");
    request.put("cidrBlock", vpc.cidrBlock());
    request.put("instanceTenancy", "default");
    request.put("amazonProvidedIpv6CidrBlock", false);
    ObjectNode elements = r.putObject("responseElements");
    String requestId = response.responseMetadata().requestId();
    elements.put("requestId", requestId);
    ObjectNode v = elements.putObject("vpc");
    v.put("vpcId", vpc.vpcId());
    v.put("state", vpc.stateAsString());
    v.put("ownerId", vpc.ownerId() != null ? vpc.ownerId() : account);
    v.put("cidrBlock", vpc.cidrBlock());
    v.put("dhcpOptionsId", vpc.dhcpOptionsId());
    v.put("instanceTenancy", vpc.instanceTenancyAsString());
    v.put("isDefault", Boolean.TRUE.equals(vpc.isDefault()));
    r.put("requestID", requestId);
    r.put("eventID", UUID.randomUUID().toString());
    r.put("readOnly", false);
    r.put("eventType", "AwsApiCall");
    r.put("managementEvent", true);
    r.put("recipientAccountId", account);
    r.put("eventCategory", "Management");
    return r;
  }

  /** The "user": a plain SDK client, not the library's (the router ignores the library's calls). */
  private static Ec2Client userClient(AwsScope scope, AwsCredentialsProvider credentials) {
    var builder = Ec2Client.builder().region(scope.region()).credentialsProvider(credentials);
    if (scope.endpointOverride() != null) {
      builder.endpointOverride(scope.endpointOverride());
    }
    return builder.build();
  }

  private static StsClient userSts(AwsScope scope, AwsCredentialsProvider credentials) {
    var builder = StsClient.builder().region(scope.region()).credentialsProvider(credentials);
    if (scope.endpointOverride() != null) {
      builder.endpointOverride(scope.endpointOverride());
    }
    return builder.build();
  }

  void say(String line) {
    out.println(line);
    out.flush();
  }
}
