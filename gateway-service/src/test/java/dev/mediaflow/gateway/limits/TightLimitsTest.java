package dev.mediaflow.gateway.limits;

import dev.mediaflow.gateway.support.Multipart;
import dev.mediaflow.gateway.support.StandInQueueService;
import dev.mediaflow.gateway.support.TestFiles;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway with tight limits (no broker; a stand-in queue-service): 2 requests per second per key
 * (bursts of 4), 4 failed key attempts per address and minute, a free-disk floor no disk meets, and
 * live streams that last 3 s.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
class TightLimitsTest {

    static final Path STORAGE = TestFiles.tempDirectory("mf-gateway-tight");
    static final String ALICE = "dev-alice-key";
    static final String BOB = "dev-bob-key";
    static final String ADMIN = "dev-admin-key";
    static final String NOT_THERE = "/api/media/00000000-0000-0000-0000-000000000000/original";
    static final StandInQueueService QUEUE_SERVICE = StandInQueueService.start();
    private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
    };

    @DynamicPropertySource
    static void tightLimits(DynamicPropertyRegistry registry) {
        registry.add("spring.rabbitmq.addresses", () -> "amqp://guest:guest@127.0.0.1:" + TestFiles.closedPort());
        registry.add("mediaflow.queue-service-url", QUEUE_SERVICE::url);
        registry.add("mediaflow.stream-max-lifetime", () -> "3s");
        registry.add("mediaflow.storage-root", STORAGE::toString);
        registry.add("mediaflow.spool-interval", () -> "1h");
        registry.add("mediaflow.rate-limit", () -> 2);
        registry.add("mediaflow.auth-failure-limit", () -> 4);
        registry.add("mediaflow.auth-failure-window", () -> "1m");
        registry.add("mediaflow.min-free-bytes", () -> Long.MAX_VALUE / 2);
    }

    @Autowired
    WebTestClient client;
    @Value("${local.server.port}")
    int port;

    @Test
    void oneKeysExcessGets429WithRetryAfterWhileAnotherKeyAndHealthAreUntouched() throws Exception {
        WebClient http = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create(ConnectionProvider.newConnection())))
                .build();
        // 37 at once from alice, 3 from bob (within his burst of 4) among them
        List<Answer> answers = Flux.range(0, 40)
                .flatMap(i -> http.get().uri(NOT_THERE).header("X-API-Key", i % 13 == 12 ? BOB : ALICE)
                        .exchangeToMono(r -> r.bodyToMono(String.class).defaultIfEmpty("")
                                .map(body -> new Answer(i % 13 == 12 ? "bob" : "alice", r.statusCode().value(),
                                        r.headers().asHttpHeaders().getFirst("Retry-After"), body))), 40)
                .collectList().block(Duration.ofSeconds(60));

        List<Answer> alice = answers.stream().filter(a -> a.who().equals("alice")).toList();
        List<Answer> refused = alice.stream().filter(a -> a.status() == 429).toList();
        assertThat(alice.stream().filter(a -> a.status() == 404).count()).as("the burst of twice the rate passes")
                .isGreaterThanOrEqualTo(4);
        assertThat(refused).as("the excess is refused").isNotEmpty();
        assertThat(alice).allSatisfy(a -> assertThat(a.status()).isIn(404, 429));
        assertThat(answers.stream().filter(a -> a.who().equals("bob")).map(Answer::status).toList())
                .as("another key: %s", answers).containsOnly(404);
        long retryAfter = Long.parseLong(refused.get(0).retryAfter());
        assertThat(retryAfter).isBetween(1L, 2L);
        assertThat(refused.get(0).body()).contains("\"error\":\"rate_limited\"").contains("\"message\"");

        for (int i = 0; i < 15; i++) {
            client.get().uri("/health").exchange().expectStatus().value(s -> assertThat(s).isNotEqualTo(429));
            client.get().uri("/actuator/health").exchange().expectStatus().value(s -> assertThat(s).isNotEqualTo(429));
        }

        Thread.sleep(retryAfter * 1000 + 200);
        client.get().uri(NOT_THERE).header("X-API-Key", ALICE).exchange().expectStatus().isNotFound();
    }

    record Answer(String who, int status, String retryAfter, String body) {
    }

    @Test
    void aLiveStreamEndsAtItsMaximumLifetimeAndTheClientReconnectsWithLastEventId() {
        WebClient http = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create(ConnectionProvider.newConnection())))
                .build();
        String events = "/api/queue/items/" + UUID.randomUUID() + "/events";
        long start = System.nanoTime();
        // the stand-in never ends a stream: only the gateway's lifetime limit does
        List<ServerSentEvent<String>> received = http.get().uri(events).header("X-API-Key", ADMIN)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve().bodyToFlux(SSE).collectList().block(Duration.ofSeconds(60));
        Duration lasted = Duration.ofNanos(System.nanoTime() - start);

        assertThat(received).isNotEmpty();
        assertThat(received.get(0).id()).isEqualTo("1");
        assertThat(lasted).isGreaterThanOrEqualTo(Duration.ofMillis(2900)).isLessThan(Duration.ofSeconds(60));

        List<ServerSentEvent<String>> again = http.get().uri(events).header("X-API-Key", ADMIN)
                .header("Last-Event-ID", received.get(0).id())
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve().bodyToFlux(SSE).take(1).collectList().block(Duration.ofSeconds(60));
        assertThat(again).hasSize(1);
        assertThat(QUEUE_SERVICE.lastEventIds()).contains("1");
    }

    @Test
    void wrongKeysFromOneAddressAreCutOffThereOnly() {
        WebTestClient fromElsewhere = WebTestClient.bindToServer(new ReactorClientHttpConnector(HttpClient.create()
                        .bindAddress(() -> new InetSocketAddress("127.0.0.2", 0))))
                .baseUrl("http://127.0.0.1:" + port).build();
        for (int i = 0; i < 4; i++) {
            fromElsewhere.get().uri(NOT_THERE).header("X-API-Key", "guess-number-" + i).exchange()
                    .expectStatus().isUnauthorized();
        }
        fromElsewhere.get().uri(NOT_THERE).header("X-API-Key", "guess-number-5").exchange()
                .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.error").isEqualTo("too_many_failed_keys");
        // not even a right key is checked from there now, or the answer would tell which guess was right
        fromElsewhere.get().uri(NOT_THERE).header("X-API-Key", ADMIN).exchange()
                .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        fromElsewhere.get().uri("/health").exchange().expectStatus().value(s -> assertThat(s).isNotEqualTo(429));
        // other addresses go on as before
        client.get().uri(NOT_THERE).header("X-API-Key", ADMIN).exchange().expectStatus().isNotFound();
        client.get().uri(NOT_THERE).header("X-API-Key", "another-wrong-key").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void belowTheFreeDiskFloorAnUploadGets507AndNothingIsKept() {
        byte[] jpeg = TestFiles.image("jpg", 64, 48);
        client.post().uri("/api/media/upload").header("X-API-Key", BOB)
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(Multipart.file("a.jpg", jpeg, "image/jpeg").parts()))
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.INSUFFICIENT_STORAGE)
                .expectBody().jsonPath("$.error").isEqualTo("insufficient_storage").jsonPath("$.message").exists();
        // chunked: no size announced
        client.post().uri("/api/media/upload").header("X-API-Key", BOB)
                .contentType(Multipart.noFile().rawContentType())
                .body(Flux.just(Multipart.file("b.jpg", jpeg, "image/jpeg").rawBytes())
                        .map(DefaultDataBufferFactory.sharedInstance::wrap), DataBuffer.class)
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.INSUFFICIENT_STORAGE);
        assertThat(TestFiles.filesUnder(STORAGE.resolve("uploads"))).isEmpty();
        assertThat(TestFiles.filesUnder(STORAGE.resolve("tmp"))).isEmpty();
        assertThat(TestFiles.filesUnder(STORAGE.resolve("spool"))).isEmpty();
    }
}
