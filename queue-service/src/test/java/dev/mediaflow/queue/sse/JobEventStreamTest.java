package dev.mediaflow.queue.sse;

import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.status.StatusChange;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.Stories;
import dev.mediaflow.messages.RedisKeys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.Disposable;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class JobEventStreamTest extends ApiTest {

    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RedisKeys keys;
    @Value("${spring.data.redis.url}")
    String redisUrl;

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

    @Test
    void manyStreamsShareTheOneRedisSubscriptionOfTheService() throws Exception {
        Events e = Events.allOperations(unique("owner"));
        apply(e.submitted());
        long allJobsBefore = subscribers(keys.allJobsChannel());

        List<ServerSentEvent<StatusChange>> received = new CopyOnWriteArrayList<>();
        List<Disposable> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                streams.add(open(e.owner, "user", e.jobId).subscribe(received::add));
            }
            await().atMost(WAIT).until(() -> received.size() >= 20);
            assertThat(subscribers(keys.jobChannel(e.jobId))).as("subscriptions to the job's channel").isZero();
            assertThat(subscribers(keys.allJobsChannel())).isEqualTo(allJobsBefore).isPositive();

            apply(e.started(WorkerKind.IMAGE, 1, 1));
            await().atMost(WAIT).until(() -> received.stream().filter(f -> "processing".equals(f.event())).count() == 20);
        } finally {
            streams.forEach(Disposable::dispose);
        }
    }

    @Test
    void theStreamStartsFromTheRedisSnapshotAndItsVersion() {
        Events e = Events.allOperations(unique("owner"));
        apply(e.submitted(), e.started(WorkerKind.IMAGE, 1, 1), e.progress(WorkerKind.IMAGE, 1, 30, 2));
        String version = redis.<String, String>opsForHash().get(keys.job(e.jobId), "version").block(WAIT);
        // a value that only the snapshot has shows which store the stream started from
        redis.opsForHash().put(keys.job(e.jobId), "progress", "77").block(WAIT);

        ServerSentEvent<StatusChange> first = open(e.owner, "user", e.jobId).blockFirst(WAIT);
        assertThat(first.event()).isEqualTo("processing");
        assertThat(first.data().progress()).isEqualTo(77);
        assertThat(first.id()).isEqualTo(version);
        assertThat(first.data().version()).isEqualTo(Long.parseLong(version));

        redis.delete(keys.job(e.jobId)).block(WAIT);
        ServerSentEvent<StatusChange> fromPostgres = open(e.owner, "user", e.jobId).blockFirst(WAIT);
        assertThat(fromPostgres.data().progress()).isEqualTo(15);
        assertThat(fromPostgres.id()).isEqualTo(version);
    }

    @Test
    void aReconnectWithLastEventIdGetsOnlyWhatCameAfterIt() throws Exception {
        Events e = Events.allOperations(unique("owner"));
        apply(e.submitted(), e.started(WorkerKind.IMAGE, 1, 1), e.progress(WorkerKind.IMAGE, 1, 30, 2));
        ServerSentEvent<StatusChange> seen = open(e.owner, "user", e.jobId).blockFirst(WAIT);
        assertThat(seen.event()).isEqualTo("processing");

        // nothing new since the id: the stream stays quiet until something changes
        List<ServerSentEvent<StatusChange>> received = new CopyOnWriteArrayList<>();
        CompletableFuture<List<ServerSentEvent<StatusChange>>> resumed = open(e.owner, "user", e.jobId, seen.id())
                .doOnNext(received::add).collectList().toFuture();
        apply(e.progress(WorkerKind.VISION, 1, 60, 3));
        await().atMost(WAIT).until(() -> !events(received).isEmpty());
        apply(e.imageSucceeded(1, 1, 4), e.visionSucceeded(1, 1, 5));

        List<ServerSentEvent<StatusChange>> all = resumed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(all.get(0).comment()).isEqualTo("resumed after " + seen.id());
        List<ServerSentEvent<StatusChange>> frames = events(all);
        assertThat(frames).allSatisfy(f -> assertThat(Long.parseLong(f.id())).isGreaterThan(Long.parseLong(seen.id())));
        assertThat(frames.get(0).data().progress()).as("the first is what came after, not the state seen")
                .isGreaterThan(seen.data().progress());
        assertThat(frames.get(frames.size() - 1).event()).isEqualTo("completed");
    }

    @Test
    void aReconnectAfterMissedChangesGetsTheCurrentStateAndOneThatSawTheFinalStateIsClosedAtOnce() {
        Events e = Events.allOperations(unique("owner"));
        apply(e.submitted());
        ServerSentEvent<StatusChange> queued = open(e.owner, "user", e.jobId).blockFirst(WAIT);
        apply(Stories.completed(e).subList(1, Stories.completed(e).size()));

        List<ServerSentEvent<StatusChange>> missed = events(open(e.owner, "user", e.jobId, queued.id()).collectList().block(WAIT));
        assertThat(missed).extracting(ServerSentEvent::event).containsExactly("completed");
        String finalId = missed.get(0).id();
        assertThat(Long.parseLong(finalId)).isGreaterThan(Long.parseLong(queued.id()));

        assertThat(open(e.owner, "user", e.jobId, finalId).collectList().block(WAIT)).as("seen it all").isEmpty();
        // an id this job never sent (newer than its version) counts as none: the current state
        assertThat(open(e.owner, "user", e.jobId, Long.toString(Long.parseLong(finalId) + 1000)).collectList().block(WAIT))
                .as("no resumed comment either").extracting(ServerSentEvent::event).containsExactly("completed");
    }

    @Test
    void aLastEventIdThatIsNoEventIdIsABadRequestBeforeAnyStream() {
        Events e = Events.allOperations(unique("owner"));
        apply(e.submitted());
        for (String bad : List.of("abc", "-1", "1.5", "99999999999999999999")) {
            as(e.owner, "user").get().uri("/api/queue/items/{id}/events", e.jobId).accept(MediaType.TEXT_EVENT_STREAM)
                    .header("Last-Event-ID", bad)
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectHeader().contentType(MediaType.APPLICATION_JSON)
                    .expectBody().jsonPath("$.error").isEqualTo("bad_request")
                    .jsonPath("$.message").value(m -> assertThat((String) m).contains("Last-Event-ID"));
        }
    }

    /** The events among the frames, without comments (heartbeats, the resumed comment). */
    private static List<ServerSentEvent<StatusChange>> events(List<ServerSentEvent<StatusChange>> frames) {
        return frames.stream().filter(f -> f.event() != null).toList();
    }

    private long subscribers(String channel) {
        RedisClient client = RedisClient.create(redisUrl);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().pubsubNumsub(channel).getOrDefault(channel, 0L);
        } finally {
            client.shutdown();
        }
    }

    private Flux<ServerSentEvent<StatusChange>> open(String owner, String role, UUID jobId) {
        return open(owner, role, jobId, null);
    }

    private Flux<ServerSentEvent<StatusChange>> open(String owner, String role, UUID jobId, String lastEventId) {
        return as(owner, role).get().uri("/api/queue/items/{id}/events", jobId).accept(MediaType.TEXT_EVENT_STREAM)
                .headers(h -> {
                    if (lastEventId != null) {
                        h.set("Last-Event-ID", lastEventId);
                    }
                })
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .returnResult(FRAME)
                .getResponseBody();
    }
}
