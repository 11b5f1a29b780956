package dev.remediate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.remediate.core.RemediationType;
import dev.remediate.core.Setting;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Checks that a {@link RemediationType} declares ({@link RemediationType#settings()}) exactly the
 * scan settings its {@code forRegion} and {@code forTarget} read: each form is run with settings
 * maps that record every key looked up, and the keys read across the scenarios must equal the
 * keys declared (an undeclared key would be reported as unknown by the command-line tool; a
 * declared key never read is a stale declaration).
 *
 * <pre>{@code
 * DeclaredSettings.assertReadsExactlyDeclared(new EnsureTrail.Type(),
 *     List.of(Map.of("trail.s3Bucket", "b", "trail.cloudWatchLogs", "true")));
 * DeclaredSettings.assertReadsExactlyDeclared(new QuarantineInstance.Type(),
 *     List.of(Map.of()), "i-0abc1234");
 * }</pre>
 */
public final class DeclaredSettings {
  private DeclaredSettings() {}

  /**
   * Runs {@code forRegion} with each scenario, and {@code forTarget} with each scenario for each
   * target, and asserts that the keys read equal the keys declared.
   *
   * @param type the type
   * @param scenarios settings maps that together reach every key the type reads
   * @param targets resource ids for {@code forTarget}, if the type has that form
   */
  public static void assertReadsExactlyDeclared(RemediationType type,
      List<Map<String, String>> scenarios, String... targets) {
    Set<String> read = new TreeSet<>();
    for (Map<String, String> scenario : scenarios) {
      read.addAll(keysRead(type, scenario, targets));
    }
    Set<String> declared = type.settings().stream().map(Setting::key)
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(declared, read, type.id() + ": the settings declared by settings() (expected) "
        + "and the keys forRegion/forTarget read (actual)");
  }

  /**
   * The keys one run of {@code forRegion} and of {@code forTarget} (per target) looks up.
   *
   * @param type the type
   * @param settings the settings
   * @param targets resource ids for {@code forTarget}
   * @return the keys read, sorted
   */
  public static Set<String> keysRead(RemediationType type, Map<String, String> settings,
      String... targets) {
    Recording recording = new Recording(settings);
    type.forRegion(recording);
    for (String target : targets) {
      type.forTarget(target, recording);
    }
    return recording.read;
  }

  /** A read-only map that records the keys looked up; iterating counts as reading every key. */
  private static final class Recording extends AbstractMap<String, String> {
    private final Map<String, String> values;
    private final Set<String> read = new TreeSet<>();

    Recording(Map<String, String> values) {
      this.values = Map.copyOf(values);
    }

    @Override
    public String get(Object key) {
      read.add(String.valueOf(key));
      return values.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      read.add(String.valueOf(key));
      return values.containsKey(key);
    }

    @Override
    public String getOrDefault(Object key, String defaultValue) {
      read.add(String.valueOf(key));
      return values.getOrDefault(key, defaultValue);
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
      read.addAll(values.keySet());
      return values.entrySet();
    }
  }
}
