package dev.mediaflow.gateway.limits;

import dev.mediaflow.gateway.auth.Caller;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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

    /**
     * A read on its way, and how many times the owner's count had been forgotten when it began: an upload that finds
     * the count forgotten since does not wait for it, as it may not show what was forgotten for.
     */
    private record InFlight(CompletableFuture<Reading> reading, long forgetsBefore) {
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
    /** The reads on their way, one per owner at most (see {@link #count}). */
    private final Map<String, InFlight> reads = new ConcurrentHashMap<>();

    /**
     * @param reader   reads an owner's count from queue-service; an error means it could not say (not remembered)
     * @param nanoTime the clock ({@link System#nanoTime} but in tests)
     */
    RecordedJobsInFlight(Function<Caller, Mono<Long>> reader, Duration ttl, LongSupplier nanoTime) {
        this.reader = reader;
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * The owner's count: the remembered one plus the uploads accepted since, or a read. While a read is on its way,
     * the owner's other uploads wait for it rather than each asking again: once a count expired, every upload that
     * arrived before the next read came back used to ask queue-service itself, about a third of them under a steady
     * stream of 64 at once. Whoever did not start the read counts it as remembered, so a refusal is still confirmed
     * by a read of its own.
     */
    Mono<Counted> count(Caller caller) {
        String owner = caller.owner();
        return Mono.defer(() -> {
            Changes seen = changes(owner);
            Reading reading = readings.get(owner);
            if (reading != null && nanoTime.getAsLong() - reading.readAt() < ttlNanos
                    && reading.forgetsBefore() == seen.forgets.get()) {
                return Mono.just(new Counted(reading.count() + seen.accepted.get() - reading.acceptedBefore(), true));
            }
            if (ttlNanos == 0) {
                return fresh(caller);
            }
            long forgets = seen.forgets.get();
            InFlight mine = new InFlight(new CompletableFuture<>(), forgets);
            InFlight shared = reads.compute(owner, (o, current) ->
                    current == null || current.forgetsBefore() != forgets ? mine : current);
            if (shared == mine) {
                // not cancelled with the upload that started it: the others wait for it too
                read(caller).subscribe(mine.reading()::complete, mine.reading()::completeExceptionally,
                        () -> mine.reading().completeExceptionally(new IllegalStateException("no count was read")));
                mine.reading().whenComplete((done, error) -> reads.remove(owner, mine));
                return Mono.fromFuture(mine.reading(), true).map(done -> new Counted(done.count(), false));
            }
            return Mono.fromFuture(shared.reading(), true).map(done ->
                    new Counted(done.count() + seen.accepted.get() - done.acceptedBefore(), true));
        });
    }

    /** A fresh read from queue-service, remembered unless the count was forgotten while it was being read. */
    Mono<Counted> fresh(Caller caller) {
        return read(caller).map(reading -> new Counted(reading.count(), false));
    }

    private Mono<Reading> read(Caller caller) {
        String owner = caller.owner();
        return Mono.defer(() -> {
            Changes seen = changes(owner);
            long readAt = nanoTime.getAsLong();
            // taken before the read: an upload accepted during it is added once more, never missed
            long acceptedBefore = seen.accepted.get();
            long forgetsBefore = seen.forgets.get();
            return reader.apply(caller).map(count -> {
                Reading reading = new Reading(count, readAt, acceptedBefore, forgetsBefore);
                if (ttlNanos > 0) {
                    readings.put(owner, reading);
                }
                return reading;
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
