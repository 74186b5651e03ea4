package dev.mediaflow.queue.sse;

import dev.mediaflow.queue.job.JobStatus;
import dev.mediaflow.queue.status.StatusChange;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.util.List;

/**
 * Turns a job's status changes into SSE frames: one event per change (its id is the job's version),
 * heartbeats between, ending after a final state. A change not newer than one already sent is
 * dropped, so a client never sees the status go backwards; nor one not newer than the
 * {@code Last-Event-ID} a reconnecting client sends, so a resumed stream goes on where the last one stopped.
 */
final class SseFrames {

    private static final ServerSentEvent<StatusChange> END = ServerSentEvent.<StatusChange>builder().comment("end").build();

    private SseFrames() {
    }

    static Flux<ServerSentEvent<StatusChange>> of(Flux<StatusChange> changes, Duration heartbeat) {
        return of(changes, heartbeat, Long.MIN_VALUE);
    }

    /**
     * A resumed stream opens with a {@code resumed} comment: with nothing new since the client's id it would
     * otherwise send nothing, not even its headers, until the next change or heartbeat.
     *
     * @param after the version a resuming client saw last ({@code Last-Event-ID}): only newer changes are sent;
     *              {@link Long#MIN_VALUE} for a new stream
     */
    static Flux<ServerSentEvent<StatusChange>> of(Flux<StatusChange> changes, Duration heartbeat, long after) {
        Flux<ServerSentEvent<StatusChange>> events = newerOnly(changes, after)
                // a version that changed neither status nor progress (e.g. results of another job) is no event
                .distinctUntilChanged(c -> List.of(c.status(), c.attempts(), c.progress()))
                .takeUntil(c -> isFinal(c.status()))
                .map(c -> ServerSentEvent.builder(c).id(Long.toString(c.version())).event(c.status()).build());
        Flux<ServerSentEvent<StatusChange>> heartbeats = Flux.interval(heartbeat, heartbeat)
                .map(i -> ServerSentEvent.<StatusChange>builder().comment("heartbeat").build());
        Flux<ServerSentEvent<StatusChange>> frames = Flux.merge(events.concatWith(Flux.just(END)), heartbeats)
                .takeWhile(frame -> frame != END);
        return after == Long.MIN_VALUE ? frames
                : frames.startWith(ServerSentEvent.<StatusChange>builder().comment("resumed after " + after).build());
    }

    /** Each subscription keeps the highest version it let through, starting from {@code after}. */
    static Flux<StatusChange> newerOnly(Flux<StatusChange> changes, long after) {
        return Flux.defer(() -> {
            long[] sent = {after};
            return changes.filter(c -> {
                if (c.version() <= sent[0]) {
                    return false;
                }
                sent[0] = c.version();
                return true;
            });
        });
    }

    static boolean isFinal(String status) {
        try {
            return JobStatus.fromJson(status).isFinal();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
