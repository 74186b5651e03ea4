package dev.mediaflow.gateway.limits;

import dev.mediaflow.gateway.support.AbuseLimitsIntegrationTest;
import dev.mediaflow.gateway.support.Multipart;
import dev.mediaflow.gateway.support.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The owner's count of jobs in flight read from queue-service is remembered ({@code MEDIAFLOW_INFLIGHT_COUNT_TTL},
 * 1 h here) with the uploads accepted since added to it: uploads within the TTL do not each ask queue-service, the
 * cap (3) still holds, a refusal is confirmed by a fresh read, and after a refusal the next upload reads anew.
 */
@TestPropertySource(properties = "mediaflow.inflight-count-ttl=1h")
class RememberedInflightCountTest extends AbuseLimitsIntegrationTest {

    private static final byte[] JPEG = TestFiles.image("jpg", 64, 48);

    @AfterEach
    void clean() {
        QUEUE_SERVICE.setQueued("alice", 0);
    }

    @Test
    void aRememberedCountKeepsTheCapWithTheUploadsAcceptedSince() {
        QUEUE_SERVICE.setQueued("alice", MAX_INFLIGHT - 2);
        int calls = QUEUE_SERVICE.statsCalls("alice");

        upload(ALICE, Multipart.file("one.jpg", JPEG, "image/jpeg")).expectStatus().isAccepted();
        assertThat(QUEUE_SERVICE.statsCalls("alice")).as("read once").isEqualTo(calls + 1);

        QUEUE_SERVICE.setQueued("alice", MAX_INFLIGHT - 1); // queue-service recorded the first upload's job
        upload(ALICE, Multipart.file("two.jpg", JPEG, "image/jpeg")).expectStatus().isAccepted();
        assertThat(QUEUE_SERVICE.statsCalls("alice")).as("remembered, plus the upload accepted since")
                .isEqualTo(calls + 1);

        QUEUE_SERVICE.setQueued("alice", MAX_INFLIGHT); // and the second's
        upload(ALICE, Multipart.file("three.jpg", JPEG, "image/jpeg"))
                .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectBody().jsonPath("$.error").isEqualTo("too_many_jobs_in_flight");
        assertThat(QUEUE_SERVICE.statsCalls("alice")).as("the refusal confirmed by a fresh read").isEqualTo(calls + 2);

        QUEUE_SERVICE.setQueued("alice", MAX_INFLIGHT - 1); // a job finished
        upload(ALICE, Multipart.file("four.jpg", JPEG, "image/jpeg")).expectStatus().isAccepted();
        assertThat(QUEUE_SERVICE.statsCalls("alice")).as("read anew after the refusal").isEqualTo(calls + 3);
    }

    /** A count remembered as too high (jobs finished since) never refuses: the fresh read lets the upload in. */
    @Test
    void aStaleCountAtTheCapIsCheckedBeforeItRefuses() {
        QUEUE_SERVICE.setQueued("alice", MAX_INFLIGHT - 1);
        upload(ALICE, Multipart.file("one.jpg", JPEG, "image/jpeg")).expectStatus().isAccepted();

        QUEUE_SERVICE.setQueued("alice", 0); // every job finished meanwhile
        upload(ALICE, Multipart.file("two.jpg", JPEG, "image/jpeg")).expectStatus().isAccepted();
        upload(ALICE, Multipart.file("three.jpg", JPEG, "image/jpeg")).expectStatus().isAccepted();
    }
}
