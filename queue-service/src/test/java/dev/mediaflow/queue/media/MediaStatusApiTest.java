package dev.mediaflow.queue.media;

import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class MediaStatusApiTest extends ApiTest {

    @Test
    @SuppressWarnings("unchecked")
    void theCallersMediaItemsNewestFirstEachWithItsLatestJob() {
        String owner = unique("owner");
        Events first = new Events(owner, List.of(Operation.THUMBNAIL), 1);
        Events second = new Events(owner, List.of(Operation.THUMBNAIL), 1).createdAfter(60);
        apply(first.submitted(), first.imageSucceeded(1, 1, 2));
        apply(second.submitted());
        Events others = Events.allOperations(unique("other"));
        apply(others.submitted());
        UUID redo = UUID.fromString((String) as(owner, "user").post().uri("/api/queue/redo")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("queueId", first.jobId.toString(), "operations", List.of("blur")))
                .exchange().expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody().get("jobId"));

        String body = as(owner, "user").get().uri("/api/media/status").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        Map<String, Object> response = Json.MAPPER.readValue(body, Map.class);
        assertThat(response).containsOnlyKeys("count", "items", "pagination").containsEntry("count", 2)
                .containsEntry("pagination", Map.of("limit", 50, "offset", 0));
        List<Map<String, Object>> items = (List<Map<String, Object>>) response.get("items");
        assertThat(items).extracting(i -> i.get("media_item_id"))
                .containsExactly(second.mediaItemId.toString(), first.mediaItemId.toString());
        assertThat(items.get(1)).containsOnlyKeys("media_item_id", "original_filename", "media_type", "file_size",
                        "sha256", "created_at", "duplicate_of", "latest_job")
                .containsEntry("original_filename", "holiday.jpg")
                .containsEntry("media_type", "photo")
                .containsEntry("duplicate_of", null);
        Map<String, Object> latest = (Map<String, Object>) items.get(1).get("latest_job");
        assertThat(latest).containsEntry("id", redo.toString()).containsEntry("status", "queued")
                .containsEntry("operations", List.of("blur"));
        assertThat((Map<String, Object>) items.get(0).get("latest_job"))
                .containsEntry("id", second.jobId.toString()).containsEntry("status", "queued");

        as(owner, "user").get().uri("/api/media/status?limit=1&offset=1").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.count").isEqualTo(2)
                .jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].media_item_id").isEqualTo(first.mediaItemId.toString())
                .jsonPath("$.pagination.limit").isEqualTo(1)
                .jsonPath("$.pagination.offset").isEqualTo(1);
    }

    @Test
    void anotherOwnerSeesNoneOfThemAndAdminSeesAll() {
        String owner = unique("owner");
        // uploaded far later than every other test's item, so it is on admin's first page
        Events e = Events.allOperations(owner).createdAfter(10 * 365 * 24 * 3600);
        apply(e.submitted(), e.started(WorkerKind.IMAGE, 1, 1));

        as(unique("stranger"), "user").get().uri("/api/media/status").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.count").isEqualTo(0).jsonPath("$.items.length()").isEqualTo(0);
        String all = as("root", "admin").get().uri("/api/media/status?limit=5").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(all).contains(e.mediaItemId.toString()).contains("\"processing\"");
    }

    @Test
    void badPagingIsA400() {
        for (String query : List.of("limit=0", "limit=501", "limit=ten", "offset=-1", "offset=x")) {
            as("alice", "user").get().uri("/api/media/status?" + query).exchange()
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.error").isEqualTo("bad_request").jsonPath("$.message").isNotEmpty();
        }
    }
}
