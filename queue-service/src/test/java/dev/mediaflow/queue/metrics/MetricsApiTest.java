package dev.mediaflow.queue.metrics;

import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsApiTest extends ApiTest {

    @Autowired
    private DatabaseClient db;

    /** Seconds after {@link Events#T0} of a moment {@code ago} before now, so that events land in the time ranges. */
    private static int secondsAgo(Duration ago) {
        return (int) Duration.between(Events.T0, Instant.now().minus(ago)).toSeconds();
    }

    private static String hourOf(int secondsAfterT0) {
        return Events.T0.plusSeconds(secondsAfterT0).truncatedTo(ChronoUnit.HOURS).toString();
    }

    @Test
    void successRateDurationsAndHourlyBucketsOfFinishedJobsInTheRange() {
        String owner = unique("owner");
        String project = unique("project");
        Events recentDone = depthJob(owner, project);
        Events recentFailed = depthJob(owner, project);
        Events oldDone = depthJob(owner, project);
        Events stillQueued = depthJob(owner, project);
        int doneAt = secondsAgo(Duration.ofHours(2));
        int failedAt = secondsAgo(Duration.ofHours(1));
        apply(recentDone.submitted(), recentDone.started(WorkerKind.VISION, 1, doneAt - 10),
                recentDone.visionSucceeded(1, 1, doneAt));
        apply(recentFailed.submitted(), recentFailed.started(WorkerKind.VISION, 1, failedAt - 30),
                recentFailed.dead(WorkerKind.VISION, 1, "model crashed", failedAt));
        apply(oldDone.submitted(), oldDone.started(WorkerKind.VISION, 1, 1), oldDone.visionSucceeded(1, 1, 5));
        apply(stillQueued.submitted());
        apply(depthJob(unique("other"), project).submitted());

        for (String query : List.of("", "?timeRange=24h", "?timeRange=7d&projectId=" + project)) {
            as(owner, "user").get().uri("/api/queue/metrics" + query).exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.success").isEqualTo(true)
                    .jsonPath("$.stats.successRate").isEqualTo(0.5)
                    .jsonPath("$.stats.avgDuration").isEqualTo(20000)
                    .jsonPath("$.stats.minDuration").isEqualTo(10000)
                    .jsonPath("$.stats.maxDuration").isEqualTo(30000)
                    .jsonPath("$.stats.hourlyBreakdown.length()").isEqualTo(2)
                    .jsonPath("$.stats.hourlyBreakdown[0].hour").isEqualTo(hourOf(doneAt))
                    .jsonPath("$.stats.hourlyBreakdown[0].completed").isEqualTo(1)
                    .jsonPath("$.stats.hourlyBreakdown[0].failed").isEqualTo(0)
                    .jsonPath("$.stats.hourlyBreakdown[1].hour").isEqualTo(hourOf(failedAt))
                    .jsonPath("$.stats.hourlyBreakdown[1].completed").isEqualTo(0)
                    .jsonPath("$.stats.hourlyBreakdown[1].failed").isEqualTo(1);
        }
        as(owner, "user").get().uri("/api/queue/metrics?timeRange=all").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.stats.successRate").isEqualTo(2.0 / 3)
                .jsonPath("$.stats.minDuration").isEqualTo(4000)
                .jsonPath("$.stats.hourlyBreakdown.length()").isEqualTo(3)
                .jsonPath("$.stats.hourlyBreakdown[0].hour").isEqualTo("2026-01-10T12:00:00Z")
                .jsonPath("$.stats.hourlyBreakdown[0].completed").isEqualTo(1);
        as("root", "admin").get().uri("/api/queue/metrics?timeRange=all&projectId=" + project).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.stats.hourlyBreakdown.length()").isEqualTo(3);
    }

    @Test
    @SuppressWarnings("unchecked")
    void noFinishedJobsGiveZeroRateAndNullDurations() {
        String owner = unique("owner");
        Events queued = depthJob(owner, unique("project"));
        apply(queued.submitted());

        for (String query : List.of("?timeRange=30d", "?timeRange=all&projectId=" + unique("nothing"))) {
            String body = as(owner, "user").get().uri("/api/queue/metrics" + query).exchange()
                    .expectStatus().isOk()
                    .expectBody(String.class).returnResult().getResponseBody();
            Map<String, Object> response = Json.MAPPER.readValue(body, Map.class);
            assertThat(response).containsEntry("success", true);
            assertThat((Map<String, Object>) response.get("stats"))
                    .containsOnlyKeys("successRate", "avgDuration", "minDuration", "maxDuration", "hourlyBreakdown",
                            "operationBreakdown")
                    .containsEntry("operationBreakdown", List.of())
                    .containsEntry("successRate", 0.0)
                    .containsEntry("avgDuration", null)
                    .containsEntry("minDuration", null)
                    .containsEntry("maxDuration", null)
                    .containsEntry("hourlyBreakdown", List.of());
        }
    }

    @Test
    void perOperationEachJobCountsForEveryOperationItAskedForByTheTaskThatMadeIt() {
        String owner = unique("owner");
        String project = unique("project");
        int at = secondsAgo(Duration.ofMinutes(30));
        Events done = new Events(owner, List.of(Operation.THUMBNAIL, Operation.DEPTH), 1).project(project, "b1");
        Events depthDied = new Events(owner, List.of(Operation.BLUR, Operation.DEPTH), 1).project(project, "b1");
        Events otherProject = new Events(owner, List.of(Operation.THUMBNAIL), 1).project(unique("project"), "b1");
        apply(done.submitted(), done.started(WorkerKind.IMAGE, 1, at - 5), done.imageSucceeded(1, 1, at),
                done.started(WorkerKind.VISION, 1, at - 9), done.visionSucceeded(1, 1, at + 1));
        apply(depthDied.submitted(), depthDied.started(WorkerKind.IMAGE, 1, at - 5),
                depthDied.imageSucceeded(1, 1, at), depthDied.started(WorkerKind.VISION, 1, at - 9),
                depthDied.failed(WorkerKind.VISION, 1, "model crashed", at + 2).withOutcome(900L, null),
                depthDied.dead(WorkerKind.VISION, 1, "model crashed", at + 2));
        apply(otherProject.submitted(), otherProject.imageSucceeded(1, 1, at));

        as(owner, "user").get().uri("/api/queue/metrics?projectId=" + project).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.stats.successRate").isEqualTo(0.5)
                .jsonPath("$.stats.operationBreakdown.length()").isEqualTo(3)
                .jsonPath("$.stats.operationBreakdown[0].operation").isEqualTo("thumbnail")
                .jsonPath("$.stats.operationBreakdown[0].completed").isEqualTo(1)
                .jsonPath("$.stats.operationBreakdown[0].failed").isEqualTo(0)
                .jsonPath("$.stats.operationBreakdown[0].successRate").isEqualTo(1.0)
                .jsonPath("$.stats.operationBreakdown[0].avgDuration").isEqualTo(1500)
                .jsonPath("$.stats.operationBreakdown[1].operation").isEqualTo("blur")
                // the image task of the failed job succeeded: its blur is a completed operation
                .jsonPath("$.stats.operationBreakdown[1].completed").isEqualTo(1)
                .jsonPath("$.stats.operationBreakdown[1].failed").isEqualTo(0)
                .jsonPath("$.stats.operationBreakdown[2].operation").isEqualTo("depth")
                .jsonPath("$.stats.operationBreakdown[2].completed").isEqualTo(1)
                .jsonPath("$.stats.operationBreakdown[2].failed").isEqualTo(1)
                .jsonPath("$.stats.operationBreakdown[2].successRate").isEqualTo(0.5)
                // a dead task has no duration (workers send none with task.dead): only the success counts
                .jsonPath("$.stats.operationBreakdown[2].minDuration").isEqualTo(4200)
                .jsonPath("$.stats.operationBreakdown[2].avgDuration").isEqualTo(4200);
        as(owner, "user").get().uri("/api/queue/metrics").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.stats.operationBreakdown[0].operation").isEqualTo("thumbnail")
                .jsonPath("$.stats.operationBreakdown[0].completed").isEqualTo(2);
    }

    @Test
    void theSessionsOfQueueServiceCompileNoStatement() {
        assertThat(db.sql("SHOW jit").mapValue(String.class).one().block(WAIT)).isEqualTo("off");
    }

    @Test
    void anUnknownTimeRangeIsA400() {
        for (String range : List.of("1y", "24H", "7", "all;drop")) {
            as("alice", "user").get().uri("/api/queue/metrics?timeRange={range}", range).exchange()
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.error").isEqualTo("bad_request").jsonPath("$.message").isNotEmpty();
        }
    }

    private static Events depthJob(String owner, String project) {
        return new Events(owner, List.of(Operation.DEPTH), 1).project(project, "batch-1");
    }
}
