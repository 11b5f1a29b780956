package dev.remediate.core;

import dev.remediate.core.plan.RemediationSpec;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Every {@link RemediationType} on the class path, found with {@link ServiceLoader}, by id.
 *
 * <pre>{@code
 * RemediationCatalog catalog = RemediationCatalog.load();
 * catalog.types().forEach(t -> System.out.println(t.id() + " " + t.controls()));
 * }</pre>
 */
public final class RemediationCatalog {
  private final Map<String, RemediationType> types;

  private RemediationCatalog(Map<String, RemediationType> types) {
    this.types = Collections.unmodifiableMap(types);
  }

  /** @return the catalog of the types visible to this class's class loader */
  public static RemediationCatalog load() {
    return load(RemediationCatalog.class.getClassLoader());
  }

  /**
   * Loads the catalog with a given class loader.
   *
   * @param loader the class loader
   * @return the catalog
   */
  public static RemediationCatalog load(ClassLoader loader) {
    Map<String, RemediationType> types = new TreeMap<>();
    for (RemediationType type : ServiceLoader.load(RemediationType.class, loader)) {
      RemediationType previous = types.putIfAbsent(type.id(), type);
      if (previous != null && previous.getClass() != type.getClass()) {
        throw new IllegalStateException("Two remediation types claim id '" + type.id() + "': "
            + previous.getClass().getName() + " and " + type.getClass().getName());
      }
    }
    return new RemediationCatalog(types);
  }

  /**
   * Builds a catalog from explicit types (for tests and embedding).
   *
   * @param types the types
   * @return the catalog
   */
  public static RemediationCatalog of(RemediationType... types) {
    Map<String, RemediationType> map = new TreeMap<>();
    for (RemediationType type : types) {
      map.put(type.id(), type);
    }
    return new RemediationCatalog(map);
  }

  /** @return every type, sorted by id */
  public Collection<RemediationType> types() {
    return types.values();
  }

  /**
   * Finds a type.
   *
   * @param id catalog id
   * @return the type, if known
   */
  public Optional<RemediationType> find(String id) {
    return Optional.ofNullable(types.get(id));
  }

  /**
   * Finds a type or fails naming the id.
   *
   * @param id catalog id
   * @return the type
   * @throws InvalidRemediationException when the id is unknown
   */
  public RemediationType require(String id) {
    RemediationType type = types.get(id);
    if (type == null) {
      throw new InvalidRemediationException("Unknown remediation id '" + id + "'; known ids: "
          + types.keySet() + ". Is the module that provides it on the class path?");
    }
    return type;
  }

  /**
   * Rebuilds a remediation from its spec.
   *
   * @param spec the spec
   * @return the remediation
   */
  public Remediation fromSpec(RemediationSpec spec) {
    return require(spec.id()).fromSpec(spec);
  }
}
