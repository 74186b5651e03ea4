package dev.mediaflow.gateway.proxy;

import com.sun.net.httpserver.HttpServer;
import dev.mediaflow.gateway.publish.SubmissionSpool;
import dev.mediaflow.gateway.support.TestFiles;
import dev.mediaflow.messages.CorrelationId;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy against a stand-in for queue-service (a loopback HTTP server that records what it gets
 * and answers what a test told it to); RabbitMQ is not needed here.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "resilience4j.circuitbreaker.instances.queueService.sliding-window-size=4",
        "resilience4j.circuitbreaker.instances.queueService.minimum-number-of-calls=4",
        "resilience4j.circuitbreaker.instances.queueService.wait-duration-in-open-state=60s"})
@AutoConfigureWebTestClient(timeout = "30s")
class QueueServiceProxyTest {

    record Seen(String method, String uri, Map<String, List<String>> headers, String body) {
    }

    record Answer(int status, String body) {
    }

    private static final List<Seen> SEEN = new CopyOnWriteArrayList<>();
    private static final Map<String, Answer> ANSWERS = new ConcurrentHashMap<>();
    private static final HttpServer QUEUE_SERVICE = startQueueService();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("mediaflow.queue-service-url", () -> "http://127.0.0.1:" + QUEUE_SERVICE.getAddress().getPort());
        registry.add("mediaflow.storage-root", () -> TestFiles.tempDirectory("mf-gateway-proxy").toString());
        registry.add("spring.rabbitmq.addresses", () -> "amqp://guest:guest@127.0.0.1:" + TestFiles.closedPort());
        registry.add("mediaflow.spool-interval", () -> "1h");
    }

    @Autowired
    WebTestClient client;
    @Value("${local.server.port}")
    int port;
    @Autowired
    CircuitBreakerRegistry breakers;
    @Autowired
    SubmissionSpool spool;

    @BeforeEach
    void reset() {
        SEEN.clear();
        ANSWERS.clear();
        breakers.circuitBreaker(QueueServiceClient.BREAKER).reset();
    }

    @AfterAll
    static void stop() {
        QUEUE_SERVICE.stop(0);
    }

    @Test
    void pathQueryBodyAndAnswerPassThroughWithTheCallersIdentity() {
        ANSWERS.put("/api/queue/cancel", new Answer(200, "{\"success\":true,\"canceledCount\":2}"));

        client.post().uri(URI.create("http://127.0.0.1:" + port + "/api/queue/cancel?dryRun=false&x=%20y"))
                .header("X-API-Key", "dev-alice-key")
                .header("X-Mediaflow-Owner", "admin")
                .header("X-Mediaflow-Role", "admin")
                .header("Content-Type", "application/json")
                .bodyValue("{\"projectId\":\"p1\"}")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentType("application/json")
                .expectBody().json("{\"success\":true,\"canceledCount\":2}");

        assertThat(SEEN).hasSize(1);
        Seen seen = SEEN.get(0);
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.uri()).isEqualTo("/api/queue/cancel?dryRun=false&x=%20y");
        assertThat(seen.body()).isEqualTo("{\"projectId\":\"p1\"}");
        assertThat(seen.headers().get("X-mediaflow-owner")).containsExactly("alice");
        assertThat(seen.headers().get("X-mediaflow-role")).containsExactly("user");
        assertThat(seen.headers()).doesNotContainKey("X-api-key");
    }

    @Test
    void theCorrelationIdGoesToQueueServiceAndBackToTheClientAndOneIsMadeWhenTheClientSentNone() {
        ANSWERS.put("/api/queue/stats", new Answer(200, "{}"));

        client.get().uri("/api/queue/stats").header("X-API-Key", "dev-alice-key")
                .header(CorrelationId.HEADER, "proxy-corr-1")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(CorrelationId.HEADER, "proxy-corr-1");
        String made = client.get().uri("/api/queue/stats").header("X-API-Key", "dev-alice-key")
                .exchange()
                .expectStatus().isOk()
                .returnResult(String.class).getResponseHeaders().getFirst(CorrelationId.HEADER);

        assertThat(CorrelationId.accept(made)).isPresent();
        assertThat(SEEN).extracting(seen -> seen.headers().get("X-correlation-id"))
                .containsExactly(List.of("proxy-corr-1"), List.of(made));
        // tracing is off unless MEDIAFLOW_TRACING_ENDPOINT is set: nothing traced, nothing propagated
        assertThat(SEEN).allSatisfy(seen -> assertThat(seen.headers()).doesNotContainKey("Traceparent"));
    }

    @Test
    void adminIsForwardedAsAdmin() {
        client.get().uri("/api/queue/stats").header("X-API-Key", "dev-admin-key").exchange()
                .expectStatus().isNotFound();
        assertThat(SEEN.get(0).headers().get("X-mediaflow-owner")).containsExactly("admin");
        assertThat(SEEN.get(0).headers().get("X-mediaflow-role")).containsExactly("admin");
    }

    @Test
    void theParkingLotRoutesPassThroughForAdmin() {
        ANSWERS.put("/api/queue/dead", new Answer(200, "{\"count\":0,\"items\":[]}"));
        ANSWERS.put("/api/queue/dead/replay", new Answer(200, "{\"success\":true,\"replayedCount\":3}"));

        client.get().uri("/api/queue/dead?limit=10").header("X-API-Key", "dev-admin-key").exchange()
                .expectStatus().isOk()
                .expectBody().json("{\"count\":0,\"items\":[]}");
        client.post().uri("/api/queue/dead/replay").header("X-API-Key", "dev-admin-key")
                .header("Content-Type", "application/json").bodyValue("{\"all\":true}")
                .exchange()
                .expectStatus().isOk()
                .expectBody().json("{\"success\":true,\"replayedCount\":3}");

        assertThat(SEEN).extracting(Seen::method, Seen::uri)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("GET", "/api/queue/dead?limit=10"),
                        org.assertj.core.groups.Tuple.tuple("POST", "/api/queue/dead/replay"));
        assertThat(SEEN.get(1).body()).isEqualTo("{\"all\":true}");
        assertThat(SEEN).allSatisfy(seen -> assertThat(seen.headers().get("X-mediaflow-role")).containsExactly("admin"));
    }

    @Test
    void clientErrorsPassThroughAndDoNotOpenTheCircuit() {
        ANSWERS.put("/api/queue/items/00000000-0000-0000-0000-000000000009/retry",
                new Answer(409, "{\"error\":\"conflict\",\"message\":\"not failed\"}"));
        for (int i = 0; i < 6; i++) {
            client.post().uri("/api/queue/items/00000000-0000-0000-0000-000000000009/retry")
                    .header("X-API-Key", "dev-bob-key").exchange()
                    .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                    .expectBody().jsonPath("$.error").isEqualTo("conflict");
        }
        // each retry first reads the owner's jobs in flight (MEDIAFLOW_MAX_INFLIGHT_PER_OWNER), then goes on
        assertThat(SEEN).filteredOn(seen -> seen.uri().endsWith("/retry")).hasSize(6);
        assertThat(SEEN).filteredOn(seen -> seen.uri().equals("/api/queue/stats")).hasSize(6);
    }

    @Test
    void repeatedServerErrorsPassThroughThenOpenTheCircuit() {
        ANSWERS.put("/api/queue/metrics", new Answer(500, "{\"error\":\"database_down\",\"message\":\"db\"}"));
        for (int i = 0; i < 4; i++) {
            client.get().uri("/api/queue/metrics").header("X-API-Key", "dev-bob-key").exchange()
                    .expectStatus().isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR)
                    .expectBody().jsonPath("$.error").isEqualTo("database_down");
        }
        client.get().uri("/api/queue/metrics").header("X-API-Key", "dev-bob-key").exchange()
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectBody().jsonPath("$.error").isEqualTo("queue_service_unavailable");
        assertThat(SEEN).hasSize(4);
    }

    @Test
    void aSpooledJobUnknownToQueueServiceIsShownAsPendingToItsOwnerOnly() throws Exception {
        UUID jobId = UUID.randomUUID();
        UUID mediaItemId = UUID.randomUUID();
        spool.write(new JobSubmission(jobId, mediaItemId, "alice", "a.jpg", MediaType.PHOTO, 10, "00".repeat(32),
                "uploads/alice/" + mediaItemId + ".jpg", "processed/alice/" + mediaItemId,
                List.of(Operation.THUMBNAIL), 5, 3, null, "batch-9", 1, Instant.now(), null));

        client.get().uri("/api/queue/items/" + jobId).header("X-API-Key", "dev-alice-key").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.id").isEqualTo(jobId.toString())
                .jsonPath("$.status").isEqualTo("pending")
                .jsonPath("$.batch_id").isEqualTo("batch-9")
                .jsonPath("$.results").isMap();
        client.get().uri("/api/queue/items/" + jobId).header("X-API-Key", "dev-bob-key").exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.error").isEqualTo("not_found");
        assertThat(SEEN).hasSize(2);
    }

    private static HttpServer startQueueService() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                SEEN.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                        Map.copyOf(exchange.getRequestHeaders()), body));
                Answer answer = ANSWERS.getOrDefault(exchange.getRequestURI().getPath(),
                        new Answer(404, "{\"error\":\"not_found\",\"message\":\"no such item\"}"));
                byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(answer.status(), bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
