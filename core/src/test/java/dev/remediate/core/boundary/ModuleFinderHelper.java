package dev.remediate.core.boundary;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Reads the descriptor of the module built in a classes directory. */
final class ModuleFinderHelper {
  private ModuleFinderHelper() {}

  /** @return the unqualified exports of the module in {@code classes} */
  static Set<String> exports(Path classes) {
    ModuleReference ref = ModuleFinder.of(classes).findAll().stream().findFirst()
        .orElseThrow(() -> new IllegalStateException("no module in " + classes));
    return ref.descriptor().exports().stream().filter(e -> !e.isQualified())
        .map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
  }
}
