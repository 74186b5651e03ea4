package dev.mediaflow.queue.sse;

import dev.mediaflow.queue.job.JobStatus;
import dev.mediaflow.queue.status.StatusChange;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.util.List;

/** Turns a job's status changes into SSE frames: one event per change, heartbeats between, ending after a final state. */
final class SseFrames {

    private static final ServerSentEvent<StatusChange> END = ServerSentEvent.<StatusChange>builder().comment("end").build();

    private SseFrames() {
    }

    static Flux<ServerSentEvent<StatusChange>> of(Flux<StatusChange> changes, Duration heartbeat) {
        Flux<ServerSentEvent<StatusChange>> events = changes
                // the first (current) state may also arrive on the channel, published after it was read
                .distinctUntilChanged(c -> List.of(c.status(), c.attempts(), c.progress()))
                .takeUntil(c -> isFinal(c.status()))
                .map(c -> ServerSentEvent.builder(c).event(c.status()).build());
        Flux<ServerSentEvent<StatusChange>> heartbeats = Flux.interval(heartbeat, heartbeat)
                .map(i -> ServerSentEvent.<StatusChange>builder().comment("heartbeat").build());
        return Flux.merge(events.concatWith(Flux.just(END)), heartbeats)
                .takeWhile(frame -> frame != END);
    }

    static boolean isFinal(String status) {
        try {
            return JobStatus.fromJson(status).isFinal();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
