package dev.mediaflow.visionworker.tasks;

import dev.mediaflow.messages.AmqpMessages;
import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.visionworker.ServiceTest;
import dev.mediaflow.visionworker.depth.DepthEstimator;
import dev.mediaflow.visionworker.depth.TestPictures;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

/**
 * A depth task publishes {@code task.progress} at its real steps, in order, between its start and its success.
 * (A video's frame-grab step comes from the decoder both workers share; the image worker's tests cover it.)
 */
class DepthProgressTest extends ServiceTest {

    private static final Path STORAGE = tempDirectory();
    private static final String PROBE = "vision-test.task-events";

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        rowDepthModelOnCpu(registry, STORAGE);
        registry.add("mediaflow.progress-interval", () -> "0"); // every step, not paced: PacedProgressTest's part
    }

    @Autowired
    DepthEstimator estimator;
    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    AmqpAdmin admin;

    @BeforeEach
    void loadedAndListening() throws Exception {
        estimator.ready().get(120, TimeUnit.SECONDS);
        Queue probe = new Queue(PROBE, false, false, false);
        admin.declareQueue(probe);
        admin.declareBinding(BindingBuilder.bind(probe).to(new TopicExchange(Topology.EVENTS_EXCHANGE)).with("task.*"));
        admin.purgeQueue(PROBE, false);
    }

    @Test
    void aPhotoReportsDecodeInferenceAndEncode() throws Exception {
        TaskMessage task = task(MediaType.PHOTO, "jpg", jpeg());
        assertThat(progressOf(task)).containsExactly(DepthTaskHandler.DECODED, DepthTaskHandler.INFERRED,
                DepthTaskHandler.ENCODED);
    }

    /** The progress of one task's events, in the order published, up to its success. */
    private List<Integer> progressOf(TaskMessage task) {
        rabbit.send(Topology.TASKS_EXCHANGE, WorkerKind.VISION.routingKey(), AmqpMessages.task(task));
        List<Integer> progress = new ArrayList<>();
        List<EventType> seen = new ArrayList<>();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (!seen.contains(EventType.TASK_SUCCEEDED)) {
            assertThat(Instant.now()).as("events so far: " + seen).isBefore(deadline);
            Message message = rabbit.receive(PROBE, 500);
            if (message == null) {
                continue;
            }
            JobEvent event = Json.read(message.getBody(), JobEvent.class);
            if (!event.jobId().equals(task.jobId())) {
                continue;
            }
            seen.add(event.type());
            if (event.type() == EventType.TASK_PROGRESS) {
                progress.add(event.progress());
            }
        }
        assertThat(seen.get(0)).isEqualTo(EventType.TASK_STARTED);
        assertThat(seen).doesNotContain(EventType.TASK_FAILED);
        return progress;
    }

    private static byte[] jpeg() throws IOException {
        Path file = Files.createTempFile(STORAGE, "picture", ".jpg");
        try (Mat picture = TestPictures.jpegLike(320, 240, 5)) {
            imwrite(file.toString(), picture);
        }
        return Files.readAllBytes(file);
    }

    private static TaskMessage task(MediaType type, String extension, byte[] bytes) throws IOException {
        UUID media = UUID.randomUUID();
        String input = "uploads/alice/" + media + "." + extension;
        Files.createDirectories(STORAGE.resolve("uploads/alice"));
        Files.write(STORAGE.resolve(input), bytes);
        return new TaskMessage(UUID.randomUUID(), media, "alice", type, WorkerKind.VISION, input,
                "processed/alice/" + media, List.of(Operation.DEPTH), 5, 1, 1, 1, "00", Instant.now());
    }

    private static Path tempDirectory() {
        try {
            return Files.createTempDirectory("mf-vision-progress");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
