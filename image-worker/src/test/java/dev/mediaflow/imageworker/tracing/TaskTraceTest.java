package dev.mediaflow.imageworker.tracing;

import com.sun.net.httpserver.HttpServer;
import dev.mediaflow.imageworker.support.WorkerTestProperties;
import dev.mediaflow.imageworker.variants.TestMedia;
import dev.mediaflow.messages.AmqpMessages;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.testsupport.RabbitVhost;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With MEDIAFLOW_TRACING_ENDPOINT set, a task continues the trace its message carries: the worker's span
 * for the delivery is exported under the message's trace id, and the events it publishes while the task
 * runs carry that trace on to queue-service ({@code traceparent}, with a span id of the worker's own). The
 * AMQP observations' timers stay out of the metrics. A collector on 127.0.0.1 receives the spans.
 */
@SpringBootTest(properties = "management.opentelemetry.tracing.export.schedule-delay=100ms")
@DirtiesContext
class TaskTraceTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String UPLOAD_SPAN_ID = "00f067aa0ba902b7";
    private static final List<byte[]> EXPORTS = new CopyOnWriteArrayList<>();
    private static final HttpServer COLLECTOR = start();
    private static final RabbitVhost BROKER = RabbitVhost.create("mediaflow-image-trace");
    private static final Path STORAGE = tempDirectory();

    static {
        // as the environment variable would be: there before TracingSwitch reads the environment
        System.setProperty("mediaflow.tracing-endpoint", "http://127.0.0.1:" + COLLECTOR.getAddress().getPort());
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        WorkerTestProperties.register(registry, BROKER, STORAGE);
    }

    @AfterAll
    static void stop() {
        System.clearProperty("mediaflow.tracing-endpoint");
        COLLECTOR.stop(0);
        BROKER.close();
    }

    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    MeterRegistry meters;

    @Test
    void aTaskContinuesTheTraceOfItsMessageAndPassesItOnWithItsEvents() throws Exception {
        Message message = AmqpMessages.task(task(TestMedia.jpegBytes(640, 480)));
        message.getMessageProperties().setHeader("traceparent", "00-" + TRACE_ID + "-" + UPLOAD_SPAN_ID + "-01");
        rabbit.send(Topology.TASKS_EXCHANGE, WorkerKind.IMAGE.routingKey(), message);

        List<String> eventTraces = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Message event = rabbit.receive(Topology.EVENTS_QUEUE, 500);
            if (event != null) {
                eventTraces.add(String.valueOf(event.getMessageProperties().getHeaders().get("traceparent")));
            }
            return eventTraces.size() == 2; // task.started, task.succeeded
        });
        assertThat(eventTraces).allSatisfy(traceparent -> {
            assertThat(traceparent).matches("00-" + TRACE_ID + "-[0-9a-f]{16}-[0-9a-f][13579bdf]");
            assertThat(traceparent).as("a span of the worker's, not the uploader's")
                    .doesNotContain(UPLOAD_SPAN_ID);
        });

        byte[] traceId = HexFormat.of().parseHex(TRACE_ID);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(EXPORTS).as("the worker's spans at the collector, under the message's trace id")
                        .anySatisfy(body -> assertThat(contains(body, traceId)
                                && contains(body, "image-worker".getBytes(StandardCharsets.UTF_8))).isTrue()));

        assertThat(meters.find("spring.rabbit.listener").meters()).isEmpty();
        assertThat(meters.find("spring.rabbit.template").meters()).isEmpty();
    }

    private static boolean contains(byte[] body, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= body.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (body[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static TaskMessage task(byte[] jpeg) throws IOException {
        UUID media = UUID.randomUUID();
        String input = "uploads/alice/" + media + ".jpg";
        Files.createDirectories(STORAGE.resolve("uploads/alice"));
        Files.write(STORAGE.resolve(input), jpeg);
        return new TaskMessage(UUID.randomUUID(), media, "alice", MediaType.PHOTO, WorkerKind.IMAGE, input,
                "processed/alice/" + media, List.of(Operation.THUMBNAIL), 5, 1, 1, 1, "00", Instant.now());
    }

    private static HttpServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/v1/traces", exchange -> {
                EXPORTS.add(exchange.getRequestBody().readAllBytes());
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDirectory() {
        try {
            return Files.createTempDirectory("mf-image-trace");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
