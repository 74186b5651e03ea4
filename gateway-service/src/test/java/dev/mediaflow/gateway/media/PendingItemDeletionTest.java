package dev.mediaflow.gateway.media;

import dev.mediaflow.gateway.publish.SubmissionSpool;
import dev.mediaflow.gateway.support.AbuseLimitsIntegrationTest;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DELETE of a media item whose job still waits in the gateway's spool (accepted as pending while the broker was
 * away; the stand-in queue-service knows no such item): the job is withdrawn, never to be published, and its files
 * go. Another owner's DELETE finds nothing and changes nothing.
 */
class PendingItemDeletionTest extends AbuseLimitsIntegrationTest {

    @Autowired
    SubmissionSpool spool;

    @Test
    void aPendingItemIsDeletedFromTheSpoolWithItsFilesAndOnlyByItsOwner() throws Exception {
        UUID jobId = UUID.randomUUID();
        UUID mediaItemId = UUID.randomUUID();
        Path input = STORAGE.resolve("uploads/alice/" + mediaItemId + ".jpg");
        Path output = STORAGE.resolve("processed/alice/" + mediaItemId);
        Files.createDirectories(input.getParent());
        Files.write(input, new byte[] {1, 2, 3});
        Files.createDirectories(output);
        spool.write(new JobSubmission(jobId, mediaItemId, "alice", "p.jpg", MediaType.PHOTO, 3, "00".repeat(32),
                "uploads/alice/" + mediaItemId + ".jpg", "processed/alice/" + mediaItemId,
                List.of(Operation.THUMBNAIL), 5, 3, null, null, 1, Instant.now(), null));

        delete(BOB, mediaItemId).expectStatus().isNotFound();
        assertThat(spool.find(jobId)).as("another owner's DELETE changes nothing").isPresent();
        assertThat(input).exists();

        delete(ALICE, mediaItemId).expectStatus().isOk().expectBody().jsonPath("$.success").isEqualTo(true);
        assertThat(spool.find(jobId)).as("withdrawn: the drainer will never publish it").isEmpty();
        assertThat(spool.jobIds()).doesNotContain(jobId);
        assertThat(input).doesNotExist();
        assertThat(output).doesNotExist();

        delete(ALICE, mediaItemId).expectStatus().isNotFound();
    }

    @Test
    void anItemNobodyHasIsStillNotFound() {
        delete(ADMIN, UUID.randomUUID()).expectStatus().isEqualTo(HttpStatus.NOT_FOUND)
                .expectBody().jsonPath("$.error").isEqualTo("not_found");
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec delete(String key, UUID item) {
        return client.delete().uri("/api/media/" + item).header("X-API-Key", key).exchange();
    }
}
