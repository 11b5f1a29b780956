package dev.remediate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A moto server ({@code python3 -m moto.server}) run as a child process on a free loopback port.
 *
 * <p>Finding Python: the {@code REMEDIATE_PYTHON} environment variable or {@code remediate.python}
 * system property if set; otherwise the first of {@code python3} and {@code python} on the
 * {@code PATH}, {@code ~/.pyenv/shims/python3}, pyenv's installed versions,
 * {@code /usr/local/bin/python3} and {@code /usr/bin/python3} that can {@code import moto}; else
 * a private virtual environment with a pinned moto, made once ({@link MotoPython}).
 *
 * <pre>{@code
 * try (MotoServer moto = MotoServer.start()) {
 *   AwsScope scope = AwsScope.builder().region(Region.US_EAST_1)
 *       .endpointOverride(moto.endpoint()).build();
 * }
 * }</pre>
 */
public final class MotoServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MotoServer.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Process process;
  private final URI endpoint;
  private final String python;
  private final Path log;

  private MotoServer(Process process, URI endpoint, String python, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.python = python;
    this.log = log;
  }

  /**
   * Starts a moto server on a free loopback port and waits until it answers.
   *
   * @return the running server
   * @throws IllegalStateException when no Python with moto is found, or the server does not start
   */
  public static MotoServer start() {
    // a fresh machine: a private environment with a pinned moto, said in one line
    String python = MotoPython.system().findOrInstall(System.err);
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        return start(python, freePort());
      } catch (IllegalStateException e) {
        last = e;
        LOG.warn("moto did not start (attempt {}): {}", attempt, e.getMessage());
      }
    }
    throw last;
  }

  private static MotoServer start(String python, int port) {
    Path log;
    try {
      log = Files.createTempFile("moto-" + port + "-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ProcessBuilder pb = new ProcessBuilder(python, "-m", "moto.server", "-H", "127.0.0.1", "-p",
        Integer.toString(port))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putIfAbsent("AWS_DEFAULT_REGION", "us-east-1");
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("Could not run " + python + ": " + e.getMessage(), e);
    }
    URI endpoint = URI.create("http://127.0.0.1:" + port);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("moto exited with " + process.exitValue() + "; log: "
            + tail(log));
      }
      if (answers(endpoint)) {
        LOG.debug("moto started at {} with {}", endpoint, python);
        MotoServer server = new MotoServer(process, endpoint, python, log);
        return server;
      }
      sleep(100);
    }
    process.destroyForcibly();
    throw new IllegalStateException("moto did not answer within " + START_TIMEOUT + "; log: "
        + tail(log));
  }

  /** @return the server's endpoint, e.g. {@code http://127.0.0.1:43121} */
  public URI endpoint() {
    return endpoint;
  }

  /** @return the Python interpreter that runs it */
  public String python() {
    return python;
  }

  /** @return true while the process runs */
  public boolean isRunning() {
    return process.isAlive();
  }

  /** Stops the server. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      LOG.debug("Could not delete {}", log);
    }
  }

  @Override
  public String toString() {
    return "MotoServer{" + endpoint + ", python=" + python + "}";
  }

  /**
   * Finds a Python interpreter that can import moto.
   *
   * @return its path or command name
   */
  public static Optional<String> findPython() {
    MotoPython.Decision decision = MotoPython.system().decide();
    return decision.action() == MotoPython.Action.USE_FOUND
        || decision.action() == MotoPython.Action.USE_VENV
        ? Optional.ofNullable(decision.python()) : Optional.empty();
  }

  static boolean answers(URI endpoint) {
    try {
      HttpURLConnection c = (HttpURLConnection) endpoint.resolve("/moto-api/").toURL()
          .openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(2000);
      int code = c.getResponseCode();
      c.disconnect();
      return code == 200;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free loopback port", e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for moto", e);
    }
  }
}
