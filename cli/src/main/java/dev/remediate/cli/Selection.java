package dev.remediate.cli;

import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * {@code --only} and {@code --skip}: selects catalog remediations by id (comma-separated or
 * repeated). Unknown ids are bad input.
 *
 * <pre>{@code
 * remediate scan --only ec2.vpc-flow-logs,ec2.default-security-group
 * }</pre>
 */
public final class Selection {
  @Option(names = "--only", split = ",", paramLabel = "ID",
      description = "Only these remediation ids (comma-separated or repeated).")
  List<String> only = new ArrayList<>();

  @Option(names = "--skip", split = ",", paramLabel = "ID",
      description = "Leave out these remediation ids (comma-separated or repeated).")
  List<String> skip = new ArrayList<>();

  /** Creates an empty selection (picocli fills it). */
  public Selection() {}

  /**
   * Applies the selection to a catalog.
   *
   * @param catalog the catalog
   * @return the selected types, sorted by id
   * @throws CliException naming an unknown id
   */
  public List<RemediationType> select(RemediationCatalog catalog) {
    Set<String> known = new LinkedHashSet<>();
    catalog.types().forEach(t -> known.add(t.id()));
    for (String id : concat(only, skip)) {
      if (!known.contains(id)) {
        throw CliException.badInput("unknown remediation id '" + id + "'; known ids: "
            + String.join(", ", known));
      }
    }
    List<RemediationType> selected = new ArrayList<>();
    for (RemediationType type : catalog.types()) {
      if ((only.isEmpty() || only.contains(type.id())) && !skip.contains(type.id())) {
        selected.add(type);
      }
    }
    return selected;
  }

  /** @return the ids {@code --only} named */
  public java.util.Set<String> onlyIds() {
    return java.util.Set.copyOf(only);
  }

  /** @return true when {@code --only} or {@code --skip} named ids */
  public boolean explicitOrSkips() {
    return !only.isEmpty() || !skip.isEmpty();
  }

  /** @return true when {@code --only} named ids */
  public boolean explicit() {
    return !only.isEmpty();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
