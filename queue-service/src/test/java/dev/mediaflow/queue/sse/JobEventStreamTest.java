package dev.mediaflow.queue.sse;

import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.status.StatusChange;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.Stories;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class JobEventStreamTest extends ApiTest {

    private static final ParameterizedTypeReference<ServerSentEvent<StatusChange>> FRAME =
            new ParameterizedTypeReference<>() {
            };

    @Test
    void streamStartsWithTheCurrentStateThenFollowsEveryChangeUntilCompleted() throws Exception {
        Events e = Events.allOperations(unique("owner"));
        List<JobEvent> story = Stories.completed(e);
        apply(story.get(0));

        List<ServerSentEvent<StatusChange>> received = new CopyOnWriteArrayList<>();
        CompletableFuture<List<ServerSentEvent<StatusChange>>> done = open(e.owner, "user", e.jobId)
                .doOnNext(received::add).collectList().toFuture();
        await().atMost(WAIT).until(() -> !received.isEmpty());
        apply(story.subList(1, story.size()));

        List<ServerSentEvent<StatusChange>> frames = done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(frames.get(0).event()).isEqualTo("queued");
        assertThat(frames.get(0).data().attempts()).isZero();
        assertThat(frames).allSatisfy(frame -> {
            assertThat(frame.event()).isEqualTo(frame.data().status());
            assertThat(frame.data().jobId()).isEqualTo(e.jobId);
            assertThat(frame.data().at()).isNotNull();
        });
        assertThat(frames.stream().map(ServerSentEvent::event).distinct().toList())
                .containsExactly("queued", "processing", "completed");
        assertThat(frames.get(frames.size() - 1).event()).isEqualTo("completed");
        assertThat(frames).extracting(frame -> frame.data().progress()).contains(20, 45);
        assertThat(frames.size()).isGreaterThan(5);
    }

    @Test
    void cancellingThroughTheApiEndsTheStreamWithCancelled() throws Exception {
        Events e = Events.allOperations(unique("owner"));
        apply(e.submitted(), e.started(WorkerKind.IMAGE, 1, 1));

        List<ServerSentEvent<StatusChange>> received = new CopyOnWriteArrayList<>();
        CompletableFuture<List<ServerSentEvent<StatusChange>>> done = open(e.owner, "user", e.jobId)
                .doOnNext(received::add).collectList().toFuture();
        await().atMost(WAIT).until(() -> !received.isEmpty());
        as(e.owner, "user").post().uri("/api/queue/items/{id}/cancel", e.jobId).exchange().expectStatus().isOk();

        assertThat(done.get(WAIT.toSeconds(), TimeUnit.SECONDS)).extracting(ServerSentEvent::event)
                .containsExactly("processing", "cancelled");
    }

    @Test
    void aJobAlreadyFinalGivesOneEventAndCloses() {
        Events e = Events.allOperations(unique("owner"));
        apply(Stories.failed(e));

        List<ServerSentEvent<StatusChange>> frames = open(e.owner, "user", e.jobId).collectList().block(WAIT);
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).event()).isEqualTo("failed");
        assertThat(frames.get(0).data().attempts()).isEqualTo(2);

        assertThat(open("root", "admin", e.jobId).collectList().block(WAIT)).extracting(ServerSentEvent::event)
                .containsExactly("failed");
    }

    @Test
    void anotherOwnersOrUnknownJobIsA404BeforeAnyStream() {
        Events e = Events.allOperations(unique("owner"));
        apply(e.submitted());

        for (UUID id : List.of(e.jobId, UUID.randomUUID())) {
            as("mallory", "user").get().uri("/api/queue/items/{id}/events", id).accept(MediaType.TEXT_EVENT_STREAM)
                    .exchange()
                    .expectStatus().isNotFound()
                    .expectHeader().contentType(MediaType.APPLICATION_JSON)
                    .expectBody().jsonPath("$.error").isEqualTo("not_found").jsonPath("$.message").isNotEmpty();
        }
        as(e.owner, "user").get().uri("/api/queue/items/not-a-uuid/events").accept(MediaType.TEXT_EVENT_STREAM)
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("bad_request");
    }

    private Flux<ServerSentEvent<StatusChange>> open(String owner, String role, UUID jobId) {
        return as(owner, role).get().uri("/api/queue/items/{id}/events", jobId).accept(MediaType.TEXT_EVENT_STREAM)
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .returnResult(FRAME)
                .getResponseBody();
    }
}
