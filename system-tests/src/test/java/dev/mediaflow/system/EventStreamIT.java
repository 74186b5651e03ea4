package dev.mediaflow.system;

import dev.mediaflow.messages.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Flux;
import reactor.util.retry.Retry;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 15, live progress, on the real stack through the gateway, read with a real Server-Sent Events client
 * (WebClient's SSE decoder: ids, event names, data and comments as the spec parses them). The workers are paused
 * while a stream opens, so that it sees the job from {@code queued} on; the stack's heartbeat is 1 s.
 */
@ExtendWith(StackExtension.class)
class EventStreamIT {

    private static final ParameterizedTypeReference<ServerSentEvent<String>> FRAME = new ParameterizedTypeReference<>() {
    };
    private static final List<String> ORDER = List.of("pending", "queued", "processing", "completed", "failed", "cancelled");
    private static final Duration LONG_ENOUGH = Duration.ofSeconds(180);

    @TempDir
    Path tmp;

    @Test
    void theStreamStartsWithTheCurrentStateMovesThroughTheWorkersStepsAndClosesAfterCompleted(Stack stack)
            throws Exception {
        ApiClient admin = stack.client("dev-admin-key");
        ApiClient alice = stack.client("dev-alice-key");
        List<ServerSentEvent<String>> frames = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> closed;
        try {
            Workers.pause(admin);
            String queueId = upload(alice, "big.jpg", Media.jpeg(tmp.resolve("big.jpg"), 2400, 1800), "thumbnail,blur,low-quality,depth");
            closed = streamOnceRecorded(stack, queueId, null).doOnNext(frames::add).then().toFuture();
            await().atMost(LONG_ENOUGH).until(() -> !events(frames).isEmpty());
        } finally {
            Workers.resume(admin);
        }
        closed.get(LONG_ENOUGH.toSeconds(), TimeUnit.SECONDS);

        List<ServerSentEvent<String>> events = events(frames);
        assertThat(events.get(0).event()).as("the current state first").isEqualTo("queued");
        assertThat(events.get(events.size() - 1).event()).as("closed after the final state").isEqualTo("completed");
        List<Integer> progress = new ArrayList<>();
        long lastId = -1;
        int lastRank = -1;
        for (ServerSentEvent<String> event : events) {
            JsonNode data = Json.MAPPER.readTree(event.data());
            assertThat(data.get("status").asString()).isEqualTo(event.event());
            int rank = ORDER.indexOf(event.event());
            assertThat(rank).as("never backwards: " + names(events)).isGreaterThanOrEqualTo(lastRank);
            lastRank = rank;
            assertThat(Long.parseLong(event.id())).as("ids grow").isGreaterThan(lastId);
            lastId = Long.parseLong(event.id());
            if (event.event().equals("processing")) {
                progress.add(data.get("progress").asInt());
            }
        }
        assertThat(progress).as("the stream moves during the work: " + progress).isSorted()
                .anySatisfy(p -> assertThat(p).isBetween(1, 99));
        assertThat(progress.stream().distinct().count()).as("several steps: " + progress).isGreaterThan(2);
    }

    @Test
    void aQuietStreamHasHeartbeatsAndAReconnectWithLastEventIdGetsOnlyWhatCameAfter(Stack stack) throws Exception {
        ApiClient admin = stack.client("dev-admin-key");
        ApiClient alice = stack.client("dev-alice-key");
        String queueId;
        ServerSentEvent<String> queued;
        try {
            Workers.pause(admin);
            queueId = upload(alice, "quiet.png", Media.png(tmp.resolve("quiet.png"), 320, 240), "thumbnail");
            List<ServerSentEvent<String>> quiet = streamOnceRecorded(stack, queueId, null)
                    .take(3).collectList().block(LONG_ENOUGH);
            queued = quiet.get(0);
            assertThat(queued.event()).isEqualTo("queued");
            assertThat(quiet.subList(1, 3)).as("nothing happens: heartbeats keep the stream open")
                    .allSatisfy(frame -> assertThat(frame.comment()).isEqualTo("heartbeat"));
        } finally {
            Workers.resume(admin);
        }
        PipelineIT.awaitStatus(alice, queueId, "completed");

        List<ServerSentEvent<String>> resumed = events(stream(stack, "dev-alice-key", queueId, queued.id())
                .collectList().block(LONG_ENOUGH));
        assertThat(resumed).extracting(ServerSentEvent::event).as("the current state stands for what was missed")
                .containsExactly("completed");
        assertThat(Long.parseLong(resumed.get(0).id())).isGreaterThan(Long.parseLong(queued.id()));
        assertThat(events(stream(stack, "dev-alice-key", queueId, resumed.get(0).id()).collectList().block(LONG_ENOUGH)))
                .as("it saw the final state: nothing more, and the stream ends").isEmpty();
    }

    @Test
    void badIdsAndOtherOwnersAreRefusedBeforeAnyStream(Stack stack) throws Exception {
        ApiClient alice = stack.client("dev-alice-key");
        String queueId = upload(alice, "mine.png", Media.png(tmp.resolve("mine.png"), 64, 48), "thumbnail");
        PipelineIT.awaitStatus(alice, queueId, "completed");

        assertRefused(() -> stream(stack, "dev-alice-key", queueId, "not-a-number"), 400, "bad_request");
        assertRefused(() -> stream(stack, "dev-bob-key", queueId, null), 404, "not_found");
        assertRefused(() -> stream(stack, "dev-alice-key", java.util.UUID.randomUUID().toString(), null), 404, "not_found");
        assertRefused(() -> stream(stack, "wrong-key", queueId, null), 401, "unauthorized");
    }

    private static void assertRefused(java.util.function.Supplier<Flux<ServerSentEvent<String>>> stream, int status,
                                      String error) {
        assertThatThrownBy(() -> stream.get().blockLast(LONG_ENOUGH))
                .isInstanceOfSatisfying(WebClientResponseException.class, e -> {
                    assertThat(e.getStatusCode().value()).isEqualTo(status);
                    assertThat(Json.MAPPER.readTree(e.getResponseBodyAsString()).get("error").asString()).isEqualTo(error);
                });
    }

    /**
     * Alice's stream of her job, opened again while queue-service answers 404: it records a job a moment after
     * the upload's 202.
     */
    private static Flux<ServerSentEvent<String>> streamOnceRecorded(Stack stack, String queueId, String lastEventId) {
        return stream(stack, "dev-alice-key", queueId, lastEventId)
                .retryWhen(Retry.fixedDelay(60, Duration.ofMillis(500))
                        .filter(e -> e instanceof WebClientResponseException.NotFound));
    }

    private static Flux<ServerSentEvent<String>> stream(Stack stack, String key, String queueId, String lastEventId) {
        return WebClient.create(stack.gateway.url()).get()
                .uri("/api/queue/items/{id}/events", queueId)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .header("X-API-Key", key)
                .headers(h -> {
                    if (lastEventId != null) {
                        h.set("Last-Event-ID", lastEventId);
                    }
                })
                .retrieve()
                .bodyToFlux(FRAME);
    }

    private static String upload(ApiClient client, String name, Path file, String operations) throws Exception {
        ApiClient.Response upload = client.upload(name, file, Map.of("operations", operations));
        assertThat(upload.status()).as(upload.text()).isEqualTo(202);
        return upload.json().get("queueId").asString();
    }

    /** The events among the frames: no heartbeat or other comment. */
    private static List<ServerSentEvent<String>> events(List<ServerSentEvent<String>> frames) {
        return frames.stream().filter(f -> f.event() != null).toList();
    }

    private static List<String> names(List<ServerSentEvent<String>> events) {
        return events.stream().map(e -> e.event() + "@" + e.id()).toList();
    }
}
