/**
 * CloudTrail records and security findings in, remediations out.
 *
 * <ul>
 *   <li>{@link dev.remediate.core.event.CloudTrailReader} reads CloudTrail data in every shape it
 *       arrives in (S3 log file, gzip, JSON array, NDJSON, one record, EventBridge envelope, CLI
 *       {@code lookup-events} output), streaming, into typed
 *       {@link dev.remediate.core.event.CloudTrailEvent}s, leniently (missing fields are absent;
 *       {@code strict()} for schema checks). Damaged input fails with a
 *       {@link dev.remediate.core.event.CloudTrailParseException} naming the source and position.</li>
 *   <li>{@link dev.remediate.core.event.SecurityEventReader} reads the same shapes and GuardDuty
 *       and Security Hub findings ({@link dev.remediate.core.event.GuardDutyFinding},
 *       {@link dev.remediate.core.event.SecurityHubFinding}), mixed in one input, as
 *       {@link dev.remediate.core.event.SecurityEvent}s.</li>
 *   <li>{@link dev.remediate.core.event.ResourceExtractor} names the resources a record touches as
 *       {@link dev.remediate.core.event.ResourceRef}s.</li>
 *   <li>{@link dev.remediate.core.event.EventRule}s, contributed by remediation modules through
 *       {@link dev.remediate.core.event.EventRuleProvider} and {@link java.util.ServiceLoader}, map
 *       records to remediations; the {@link dev.remediate.core.event.EventRouter} applies them.</li>
 *   <li>The {@link dev.remediate.core.event.FindingRouter} maps findings to catalog remediations by
 *       id; the {@link dev.remediate.core.event.SignalDetector} counts bursts of failed logins and
 *       denied calls into {@link dev.remediate.core.event.Signal}s, routed like findings.</li>
 * </ul>
 *
 * <pre>{@code
 * EventRouter router = EventRouter.load();
 * try (CloudTrailReader reader = CloudTrailReader.open(Path.of("trail.json.gz"))) {
 *   reader.stream().flatMap(e -> router.route(e).stream()).forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p>Optional fields are {@link java.util.Optional}s throughout; nothing here returns null.
 */
@NullMarked
@Value.Style(
    jdkOnly = true,
    visibility = Value.Style.ImplementationVisibility.PACKAGE,
    defaults = @Value.Immutable(copy = false, prehash = false))
package dev.remediate.core.event;

import org.immutables.value.Value;
import org.jspecify.annotations.NullMarked;
