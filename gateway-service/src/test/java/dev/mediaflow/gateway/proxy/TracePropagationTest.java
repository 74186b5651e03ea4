package dev.mediaflow.gateway.proxy;

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
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With MEDIAFLOW_TRACING_ENDPOINT set, a proxied call is one trace: the gateway's span goes to the
 * collector and the call to queue-service carries it on ({@code traceparent}). One local server on
 * 127.0.0.1 stands in for both.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "management.opentelemetry.tracing.export.schedule-delay=100ms")
@AutoConfigureWebTestClient(timeout = "30s")
class TracePropagationTest {

    /** What queue-service was sent: its traceparent headers; and the collector: its /v1/traces bodies. */
    private static final List<String> TRACEPARENTS = new CopyOnWriteArrayList<>();
    private static final List<String> EXPORTS = new CopyOnWriteArrayList<>();
    private static final HttpServer QUEUE_SERVICE_AND_COLLECTOR = start();
    private static final String URL = "http://127.0.0.1:" + QUEUE_SERVICE_AND_COLLECTOR.getAddress().getPort();

    static {
        // as the environment variable would be: there before the application starts, when TracingSwitch
        // reads it (a @DynamicPropertySource arrives too late for an EnvironmentPostProcessor)
        System.setProperty("mediaflow.tracing-endpoint", URL);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("mediaflow.queue-service-url", () -> URL);
        registry.add("mediaflow.storage-root", () -> TestFiles.tempDirectory("mf-gateway-tracing").toString());
        registry.add("spring.rabbitmq.addresses", () -> "amqp://guest:guest@127.0.0.1:" + TestFiles.closedPort());
        registry.add("mediaflow.spool-interval", () -> "1h");
    }

    @Autowired
    WebTestClient client;

    @AfterAll
    static void stop() {
        System.clearProperty("mediaflow.tracing-endpoint");
        QUEUE_SERVICE_AND_COLLECTOR.stop(0);
    }

    @Test
    void aProxiedCallIsExportedAndItsTraceGoesOnToQueueService() throws InterruptedException {
        client.get().uri("/api/queue/stats").header("X-API-Key", "dev-alice-key").exchange()
                .expectStatus().isOk();

        assertThat(TRACEPARENTS).hasSize(1);
        String traceId = TRACEPARENTS.get(0).split("-")[1];
        // the last field is the flags: sampled is bit 0 (OpenTelemetry also sets bit 1, "random trace id")
        assertThat(TRACEPARENTS.get(0)).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f][13579bdf]");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (EXPORTS.stream().noneMatch(body -> body.contains("/api/queue/stats")) && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(EXPORTS).as("spans at the collector").anySatisfy(body -> assertThat(body)
                .contains("/api/queue/stats").contains("gateway-service").contains(hexToBytes(traceId)));
    }

    /** OTLP/protobuf carries the trace id as 16 raw bytes. */
    private static String hexToBytes(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static HttpServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/v1/traces", exchange -> {
                EXPORTS.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1));
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.createContext("/api/queue/", exchange -> {
                String traceparent = exchange.getRequestHeaders().getFirst("traceparent");
                if (traceparent != null) {
                    TRACEPARENTS.add(traceparent);
                }
                byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
