package dev.remediate.examples.programs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.plan.PlanSet;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each example program, on the emulator, applies and ends with an empty second plan. */
@ExtendWith(AwsEmulatorExtension.class)
class ExampleProgramsTest {
  private static final Map<String, Function<ExampleSupport, PlanSet>> EXAMPLES = Map.ofEntries(
      Map.entry("EnableVpcFlowLogsExample", EnableVpcFlowLogsExample::run),
      Map.entry("RestrictSecurityGroupExample", RestrictSecurityGroupExample::run),
      Map.entry("RestrictDefaultSecurityGroupExample", RestrictDefaultSecurityGroupExample::run),
      Map.entry("BlockIpAddressExample", BlockIpAddressExample::run),
      Map.entry("QuarantineInstanceExample", QuarantineInstanceExample::run),
      Map.entry("EncryptVolumeExample", EncryptVolumeExample::run),
      Map.entry("EnableEbsEncryptionByDefaultExample", EnableEbsEncryptionByDefaultExample::run),
      Map.entry("EnsureTrailExample", EnsureTrailExample::run),
      Map.entry("EnableConfigRecorderExample", EnableConfigRecorderExample::run),
      Map.entry("CisAlarmsExample", CisAlarmsExample::run),
      Map.entry("DeactivateAccessKeyExample", DeactivateAccessKeyExample::run),
      Map.entry("ReactivateAccessKeyExample", ReactivateAccessKeyExample::run),
      Map.entry("RevokeRoleSessionsExample", RevokeRoleSessionsExample::run),
      Map.entry("QuarantineUserExample", QuarantineUserExample::run),
      Map.entry("ReleaseUserExample", ReleaseUserExample::run),
      Map.entry("OutdatedAmiExample", OutdatedAmiExample::run),
      Map.entry("EnableGuardDutyExample", EnableGuardDutyExample::run),
      Map.entry("ReplaceSshKeyExample", ReplaceSshKeyExample::run),
      Map.entry("EnableCpuAlarmExample", EnableCpuAlarmExample::run),
      Map.entry("ResizeInstanceExample", ResizeInstanceExample::run));

  static Stream<String> examples() {
    return EXAMPLES.keySet().stream().sorted();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void run_emulator_appliesAndEndsCompliant(String name, AwsEmulator aws) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PlanSet plans = EXAMPLES.get(name).apply(ExampleSupport.onEmulator(aws.scope(),
        new PrintStream(bytes, true, StandardCharsets.UTF_8)));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertFalse(plans.isEmpty(), out);
    assertTrue(out.contains("APPLIED: " + plans.plans().get(0).remediation().id()), out);
    assertTrue(out.endsWith("Second plan: empty, compliant\n"), out);
    if (name.equals("CisAlarmsExample")) {
      assertTrue(out.contains("APPLIED: cloudtrail.trail"), out);
    }
  }
}
