package dev.mediaflow.imageworker.meters;

import dev.mediaflow.imageworker.support.WorkerTestProperties;
import dev.mediaflow.imageworker.variants.TestMedia;
import dev.mediaflow.messages.AmqpMessages;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.testsupport.RabbitVhost;
import io.micrometer.core.instrument.Meter;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole image worker against the local RabbitMQ and Redis: a photo that succeeds and a corrupt one that fails
 * on its only attempt change exactly the meters an operator reads, and nothing counts the failure as a success.
 */
@SpringBootTest
@DirtiesContext
class ImageWorkerMetersTest {

    private static final RabbitVhost BROKER = RabbitVhost.create("mediaflow-image-meters");
    private static final Path STORAGE = tempDirectory();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        WorkerTestProperties.register(registry, BROKER, STORAGE);
    }

    @AfterAll
    static void deleteVhost() {
        BROKER.close();
    }

    @Autowired
    MeterRegistry meters;
    @Autowired
    RabbitTemplate rabbit;

    @Test
    void aGoodPhotoAndACorruptOneAreCountedAsWhatTheyWere() throws Exception {
        send(task("good", TestMedia.jpegBytes(800, 600)));
        byte[] noise = new byte[4096];
        new java.util.Random(1).nextBytes(noise);
        noise[0] = (byte) 0xFF;
        noise[1] = (byte) 0xD8;
        send(task("corrupt", noise));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(tasks("succeeded")).isEqualTo(1);
            assertThat(tasks("dead")).isEqualTo(1);
        });
        assertThat(tasks("failed")).as("the corrupt photo is a failure, not a success").isEqualTo(1);
        assertThat(tasks("retrying")).isZero();
        assertThat(tasks("cancelled")).isZero();

        var duration = meters.get("mediaflow.task.duration")
                .tags("kind", "image", "operation", "thumbnail+blur+low-quality", "media_type", "photo").timer();
        assertThat(duration.count()).isEqualTo(1);
        assertThat(duration.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isPositive();
        assertThat(meters.get("mediaflow.decode").tag("kind", "image").timer().count())
                .as("only the decode that produced pixels").isEqualTo(1);
        assertThat(meters.get("mediaflow.encode").tag("kind", "image").timer().count())
                .as("three WebP variants").isEqualTo(3);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(gauge("mediaflow.worker.tasks.in.hand")).isZero());
        assertThat(gauge("mediaflow.worker.busy")).isZero();
        assertThat(gauge("mediaflow.worker.paused")).isZero();

        // Spring AMQP's listener timer said result="success" for every task; it is off on the task container
        assertThat(meters.find("spring.rabbitmq.listener").tag("queue", WorkerKind.IMAGE.queue()).meters()).isEmpty();
        for (Meter meter : meters.find("mediaflow.tasks").meters()) {
            assertThat(meter.getId().getTag("application")).isEqualTo("image-worker");
        }

        // tracing is off (no MEDIAFLOW_TRACING_ENDPOINT): the events are observed, but carry no trace header
        Message event = rabbit.receive(Topology.EVENTS_QUEUE, 5000);
        assertThat(event).isNotNull();
        assertThat(event.getMessageProperties().getHeaders()).doesNotContainKey("traceparent");
    }

    private double tasks(String outcome) {
        return meters.get("mediaflow.tasks").tags("outcome", outcome, "kind", "image").counter().count();
    }

    private double gauge(String name) {
        return meters.get(name).tag("kind", "image").gauge().value();
    }

    private TaskMessage task(String name, byte[] jpeg) throws IOException {
        UUID media = UUID.randomUUID();
        String input = "uploads/alice/" + media + ".jpg";
        Files.createDirectories(STORAGE.resolve("uploads/alice"));
        Files.write(STORAGE.resolve(input), jpeg);
        return new TaskMessage(UUID.randomUUID(), media, "alice", MediaType.PHOTO, WorkerKind.IMAGE, input,
                "processed/alice/" + media, List.of(Operation.THUMBNAIL, Operation.BLUR, Operation.LOW_QUALITY),
                5, 1, 1, 1, "00", Instant.now());
    }

    private void send(TaskMessage task) {
        rabbit.send(Topology.TASKS_EXCHANGE, WorkerKind.IMAGE.routingKey(), AmqpMessages.task(task));
    }

    private static Path tempDirectory() {
        try {
            return Files.createTempDirectory("mf-image-meters");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
