package dev.mediaflow.queue.sse;

import dev.mediaflow.queue.status.StatusChange;
import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class SseFramesTest {

    private static final UUID JOB = UUID.randomUUID();
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);

    @Test
    void oneEventPerChangeNamedByStatusEndingAfterTheFinalState() {
        Flux<StatusChange> changes = Flux.just(change("queued", 0, 0, 1), change("queued", 0, 0, 1),
                change("processing", 1, 0, 3), change("processing", 1, 40, 4), change("completed", 1, 100, 6),
                change("queued", 0, 0, 7));

        StepVerifier.create(SseFrames.of(changes, HEARTBEAT))
                .assertNext(frame -> assertEvent(frame, "queued", 0))
                .assertNext(frame -> assertEvent(frame, "processing", 0))
                .assertNext(frame -> assertEvent(frame, "processing", 40))
                .assertNext(frame -> assertEvent(frame, "completed", 100))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aQuietStreamGetsAHeartbeatCommentEveryInterval() {
        StepVerifier.withVirtualTime(() -> SseFrames.of(Flux.just(change("processing", 1, 10))
                        .concatWith(Flux.never()), HEARTBEAT))
                .assertNext(frame -> assertEvent(frame, "processing", 10))
                .expectNoEvent(HEARTBEAT.minusSeconds(1))
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(SseFramesTest::assertHeartbeat)
                .thenAwait(HEARTBEAT)
                .assertNext(SseFramesTest::assertHeartbeat)
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void heartbeatsStopWhenTheJobIsFinal() {
        StepVerifier.withVirtualTime(() -> SseFrames.of(Flux.just(change("processing", 1, 10))
                        .concatWith(Flux.just(change("failed", 3, 50, 2)).delaySubscription(Duration.ofSeconds(20))),
                        HEARTBEAT))
                .assertNext(frame -> assertEvent(frame, "processing", 10))
                .thenAwait(Duration.ofSeconds(15))
                .assertNext(SseFramesTest::assertHeartbeat)
                .thenAwait(Duration.ofSeconds(5))
                .assertNext(frame -> assertEvent(frame, "failed", 50))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aResumedStreamSaysSoAndSendsOnlyVersionsAfterTheLastEventId() {
        Flux<StatusChange> changes = Flux.just(change("processing", 1, 20, 4), change("processing", 1, 40, 5),
                change("processing", 1, 60, 6), change("completed", 1, 100, 7));

        StepVerifier.create(SseFrames.of(changes, HEARTBEAT, 5))
                .assertNext(frame -> assertThat(frame.comment()).isEqualTo("resumed after 5"))
                .assertNext(frame -> {
                    assertEvent(frame, "processing", 60);
                    assertThat(frame.id()).isEqualTo("6");
                })
                .assertNext(frame -> assertEvent(frame, "completed", 100))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aChangeOlderThanOneAlreadySentIsDroppedSoTheStatusNeverGoesBackwards() {
        // the snapshot (version 3) then a late publish of version 2, then the next change
        Flux<StatusChange> changes = Flux.just(change("processing", 1, 0, 3), change("queued", 0, 0, 2),
                change("processing", 1, 50, 3), change("processing", 1, 60, 5), change("completed", 1, 100, 6));

        StepVerifier.create(SseFrames.of(changes, HEARTBEAT))
                .assertNext(frame -> {
                    assertEvent(frame, "processing", 0);
                    assertThat(frame.id()).isEqualTo("3");
                })
                .assertNext(frame -> assertEvent(frame, "processing", 60))
                .assertNext(frame -> assertEvent(frame, "completed", 100))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aNewerVersionThatChangesNeitherStatusNorProgressIsNoEvent() {
        Flux<StatusChange> changes = Flux.just(change("completed", 1, 100, 6));
        StepVerifier.create(SseFrames.of(Flux.just(change("processing", 1, 40, 4), change("processing", 1, 40, 5))
                        .concatWith(changes), HEARTBEAT))
                .assertNext(frame -> assertEvent(frame, "processing", 40))
                .assertNext(frame -> assertEvent(frame, "completed", 100))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    private static StatusChange change(String status, int attempts, int progress) {
        return change(status, attempts, progress, 1);
    }

    private static StatusChange change(String status, int attempts, int progress, long version) {
        return new StatusChange(JOB, status, attempts, progress, Instant.now(), version);
    }

    private static void assertEvent(ServerSentEvent<StatusChange> frame, String status, int progress) {
        assertThat(frame.event()).isEqualTo(status);
        assertThat(frame.data().status()).isEqualTo(status);
        assertThat(frame.data().progress()).isEqualTo(progress);
    }

    private static void assertHeartbeat(ServerSentEvent<StatusChange> frame) {
        assertThat(frame.comment()).isEqualTo("heartbeat");
        assertThat(frame.data()).isNull();
        assertThat(frame.event()).isNull();
    }
}
