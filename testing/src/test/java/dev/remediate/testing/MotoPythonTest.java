package dev.remediate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a fresh machine gets: the decision between a Python with moto, the private environment,
 * making it, and the alternatives. Pythons here are stub scripts on a PATH made for the test (none
 * imports moto), so the real install, which needs PyPI, is not run: on a machine where the index
 * is unreachable it cannot be tested.
 */
class MotoPythonTest {
  @TempDir
  Path dir;

  /**
   * A stub interpreter: {@code -c pass} works; {@code -c import moto.server} works only when
   * {@code moto} is true; {@code -m venv DIR} makes DIR/bin/python3 from {@code venvStub};
   * {@code -m pip install} exits with {@code pipExit}.
   */
  private Path python(Path where, boolean moto, String venvStub, int pipExit) throws Exception {
    Files.createDirectories(where.getParent());
    String script = "#!/bin/sh\n"
        + "if [ \"$1\" = -c ]; then case \"$2\" in\n"
        + "  pass) exit 0;;\n"
        + "  *moto*) exit " + (moto ? 0 : 1) + ";;\n"
        + "esac; fi\n"
        + "if [ \"$1\" = -m ] && [ \"$2\" = venv ]; then mkdir -p \"$3/bin\"; "
        + "cp '" + dir.resolve(venvStub) + "' \"$3/bin/python3\"; exit 0; fi\n"
        + "if [ \"$1\" = -m ] && [ \"$2\" = pip ]; then echo 'ERROR: No matching distribution "
        + "found for moto' >&2; exit " + pipExit + "; fi\n"
        + "exit 3\n";
    Files.writeString(where, script);
    Files.setPosixFilePermissions(where, PosixFilePermissions.fromString("rwxr-xr-x"));
    return where;
  }

  private MotoPython finder(List<Path> path) {
    return new MotoPython(path, null, dir.resolve("home"), List.of(),
        dir.resolve("cache/remediate/moto-venv"));
  }

  @Test
  void pathWithoutMoto_decidesToMakeThePrivateEnvironment() throws Exception {
    python(dir.resolve("venv-stub"), true, "venv-stub", 0);
    Path bin = dir.resolve("bin");
    Path plain = python(bin.resolve("python3"), false, "venv-stub", 0);
    MotoPython.Decision decision = finder(List.of(bin)).decide();
    assertEquals(MotoPython.Action.CREATE_VENV, decision.action());
    assertEquals(plain.toString(), decision.python());
  }

  @Test
  void pathWithoutMoto_makesTheEnvironmentOnceAndSaysSoInOneLine() throws Exception {
    python(dir.resolve("venv-stub"), true, "venv-stub", 0);
    Path bin = dir.resolve("bin");
    python(bin.resolve("python3"), false, "venv-stub", 0);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    MotoPython finder = finder(List.of(bin));
    String python = finder.findOrInstall(new PrintStream(log, true, StandardCharsets.UTF_8));
    assertEquals(dir.resolve("cache/remediate/moto-venv/bin/python3").toString(), python);
    String said = log.toString(StandardCharsets.UTF_8);
    assertEquals(1, said.lines().count(), said);
    assertTrue(said.contains("installing " + MotoPython.MOTO_REQUIREMENT + " into a private "
        + "environment, " + dir.resolve("cache/remediate/moto-venv")), said);
    // the next run finds it and says nothing
    assertEquals(MotoPython.Action.USE_VENV, finder.decide().action());
  }

  @Test
  void pipCannotReachItsIndex_oneLineNamingTheAlternatives() throws Exception {
    python(dir.resolve("venv-stub"), false, "venv-stub", 1);
    Path bin = dir.resolve("bin");
    python(bin.resolve("python3"), false, "venv-stub", 1);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> finder(List.of(bin)).findOrInstall(new PrintStream(new ByteArrayOutputStream(),
            true, StandardCharsets.UTF_8)));
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    assertTrue(e.getMessage().startsWith("pip could not install " + MotoPython.MOTO_REQUIREMENT),
        e.getMessage());
    assertTrue(e.getMessage().contains("No matching distribution found"), e.getMessage());
    for (String alternative : List.of("motoserver/moto", "LocalStack",
        "REMEDIATE_EMULATOR_ENDPOINT")) {
      assertTrue(e.getMessage().contains(alternative), e.getMessage());
    }
  }

  @Test
  void noPythonAtAll_namesTheAlternatives() {
    MotoPython finder = finder(List.of(dir.resolve("empty")));
    assertEquals(MotoPython.Action.NO_PYTHON, finder.decide().action());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> finder.findOrInstall(System.err));
    assertTrue(e.getMessage().contains("motoserver/moto"), e.getMessage());
  }

  @Test
  void pythonWithMotoOnThePath_isUsedAsItIs() throws Exception {
    Path bin = dir.resolve("bin");
    Path moto = python(bin.resolve("python3"), true, "venv-stub", 0);
    assertEquals(new MotoPython.Decision(MotoPython.Action.USE_FOUND, moto.toString(),
        List.of(moto.toString())), finder(List.of(bin)).decide());
  }

  @Test
  void emulatorEnvironmentVariable_isTheOneNamed() {
    // the alternatives name the variable the emulator extension reads
    assertTrue(MotoPython.alternatives().contains(EmulatorEndpoint.ENDPOINT_ENV));
  }
}
