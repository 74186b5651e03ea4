package dev.mediaflow.gateway.limits;

import dev.mediaflow.gateway.support.AbuseLimitsIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, section 3: live streams through the gateway against a stand-in queue-service whose
 * streams never end by themselves. Twenty streams of one user run on their own connection pool;
 * other users' calls go on, and the twenty-first stream is refused. (The stream lifetime is tested
 * in {@link TightLimitsTest}, where it is short.)
 */
class EventStreamLimitsTest extends AbuseLimitsIntegrationTest {

    private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
    };

    /** The test's own client: a new connection per request, so the test itself never waits for a pool. */
    private WebClient streamingClient() {
        return WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create(ConnectionProvider.newConnection())))
                .build();
    }

    private Disposable openStream(WebClient http, String key, CountDownLatch firstEvent, List<Throwable> errors) {
        return http.get().uri("/api/queue/items/" + UUID.randomUUID() + "/events")
                .header("X-API-Key", key)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve()
                .bodyToFlux(SSE)
                .take(1)
                .subscribe(event -> firstEvent.countDown(), errors::add);
    }

    @Test
    void twentyStreamsOfOneUserLeaveOtherUsersCallsAloneAndTheTwentyFirstGets429() throws Exception {
        WebClient http = streamingClient();
        List<Disposable> streams = new ArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        CountDownLatch opened = new CountDownLatch(STREAMS_PER_OWNER);
        try {
            for (int i = 0; i < STREAMS_PER_OWNER; i++) {
                streams.add(http.get().uri("/api/queue/items/" + UUID.randomUUID() + "/events")
                        .header("X-API-Key", ALICE)
                        .accept(MediaType.TEXT_EVENT_STREAM)
                        .retrieve()
                        .bodyToFlux(SSE)
                        .subscribe(event -> {
                            if ("status".equals(event.event())) {
                                opened.countDown();
                            }
                        }, errors::add));
            }
            assertThat(opened.await(20, TimeUnit.SECONDS)).as("all 20 streams delivered their first event; errors "
                    + errors).isTrue();
            assertThat(QUEUE_SERVICE.openStreams()).isGreaterThanOrEqualTo(STREAMS_PER_OWNER);

            client.get().uri("/api/queue/items/" + UUID.randomUUID() + "/events").header("X-API-Key", ALICE)
                    .accept(MediaType.TEXT_EVENT_STREAM).exchange()
                    .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                    .expectBody().jsonPath("$.error").isEqualTo("too_many_streams")
                    .jsonPath("$.message").exists();

            // each answered by the stand-in, not by the gateway's time limit (503)
            for (int i = 0; i < 25; i++) {
                client.get().uri("/api/queue/stats").header("X-API-Key", i % 2 == 0 ? BOB : ADMIN).exchange()
                        .expectStatus().isOk()
                        .expectBody().jsonPath("$.stats.completed").isEqualTo(7);
            }
            client.get().uri("/api/queue/items").header("X-API-Key", ALICE).exchange().expectStatus().isOk();
            assertThat(errors).isEmpty();
        } finally {
            streams.forEach(Disposable::dispose);
        }
        // the slots come back when the clients leave: alice may open a stream again
        Instant deadline = Instant.now().plusSeconds(10);
        CountDownLatch again = new CountDownLatch(1);
        List<Throwable> late = new CopyOnWriteArrayList<>();
        while (Instant.now().isBefore(deadline)) {
            late.clear();
            Disposable one = openStream(http, ALICE, again, late);
            if (again.await(2, TimeUnit.SECONDS)) {
                one.dispose();
                break;
            }
            one.dispose();
        }
        assertThat(again.getCount()).as("a stream after the others closed; errors " + late).isZero();
    }
}
