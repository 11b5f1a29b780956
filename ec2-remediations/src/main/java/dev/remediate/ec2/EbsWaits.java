package dev.remediate.ec2;

import static dev.remediate.ec2.EncryptVolume.TAG_STOPPED_BY;

import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeAttachment;
import software.amazon.awssdk.services.ec2.model.VolumeState;
import software.amazon.awssdk.services.ec2.waiters.Ec2Waiter;

/**
 * The reads and bounded waits of {@link EncryptVolume}'s steps and compensation: snapshots until
 * completed, volumes until a state, instances until running or settled. Every wait polls at the
 * scope's interval and gives up at its {@link EncryptVolume.WaiterLimits limit} with a message
 * saying what is kept.
 */
final class EbsWaits {
  /** How long a {@code stopped} read after StartInstances may be a stale read, by default. */
  static final Duration DEFAULT_START_GRACE = Duration.ofSeconds(30);
  /**
   * How long, after StartInstances, a {@code stopped} read is taken for a stale read rather than a
   * failed start (unless {@code pending} was seen or the state reason is a {@code Server.} error).
   * Package-private and mutable so that tests can shorten it.
   */
  static volatile Duration startGrace = DEFAULT_START_GRACE;


  private final Ec2Client ec2;
  private final RemediationContext context;
  private final EncryptVolume.WaiterLimits limits;

  EbsWaits(Ec2Client ec2, RemediationContext context, EncryptVolume.WaiterLimits limits) {
    this.ec2 = ec2;
    this.context = context;
    this.limits = limits;
  }

  /** Starts the instance, waits until it runs and removes the stopped-by tag. */
  void start(String instance) {
    InstanceStateName first = ec2.startInstances(r -> r.instanceIds(instance))
        .startingInstances().stream().filter(c -> instance.equals(c.instanceId()))
        .map(c -> c.currentState() == null ? null : c.currentState().name())
        .filter(Objects::nonNull).findFirst().orElse(null);
    context.progress("starting " + instance, -1);
    awaitRunning(instance, first);
    ec2.deleteTags(r -> r.resources(instance).tags(Tag.builder().key(TAG_STOPPED_BY).build()));
  }

  /**
   * Polls until the instance runs. The first state is the one StartInstances answered
   * ({@code first}, null if it named none): a DescribeInstances right after the call can still say
   * {@code stopped}. Unlike the SDK's InstanceRunning waiter, which keeps polling an instance that
   * fell back to {@code stopped} (e.g. insufficient capacity) until its timeout, this fails on
   * {@code stopped} once a read has shown {@code pending}, when the state reason is a
   * {@code Server.} error, or after {@link #startGrace}; and at once on {@code stopping},
   * {@code shutting-down} or {@code terminated}.
   */
  void awaitRunning(String instance, @Nullable InstanceStateName first) {
    Instant begun = Instant.now();
    Instant deadline = begun.plus(limits.instance());
    boolean pendingSeen = false;
    if (first == InstanceStateName.RUNNING) {
      return;
    }
    if (first == InstanceStateName.PENDING) {
      sleep(); // the answer of StartInstances is the first state: poll after it
    }
    while (true) {
      Instance observed = describeInstance(instance);
      InstanceStateName state = observed.state().name();
      if (state == InstanceStateName.RUNNING) {
        return;
      }
      String reason = observed.stateReason() == null ? null : observed.stateReason().code();
      boolean failed = state == InstanceStateName.STOPPED ? pendingSeen
          || reason != null && reason.startsWith("Server.")
          || Instant.now().isAfter(begun.plus(startGrace))
          : state != InstanceStateName.PENDING;
      pendingSeen |= state == InstanceStateName.PENDING;
      if (failed) {
        throw new RemediationException("Instance " + instance + " did not start: it is "
            + observed.state().nameAsString()
            + (observed.stateReason() == null ? "" : " (" + observed.stateReason().message() + ")"));
      }
      if (Instant.now().isAfter(deadline)) {
        throw new RemediationException("Instance " + instance + " still pending after "
            + limits.instance());
      }
      sleep();
    }
  }

  Instance settle(String instance) {
    Instance observed = describeInstance(instance);
    InstanceStateName state = observed.state().name();
    if (state == InstanceStateName.STOPPING || state == InstanceStateName.PENDING) {
      try (Ec2Waiter waiter = instanceWaiter()) {
        if (state == InstanceStateName.STOPPING) {
          waiter.waitUntilInstanceStopped(r -> r.instanceIds(instance));
        } else {
          waiter.waitUntilInstanceRunning(r -> r.instanceIds(instance));
        }
      }
      observed = describeInstance(instance);
    }
    return observed;
  }

  static boolean isAttached(Volume v, String instance, @Nullable String device) {
    for (VolumeAttachment a : v.attachments()) {
      if (instance.equals(a.instanceId()) && (device == null || device.equals(a.device()))
          && "attached".equals(a.stateAsString())) {
        return true;
      }
    }
    return false;
  }

  Instance describeInstance(String instance) {
    return ec2.describeInstances(r -> r.instanceIds(instance)).reservations().stream()
        .flatMap(r -> r.instances().stream()).findFirst()
        .orElseThrow(() -> new RemediationException("Instance " + instance + " not found"));
  }

  List<Volume> describeVolumes(List<String> ids) {
    return ec2.describeVolumes(r -> r.filters(Filter.builder().name("volume-id").values(ids)
        .build())).volumes();
  }

  Ec2Waiter instanceWaiter() {
    return EbsWaits.waiter(ec2, context, limits.instance());
  }

  /** Polls a snapshot until completed, reporting its progress; fails on {@code error}. */
  Snapshot awaitSnapshot(String id) {
    Instant deadline = Instant.now().plus(limits.snapshot());
    while (true) {
      Snapshot s = ec2.describeSnapshots(r -> r.snapshotIds(id)).snapshots().stream().findFirst()
          .orElseThrow(() -> new RemediationException("Snapshot " + id + " disappeared"));
      switch (s.state()) {
        case COMPLETED -> {
          context.progress("snapshot " + id + " completed", 100);
          return s;
        }
        case ERROR -> throw new RemediationException("Snapshot " + id + " failed: "
            + s.stateMessage() + ". It is kept; the next plan takes a new snapshot.");
        default -> context.progress("snapshot " + id + " " + s.progress(), percent(s.progress()));
      }
      if (Instant.now().isAfter(deadline)) {
        throw new RemediationException("Snapshot " + id + " still " + s.stateAsString()
            + " at " + s.progress() + " after " + limits.snapshot()
            + ". It is kept and tagged: plan again later and the new plan adopts it.");
      }
      sleep();
    }
  }

  /** Polls a volume until a condition holds; fails on {@code error} or deletion. */
  Volume awaitVolume(String id, Duration timeout, String what, Predicate<Volume> done) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      Volume v = describeVolumes(List.of(id)).stream().findFirst()
          .orElseThrow(() -> new RemediationException("Volume " + id + " disappeared"));
      if (done.test(v)) {
        return v;
      }
      if (v.state() == VolumeState.ERROR || v.state() == VolumeState.DELETING
          || v.state() == VolumeState.DELETED) {
        throw new RemediationException("Volume " + id + " is " + v.stateAsString()
            + " while waiting for it to be " + what);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new RemediationException("Volume " + id + " is not " + what + " after " + timeout
            + " (state " + v.stateAsString() + ")");
      }
      sleep();
    }
  }

  static int percent(@Nullable String progress) {
    if (progress == null) {
      return -1;
    }
    try {
      return Math.max(0, Math.min(100, Integer.parseInt(progress.replace("%", "").trim())));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  void sleep() {
    try {
      Thread.sleep(context.scope().waiterPollInterval().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RemediationException("Interrupted while waiting; intermediates are kept", e);
    }
  }

  static Ec2Waiter waiter(Ec2Client ec2, RemediationContext context, Duration timeout) {
    return Ec2Waiter.builder().client(ec2)
        .overrideConfiguration(context.scope().waiterConfiguration(timeout)).build();
  }
}
