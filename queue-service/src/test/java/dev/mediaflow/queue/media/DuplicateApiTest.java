package dev.mediaflow.queue.media;

import dev.mediaflow.messages.InternalMediaApi;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class DuplicateApiTest extends ApiTest {

    private static final List<Operation> IMAGE = List.of(Operation.THUMBNAIL, Operation.BLUR, Operation.LOW_QUALITY);
    private static final String IMAGE_OPS = "thumbnail,blur,low-quality";

    @Test
    void theOwnersCompletedItemWithTheSameBytesAndOperationsIsFound() {
        String owner = unique("owner");
        String sha = sha();
        Events earlier = new Events(owner, IMAGE, 1).sha256(sha);
        Events stillQueued = new Events(owner, IMAGE, 1).sha256(sha).createdAfter(60);
        apply(earlier.submitted(), earlier.imageSucceeded(1, 1, 2), stillQueued.submitted());

        InternalMediaApi.Duplicate found = lookup(owner, "user", sha, "low-quality,thumbnail,blur")
                .expectStatus().isOk()
                .expectBody(InternalMediaApi.Duplicate.class).returnResult().getResponseBody();
        assertThat(found.mediaItemId()).isEqualTo(earlier.mediaItemId);
        assertThat(found.outputDir()).isEqualTo(earlier.submission().outputDir());
        assertThat(found.results()).containsOnlyKeys("thumbnail", "blur", "low-quality");
        assertThat(found.results().get("thumbnail")).isEqualTo(VariantResult.of(320, 240, 9_000));
    }

    @Test
    void neverAnotherOwnersNorOtherOperationsNorOtherBytesNorAnUnfinishedOne() {
        String owner = unique("owner");
        String sha = sha();
        Events earlier = new Events(owner, IMAGE, 1).sha256(sha);
        Events unfinished = new Events(owner, List.of(Operation.DEPTH), 1).sha256(sha);
        apply(earlier.submitted(), earlier.imageSucceeded(1, 1, 2), unfinished.submitted());

        lookup(unique("bob"), "user", sha, IMAGE_OPS).expectStatus().isNotFound()
                .expectBody().jsonPath("$.error").isEqualTo("not_found");
        // admin too looks only among its own uploads
        lookup("root", "admin", sha, IMAGE_OPS).expectStatus().isNotFound();
        lookup(owner, "user", sha, "thumbnail").expectStatus().isNotFound();
        lookup(owner, "user", sha, "").expectStatus().isNotFound();
        lookup(owner, "user", sha, "depth").expectStatus().isNotFound();
        lookup(owner, "user", sha(), IMAGE_OPS).expectStatus().isNotFound();
    }

    @Test
    void badValuesAre400() {
        for (String[] q : List.of(new String[]{"xyz", IMAGE_OPS}, new String[]{"g".repeat(64), IMAGE_OPS},
                new String[]{sha(), "sharpen"})) {
            lookup("alice", "user", q[0], q[1]).expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.error").isEqualTo("bad_request");
        }
    }

    @Test
    void aDuplicateIsRecordedCompletedAtOnceWithTheResultsItReuses() {
        String owner = unique("owner");
        String sha = sha();
        Events earlier = new Events(owner, IMAGE, 1).sha256(sha);
        apply(earlier.submitted(), earlier.imageSucceeded(1, 1, 2));
        Events again = new Events(owner, IMAGE, 1).sha256(sha).createdAfter(120);
        Map<String, VariantResult> reused = Map.of("thumbnail", VariantResult.of(320, 240, 9_000),
                "blur", VariantResult.of(640, 480, 20_000), "low-quality", VariantResult.of(1280, 960, 60_000));

        apply(JobEvent.submitted(again.submission().asDuplicateOf(earlier.mediaItemId, reused)));

        as(owner, "user").get().uri("/api/queue/items/{id}", again.jobId).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("completed")
                .jsonPath("$.attempts").isEqualTo(0)
                .jsonPath("$.completed_at").isEqualTo(Events.T0.plusSeconds(120).toString())
                .jsonPath("$.results.thumbnail.url").isEqualTo("/api/media/" + again.mediaItemId + "/variants/thumbnail")
                .jsonPath("$.results.low-quality.bytes").isEqualTo(60000)
                .jsonPath("$.attempts_log.length()").isEqualTo(0);
        as(owner, "user").get().uri("/api/media/status?limit=1").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.items[0].media_item_id").isEqualTo(again.mediaItemId.toString())
                .jsonPath("$.items[0].duplicate_of").isEqualTo(earlier.mediaItemId.toString());
        // a completed duplicate is no job to cancel or retry
        as(owner, "user").post().uri("/api/queue/items/{id}/cancel", again.jobId).exchange()
                .expectStatus().isEqualTo(409);
    }

    @Test
    void aDuplicateWithoutAResultForEachOperationIsRefused() {
        Events e = new Events(unique("owner"), IMAGE, 1);
        JobEvent bad = JobEvent.submitted(e.submission().asDuplicateOf(UUID.randomUUID(),
                Map.of("thumbnail", VariantResult.of(1, 1, 1))));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> applier.apply(bad).block(WAIT))
                .hasMessageContaining("a result for each of its operations");
        as(e.owner, "user").get().uri("/api/queue/items/{id}", e.jobId).exchange().expectStatus().isNotFound();
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec lookup(
            String owner, String role, String sha, String operations) {
        return as(owner, role).get().uri(b -> b.path(InternalMediaApi.DUPLICATE).queryParam("sha256", sha)
                .queryParam("operations", operations).build()).exchange();
    }

    private static String sha() {
        return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
    }
}
