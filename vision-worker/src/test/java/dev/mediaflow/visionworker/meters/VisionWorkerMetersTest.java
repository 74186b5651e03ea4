package dev.mediaflow.visionworker.meters;

import dev.mediaflow.messages.AmqpMessages;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.visionworker.ServiceTest;
import dev.mediaflow.visionworker.depth.DepthEstimator;
import dev.mediaflow.visionworker.depth.TestPictures;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

/**
 * The vision worker with the shipped test model on the CPU: the model and device meters say so, and a depth
 * task that succeeds and one that fails move the inference, codec and outcome meters as they should.
 */
class VisionWorkerMetersTest extends ServiceTest {

    private static final Path STORAGE = tempDirectory();

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        registry.add("mediaflow.depth.model", () -> TestPictures.rowDepthModel().toUri().toString());
        registry.add("mediaflow.device", () -> "cpu");
        registry.add("mediaflow.storage-root", STORAGE::toString);
    }

    @Autowired
    MeterRegistry meters;
    @Autowired
    DepthEstimator estimator;
    @Autowired
    RabbitTemplate rabbit;

    @BeforeEach
    void loaded() throws Exception {
        estimator.ready().get(120, TimeUnit.SECONDS);
    }

    @Test
    void theModelIsLoadedOnTheCpuAndSaysHowLongItTook() {
        assertThat(meters.get("mediaflow.model.loaded").gauge().value()).isEqualTo(1);
        assertThat(meters.get("mediaflow.model.load").gauge().value()).isPositive().isLessThan(120);
        assertThat(meters.find("mediaflow.device.info").gauges()).singleElement()
                .satisfies(g -> {
                    assertThat(g.getId().getTag("device")).isEqualTo("cpu");
                    assertThat(g.value()).isEqualTo(1);
                });
        assertThat(meters.get("mediaflow.gpu.memory.used").gauge().value()).as("nothing to say on a CPU").isNaN();
        assertThat(meters.get("mediaflow.gpu.utilization").gauge().value()).as("no NVIDIA driver here").isNaN();
    }

    @Test
    void aDepthTaskAndACorruptOneMoveTheInferenceCodecAndOutcomeMeters() throws Exception {
        long passes = count("mediaflow.inference");
        long encodes = meters.get("mediaflow.encode").tag("kind", "vision").timer().count();

        send(task(jpeg()));
        send(task(noise()));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(tasks("succeeded")).isEqualTo(1);
            assertThat(tasks("dead")).isEqualTo(1);
        });
        assertThat(tasks("failed")).as("the corrupt picture is a failure, not a success").isEqualTo(1);

        assertThat(count("mediaflow.inference")).isEqualTo(passes + 1);
        var batch = meters.get("mediaflow.inference.batch.size").summary();
        assertThat(batch.count()).isEqualTo(passes + 1);
        assertThat(batch.max()).isEqualTo(1);
        assertThat(meters.get("mediaflow.encode").tag("kind", "vision").timer().count()).isEqualTo(encodes + 1);
        assertThat(meters.get("mediaflow.decode").tag("kind", "vision").timer().count()).isEqualTo(1L);
        assertThat(meters.get("mediaflow.task.duration")
                .tags("kind", "vision", "operation", "depth", "media_type", "photo").timer().count()).isEqualTo(1L);
        assertThat(meters.get("mediaflow.worker.busy").tag("kind", "vision").gauge().value()).isZero();
        for (Meter meter : meters.find("mediaflow.inference").meters()) {
            assertThat(meter.getId().getTag("application")).isEqualTo("vision-worker");
        }
    }

    private long count(String timer) {
        return meters.get(timer).timer().count();
    }

    private double tasks(String outcome) {
        return meters.get("mediaflow.tasks").tags("outcome", outcome, "kind", "vision").counter().count();
    }

    private static byte[] jpeg() throws IOException {
        Path file = Files.createTempFile(STORAGE, "picture", ".jpg");
        try (Mat picture = TestPictures.jpegLike(320, 240, 5)) {
            imwrite(file.toString(), picture);
        }
        return Files.readAllBytes(file);
    }

    private static byte[] noise() {
        byte[] noise = new byte[4096];
        new Random(1).nextBytes(noise);
        noise[0] = (byte) 0xFF;
        noise[1] = (byte) 0xD8;
        return noise;
    }

    private TaskMessage task(byte[] jpeg) throws IOException {
        UUID media = UUID.randomUUID();
        String input = "uploads/alice/" + media + ".jpg";
        Files.createDirectories(STORAGE.resolve("uploads/alice"));
        Files.write(STORAGE.resolve(input), jpeg);
        return new TaskMessage(UUID.randomUUID(), media, "alice", MediaType.PHOTO, WorkerKind.VISION, input,
                "processed/alice/" + media, List.of(Operation.THUMBNAIL, Operation.DEPTH), 5, 1, 1, 1, "00",
                Instant.now());
    }

    private void send(TaskMessage task) {
        rabbit.send(Topology.TASKS_EXCHANGE, WorkerKind.VISION.routingKey(), AmqpMessages.task(task));
    }

    private static Path tempDirectory() {
        try {
            return Files.createTempDirectory("mf-vision-meters");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
