package dev.remediate.cli;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.plan.PlanSet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads and writes plan files: a plan set in its JSON format ({@link PlanSet#toJson()}). Reading
 * also accepts what {@link PlanSet#fromJson(String)} accepts (a JSON array of plans, one plan).
 *
 * <pre>{@code
 * PlanFiles.write(Path.of("plans.json"), plans);
 * PlanSet again = PlanFiles.read("plans.json", System.in);
 * }</pre>
 */
public final class PlanFiles {
  private PlanFiles() {}

  /**
   * Saves a plan set.
   *
   * @param file the file
   * @param plans the plans
   * @throws CliException when the file cannot be written
   */
  public static void write(Path file, PlanSet plans) {
    try {
      Files.writeString(file, plans.toJson(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw CliException.badInput("cannot write " + file + ": " + describe(e));
    }
  }

  /**
   * Reads a plan set from a file, or standard input for {@code -}.
   *
   * @param name the file name or {@code -}
   * @param stdin standard input
   * @return the plan set
   * @throws CliException when the file cannot be read or is not a plan file of a supported version
   */
  public static PlanSet read(String name, InputStream stdin) {
    String text;
    try {
      text = name.equals("-") ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8)
          : Files.readString(Path.of(name), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw CliException.badInput("no such file: " + name);
    } catch (IOException e) {
      throw CliException.badInput("cannot read " + name + ": " + describe(e));
    }
    return parse(text, name);
  }

  /**
   * Parses a plan file.
   *
   * @param text the JSON text
   * @param source the file name, for messages
   * @return the plan set
   * @throws CliException naming the file and what is wrong
   */
  public static PlanSet parse(String text, String source) {
    try {
      return PlanSet.fromJson(text);
    } catch (InvalidRemediationException e) {
      throw CliException.badInput(source + ": " + e.getMessage());
    }
  }

  static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.charset.CharacterCodingException) {
      return "not UTF-8 text";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
