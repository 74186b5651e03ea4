package dev.mediaflow.gateway.limits;

import dev.mediaflow.gateway.auth.Caller;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * An owner's jobs in flight as queue-service records them, asked for at most once per
 * {@code MEDIAFLOW_INFLIGHT_COUNT_TTL} while the owner's uploads keep being accepted: each upload used to ask
 * queue-service for the owner's {@code stats} before its first byte was read, a call to another service (and a
 * statement there) per upload (docs/performance.md, section 2).
 *
 * <p>A remembered count stays exact for what this gateway does: every upload it accepted since the count was read is
 * added to it ({@link #accepted}), and anything else this gateway did that may have made or ended jobs (a refused or
 * failed upload, an enqueue, a redo, a retry) forgets the count ({@link #forget}), so the next check reads it anew.
 * What a remembered count cannot know is jobs that finished since (the count is then too high, which only ever
 * refuses: {@link InflightJobLimit} confirms every refusal with a fresh read) and another gateway's uploads (for at
 * most the TTL). The cap is a fairness limit, not a quota. A TTL of zero reads queue-service every time.
 */
final class RecordedJobsInFlight {

    /** A count as read, with this owner's accepted uploads and forgets at the moment the read began. */
    private record Reading(long count, long readAt, long acceptedBefore, long forgetsBefore) {
    }

    /** How many uploads of one owner were accepted, and how many times its count was forgotten. */
    private static final class Changes {
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong forgets = new AtomicLong();
    }

    private final Function<Caller, Mono<Long>> reader;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Reading> readings = new ConcurrentHashMap<>();
    private final Map<String, Changes> changes = new ConcurrentHashMap<>();

    /**
     * @param reader   reads an owner's count from queue-service; an error means it could not say (not remembered)
     * @param nanoTime the clock ({@link System#nanoTime} but in tests)
     */
    RecordedJobsInFlight(Function<Caller, Mono<Long>> reader, Duration ttl, LongSupplier nanoTime) {
        this.reader = reader;
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The owner's count: the remembered one plus the uploads accepted since, or a fresh read. */
    Mono<Counted> count(Caller caller) {
        String owner = caller.owner();
        return Mono.defer(() -> {
            Changes seen = changes(owner);
            Reading reading = readings.get(owner);
            if (reading != null && nanoTime.getAsLong() - reading.readAt() < ttlNanos
                    && reading.forgetsBefore() == seen.forgets.get()) {
                return Mono.just(new Counted(reading.count() + seen.accepted.get() - reading.acceptedBefore(), true));
            }
            return fresh(caller);
        });
    }

    /** A fresh read from queue-service, remembered unless the count was forgotten while it was being read. */
    Mono<Counted> fresh(Caller caller) {
        String owner = caller.owner();
        return Mono.defer(() -> {
            Changes seen = changes(owner);
            long readAt = nanoTime.getAsLong();
            // taken before the read: an upload accepted during it is added once more, never missed
            long acceptedBefore = seen.accepted.get();
            long forgetsBefore = seen.forgets.get();
            return reader.apply(caller).map(count -> {
                if (ttlNanos > 0) {
                    readings.put(owner, new Reading(count, readAt, acceptedBefore, forgetsBefore));
                }
                return new Counted(count, false);
            });
        });
    }

    /** One upload of this owner was accepted: one job more than any count read before. */
    void accepted(String owner) {
        changes(owner).accepted.incrementAndGet();
    }

    /** Something this owner did may have made or ended jobs in a way not counted here: read the count anew. */
    void forget(String owner) {
        changes(owner).forgets.incrementAndGet();
        readings.remove(owner);
    }

    private Changes changes(String owner) {
        return changes.computeIfAbsent(owner, o -> new Changes());
    }

    /** A count, and whether it came from a remembered reading (then a refusal is confirmed by a fresh one). */
    record Counted(long count, boolean remembered) {
    }
}
