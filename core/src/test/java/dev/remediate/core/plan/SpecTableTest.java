package dev.remediate.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.aws.AwsNames;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The spec table on a remediation of its own: every kind read valid, refused invalid, missing,
 * defaulted, and unknown names refused; spec() and fromSpec() inverse of each other.
 */
class SpecTableTest {
  enum Mode { FAST, SAFE }

  /** A remediation with one parameter of each kind, and two forms (a VPC list or every VPC). */
  static final class Sample implements Remediation {
    static final String ID = "test.sample";
    static final SpecTable<Sample, Sample> SPEC = SpecTable.<Sample, Sample>of(ID)
        .startAllOr("vpcs", SpecKind.aws(AwsNames::vpcId), r -> r.vpcs, Sample::new,
            () -> new Sample(null))
        .start("role", SpecKind.aws(AwsNames::roleArn), r -> r.role, Sample::forRole)
        .required("name", SpecKind.text(), r -> r.name, (r, v) -> r.name = v)
        .withDefault("enabled", SpecKind.bool(), true, r -> r.enabled, (r, v) -> r.enabled = v)
        .optional("count", SpecKind.integer(), 3, r -> r.count, (r, v) -> r.count = v)
        .optional("mode", SpecKind.oneOf(Mode.values()), r -> r.mode, (r, v) -> r.mode = v)
        .optional("tags", SpecKind.list(SpecKind.text()), r -> r.tags.isEmpty() ? null : r.tags,
            (r, v) -> r.tags = v)
        .build(Sample::checked);

    @Nullable Optional<List<String>> vpcs;
    @Nullable String role;
    String name = "";
    boolean enabled = true;
    int count = 3;
    @Nullable Mode mode;
    List<String> tags = List.of();

    Sample(@Nullable List<String> vpcs) {
      this.vpcs = Optional.ofNullable(vpcs);
    }

    static Sample forRole(String role) {
      Sample s = new Sample(null);
      s.vpcs = null;
      s.role = role;
      return s;
    }

    Sample checked() {
      if (count < 0) {
        throw new InvalidRemediationException("count " + count + " is negative");
      }
      return this;
    }

    @Override
    public String id() {
      return ID;
    }

    @Override
    public RemediationSpec spec() {
      return SPEC.spec(this);
    }

    @Override
    public Plan plan(RemediationContext context) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void execute(Step step, RemediationContext context) {
      throw new UnsupportedOperationException();
    }
  }

  private static Sample read(Map<String, String> given) {
    return Sample.SPEC.fromSpec(RemediationSpec.of(Sample.ID, given));
  }

  private static Map<String, String> valid(String... overrides) {
    Map<String, String> p = new TreeMap<>(Map.of("vpcs", "vpc-0abc1234,vpc-1abc1234",
        "name", "n", "enabled", "false", "count", "7", "mode", "SAFE", "tags", "a,b"));
    for (int i = 0; i < overrides.length; i += 2) {
      if (overrides[i + 1] == null) {
        p.remove(overrides[i]);
      } else {
        p.put(overrides[i], overrides[i + 1]);
      }
    }
    return p;
  }

  private static String refused(Map<String, String> given) {
    return assertThrows(InvalidRemediationException.class, () -> read(given)).getMessage();
  }

  @Test
  void everyKind_readsItsValue_andSpecWritesTheSameText() {
    Sample s = read(valid());
    assertEquals(Optional.of(List.of("vpc-0abc1234", "vpc-1abc1234")), s.vpcs);
    assertEquals("n", s.name);
    assertEquals(false, s.enabled);
    assertEquals(7, s.count);
    assertEquals(Mode.SAFE, s.mode);
    assertEquals(List.of("a", "b"), s.tags);
    assertEquals(valid(), s.spec().parameters());
  }

  @Test
  void lenientForms_areNormalisedOnWriting() {
    Sample s = read(valid("enabled", " TRUE ", "mode", "fast", "vpcs", "vpc-0abc1234 , vpc-1abc1234"));
    assertEquals(true, s.enabled);
    assertEquals(Mode.FAST, s.mode);
    assertEquals(valid("enabled", "true", "mode", "FAST"), s.spec().parameters());
  }

  @Test
  void absentParameters_readAsTheirDefaults_andDefaultsAreWrittenOrNotAsDeclared() {
    Sample s = read(Map.of("vpcs", "*", "name", "n"));
    assertEquals(Optional.empty(), s.vpcs);
    assertTrue(s.enabled);
    assertEquals(3, s.count);
    assertEquals(null, s.mode);
    assertEquals(List.of(), s.tags);
    // withDefault is always written; optional with a default is left out at its default
    assertEquals(Map.of("vpcs", "*", "name", "n", "enabled", "true"), s.spec().parameters());
  }

  @Test
  void theOtherForm_isChosenByItsParameter() {
    String arn = "arn:aws:iam::111122223333:role/responder";
    Sample s = read(Map.of("role", arn, "name", "n"));
    assertEquals(arn, s.role);
    assertEquals(Map.of("role", arn, "name", "n", "enabled", "true"), s.spec().parameters());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "enabled|ture", "enabled|yes", "enabled|''", "count|7x", "count|3.0", "count|''",
      "mode|SAFER", "vpcs|vpc-12", "vpcs|vpc-0abc1234,,vpc-1abc1234", "vpcs|**",
      "vpcs|vpc-0abc1234,vpc-oops", "tags|a,,b", "tags|''", "name|''"})
  void aMalformedValue_isRefused_namingTheRemediationTheParameterAndTheValue(String name,
      String value) {
    String message = refused(valid(name, value));
    assertTrue(message.contains(Sample.ID), message);
    assertTrue(message.contains("parameter '" + name + "' is '" + value + "'"), message);
  }

  @Test
  void aMalformedArn_isRefusedWithTheExpectedForm() {
    String message = refused(Map.of("role", "arn:aws:iam::1111:role/x", "name", "n"));
    assertTrue(message.contains("parameter 'role' is 'arn:aws:iam::1111:role/x'"), message);
    assertTrue(message.contains("IAM role ARN"), message);
  }

  @Test
  void aMissingRequiredParameter_isNamed() {
    String message = refused(valid("name", null));
    assertTrue(message.contains(Sample.ID) && message.contains("lacks the parameter 'name'"),
        message);
  }

  @Test
  void noFormOrTwoForms_areRefusedNamingTheForms() {
    String none = refused(valid("vpcs", null));
    assertTrue(none.contains("exactly one of the parameters [vpcs, role]"), none);
    String both = refused(valid("role", "arn:aws:iam::111122223333:role/r"));
    assertTrue(both.contains("exactly one of the parameters [vpcs, role]"), both);
  }

  @Test
  void anUnknownParameter_isRefusedListingTheKnownOnes() {
    String message = refused(valid("enabeld", "true"));
    assertTrue(message.contains(Sample.ID) && message.contains("unknown parameter 'enabeld'"),
        message);
    assertTrue(message.contains("[count, enabled, mode, name, role, tags, vpcs]"), message);
  }

  @Test
  void aSpecOfAnotherId_isRefused() {
    assertThrows(InvalidRemediationException.class,
        () -> Sample.SPEC.fromSpec(RemediationSpec.of("test.other", valid())));
  }

  @Test
  void theBuildersRefusal_namesTheRemediation() {
    String message = refused(valid("count", "-1"));
    assertTrue(message.contains(Sample.ID) && message.contains("count -1 is negative"), message);
  }

  @Test
  void aFormWithoutParameter_isUsedWhenNoFormParameterIsGiven() {
    SpecTable<Sample, Sample> table = SpecTable.<Sample, Sample>of(Sample.ID)
        .start("role", SpecKind.aws(AwsNames::roleArn), r -> r.role, Sample::forRole)
        .start(() -> new Sample(List.of("vpc-0abc1234")))
        .build(Function.identity());
    Sample s = table.fromSpec(RemediationSpec.of(Sample.ID, Map.of()));
    assertEquals(Optional.of(List.of("vpc-0abc1234")), s.vpcs);
    assertEquals(Map.of(), table.spec(s).parameters());
  }

  @Test
  void aNameDeclaredTwice_isAMistakeOfTheDeclaration() {
    assertThrows(IllegalStateException.class, () -> SpecTable.<Sample, Sample>of(Sample.ID)
        .required("name", SpecKind.text(), r -> r.name, (r, v) -> r.name = v)
        .optional("name", SpecKind.text(), r -> r.name, (r, v) -> r.name = v));
  }

  @Test
  void kinds_formatWhatTheyParse() {
    assertEquals("a,b", SpecKind.list(SpecKind.text()).format(List.of("a", "b")));
    assertEquals("*", SpecKind.allOr(SpecKind.text()).format(Optional.empty()));
    assertEquals("SAFE", SpecKind.oneOf(Mode.values()).format(Mode.SAFE));
    assertEquals(12, SpecKind.integer().parse(" 12 "));
    assertEquals(java.time.Duration.ofHours(2), SpecKind.duration().parse("PT2H"));
    assertEquals("PT2H", SpecKind.duration().format(java.time.Duration.ofHours(2)));
    String bad = assertThrows(InvalidRemediationException.class,
        () -> SpecKind.duration().parse("2 hours")).getMessage();
    assertTrue(bad.contains("'2 hours'") && bad.contains("ISO-8601"), bad);
    assertEquals("destination", SpecKind.word("destination").parse("destination"));
    assertThrows(InvalidRemediationException.class, () -> SpecKind.word("destination")
        .parse("Destination"));
  }
}
