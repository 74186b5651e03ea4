package dev.mediaflow.gateway.limits;

import dev.mediaflow.gateway.publish.SubmissionSpool;
import dev.mediaflow.gateway.support.AbuseLimitsIntegrationTest;
import dev.mediaflow.gateway.support.Multipart;
import dev.mediaflow.gateway.support.TestFiles;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code MEDIAFLOW_MAX_INFLIGHT_PER_OWNER} (3 here): an owner whose jobs in flight are at the cap
 * gets 429 for a new upload and nothing is kept, while another owner uploads as usual. The count
 * is queue-service's record (the stand-in's stats for the owner) plus what only the gateway knows
 * (its spool). The count is read for every request here ({@code MEDIAFLOW_INFLIGHT_COUNT_TTL} 0, as every test of
 * this shared gateway sets the stand-in's counts freely); {@link RememberedInflightCountTest} remembers it.
 */
class InflightJobLimitTest extends AbuseLimitsIntegrationTest {

    private static final byte[] JPEG = TestFiles.image("jpg", 64, 48);

    @Autowired
    SubmissionSpool spool;
    private final List<UUID> spooled = new ArrayList<>();

    @AfterEach
    void clean() {
        QUEUE_SERVICE.setQueued("alice", 0);
        QUEUE_SERVICE.setQueued("admin", 0);
        QUEUE_SERVICE.setQueued("bob", 0);
        spooled.forEach(spool::delete);
    }

    @Test
    void anOwnerAtTheCapIsRefusedWhileAnotherUploads() {
        QUEUE_SERVICE.setQueued("alice", MAX_INFLIGHT);
        List<Path> before = TestFiles.filesUnder(STORAGE.resolve("uploads"));

        upload(ALICE, Multipart.file("one-too-many.jpg", JPEG, "image/jpeg"))
                .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectBody().jsonPath("$.error").isEqualTo("too_many_jobs_in_flight")
                .jsonPath("$.message").value(m -> assertThat((String) m).contains("3"));
        assertThat(TestFiles.filesUnder(STORAGE.resolve("uploads"))).isEqualTo(before);
        assertThat(tempFiles()).isEmpty();

        upload(BOB, Multipart.file("bob.jpg", JPEG, "image/jpeg")).expectStatus().isAccepted();

        QUEUE_SERVICE.setQueued("alice", MAX_INFLIGHT - 1);
        upload(ALICE, Multipart.file("room-for-one.jpg", JPEG, "image/jpeg")).expectStatus().isAccepted();
    }

    /** The cap is on the admin's own jobs, not on everyone's (which the admin's stats answer). */
    @Test
    void anAdminsUploadCountsTheAdminsOwnJobsOnly() {
        QUEUE_SERVICE.setQueued("alice", MAX_INFLIGHT);
        QUEUE_SERVICE.setQueued("bob", MAX_INFLIGHT);

        upload(ADMIN, Multipart.file("admin.jpg", JPEG, "image/jpeg")).expectStatus().isAccepted();

        QUEUE_SERVICE.setQueued("admin", MAX_INFLIGHT);
        upload(ADMIN, Multipart.file("admin-two.jpg", JPEG, "image/jpeg"))
                .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
    }

    @Test
    void jobsOnlyInTheGatewaysSpoolCountToo() throws Exception {
        for (int i = 0; i < MAX_INFLIGHT; i++) {
            UUID jobId = UUID.randomUUID();
            UUID mediaItemId = UUID.randomUUID();
            spool.write(new JobSubmission(jobId, mediaItemId, "admin", "s.jpg", MediaType.PHOTO, 10, "00".repeat(32),
                    "uploads/admin/" + mediaItemId + ".jpg", "processed/admin/" + mediaItemId,
                    List.of(Operation.THUMBNAIL), 5, 3, null, null, 1, Instant.now(), null));
            spooled.add(jobId);
        }
        upload(ADMIN, Multipart.file("a.jpg", JPEG, "image/jpeg"))
                .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectBody().jsonPath("$.error").isEqualTo("too_many_jobs_in_flight");

        spool.delete(spooled.remove(0));
        upload(ADMIN, Multipart.file("a.jpg", JPEG, "image/jpeg")).expectStatus().isAccepted();
    }

    @Test
    void enqueueRedoAndRetryAreHeldToTheCapLikeAnUpload() {
        QUEUE_SERVICE.setQueued("alice", MAX_INFLIGHT);
        String item = UUID.randomUUID().toString();
        List<String> makesWork = List.of("/api/queue/enqueue/" + item, "/api/queue/enqueue", "/api/queue/redo",
                "/api/queue/retry", "/api/queue/items/" + item + "/retry");

        for (String path : makesWork) {
            post(ALICE, path).expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                    .expectBody().jsonPath("$.error").isEqualTo("too_many_jobs_in_flight");
            post(BOB, path).expectStatus().isOk();
        }
        // reading and cancelling never make work: an owner at the cap may still do them
        client.get().uri("/api/queue/items").header("X-API-Key", ALICE).exchange().expectStatus().isOk();
        post(ALICE, "/api/queue/items/" + item + "/cancel").expectStatus().isOk();

        // the admin's count is everyone's: an operator's retry after an incident is never refused for it
        QUEUE_SERVICE.setQueued("admin", MAX_INFLIGHT);
        for (String path : makesWork) {
            post(ADMIN, path).expectStatus().isOk();
        }

        QUEUE_SERVICE.setQueued("alice", MAX_INFLIGHT - 1);
        for (String path : makesWork) {
            post(ALICE, path).expectStatus().isOk();
        }
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec post(String key, String path) {
        return client.post().uri(path).header("X-API-Key", key)
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON).bodyValue("{}").exchange();
    }
}
