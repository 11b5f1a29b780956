package dev.remediate.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The library's version, from the build. */
public final class Version {
  private static final String VERSION = load();

  private Version() {}

  /** @return the version, e.g. {@code 0.1.0-SNAPSHOT} */
  public static String get() {
    return VERSION;
  }

  /** @return the user-agent suffix every client carries, e.g. {@code remediate/0.1.0} */
  public static String userAgent() {
    return "remediate/" + VERSION;
  }

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("/dev/remediate/core/version.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties props = new Properties();
      props.load(in);
      return props.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
