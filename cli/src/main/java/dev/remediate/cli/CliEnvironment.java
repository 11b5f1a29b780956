package dev.remediate.cli;

import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.event.EventRouter;
import java.io.InputStream;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the command-line tool takes from its surroundings: the remediation catalog, the event
 * router, how to open
 * AWS scopes, the terminal for confirmations, standard input and the environment variables.
 * {@link #system()} is the real process; tests build their own.
 *
 * <pre>{@code
 * CliEnvironment env = CliEnvironment.builder()
 *     .scopes((region, options) -> aws.scopeBuilder(Region.of(region)).build())
 *     .terminal(Terminal.answering("yes"))
 *     .build();
 * int exit = Remediate.execute(env, out, err, "scan", "--region", "us-east-1");
 * }</pre>
 */
public final class CliEnvironment {
  private final Supplier<RemediationCatalog> catalog;
  private final java.util.function.Function<Map<String, String>, EventRouter> router;
  private final ScopeFactory scopes;
  private final Terminal terminal;
  private final InputStream stdin;
  private final Map<String, String> env;
  private RemediationCatalog loaded;

  private CliEnvironment(Builder b) {
    this.catalog = b.catalog;
    this.router = b.router;
    this.env = Map.copyOf(b.env);
    this.scopes = b.scopes != null ? b.scopes : GlobalOptions.defaultScopes(this.env);
    this.terminal = b.terminal;
    this.stdin = b.stdin;
  }

  /** @return the real process: catalog from the class path, console, stdin, environment */
  public static CliEnvironment system() {
    return builder().build();
  }

  /** @return a builder starting from the real process */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the remediation catalog (loaded once) */
  public synchronized RemediationCatalog catalog() {
    if (loaded == null) {
      loaded = catalog.get();
    }
    return loaded;
  }

  /**
   * The event router, with the rules the settings allow (some rules need settings, e.g. a trail
   * bucket).
   *
   * @param settings settings by dotted key
   * @return the router
   */
  public EventRouter router(Map<String, String> settings) {
    return router.apply(settings);
  }

  /** @return how scopes are opened */
  public ScopeFactory scopes() {
    return scopes;
  }

  /** @return the terminal */
  public Terminal terminal() {
    return terminal;
  }

  /** @return standard input */
  public InputStream stdin() {
    return stdin;
  }

  /** @return the environment variables */
  public Map<String, String> env() {
    return env;
  }

  /** Builds a {@link CliEnvironment}. */
  public static final class Builder {
    private Supplier<RemediationCatalog> catalog = RemediationCatalog::load;
    private java.util.function.Function<Map<String, String>, EventRouter> router =
        EventRouter::load;
    private ScopeFactory scopes;
    private Terminal terminal = Terminal.system();
    private InputStream stdin = System.in;
    private Map<String, String> env = System.getenv();

    private Builder() {}

    /**
     * Sets the catalog (default: {@link RemediationCatalog#load()}).
     *
     * @param catalog the catalog
     * @return this builder
     */
    public Builder catalog(RemediationCatalog catalog) {
      Objects.requireNonNull(catalog, "catalog");
      this.catalog = () -> catalog;
      return this;
    }

    /**
     * Sets the event router, whatever the settings (default: {@link EventRouter#load(Map)}).
     *
     * @param router the router
     * @return this builder
     */
    public Builder router(EventRouter router) {
      Objects.requireNonNull(router, "router");
      this.router = settings -> router;
      return this;
    }

    /**
     * Sets how scopes are opened (default: from the common flags).
     *
     * @param scopes the factory
     * @return this builder
     */
    public Builder scopes(ScopeFactory scopes) {
      this.scopes = Objects.requireNonNull(scopes, "scopes");
      return this;
    }

    /**
     * Sets the terminal (default: the process's console).
     *
     * @param terminal the terminal
     * @return this builder
     */
    public Builder terminal(Terminal terminal) {
      this.terminal = Objects.requireNonNull(terminal, "terminal");
      return this;
    }

    /**
     * Sets standard input (read for the file name {@code -}).
     *
     * @param stdin the stream
     * @return this builder
     */
    public Builder stdin(InputStream stdin) {
      this.stdin = Objects.requireNonNull(stdin, "stdin");
      return this;
    }

    /**
     * Sets the environment variables (default: the process's).
     *
     * @param env variables by name
     * @return this builder
     */
    public Builder env(Map<String, String> env) {
      this.env = Objects.requireNonNull(env, "env");
      return this;
    }

    /** @return the environment */
    public CliEnvironment build() {
      return new CliEnvironment(this);
    }
  }
}
