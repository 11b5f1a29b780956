package dev.remediate.core.aws;

import dev.remediate.core.InvalidRemediationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.regions.Region;

/**
 * Runs the same work in every (account, region) place with bounded concurrency: each member
 * account's role is assumed once ({@link AccountRole#scopeFor}), then the work runs in each of its
 * regions. An account whose role cannot be assumed is one failed outcome; the other accounts go
 * on. The caller's own account is reached with the caller's credentials, without a role.
 *
 * <pre>{@code
 * List<Fleet.Outcome<List<Plan>>> outcomes = Fleet.builder(caller)
 *     .accounts(List.of("111122223333", "444455556666"))
 *     .regions(List.of(Region.US_EAST_1, Region.EU_WEST_1))
 *     .role(AccountRole.builder().externalId("org-secret").build())
 *     .build()
 *     .run(scope -> new Remediator(scope).planSet(remediations).plans());
 * }</pre>
 */
public final class Fleet {
  /** Places worked on at once when no concurrency is given. */
  public static final int DEFAULT_CONCURRENCY = 8;

  private final AwsScope caller;
  private final List<String> accounts;
  private final List<Region> regions;
  private final AccountRole role;
  private final int concurrency;

  private Fleet(Builder b) {
    this.caller = b.caller;
    this.accounts = List.copyOf(b.accounts);
    this.regions = List.copyOf(b.regions);
    this.role = b.role;
    this.concurrency = b.concurrency;
  }

  /**
   * A builder for a fleet reached from the caller's scope.
   *
   * @param caller the caller's scope (credentials, endpoint, retries carried over)
   * @return the builder
   */
  public static Builder builder(AwsScope caller) {
    return new Builder(caller);
  }

  /**
   * The result of one place, or why there is none.
   *
   * @param account the account
   * @param region the region, or null when the account's role could not be assumed
   * @param result the work's result, or null on failure
   * @param error why it failed, or null
   * @param <T> the result type
   */
  public record Outcome<T>(String account, @Nullable Region region, @Nullable T result,
      @Nullable String error) {
    /** @return the result, if the place succeeded */
    public Optional<T> value() {
      return Optional.ofNullable(result);
    }

    /** @return true when the place (or the whole account) failed */
    public boolean failed() {
      return error != null;
    }
  }

  /**
   * Runs the work in every place.
   *
   * @param work what to do with each place's scope (it must not close it)
   * @param <T> the result type
   * @return one outcome per place in account then region order, or one per account whose role
   *     could not be assumed
   */
  public <T> List<Outcome<T>> run(Function<AwsScope, T> work) {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    Map<String, Future<AwsScope>> scopes = new LinkedHashMap<>();
    try {
      accounts.forEach(a -> scopes.put(a, pool.submit(() -> scopeOf(a))));
      Map<String, String> unreachable = new LinkedHashMap<>();
      Map<String, List<Future<T>>> running = new LinkedHashMap<>();
      for (Map.Entry<String, Future<AwsScope>> e : scopes.entrySet()) {
        try {
          AwsScope account = e.getValue().get();
          List<Future<T>> places = new ArrayList<>();
          regions.forEach(r -> places.add(pool.submit(() -> work.apply(account.inRegion(r)))));
          running.put(e.getKey(), places);
        } catch (ExecutionException ex) {
          unreachable.put(e.getKey(), ex.getCause().getMessage());
        }
      }
      List<Outcome<T>> outcomes = new ArrayList<>();
      for (String account : accounts) {
        if (unreachable.containsKey(account)) {
          outcomes.add(new Outcome<>(account, null, null, unreachable.get(account)));
          continue;
        }
        List<Future<T>> places = running.get(account);
        for (int i = 0; i < regions.size(); i++) {
          outcomes.add(outcome(account, regions.get(i), places.get(i)));
        }
      }
      return outcomes;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while working on the fleet", e);
    } finally {
      pool.shutdownNow();
      scopes.values().forEach(this::closeQuietly);
    }
  }

  private AwsScope scopeOf(String account) {
    return account.equals(caller.account()) ? caller : role.scopeFor(caller, account);
  }

  private static <T> Outcome<T> outcome(String account, Region region, Future<T> place)
      throws InterruptedException {
    try {
      return new Outcome<>(account, region, place.get(), null);
    } catch (ExecutionException e) {
      return new Outcome<>(account, region, null, String.valueOf(e.getCause().getMessage()));
    }
  }

  private void closeQuietly(Future<AwsScope> scope) {
    // the caller's scope is the caller's to close; only assumed ones are closed here
    if (scope.isDone() && !scope.isCancelled()) {
      try {
        AwsScope s = scope.get();
        if (s != caller) {
          s.close();
        }
      } catch (ExecutionException | InterruptedException | RuntimeException e) {
        // nothing built, nothing to close
      }
    }
  }

  /** Builds a {@link Fleet}. */
  public static final class Builder {
    private final AwsScope caller;
    private List<String> accounts = List.of();
    private List<Region> regions = List.of();
    private AccountRole role = AccountRole.ofDefaults();
    private int concurrency = DEFAULT_CONCURRENCY;

    private Builder(AwsScope caller) {
      this.caller = caller;
    }

    /**
     * The accounts (12-digit ids); the caller's own account needs no role.
     *
     * @param accounts the accounts
     * @return this builder
     */
    public Builder accounts(List<String> accounts) {
      this.accounts = accounts.stream().map(AwsNames::accountId).distinct().toList();
      return this;
    }

    /**
     * The regions of each account.
     *
     * @param regions the regions
     * @return this builder
     */
    public Builder regions(List<Region> regions) {
      this.regions = List.copyOf(regions);
      return this;
    }

    /**
     * The role assumed in member accounts.
     *
     * @param role the role
     * @return this builder
     */
    public Builder role(AccountRole role) {
      this.role = role;
      return this;
    }

    /**
     * How many places are worked on at once.
     *
     * @param concurrency 1 or more (default {@value #DEFAULT_CONCURRENCY})
     * @return this builder
     * @throws InvalidRemediationException when below 1
     */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1) {
        throw new InvalidRemediationException("concurrency " + concurrency + " is below 1");
      }
      this.concurrency = concurrency;
      return this;
    }

    /** @return the fleet */
    public Fleet build() {
      if (accounts.isEmpty() || regions.isEmpty()) {
        throw new InvalidRemediationException("a fleet needs at least one account and one "
            + "region; accounts " + accounts + ", regions " + regions);
      }
      return new Fleet(this);
    }
  }
}
