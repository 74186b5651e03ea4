package dev.mediaflow.gateway.ai;

import com.sun.net.httpserver.HttpServer;
import dev.mediaflow.gateway.support.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** /api/ai/* against a stand-in vision worker that can answer, fail its model, or vanish. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
class AiServiceTest {

    private static final AtomicInteger HEALTH_STATUS = new AtomicInteger(200);
    private static final AtomicReference<String> HEALTH_BODY = new AtomicReference<>();
    private static final HttpServer VISION_WORKER = startVisionWorker();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("mediaflow.vision-worker-url", () -> "http://127.0.0.1:" + VISION_WORKER.getAddress().getPort());
        registry.add("mediaflow.storage-root", () -> TestFiles.tempDirectory("mf-gateway-ai").toString());
        registry.add("spring.rabbitmq.addresses", () -> "amqp://guest:guest@127.0.0.1:" + TestFiles.closedPort());
        registry.add("mediaflow.spool-interval", () -> "1h");
    }

    @Autowired
    WebTestClient client;

    @AfterAll
    static void stop() {
        VISION_WORKER.stop(0);
    }

    @Test
    void healthAndInfoArePassedOnAndNeedAKey() {
        HEALTH_STATUS.set(200);
        HEALTH_BODY.set("{\"status\":\"healthy\",\"service\":\"vision-worker\",\"model\":\"row-depth.pt\",\"model_status\":\"loaded\",\"device\":\"cpu\"}");
        client.get().uri("/api/ai/health").header("X-API-Key", "dev-alice-key").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.model_status").isEqualTo("loaded").jsonPath("$.device").isEqualTo("cpu");
        client.get().uri("/api/ai/info").header("X-API-Key", "dev-alice-key").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.version").isEqualTo("1");
        client.get().uri("/api/ai/health").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void aFailedModelIs503WithTheWorkersOwnBody() {
        HEALTH_STATUS.set(503);
        HEALTH_BODY.set("{\"status\":\"unhealthy\",\"service\":\"vision-worker\",\"model\":\"broken.pt\",\"model_status\":\"failed\",\"device\":\"cpu\"}");
        client.get().uri("/api/ai/health").header("X-API-Key", "dev-alice-key").exchange()
                .expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.model").isEqualTo("broken.pt").jsonPath("$.model_status").isEqualTo("failed");
    }

    @Test
    void anUnreachableWorkerIs503InTheSameShape() {
        WebTestClient offline = client.mutate().build();
        HEALTH_STATUS.set(-1);
        offline.get().uri("/api/ai/health").header("X-API-Key", "dev-alice-key").exchange()
                .expectStatus().isEqualTo(503)
                .expectBody()
                .jsonPath("$.service").isEqualTo("vision-worker")
                .jsonPath("$.status").isEqualTo("unhealthy")
                .jsonPath("$.model_status").isEqualTo("failed")
                .jsonPath("$.model").hasJsonPath()
                .jsonPath("$.device").hasJsonPath()
                .jsonPath("$.message").isNotEmpty();
        offline.get().uri("/api/ai/info").header("X-API-Key", "dev-alice-key").exchange()
                .expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.error").isEqualTo("vision_worker_unavailable");
    }

    private static HttpServer startVisionWorker() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/health", exchange -> {
                if (HEALTH_STATUS.get() < 0) {
                    exchange.close(); // drops the connection without an answer
                    return;
                }
                answer(exchange, HEALTH_STATUS.get(), HEALTH_BODY.get());
            });
            server.createContext("/info", exchange -> {
                if (HEALTH_STATUS.get() < 0) {
                    exchange.close();
                    return;
                }
                answer(exchange, 200, "{\"message\":\"depth maps\",\"version\":\"1\",\"model\":\"row-depth.pt\",\"endpoints\":{}}");
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
