package dev.mediaflow.visionworker.ai;

import dev.mediaflow.visionworker.ServiceTest;
import dev.mediaflow.visionworker.depth.DepthEstimator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.messages.WorkerKind;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A corrupt model file: the worker stays up, /health says why with 503, /actuator/health stays UP, and
 * depth tasks wait in their queue instead of failing.
 */
class AiEndpointsFailedModelTest extends ServiceTest {

    @Autowired
    WebTestClient client;

    @Autowired
    DepthEstimator estimator;

    private static String CORRUPT_DIR = "never-set";

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        registry.add("mediaflow.depth.model", () -> {
            try {
                Path dir = Files.createTempDirectory("vision-worker-test");
                CORRUPT_DIR = dir.toString();
                dir.toFile().deleteOnExit();
                Path corrupt = Files.write(dir.resolve("corrupt-model.pt"), "PK\u0003\u0004 truncated".getBytes());
                corrupt.toFile().deleteOnExit();
                return corrupt.toString();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @BeforeEach
    void failed() {
        assertThatThrownBy(() -> estimator.ready().get(120, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    }

    @Test
    void healthAnswers503WithTheReason() {
        client.get().uri("/health").exchange()
                .expectStatus().isEqualTo(503)
                .expectBody()
                .jsonPath("$.status").isEqualTo("unhealthy")
                .jsonPath("$.service").isEqualTo("vision-worker")
                .jsonPath("$.model").isEqualTo("corrupt-model.pt")
                .jsonPath("$.model_status").isEqualTo("failed")
                .jsonPath("$.device").isEqualTo("cpu")
                .jsonPath("$.message").value(m -> org.assertj.core.api.Assertions.assertThat((String) m)
                        .startsWith("cannot load the depth model").doesNotContain(CORRUPT_DIR));
    }

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    AmqpAdmin admin;

    @Test
    void tasksWaitInTheirQueueWhileTheModelIsBroken() throws InterruptedException {
        UUID media = UUID.randomUUID();
        TaskMessage task = new TaskMessage(UUID.randomUUID(), media, "alice", MediaType.PHOTO, WorkerKind.VISION,
                "uploads/alice/" + media + ".jpg", "processed/alice/" + media, List.of(Operation.DEPTH), 10, 1, 1, 3,
                "00", Instant.now());
        rabbit.send(Topology.TASKS_EXCHANGE, WorkerKind.VISION.routingKey(), new Message(Json.write(task)));
        Thread.sleep(3000);
        assertThat(admin.getQueueInfo(WorkerKind.VISION.queue()).getMessageCount()).isEqualTo(1);
    }

    @Test
    void theWorkerItselfStaysUp() {
        client.get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.depthModel.status").isEqualTo("UP");
        client.get().uri("/health").exchange()
                .expectBody().jsonPath("$.model_status").isEqualTo("failed");
        signedGet(client, "/info").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.model").isEqualTo("corrupt-model.pt");
    }
}
