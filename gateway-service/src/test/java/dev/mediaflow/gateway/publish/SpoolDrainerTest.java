package dev.mediaflow.gateway.publish;

import dev.mediaflow.gateway.support.GatewayIntegrationTest;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.Topology;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SpoolDrainerTest extends GatewayIntegrationTest {

    @Autowired
    SubmissionSpool spool;

    @Test
    void aSpooledJobIsPublishedInTheBackgroundAndLeavesTheSpool() throws Exception {
        UUID jobId = UUID.randomUUID();
        UUID mediaItemId = UUID.randomUUID();
        JobSubmission submission = new JobSubmission(jobId, mediaItemId, "bob", "left-over.jpg", MediaType.PHOTO,
                1234, "ab".repeat(32), "uploads/bob/" + mediaItemId + ".jpg", "processed/bob/" + mediaItemId,
                List.of(Operation.BLUR, Operation.DEPTH), 42, 2, null, null, 1, Instant.now(), null);
        storeInput(submission);
        spool.write(submission);
        Path file = STORAGE.resolve("spool/" + jobId + ".json");
        // staged eight days ago (the broker was away that long): the published record must not look that old,
        // or the pruner would forget it at once as never recorded (MEDIAFLOW_PUBLISHED_MEMORY, 7 days)
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofDays(8))));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(file).doesNotExist());
        assertThat(published.find(jobId)).hasValueSatisfying(p -> {
            assertThat(p.submission()).isEqualTo(submission);
            assertThat(p.status()).isEqualTo("queued");
        });
        assertThat(published.publishedAt(jobId)).hasValueSatisfying(
                at -> assertThat(at).isAfter(Instant.now().minus(Duration.ofMinutes(1))));

        assertThat(awaitMessage(EVENTS_PROBE, JobEvent.class, e -> jobId.equals(e.jobId())).body().submission())
                .isEqualTo(submission);
        TaskMessage image = awaitMessage(WorkerKind.IMAGE.queue(), TaskMessage.class, t -> jobId.equals(t.jobId())).body();
        assertThat(image.operations()).containsExactly(Operation.BLUR);
        assertThat(image.maxAttempts()).isEqualTo(2);
        TaskMessage vision = awaitMessage(WorkerKind.VISION.queue(), TaskMessage.class, t -> jobId.equals(t.jobId())).body();
        assertThat(vision.operations()).containsExactly(Operation.DEPTH);
    }

    @Test
    void aSpoolFileThatIsNotAJobIsSetAsideAndDoesNotHoldBackTheOthers() throws Exception {
        UUID garbled = UUID.randomUUID();
        Path bad = STORAGE.resolve("spool/" + garbled + ".json");
        Files.writeString(bad, "{\"jobId\": truncated");
        Files.setLastModifiedTime(bad, java.nio.file.attribute.FileTime.fromMillis(0)); // first in the round

        UUID jobId = UUID.randomUUID();
        UUID mediaItemId = UUID.randomUUID();
        JobSubmission after = new JobSubmission(jobId, mediaItemId, "bob", "after.jpg", MediaType.PHOTO, 10,
                "cd".repeat(32), "uploads/bob/" + mediaItemId + ".jpg", "processed/bob/" + mediaItemId,
                List.of(Operation.THUMBNAIL), 42, 1, null, null, 1, Instant.now(), null);
        storeInput(after);
        spool.write(after);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(bad).doesNotExist();
            assertThat(STORAGE.resolve("spool/" + garbled + ".unreadable")).exists();
            assertThat(STORAGE.resolve("spool/" + jobId + ".json")).doesNotExist();
        });
        assertThat(awaitMessage(WorkerKind.IMAGE.queue(), TaskMessage.class, t -> jobId.equals(t.jobId())).body()
                .operations()).containsExactly(Operation.THUMBNAIL);
    }

    @Test
    void aJobCancelledWhilePendingReachesTheBrokerAsACancellationAndNoWork() throws Exception {
        Queue cancelProbe = new Queue("gateway-test.task-cancelled", false, false, false);
        amqpAdmin.declareQueue(cancelProbe);
        amqpAdmin.declareBinding(BindingBuilder.bind(cancelProbe).to(new TopicExchange(Topology.EVENTS_EXCHANGE))
                .with("task.cancelled"));
        amqpAdmin.purgeQueue(cancelProbe.getName(), false);
        UUID jobId = UUID.randomUUID();
        UUID mediaItemId = UUID.randomUUID();
        JobSubmission submission = new JobSubmission(jobId, mediaItemId, "bob", "cancelled.jpg", MediaType.PHOTO,
                10, "ef".repeat(32), "uploads/bob/" + mediaItemId + ".jpg", "processed/bob/" + mediaItemId,
                List.of(Operation.THUMBNAIL, Operation.DEPTH), 42, 3, null, null, 1, Instant.now(), null);
        storeInput(submission);
        spool.markCancelled(jobId); // the mark first: the drainer must never see the job without it
        spool.write(submission);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(STORAGE.resolve("spool/" + jobId + ".json")).doesNotExist();
            assertThat(STORAGE.resolve("spool/" + jobId + ".cancelled")).doesNotExist();
        });
        assertThat(awaitMessage(EVENTS_PROBE, JobEvent.class, e -> jobId.equals(e.jobId())).body().submission())
                .isEqualTo(submission);
        Set<WorkerKind> cancelled = new HashSet<>();
        cancelled.add(awaitMessage(cancelProbe.getName(), JobEvent.class, e -> jobId.equals(e.jobId())).body().worker());
        cancelled.add(awaitMessage(cancelProbe.getName(), JobEvent.class, e -> jobId.equals(e.jobId())).body().worker());
        assertThat(cancelled).containsExactlyInAnyOrder(WorkerKind.IMAGE, WorkerKind.VISION);
        assertThat(noTaskFor(jobId, WorkerKind.IMAGE.queue())).isTrue();
        assertThat(noTaskFor(jobId, WorkerKind.VISION.queue())).isTrue();
        assertThat(published.find(jobId)).hasValueSatisfying(p -> assertThat(p.status()).isEqualTo("cancelled"));
    }

    @Test
    void aSpooledJobWhoseUploadWasNeverStoredIsSetAsideNotPublished() throws Exception {
        UUID jobId = UUID.randomUUID();
        UUID mediaItemId = UUID.randomUUID();
        spool.write(new JobSubmission(jobId, mediaItemId, "bob", "crashed.jpg", MediaType.PHOTO, 10,
                "12".repeat(32), "uploads/bob/" + mediaItemId + ".jpg", "processed/bob/" + mediaItemId,
                List.of(Operation.THUMBNAIL), 42, 1, null, null, 1, Instant.now(), null));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(STORAGE.resolve("spool/" + jobId + ".no-input")).exists());
        assertThat(STORAGE.resolve("spool/" + jobId + ".json")).doesNotExist();
        assertThat(noTaskFor(jobId, WorkerKind.IMAGE.queue())).isTrue();
    }

    @Autowired
    PublishedJobs published;

    private boolean noTaskFor(UUID jobId, String queue) {
        Message message;
        while ((message = rabbit.receive(queue, 1000)) != null) {
            if (jobId.equals(Json.read(message.getBody(), TaskMessage.class).jobId())) {
                return false;
            }
        }
        return true;
    }

    private static void storeInput(JobSubmission submission) throws IOException {
        Path input = STORAGE.resolve(submission.inputPath());
        Files.createDirectories(input.getParent());
        Files.write(input, new byte[] {1, 2, 3});
    }
}
