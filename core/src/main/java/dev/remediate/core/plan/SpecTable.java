package dev.remediate.core.plan;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The spec parameters of one remediation, each declared once: its name (a contract of saved
 * plans), its {@link SpecKind}, whether it is required or what it defaults to, how to read it from
 * the remediation (for {@link #spec}) and how to give it to the remediation's public builder (for
 * {@link #fromSpec}).
 *
 * <p>A table starts with the remediation's forms: each {@link Builder#start start} parameter
 * names a factory ({@code forVolume(id)}, {@code forInstance(id)}), and a spec holds exactly one of
 * them (or none, when a form without parameter is declared). The other parameters are given to the
 * builder in the order they are declared, then {@code build} finishes the remediation.
 *
 * <pre>{@code
 * static final SpecTable<QuarantineUser, Builder> SPEC = SpecTable.<QuarantineUser, Builder>of(ID)
 *     .start("userName", SpecKind.aws(AwsNames::userName), QuarantineUser::userName,
 *         QuarantineUser::of)
 *     .optional("deleteLoginProfile", SpecKind.bool(), false, QuarantineUser::deleteLoginProfile,
 *         (b, delete) -> { if (delete) b.deleteLoginProfile(); })
 *     .build(Builder::build);
 *
 * public RemediationSpec spec() { return SPEC.spec(this); }          // in the remediation
 * public Remediation fromSpec(RemediationSpec s) { return SPEC.fromSpec(s); } // in its Type
 * }</pre>
 *
 * <p>{@link #fromSpec} refuses a parameter it does not know (listing those it knows), a missing
 * required one, and a value its kind, the factory or the builder refuses, with an
 * {@link InvalidRemediationException} naming the remediation id, the parameter and the value.
 *
 * @param <R> the remediation
 * @param <B> its builder (the remediation itself when its factories build it directly)
 */
public final class SpecTable<R extends Remediation, B> {
  private final String id;
  private final List<Start<R, B, ?>> starts;
  private final @Nullable Supplier<B> plainStart;
  private final List<Parameter<R, B, ?>> parameters;
  private final Function<B, ? extends R> finish;

  private SpecTable(Builder<R, B> b) {
    this.id = b.id;
    this.starts = List.copyOf(b.starts);
    this.plainStart = b.plainStart;
    this.parameters = List.copyOf(b.parameters);
    this.finish = Objects.requireNonNull(b.finish);
  }

  /**
   * Begins the table of a remediation.
   *
   * @param <R> the remediation
   * @param <B> its builder
   * @param id the catalog id
   * @return a builder of the table
   */
  public static <R extends Remediation, B> Builder<R, B> of(String id) {
    return new Builder<>(id);
  }

  /** @return the catalog id the table writes and reads */
  public String id() {
    return id;
  }

  /** @return every parameter name, forms first, in declaration order */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    starts.forEach(s -> names.add(s.name));
    parameters.forEach(p -> names.add(p.name));
    return List.copyOf(names);
  }

  /**
   * The spec of a remediation: every parameter its getter gives a value for, formatted by its
   * kind (an optional one with its default value is left out).
   *
   * @param remediation the remediation
   * @return its spec
   */
  public RemediationSpec spec(R remediation) {
    Map<String, String> out = new TreeMap<>();
    starts.forEach(s -> s.write(remediation, out));
    parameters.forEach(p -> p.write(remediation, out));
    return RemediationSpec.of(id, out);
  }

  /**
   * Rebuilds a remediation from its spec through its public factories and builder.
   *
   * @param spec the spec, of this table's id
   * @return the remediation
   * @throws InvalidRemediationException naming the remediation id, the parameter and the value
   *     when a parameter is unknown, missing or malformed
   */
  public R fromSpec(RemediationSpec spec) {
    if (!id.equals(spec.id())) {
      throw new InvalidRemediationException("Remediation spec " + spec + " is not for " + id);
    }
    Set<String> known = new TreeSet<>(names());
    for (String name : spec.parameters().keySet()) {
      if (!known.contains(name)) {
        throw new InvalidRemediationException("Remediation spec " + id + ": unknown parameter '"
            + name + "', expected one of " + known);
      }
    }
    B builder = start(spec.parameters());
    for (Parameter<R, B, ?> p : parameters) {
      p.read(id, builder, spec.parameters());
    }
    try {
      return finish.apply(builder);
    } catch (InvalidRemediationException e) {
      throw new InvalidRemediationException("Remediation spec " + id + " " + spec.parameters()
          + ": " + e.getMessage(), e);
    }
  }

  private B start(Map<String, String> given) {
    List<Start<R, B, ?>> present = starts.stream().filter(s -> given.containsKey(s.name)).toList();
    if (present.size() == 1) {
      return present.get(0).create(id, given.get(present.get(0).name));
    }
    if (present.isEmpty() && plainStart != null) {
      return plainStart.get();
    }
    List<String> names = starts.stream().map(s -> s.name).toList();
    throw new InvalidRemediationException("Remediation spec " + id + " " + given + " needs "
        + (names.size() == 1 ? "the parameter '" + names.get(0) + "'"
            : "exactly one of the parameters " + names));
  }

  private static InvalidRemediationException invalid(String id, String name, String value,
      InvalidRemediationException cause) {
    return new InvalidRemediationException("Remediation spec " + id + ": parameter '" + name
        + "' is '" + value + "': " + cause.getMessage(), cause);
  }

  /** A form: a parameter whose value chooses the factory that begins the builder. */
  private static final class Start<S extends Remediation, C, T> {
    final String name;
    final SpecKind<T> kind;
    final Function<S, @Nullable T> getter;
    final Function<T, C> factory;

    Start(String name, SpecKind<T> kind, Function<S, @Nullable T> getter,
        Function<T, C> factory) {
      this.name = name;
      this.kind = kind;
      this.getter = getter;
      this.factory = factory;
    }

    void write(S remediation, Map<String, String> out) {
      T value = getter.apply(remediation);
      if (value != null) {
        out.put(name, kind.format(value));
      }
    }

    C create(String id, String text) {
      try {
        return factory.apply(kind.parse(text));
      } catch (InvalidRemediationException e) {
        throw invalid(id, name, text, e);
      }
    }
  }

  /** Whether a parameter must be given and what it reads as when absent. */
  private enum Presence {
    REQUIRED, OPTIONAL, DEFAULTED, OMITTED_AT_DEFAULT
  }

  /** A parameter given to the builder. */
  private static final class Parameter<S extends Remediation, C, T> {
    final String name;
    final SpecKind<T> kind;
    final Presence presence;
    final @Nullable T defaultValue;
    final Function<S, @Nullable T> getter;
    final BiConsumer<C, T> setter;

    Parameter(String name, SpecKind<T> kind, Presence presence, @Nullable T defaultValue,
        Function<S, @Nullable T> getter, BiConsumer<C, T> setter) {
      this.name = name;
      this.kind = kind;
      this.presence = presence;
      this.defaultValue = defaultValue;
      this.getter = getter;
      this.setter = setter;
    }

    void write(S remediation, Map<String, String> out) {
      T value = getter.apply(remediation);
      if (value != null
          && !(presence == Presence.OMITTED_AT_DEFAULT && value.equals(defaultValue))) {
        out.put(name, kind.format(value));
      }
    }

    void read(String id, C builder, Map<String, String> given) {
      String text = given.get(name);
      if (text == null) {
        if (presence == Presence.REQUIRED) {
          throw new InvalidRemediationException("Remediation spec " + id + " " + given
              + " lacks the parameter '" + name + "'");
        }
        if (defaultValue != null) {
          setter.accept(builder, defaultValue);
        }
        return;
      }
      try {
        setter.accept(builder, kind.parse(text));
      } catch (InvalidRemediationException e) {
        throw invalid(id, name, text, e);
      }
    }
  }

  /**
   * Declares the parameters of a table, top to bottom.
   *
   * @param <R> the remediation
   * @param <B> its builder
   */
  public static final class Builder<R extends Remediation, B> {
    private final String id;
    private final List<Start<R, B, ?>> starts = new ArrayList<>();
    private @Nullable Supplier<B> plainStart;
    private final List<Parameter<R, B, ?>> parameters = new ArrayList<>();
    private final Map<String, Boolean> names = new LinkedHashMap<>();
    private @Nullable Function<B, ? extends R> finish;

    private Builder(String id) {
      this.id = Objects.requireNonNull(id, "id");
    }

    private void name(String name) {
      if (names.put(Objects.requireNonNull(name, "name"), Boolean.TRUE) != null) {
        throw new IllegalStateException("Spec table " + id + " declares '" + name + "' twice");
      }
    }

    /**
     * A form of the remediation: when the spec holds this parameter, the factory begins the
     * builder with its value. A spec holds exactly one form parameter (or none, with
     * {@link #start(Supplier)}); the getter gives null for a remediation of another form.
     *
     * @param <T> the value type
     * @param name the parameter name
     * @param kind its kind
     * @param getter the value of a remediation, or null when it is of another form
     * @param factory the public factory, e.g. {@code EncryptVolume::forVolume}
     * @return this builder
     */
    public <T> Builder<R, B> start(String name, SpecKind<T> kind, Function<R, @Nullable T> getter,
        Function<T, B> factory) {
      name(name);
      starts.add(new Start<>(name, kind, getter, factory));
      return this;
    }

    /**
     * The usual pair of forms "these resources" or "every resource of the region": one parameter
     * whose value is {@value SpecKind#ALL} or a comma-separated list ({@link SpecKind#allOr},
     * {@link SpecKind#list}).
     *
     * @param <T> the item type
     * @param name the parameter name
     * @param item the kind of each item, e.g. {@code SpecKind.aws(AwsNames::vpcId)}
     * @param getter empty for every resource, the items for chosen ones, or null when the
     *     remediation is of another form
     * @param some the public factory of chosen resources, e.g. {@code EnableCpuAlarm::forInstances}
     * @param all the public factory of every resource, e.g. {@code EnableCpuAlarm::forEveryInstance}
     * @return this builder
     */
    public <T> Builder<R, B> startAllOr(String name, SpecKind<T> item,
        Function<R, @Nullable Optional<List<T>>> getter, Function<List<T>, B> some,
        Supplier<B> all) {
      return start(name, SpecKind.allOr(SpecKind.list(item)), getter,
          chosen -> chosen.map(some).orElseGet(all));
    }

    /**
     * The form without parameter: used when the spec holds no {@link #start} parameter.
     *
     * @param factory the public factory, e.g. {@code EnableEbsEncryptionByDefault::create}
     * @return this builder
     */
    public Builder<R, B> start(Supplier<B> factory) {
      this.plainStart = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * A parameter every spec holds.
     *
     * @param <T> the value type
     * @param name the parameter name
     * @param kind its kind
     * @param getter its value in a remediation
     * @param setter gives the value to the builder
     * @return this builder
     */
    public <T> Builder<R, B> required(String name, SpecKind<T> kind, Function<R, T> getter,
        BiConsumer<B, T> setter) {
      return add(name, kind, Presence.REQUIRED, null, getter, setter);
    }

    /**
     * A parameter a spec may lack: written when the getter gives a value, given to the builder
     * only when present.
     *
     * @param <T> the value type
     * @param name the parameter name
     * @param kind its kind
     * @param getter its value in a remediation, or null to leave it out
     * @param setter gives the value to the builder
     * @return this builder
     */
    public <T> Builder<R, B> optional(String name, SpecKind<T> kind,
        Function<R, @Nullable T> getter, BiConsumer<B, T> setter) {
      return add(name, kind, Presence.OPTIONAL, null, getter, setter);
    }

    /**
     * A parameter left out of the spec when its value is the default: absent, it reads as the
     * default (given to the builder).
     *
     * @param <T> the value type
     * @param name the parameter name
     * @param kind its kind
     * @param defaultValue the value an absent parameter stands for
     * @param getter its value in a remediation
     * @param setter gives the value to the builder
     * @return this builder
     */
    public <T> Builder<R, B> optional(String name, SpecKind<T> kind, T defaultValue,
        Function<R, @Nullable T> getter, BiConsumer<B, T> setter) {
      return add(name, kind, Presence.OMITTED_AT_DEFAULT, Objects.requireNonNull(defaultValue),
          getter, setter);
    }

    /**
     * A parameter always written, that a spec saved without it reads as the default.
     *
     * @param <T> the value type
     * @param name the parameter name
     * @param kind its kind
     * @param defaultValue the value an absent parameter stands for
     * @param getter its value in a remediation
     * @param setter gives the value to the builder
     * @return this builder
     */
    public <T> Builder<R, B> withDefault(String name, SpecKind<T> kind, T defaultValue,
        Function<R, T> getter, BiConsumer<B, T> setter) {
      return add(name, kind, Presence.DEFAULTED, Objects.requireNonNull(defaultValue), getter,
          setter);
    }

    private <T> Builder<R, B> add(String name, SpecKind<T> kind, Presence presence,
        @Nullable T defaultValue, Function<R, @Nullable T> getter, BiConsumer<B, T> setter) {
      name(name);
      parameters.add(new Parameter<>(name, Objects.requireNonNull(kind), presence,
          defaultValue, Objects.requireNonNull(getter), Objects.requireNonNull(setter)));
      return this;
    }

    /**
     * Ends the table.
     *
     * @param finish builds the remediation, e.g. {@code Builder::build}, or
     *     {@code Function.identity()} when the factories build it
     * @return the table
     */
    public SpecTable<R, B> build(Function<B, ? extends R> finish) {
      this.finish = Objects.requireNonNull(finish, "finish");
      if (starts.isEmpty() && plainStart == null) {
        throw new IllegalStateException("Spec table " + id + " has no start");
      }
      return new SpecTable<>(this);
    }
  }
}
