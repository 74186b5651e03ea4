package dev.mediaflow.gateway.publish;

import dev.mediaflow.gateway.support.GatewayIntegrationTest;
import dev.mediaflow.gateway.support.Multipart;
import dev.mediaflow.gateway.support.TestFiles;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.messages.WorkerKind;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A task that no queue takes is not "sent": the job stays in the spool until it can be routed. */
class UnroutableJobTest extends GatewayIntegrationTest {

    @Test
    void aJobWhoseTaskNoQueueTakesStaysPendingUntilItCanBeRouted() throws Exception {
        Binding visionBinding = BindingBuilder.bind(new Queue(WorkerKind.VISION.queue()))
                .to(new TopicExchange(Topology.TASKS_EXCHANGE)).with(WorkerKind.VISION.routingKey());
        amqpAdmin.removeBinding(visionBinding);
        String jobId;
        try {
            Multipart multipart = Multipart.file("nowhere.jpg", TestFiles.image("jpg", 120, 80), "image/jpeg")
                    .field("operations", "thumbnail,depth");
            Map<String, Object> body = upload(ALICE, multipart).expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                    .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
                    }).returnResult().getResponseBody();
            assertThat(body).containsEntry("status", "pending");
            jobId = (String) body.get("queueId");
            Path spooled = STORAGE.resolve("spool/" + jobId + ".json");
            Thread.sleep(1500); // several drain rounds at 300 ms
            assertThat(spooled).as("still spooled: the vision task was returned, not delivered").exists();
        } finally {
            amqpAdmin.declareBinding(visionBinding);
        }
        UUID id = UUID.fromString(jobId);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(STORAGE.resolve("spool/" + jobId + ".json")).doesNotExist());
        assertThat(awaitMessage(WorkerKind.VISION.queue(), TaskMessage.class, t -> id.equals(t.jobId())).body().jobId())
                .isEqualTo(id);
    }
}
