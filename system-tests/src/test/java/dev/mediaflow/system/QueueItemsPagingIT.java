package dev.mediaflow.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Keyset pagination of {@code GET /api/queue/items} through the gateway: {@code pagination.next} walks the same
 * list that one page shows, a garbled cursor or one of another order is a 400 in the error shape, and another
 * owner's cursor never shows the caller someone else's jobs.
 */
@ExtendWith(StackExtension.class)
class QueueItemsPagingIT {

    private static final String ORDER = "orderBy=queued_at&orderDirection=DESC";

    @TempDir
    Path tmp;

    @Test
    void nextWalksTheCallersListAndABadCursorIsA400(Stack stack) throws Exception {
        ApiClient alice = stack.client("dev-alice-key");
        ApiClient bob = stack.client("dev-bob-key");
        List<String> uploaded = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // different sizes, so that no upload is a repeat of another
            Path photo = Media.png(tmp.resolve("page-" + i + ".png"), 64 + i, 48);
            ApiClient.Response upload = alice.upload("page-" + i + ".png", photo, Map.of("operations", "thumbnail"));
            assertThat(upload.status()).as(upload.text()).isEqualTo(202);
            uploaded.add(upload.json().get("queueId").asString());
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> ids(alice.get("/api/queue/items?limit=500&" + ORDER).json()).containsAll(uploaded));

        JsonNode one = alice.get("/api/queue/items?limit=500&" + ORDER).json();
        assertThat(one.get("pagination").get("next").isNull()).isTrue();
        List<String> walked = new ArrayList<>();
        String next = null;
        do {
            ApiClient.Response page = alice.get("/api/queue/items?limit=2&" + ORDER + (next == null ? "" : "&after=" + next));
            assertThat(page.status()).as(page.text()).isEqualTo(200);
            walked.addAll(ids(page.json()));
            JsonNode cursor = page.json().get("pagination").get("next");
            next = cursor.isNull() ? null : cursor.asString();
        } while (next != null && walked.size() <= one.get("items").size());
        assertThat(walked).isEqualTo(ids(one));
        List<String> newestFirst = new ArrayList<>(uploaded);
        Collections.reverse(newestFirst);
        assertThat(walked.subList(0, 5)).as("the newest first").isEqualTo(newestFirst);

        String cursor = alice.get("/api/queue/items?limit=1&" + ORDER).json().get("pagination").get("next").asString();
        for (String bad : List.of("after=" + cursor + "&orderBy=priority", "after=x" + cursor + "&" + ORDER)) {
            ApiClient.Response answer = alice.get("/api/queue/items?" + bad);
            assertThat(answer.status()).as(answer.text()).isEqualTo(400);
            assertThat(answer.json().get("error").asString()).isEqualTo("bad_request");
            assertThat(answer.json().get("message").asString()).contains("after");
        }
        ApiClient.Response bobs = bob.get("/api/queue/items?limit=500&" + ORDER + "&after=" + cursor);
        assertThat(bobs.status()).as(bobs.text()).isEqualTo(200);
        assertThat(ids(bobs.json())).doesNotContainAnyElementsOf(uploaded);
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("id").asString()));
        return ids;
    }
}
