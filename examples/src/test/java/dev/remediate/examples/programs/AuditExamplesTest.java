package dev.remediate.examples.programs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.plan.Plan;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each audit example, on the emulator, applies and ends with an empty second plan. */
@ExtendWith(AwsEmulatorExtension.class)
class AuditExamplesTest {
  private static String run(AwsEmulator aws, Function<ExampleSupport, Plan> example) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Plan plan = example.apply(ExampleSupport.onEmulator(aws.scope(),
        new PrintStream(bytes, true, StandardCharsets.UTF_8)));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertFalse(plan.isEmpty(), out);
    assertTrue(out.contains("APPLIED: " + plan.remediation().id()), out);
    assertTrue(out.endsWith("Second plan: empty, compliant\n"), out);
    return out;
  }

  @Test
  void ensureTrailExample_emulator_endsCompliant(AwsEmulator aws) {
    run(aws, EnsureTrailExample::run);
  }

  @Test
  void enableConfigRecorderExample_emulator_endsCompliant(AwsEmulator aws) {
    run(aws, EnableConfigRecorderExample::run);
  }

  @Test
  void cisAlarmsExample_emulator_ensuresTheTrailThenTheAlarms(AwsEmulator aws) {
    String out = run(aws, CisAlarmsExample::run);
    assertTrue(out.contains("APPLIED: cloudtrail.trail"), out);
  }
}
