package dev.mediaflow.queue.support;

import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.queue.events.JobEventApplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** An integration test that calls the API as the gateway would and applies events directly. */
public abstract class ApiTest extends IntegrationTest {

    protected static final Duration WAIT = Duration.ofSeconds(10);

    @Autowired
    protected WebTestClient http;
    @Autowired
    protected JobEventApplier applier;

    protected WebTestClient as(String owner, String role) {
        return SignedCalls.as(http, owner, role);
    }

    protected void apply(JobEvent... events) {
        apply(List.of(events));
    }

    protected void apply(List<JobEvent> events) {
        for (JobEvent event : events) {
            applier.apply(event).block(WAIT);
        }
    }

    /** {@code GET /api/queue/stats?projectId=}: the project's job count by status, as {@code owner} sees it. */
    @SuppressWarnings("unchecked")
    protected Map<String, Integer> projectStats(String owner, String role, String projectId) {
        Map<String, Object> body = as(owner, role).get().uri("/api/queue/stats?projectId={p}", projectId).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        return (Map<String, Integer>) body.get("stats");
    }

    protected static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
