package dev.remediate.testing;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Finds the Python that runs moto, and on a fresh machine makes one: when no Python that imports
 * moto is found (the {@code REMEDIATE_PYTHON} variable, {@code python3} and {@code python} on the
 * {@code PATH}, pyenv's, {@code /usr/local/bin/python3}, {@code /usr/bin/python3}), but a Python
 * is, a private virtual environment is created in {@code ~/.cache/remediate/moto-venv} (or
 * {@code $XDG_CACHE_HOME/remediate/moto-venv}) and a pinned {@code moto[server]} installed into it
 * with pip, saying so in one line. Where pip cannot install it (no package index reachable), one
 * line names the alternatives: the {@code motoserver/moto} Docker image, LocalStack, or any
 * emulator given with {@code REMEDIATE_EMULATOR_ENDPOINT}.
 *
 * <pre>{@code
 * String python = MotoPython.system().findOrInstall(System.err);
 * }</pre>
 */
final class MotoPython {
  /** The moto release installed into the private environment. */
  static final String MOTO_REQUIREMENT = "moto[server]==5.2.1";

  private final List<Path> path;
  private final @Nullable String configured;
  private final Path home;
  private final List<Path> fallbacks;
  private final Path venv;

  /**
   * Where to look.
   *
   * @param path the PATH directories
   * @param configured REMEDIATE_PYTHON, if set
   * @param home the user's home (pyenv)
   * @param fallbacks interpreters tried last
   * @param venv the private environment's folder
   */
  MotoPython(List<Path> path, @Nullable String configured, Path home, List<Path> fallbacks,
      Path venv) {
    this.path = List.copyOf(path);
    this.configured = configured;
    this.home = home;
    this.fallbacks = List.copyOf(fallbacks);
    this.venv = venv;
  }

  /** @return the finder of this machine: its PATH, home, cache folder */
  static MotoPython system() {
    Map<String, String> env = System.getenv();
    List<Path> path = new ArrayList<>();
    for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isBlank()) {
        path.add(Path.of(dir));
      }
    }
    String configured = System.getProperty("remediate.python");
    if (configured == null || configured.isBlank()) {
      configured = env.get("REMEDIATE_PYTHON");
    }
    Path home = Path.of(System.getProperty("user.home"));
    String xdg = env.get("XDG_CACHE_HOME");
    Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".cache");
    return new MotoPython(path, configured == null || configured.isBlank() ? null : configured,
        home, List.of(Path.of("/usr/local/bin/python3"), Path.of("/usr/bin/python3")),
        cache.resolve("remediate").resolve("moto-venv"));
  }

  /** What to do. */
  enum Action {
    /** A Python that imports moto was found. */
    USE_FOUND,
    /** The private environment made earlier has moto. */
    USE_VENV,
    /** Make the private environment with this Python, then install moto into it. */
    CREATE_VENV,
    /** No Python at all: nothing to install moto with. */
    NO_PYTHON
  }

  /**
   * The decision, before anything is installed.
   *
   * @param action what to do
   * @param python the interpreter to use or to make the environment with; null for NO_PYTHON
   * @param tried the interpreters tried
   */
  record Decision(Action action, @Nullable String python, List<String> tried) {}

  /** @return what to do on this machine, after looking (runs each candidate once) */
  Decision decide() {
    List<String> candidates = candidates();
    String anyPython = null;
    for (String candidate : candidates) {
      if (runs(candidate, "import moto.server")) {
        return new Decision(Action.USE_FOUND, candidate, candidates);
      }
      if (anyPython == null && runs(candidate, "pass")) {
        anyPython = candidate;
      }
    }
    String private_ = venvPython().toString();
    if (Files.isExecutable(venvPython()) && runs(private_, "import moto.server")) {
      return new Decision(Action.USE_VENV, private_, candidates);
    }
    return anyPython != null ? new Decision(Action.CREATE_VENV, anyPython, candidates)
        : new Decision(Action.NO_PYTHON, null, candidates);
  }

  /**
   * Finds a Python that imports moto, or makes one (saying so in one line on {@code log}).
   *
   * @param log where the one line goes
   * @return the interpreter
   * @throws IllegalStateException with one line naming the alternatives when none can be had
   */
  String findOrInstall(PrintStream log) {
    Decision decision = decide();
    switch (decision.action()) {
      case USE_FOUND, USE_VENV -> {
        return decision.python();
      }
      case CREATE_VENV -> {
        log.println("remediate: no Python with moto found (tried " + decision.tried()
            + "); installing " + MOTO_REQUIREMENT + " into a private environment, " + venv
            + " (once)");
        return install(decision.python());
      }
      default -> throw new IllegalStateException("No Python found to run moto (tried "
          + decision.tried() + "): install Python 3, or " + alternatives());
    }
  }

  /** Makes the private environment with {@code python} and pip-installs moto into it. */
  String install(String python) {
    String problem = run(List.of(python, "-m", "venv", venv.toString()), 300);
    if (problem != null) {
      throw new IllegalStateException("Could not make a Python environment in " + venv + " ("
          + problem + "; on Debian/Ubuntu: apt-get install python3-venv); or " + alternatives());
    }
    String vp = venvPython().toString();
    problem = run(List.of(vp, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        MOTO_REQUIREMENT), 900);
    if (problem != null || !runs(vp, "import moto.server")) {
      throw new IllegalStateException("pip could not install " + MOTO_REQUIREMENT + " into "
          + venv + " (" + (problem != null ? problem : "moto does not import")
          + "; is a package index reachable?): " + alternatives());
    }
    return vp;
  }

  static String alternatives() {
    return "run an emulator yourself and point at it: docker run -d -p 5000:5000 motoserver/moto "
        + "(or LocalStack), then REMEDIATE_EMULATOR_ENDPOINT=http://127.0.0.1:5000; or set "
        + "REMEDIATE_PYTHON to a Python with moto (pip install '" + MOTO_REQUIREMENT + "')";
  }

  /** @return the private environment's interpreter */
  Path venvPython() {
    return venv.resolve("bin").resolve("python3");
  }

  /** @return the interpreters to try, in order */
  List<String> candidates() {
    Set<String> candidates = new LinkedHashSet<>();
    if (configured != null) {
      candidates.add(configured);
      return new ArrayList<>(candidates);
    }
    for (String name : List.of("python3", "python")) {
      for (Path dir : path) {
        Path exe = dir.resolve(name);
        if (Files.isExecutable(exe)) {
          candidates.add(exe.toString());
        }
      }
    }
    candidates.add(home.resolve(".pyenv/shims/python3").toString());
    File[] installed = home.resolve(".pyenv/versions").toFile().listFiles();
    if (installed != null) {
      Arrays.sort(installed, Comparator.reverseOrder());
      for (File v : installed) {
        candidates.add(new File(v, "bin/python3").getPath());
      }
    }
    fallbacks.forEach(f -> candidates.add(f.toString()));
    candidates.removeIf(c -> !c.equals(configured) && !Files.isExecutable(Path.of(c)));
    return new ArrayList<>(candidates);
  }

  private static boolean runs(String python, String code) {
    return run(List.of(python, "-c", code), 60) == null;
  }

  /** Runs a command; null when it succeeded, else a few words on what went wrong. */
  private static @Nullable String run(List<String> command, int seconds) {
    try {
      Path output = Files.createTempFile("remediate-python-", ".log");
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(output.toFile()).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return "timed out after " + seconds + " s";
        }
        if (p.exitValue() == 0) {
          return null;
        }
        List<String> lines = Files.readAllLines(output);
        return "exit " + p.exitValue() + (lines.isEmpty() ? ""
            : ": " + lines.get(lines.size() - 1).strip());
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      return e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
