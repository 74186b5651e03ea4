package dev.mediaflow.queue.items;

import dev.mediaflow.messages.Json;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code after} and {@code pagination.next} of {@code GET /api/queue/items} over HTTP: a walk by {@code next} lists
 * what one page lists, a cursor never shows another owner's jobs, and a cursor that is garbled or was made for
 * another order or filter is a 400 that says which (beside the same cursor used rightly, a 200).
 */
class ItemCursorApiTest extends ApiTest {

    @Test
    void walkingByNextListsWhatOnePageListsAndTheLastPageHasNoNext() {
        String owner = unique("walk");
        for (int priority : new int[]{5, 5, 50, 90, 90, 90, 7}) {
            apply(Events.allOperations(owner).priority(priority).submitted());
            apply(Events.allOperations(unique("other")).priority(priority).submitted());
        }
        for (String order : List.of("orderBy=priority&orderDirection=DESC", "orderBy=priority",
                "orderBy=queued_at&orderDirection=DESC", "orderBy=file_size", "status=queued&orderBy=priority")) {
            JsonNode all = get(owner, "user", "/api/queue/items?limit=500&" + order);
            assertThat(all.get("count").asLong()).isEqualTo(7);
            assertThat(all.get("pagination").get("next").isNull()).as("one page holds all, %s", order).isTrue();
            List<String> walked = new ArrayList<>();
            String next = null;
            do {
                JsonNode page = get(owner, "user", "/api/queue/items?limit=3&" + order
                        + (next == null ? "" : "&after=" + next));
                assertThat(page.get("count").asLong()).isEqualTo(7);
                assertThat(page.get("pagination").get("limit").asInt()).isEqualTo(3);
                assertThat(page.get("pagination").get("offset").asLong()).isZero();
                page.get("items").forEach(item -> walked.add(item.get("id").asString()));
                next = page.get("pagination").get("next").isNull() ? null : page.get("pagination").get("next").asString();
            } while (next != null && walked.size() < 100);
            assertThat(walked).as(order).hasSize(7).isEqualTo(ids(all));
        }
    }

    @Test
    void offsetWithACursorCountsFromTheCursor() {
        String owner = unique("offset");
        for (int priority = 1; priority <= 6; priority++) {
            apply(Events.allOperations(owner).priority(priority).submitted());
        }
        List<String> all = ids(get(owner, "user", "/api/queue/items?limit=500"));
        String next = get(owner, "user", "/api/queue/items?limit=2").get("pagination").get("next").asString();
        JsonNode skipped = get(owner, "user", "/api/queue/items?limit=2&offset=1&after=" + next);
        assertThat(ids(skipped)).isEqualTo(all.subList(3, 5));
        assertThat(skipped.get("pagination").get("offset").asLong()).isEqualTo(1);
    }

    @Test
    void aCursorNeverShowsAnotherOwnersJobs() {
        String alice = unique("alice");
        String bob = unique("bob");
        List<String> alices = new ArrayList<>();
        for (int priority : new int[]{10, 20, 30, 40}) {
            Events job = Events.allOperations(alice).priority(priority);
            apply(job.submitted(), Events.allOperations(bob).priority(priority + 5).submitted());
            alices.add(job.jobId.toString());
        }
        // bob's cursor points into his own list, just after his first job; alice gets only her jobs after that key
        String bobs = get(bob, "user", "/api/queue/items?limit=1").get("pagination").get("next").asString();
        assertThat(ids(get(alice, "user", "/api/queue/items?limit=500&after=" + bobs)))
                .isEqualTo(alices.subList(1, 4));
        // the admin's cursor (over every owner's jobs) does not widen alice's list either
        String admins = get("root", "admin", "/api/queue/items?limit=1").get("pagination").get("next").asString();
        assertThat(ids(get(alice, "user", "/api/queue/items?limit=500&after=" + admins))).isSubsetOf(alices);
        // a forged cursor naming bob's job and key starts after it, and still lists only alice's
        String forged = cursor("priority", "ASC", "-", "15", UUID.randomUUID().toString());
        assertThat(ids(get(alice, "user", "/api/queue/items?limit=500&after=" + forged)))
                .isEqualTo(alices.subList(1, 4));
    }

    @Test
    void aGarbledCursorOrOneOfAnotherOrderOrFilterIsA400ThatSaysWhich() {
        String owner = unique("bad");
        apply(Events.allOperations(owner).priority(3).submitted(), Events.allOperations(owner).priority(4).submitted());
        String good = get(owner, "user", "/api/queue/items?limit=1&orderBy=queued_at&orderDirection=DESC")
                .get("pagination").get("next").asString();
        assertThat(ids(get(owner, "user", "/api/queue/items?limit=1&orderBy=queued_at&orderDirection=DESC&after="
                + good))).hasSize(1);
        Map<String, String> refused = Map.of(
                "orderBy=priority&orderDirection=DESC&after=" + good, "another order",
                "orderBy=queued_at&orderDirection=ASC&after=" + good, "another order",
                "orderBy=queued_at&orderDirection=DESC&status=queued&after=" + good, "another status filter",
                "orderBy=queued_at&orderDirection=DESC&after=" + good.substring(1), "not a cursor",
                "after=" + "%25%25%25", "not a cursor",
                "after=" + base64("just text"), "not a cursor",
                "after=" + cursor("priority", "ASC", "-", "high", UUID.randomUUID().toString()), "not a cursor",
                "after=" + cursor("priority", "ASC", "-", "3", "not-a-uuid"), "not a cursor",
                "after=" + cursor("owner", "ASC", "-", "3", UUID.randomUUID().toString()), "not a cursor",
                "after=" + "A".repeat(ItemCursor.MAX_LENGTH + 4), "not a cursor");
        refused.forEach((query, message) -> as(owner, "user").get().uri("/api/queue/items?" + query).exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error").isEqualTo("bad_request")
                .jsonPath("$.message").value(text -> assertThat((String) text).as(query).contains(message)));
    }

    private JsonNode get(String owner, String role, String uri) {
        String body = as(owner, role).get().uri(uri).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        return Json.MAPPER.readTree(body);
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("id").asString()));
        return ids;
    }

    private static String cursor(String orderBy, String direction, String status, String key, String id) {
        return base64(String.join("\n", "v1", orderBy, direction, status, key, id));
    }

    private static String base64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
