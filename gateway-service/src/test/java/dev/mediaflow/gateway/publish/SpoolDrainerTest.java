package dev.mediaflow.gateway.publish;

import dev.mediaflow.gateway.support.GatewayIntegrationTest;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.WorkerKind;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
                List.of(Operation.BLUR, Operation.DEPTH), 42, 2, null, null, 1, Instant.now());
        spool.write(submission);
        Path file = STORAGE.resolve("spool/" + jobId + ".json");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(file).doesNotExist());

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
        spool.write(new JobSubmission(jobId, mediaItemId, "bob", "after.jpg", MediaType.PHOTO, 10, "cd".repeat(32),
                "uploads/bob/" + mediaItemId + ".jpg", "processed/bob/" + mediaItemId, List.of(Operation.THUMBNAIL),
                42, 1, null, null, 1, Instant.now()));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(bad).doesNotExist();
            assertThat(STORAGE.resolve("spool/" + garbled + ".unreadable")).exists();
            assertThat(STORAGE.resolve("spool/" + jobId + ".json")).doesNotExist();
        });
        assertThat(awaitMessage(WorkerKind.IMAGE.queue(), TaskMessage.class, t -> jobId.equals(t.jobId())).body()
                .operations()).containsExactly(Operation.THUMBNAIL);
    }
}
