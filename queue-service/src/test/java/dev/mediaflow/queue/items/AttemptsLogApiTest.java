package dev.mediaflow.queue.items;

import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.Stories;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/api.md: {@code attempts_log} on every item, whatever order the events came in. */
class AttemptsLogApiTest extends ApiTest {

    @Test
    void everyAttemptOfEveryTaskWithItsTimesOutcomeAndError() {
        Events e = new Events(unique("owner"), Operation.standard(), 3);
        apply(Stories.completed(e));

        List<Map<String, Object>> log = attemptsLog(e.owner, e.jobId);
        assertThat(log).containsExactly(
                attempt("image", 1, "2026-01-10T12:00:01Z", "2026-01-10T12:00:05Z", "retrying", "decoder crashed"),
                attempt("image", 2, "2026-01-10T12:00:10Z", "2026-01-10T12:00:13Z", "succeeded", null),
                attempt("vision", 1, "2026-01-10T12:00:02Z", "2026-01-10T12:00:20Z", "succeeded", null));

        // the same events shuffled and duplicated give the same log
        Events shuffled = new Events(unique("owner"), Operation.standard(), 3);
        List<JobEvent> events = new ArrayList<>(Stories.completed(shuffled));
        events.addAll(Stories.completed(shuffled).subList(1, 8));
        Collections.shuffle(events, new Random(11));
        apply(events);
        assertThat(attemptsLog(shuffled.owner, shuffled.jobId)).isEqualTo(log);

        // the list carries it too
        Map<String, Object> page = as(e.owner, "user").get().uri("/api/queue/items?limit=5").exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) page.get("items");
        assertThat(items).singleElement().satisfies(item -> assertThat(item.get("attempts_log")).isEqualTo(log));
    }

    @Test
    void aDeadTaskShowsWhyInItsLastAttemptAndANewJobHasAnEmptyLog() {
        Events e = new Events(unique("owner"), Operation.standard(), 2);
        apply(Stories.failed(e));
        assertThat(attemptsLog(e.owner, e.jobId)).containsExactly(
                attempt("image", 1, "2026-01-10T12:00:01Z", "2026-01-10T12:00:02Z", "retrying", "out of memory"),
                attempt("image", 2, "2026-01-10T12:00:07Z", "2026-01-10T12:00:09Z", "dead", "out of memory again"),
                attempt("vision", 1, "2026-01-10T12:00:01Z", "2026-01-10T12:00:03Z", "succeeded", null));

        Events fresh = Events.allOperations(unique("owner"));
        apply(fresh.submitted());
        assertThat(attemptsLog(fresh.owner, fresh.jobId)).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> attemptsLog(String owner, UUID jobId) {
        Map<String, Object> item = as(owner, "user").get().uri("/api/queue/items/{id}", jobId).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(item).containsKey("attempts_log");
        return (List<Map<String, Object>>) item.get("attempts_log");
    }

    private static Map<String, Object> attempt(String kind, int attempt, String startedAt, String endedAt,
                                               String outcome, String error) {
        Map<String, Object> entry = new java.util.LinkedHashMap<>();
        entry.put("kind", kind);
        entry.put("run", 1);
        entry.put("attempt", attempt);
        entry.put("started_at", startedAt);
        entry.put("ended_at", endedAt);
        entry.put("outcome", outcome);
        entry.put("error", error);
        return entry;
    }
}
