package dev.remediate.benchmarks;

import dev.remediate.testing.MotoServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Whole-process comparison of {@code remediate apply} (one process: plan, apply, verify) with Cloud
 * Custodian on the same emulator state: 200 resources per scenario, wall time of the whole process
 * and the AWS calls it made (moto's request recorder), then the calls of a compliant re-run
 * ({@code remediate scan}). Not a test: run it by hand, it prints a Markdown table.
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl cli,benchmarks -am
 * MOTO_ENABLE_RECORDING=True java -cp benchmarks/target/benchmarks.jar dev.remediate.benchmarks.ApplyVsCustodian \
 *     cli/target/remediate-cli-0.1.0-SNAPSHOT-all.jar [resources] [runs]
 * </pre>
 *
 * <p>{@code -Dbench.only=PORT_22} runs one scenario; {@code -Dbench.args="--parallel 1"} adds
 * arguments to {@code remediate apply}. The tool runs with the JVM options of the {@code ./remediate}
 * launcher, as users run it from their second {@code apply} on (the serial collector, C1 only, a
 * class-data-sharing archive made by a training run first); {@code -Dbench.jvm="..."} replaces
 * them and skips the training ({@code -Dbench.jvm=} for the JVM's defaults).
 *
 * <p>Custodian runs only where a {@code custodian} command is on the PATH (set
 * {@code CUSTODIAN=/path/to/custodian} otherwise); its policies are written next to the run.
 */
public final class ApplyVsCustodian {
  private static final String REGION = "us-east-1";
  private static final String BUCKET = "bench-flow-logs";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SCOPE = Pattern.compile("/[a-z0-9-]+/([a-z0-9-]+)/aws4_request");
  private static final Pattern ACTION = Pattern.compile("(?:^|&)Action=([A-Za-z0-9]+)");

  private final MotoServer moto;
  private final Path cliJar;
  private final int resources;
  private final Path work;
  private final HttpClient http = HttpClient.newHttpClient();

  private ApplyVsCustodian(MotoServer moto, Path cliJar, int resources, Path work) {
    this.moto = moto;
    this.cliJar = cliJar;
    this.resources = resources;
    this.work = work;
  }

  /** A scenario: how to make the untidy state, the remediate command, the Custodian policy. */
  private enum Scenario {
    FLOW_LOGS("flow logs to S3", List.of("--only", "ec2.vpc-flow-logs", "--flow-logs-bucket",
        BUCKET), """
        policies:
          - name: flow-logs
            resource: aws.vpc
            filters:
              - not:
                - type: flow-logs
                  enabled: true
            actions:
              - type: set-flow-log
                attrs:
                  LogDestinationType: s3
                  LogDestination: arn:aws:s3:::%s
                  TrafficType: ALL
        """.formatted(BUCKET)),
    PORT_22("port 22 open to the world", List.of("--only", "ec2.security-group-open-ports",
        "--sg-ports", "22"), """
        policies:
          - name: port-22
            resource: aws.security-group
            filters:
              - type: ingress
                Ports: [22]
                Cidr:
                  value: 0.0.0.0/0
            actions:
              - type: remove-permissions
                ingress: matched
        """),
    DEFAULT_GROUPS("default groups stripped", List.of("--only", "ec2.default-security-group"), """
        policies:
          - name: default-groups
            resource: aws.security-group
            filters:
              - GroupName: default
              - or:
                - type: ingress
                  Cidr:
                    value_type: cidr
                    op: ne
                    value: 255.255.255.255/32
                - type: egress
                  Cidr:
                    value_type: cidr
                    op: ne
                    value: 255.255.255.255/32
            actions:
              - type: remove-permissions
                ingress: all
                egress: all
        """);

    final String label;
    final List<String> select;
    final String policy;

    Scenario(String label, List<String> select, String policy) {
      this.label = label;
      this.select = select;
      this.policy = policy;
    }
  }

  /** One measured run: wall time of the process, AWS calls, exit code. */
  private record Run(double seconds, int calls, int exit, Map<String, Integer> byOperation) {}

  /**
   * Runs every scenario.
   *
   * @param args the CLI jar, resources per scenario (default 200), runs per scenario (default 3)
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: ApplyVsCustodian CLI_JAR [resources] [runs]");
      System.exit(2);
    }
    if (!"true".equalsIgnoreCase(System.getenv("MOTO_ENABLE_RECORDING"))) {
      System.err.println("set MOTO_ENABLE_RECORDING=True: the calls are counted by moto's recorder");
      System.exit(2);
    }
    Path jar = Path.of(args[0]);
    int resources = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    String custodian = custodian();
    Path work = Files.createTempDirectory("remediate-bench");
    try (MotoServer moto = MotoServer.start()) {
      ApplyVsCustodian bench = new ApplyVsCustodian(moto, jar, resources, work);
      System.out.println("moto " + moto + "; " + resources + " resources per scenario; " + runs
          + " runs; Custodian: " + (custodian == null ? "not found (set CUSTODIAN)" : custodian));
      System.out.println();
      System.out.println("| scenario | tool | wall time, s (runs) | AWS calls | compliant re-run calls |");
      System.out.println("|---|---|---|---:|---:|");
      if (System.getProperty("bench.jvm") == null) {
        bench.trainArchive();
      }
      String only = System.getProperty("bench.only", "");
      for (Scenario scenario : Scenario.values()) {
        if (!only.isEmpty() && !only.equalsIgnoreCase(scenario.name())) {
          continue;
        }
        bench.measure(scenario, "remediate", runs, null);
        if (custodian != null) {
          bench.measure(scenario, "custodian", runs, custodian);
        }
      }
    }
  }

  private void measure(Scenario scenario, String tool, int runs, String custodian)
      throws Exception {
    List<Double> times = new ArrayList<>();
    Run last = null;
    for (int i = 0; i < runs; i++) {
      reset();
      seed(scenario);
      last = custodian == null ? remediate(scenario, "apply", "--yes") : custodian(scenario,
          custodian);
      times.add(last.seconds());
      if (last.exit() != 0) {
        System.err.println(tool + " " + scenario + " exited " + last.exit());
      }
    }
    Run rerun = custodian == null ? remediate(scenario, "scan") : custodian(scenario, custodian);
    double best = times.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    System.out.printf(Locale.ROOT, "| %s | %s | %.2f (%s) | %d | %d |%n", scenario.label, tool,
        best, times.stream().map(t -> String.format(Locale.ROOT, "%.2f", t)).toList(),
        last.calls(), rerun.calls());
    System.err.println(tool + " " + scenario + " calls by operation: " + last.byOperation()
        + "; re-run: " + rerun.byOperation());
  }

  /**
   * Makes a class-data-sharing archive in the work directory the way {@code ./remediate} makes
   * one on the first {@code apply} of a new jar, so the figures are those of every later run: one
   * {@code apply} of the three scenarios at once, on a few resources each, with
   * {@code -XX:ArchiveClassesAtExit}. Made for each run of the harness, so that what an earlier
   * {@code ./remediate} run left next to the jar never changes the figures.
   */
  private void trainArchive() throws Exception {
    Path archive = archive();
    reset();
    for (Scenario scenario : Scenario.values()) {
      seed(scenario, 3);
    }
    Path partial = archive.resolveSibling(archive.getFileName() + ".training");
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-XX:ArchiveClassesAtExit=" + partial, "-jar",
        cliJar.toString(), "apply", "--endpoint", moto.endpoint().toString(), "--region", REGION,
        "--yes"));
    List<String> ids = new ArrayList<>();
    for (Scenario scenario : Scenario.values()) {
      List<String> select = scenario.select;
      ids.add(select.get(1));
      cmd.addAll(select.subList(2, select.size()));
    }
    cmd.addAll(List.of("--only", String.join(",", ids)));
    Run training = run(cmd);
    if (!Files.isRegularFile(partial)) {
      throw new IllegalStateException("no archive made by the training run (exit "
          + training.exit() + "): see " + work.resolve("last-run.log"));
    }
    Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING);
    System.err.println("made " + archive + " (training run exit " + training.exit() + ")");
  }

  private Path archive() {
    return work.resolve("remediate-cli.jsa");
  }

  private Run remediate(Scenario scenario, String command, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(javaBin()));
    cmd.addAll(jvmOptions());
    cmd.addAll(List.of("-jar", cliJar.toString(), command,
        "--endpoint", moto.endpoint().toString(), "--region", REGION));
    cmd.addAll(scenario.select);
    cmd.addAll(List.of(extra));
    String more = System.getProperty("bench.args", "");
    if (!more.isBlank() && command.equals("apply")) {
      cmd.addAll(List.of(more.strip().split("\\s+")));
    }
    return run(cmd);
  }

  /** The launcher's JVM options ({@code ./remediate}) and the trained archive, or {@code -Dbench.jvm}. */
  private List<String> jvmOptions() {
    String given = System.getProperty("bench.jvm");
    if (given != null) {
      return given.isBlank() ? List.of() : List.of(given.strip().split("\\s+"));
    }
    List<String> options = new ArrayList<>(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Xlog:disable", "-Xlog:all=warning:stderr"));
    Path archive = archive();
    if (Files.isRegularFile(archive)) {
      options.add("-XX:SharedArchiveFile=" + archive);
    }
    return options;
  }

  private Run custodian(Scenario scenario, String custodian) throws Exception {
    Path policy = work.resolve(scenario.name().toLowerCase(Locale.ROOT) + ".yml");
    Files.writeString(policy, scenario.policy);
    return run(List.of(custodian, "run", "-s", work.resolve("out").toString(), "--region", REGION,
        policy.toString()));
  }

  private Run run(List<String> cmd) throws Exception {
    record("start-recording");
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(work.resolve("last-run.log").toFile());
    Map<String, String> env = builder.environment();
    env.put("AWS_ACCESS_KEY_ID", "testing");
    env.put("AWS_SECRET_ACCESS_KEY", "testing");
    env.put("AWS_DEFAULT_REGION", REGION);
    env.put("AWS_ENDPOINT_URL", moto.endpoint().toString());
    long start = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("timed out: " + cmd);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    record("stop-recording");
    String recording = get("/moto-api/recorder/download-recording");
    Map<String, Integer> byOperation = new TreeMap<>();
    int calls = 0;
    for (String line : recording.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      calls++;
      byOperation.merge(operation(line), 1, Integer::sum);
    }
    return new Run(seconds, calls, process.exitValue(), byOperation);
  }

  /**
   * The operation of one recorded request (a JSON line of moto's recorder): service from the
   * signature's scope, then the query protocol's {@code Action}, the JSON protocol's
   * {@code X-Amz-Target}, or the REST method and query (S3).
   */
  static String operation(String line) {
    try {
      JsonNode request = JSON.readTree(line);
      JsonNode headers = request.path("headers");
      String auth = headers.path("Authorization").asText("");
      Matcher scope = SCOPE.matcher(auth);
      String service = scope.find() ? scope.group(1) : "?";
      String body = request.path("body").asText("");
      if (request.path("body_encoded").asBoolean(false)) {
        body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
      }
      Matcher action = ACTION.matcher(body);
      if (action.find()) {
        return service + "." + action.group(1);
      }
      String target = headers.path("X-Amz-Target").asText("");
      if (!target.isEmpty()) {
        return service + "." + target.substring(target.indexOf('.') + 1);
      }
      String url = request.path("url").asText("");
      String query = url.contains("?") ? url.substring(url.indexOf('?') + 1).replaceAll("=.*", "")
          : "";
      return service + "." + request.path("method").asText() + (query.isEmpty() ? "" : "?" + query);
    } catch (IOException | IllegalArgumentException e) {
      return "unreadable";
    }
  }

  private void seed(Scenario scenario) {
    seed(scenario, resources);
  }

  private void seed(Scenario scenario, int resources) {
    try (Ec2Client ec2 = Ec2Client.builder().endpointOverride(moto.endpoint())
        .region(Region.of(REGION)).credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("testing", "testing"))).build();
        S3Client s3 = S3Client.builder().endpointOverride(moto.endpoint())
            .region(Region.of(REGION)).forcePathStyle(true).credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("testing",
                    "testing"))).build()) {
      switch (scenario) {
        case FLOW_LOGS -> {
          s3.createBucket(b -> b.bucket(BUCKET));
          for (int i = 1; i < resources; i++) {
            ec2.createVpc(v -> v.cidrBlock("10.0.0.0/16"));
          }
        }
        case PORT_22 -> {
          String vpc = ec2.describeVpcs().vpcs().get(0).vpcId();
          for (int i = 0; i < resources; i++) {
            String group = ec2.createSecurityGroup(g -> g.groupName("bench-" + System.nanoTime())
                .description("bench").vpcId(vpc)).groupId();
            ec2.authorizeSecurityGroupIngress(a -> a.groupId(group).ipPermissions(
                IpPermission.builder().ipProtocol("tcp").fromPort(22).toPort(22)
                    .ipRanges(r -> r.cidrIp("0.0.0.0/0")).build()));
          }
        }
        case DEFAULT_GROUPS -> {
          for (int i = 1; i < resources; i++) {
            ec2.createVpc(v -> v.cidrBlock("10.0.0.0/16"));
          }
          for (SecurityGroup group : ec2.describeSecurityGroups(d -> d.filters(f -> f
              .name("group-name").values("default"))).securityGroups()) {
            ec2.authorizeSecurityGroupIngress(a -> a.groupId(group.groupId()).ipPermissions(
                IpPermission.builder().ipProtocol("-1")
                    .userIdGroupPairs(p -> p.groupId(group.groupId())).build()));
          }
        }
        default -> throw new IllegalArgumentException(scenario.toString());
      }
    }
  }

  private void reset() throws IOException, InterruptedException {
    post("/moto-api/reset");
  }

  private void record(String what) throws IOException, InterruptedException {
    if (what.equals("start-recording")) {
      post("/moto-api/recorder/reset-recording");
    }
    post("/moto-api/recorder/" + what);
  }

  private void post(String path) throws IOException, InterruptedException {
    http.send(HttpRequest.newBuilder(URI.create(moto.endpoint() + path))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private String get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(moto.endpoint() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String custodian() {
    String given = System.getenv("CUSTODIAN");
    if (given != null && !given.isBlank()) {
      return given;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, "custodian");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
