package dev.mediaflow.queue.items;

import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.counts.JobCountCompactor;
import dev.mediaflow.queue.events.EventOutcome;
import dev.mediaflow.queue.events.JobEventBatchApplier;
import dev.mediaflow.queue.events.ReceivedEvent;
import dev.mediaflow.queue.job.JobStatus;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.InsertedJobs;
import dev.mediaflow.queue.support.SignedCalls;
import dev.mediaflow.queue.web.Caller;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static dev.mediaflow.queue.support.ProjectRows.concat;
import static dev.mediaflow.queue.support.ProjectRows.jobRows;
import static dev.mediaflow.queue.support.ProjectRows.run;
import static dev.mediaflow.queue.support.ProjectRows.snapshots;
import static dev.mediaflow.queue.support.ProjectRows.statuses;
import static dev.mediaflow.queue.support.ProjectRows.tasks;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/queue/cancel} at scale, on the real servers: thousands of jobs cancelled in one transaction with
 * everything a single cancel does (rows, counts, meters, Redis snapshots, cancel flags), other owners' and finished
 * jobs untouched, and the jobs another transaction holds meanwhile cancelled after it, or not at all when it
 * finished them.
 */
class SetBasedCancelTest extends ApiTest {

    private static final Duration LONG = Duration.ofSeconds(120);

    @Autowired
    DatabaseClient db;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RedisKeys keys;
    @Autowired
    MeterRegistry registry;
    @Autowired
    JobCountCompactor compactor;
    @Autowired
    ConnectionFactory connections;
    @Autowired
    BulkJobActions bulk;
    @Autowired
    JobEventBatchApplier batchApplier;

    @Test
    void thousandsOfJobsAreCancelledAtOnceWithEverythingASingleCancelDoes() {
        String alice = unique("alice");
        String bob = unique("bob");
        String project = unique("project");
        List<UUID> queued = InsertedJobs.insert(db, alice, project, "b1", JobStatus.QUEUED, 1500);
        List<UUID> pending = InsertedJobs.insert(db, alice, project, "b1", JobStatus.PENDING, 300);
        List<UUID> processing = InsertedJobs.insert(db, alice, project, "b2", JobStatus.PROCESSING, 1200);
        List<UUID> completed = InsertedJobs.insert(db, alice, project, "b1", JobStatus.COMPLETED, 200);
        List<UUID> failed = InsertedJobs.insert(db, alice, project, "b2", JobStatus.FAILED, 100);
        List<UUID> bobs = InsertedJobs.insert(db, bob, project, "b1", JobStatus.QUEUED, 100);
        List<UUID> otherProject = InsertedJobs.insert(db, alice, unique("project"), "b1", JobStatus.QUEUED, 100);
        List<UUID> cancellable = concat(queued, pending, processing);
        List<UUID> untouched = concat(completed, failed, bobs, otherProject);
        Map<UUID, Map<String, Object>> jobsBefore = jobRows(db, concat(cancellable, untouched));
        List<Map<String, Object>> tasksBefore = tasks(db, concat(cancellable, untouched));
        double finalsBefore = registry.counter("mediaflow.jobs.final", "status", "cancelled").count();
        long durationsBefore = registry.timer("mediaflow.job.duration", "status", "cancelled").count();

        cancel(alice, "user", Map.of("projectId", project))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.success").isEqualTo(true).jsonPath("$.canceledCount").isEqualTo(3000);

        Map<UUID, Map<String, Object>> jobsAfter = jobRows(db, concat(cancellable, untouched));
        Map<Instant, Integer> cancelledAt = new HashMap<>();
        for (UUID id : cancellable) {
            Map<String, Object> before = jobsBefore.get(id);
            Map<String, Object> after = jobsAfter.get(id);
            assertThat(after.get("status")).as("job %s", id).isEqualTo("cancelled");
            assertThat(after.get("version")).isEqualTo((Long) before.get("version") + 1);
            Instant at = instant(after.get("completed_at"));
            assertThat(at).isNotNull();
            cancelledAt.merge(at, 1, Integer::sum);
            Instant startedAt = instant(after.get("started_at"));
            // as JobRow.cancelledAt: from the start to the cancel, none for a job that never started
            assertThat(after.get("duration_ms")).as("duration of %s", id)
                    .isEqualTo(startedAt == null ? null : Math.max(0, at.toEpochMilli() - startedAt.toEpochMilli()));
            assertThat(after.get("run")).isEqualTo(before.get("run"));
            assertThat(after.get("attempts")).isEqualTo(before.get("attempts"));
        }
        // one transaction, one time; only a job that another transaction held at that moment (here the reconciler,
        // which writes the inserted jobs' missing snapshots one at a time) is cancelled alone, after it
        assertThat(cancelledAt.values().stream().max(Integer::compare).orElseThrow()).as("cancelled together: %s",
                cancelledAt).isGreaterThanOrEqualTo(2990);
        for (UUID id : untouched) {
            assertThat(jobsAfter.get(id)).as("job %s", id).isEqualTo(jobsBefore.get(id));
        }
        assertThat(tasks(db, concat(cancellable, untouched))).as("a cancel leaves the tasks to the workers")
                .isEqualTo(tasksBefore);

        assertThat(registry.counter("mediaflow.jobs.final", "status", "cancelled").count() - finalsBefore)
                .isEqualTo(3000.0);
        assertThat(registry.timer("mediaflow.job.duration", "status", "cancelled").count() - durationsBefore)
                .isEqualTo(3000L);

        Map<String, Integer> expected = Map.of("queued", 0, "pending", 0, "processing", 0, "completed", 200,
                "failed", 100, "cancelled", 3000);
        assertThat(projectStats(alice, "user", project)).isEqualTo(expected);
        assertThat(projectStats("root", "admin", project)).containsEntry("queued", 100).containsEntry("cancelled", 3000);
        compactor.compact().block(WAIT);
        assertThat(projectStats(alice, "user", project)).isEqualTo(expected);

        List<String> flags = redis.opsForValue().multiGet(concat(cancellable, untouched).stream().map(keys::cancel)
                .toList()).block(WAIT);
        assertThat(flags.subList(0, cancellable.size())).as("every cancelled job's run is flagged").containsOnly("1");
        assertThat(flags.subList(cancellable.size(), flags.size())).as("no other job is").containsOnlyNulls();

        Map<UUID, List<String>> snapshots = snapshots(redis, keys, cancellable);
        for (UUID id : cancellable) {
            List<String> s = snapshots.get(id);
            assertThat(s.get(0)).as("snapshot status of %s", id).isEqualTo("cancelled");
            assertThat(s.get(1)).isEqualTo(jobsAfter.get(id).get("version").toString());
            assertThat(s.get(2)).as("nothing pending").isNull();
            assertThat(s.get(3)).isEqualTo(processing.contains(id) ? "20" : "0");
        }
        for (UUID id : List.of(queued.get(0), processing.get(0))) {
            Map<?, ?> item = as(alice, "user").get().uri("/api/queue/items/{id}", id).exchange()
                    .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
            assertThat(item.get("status")).isEqualTo("cancelled");
            assertThat(item.get("completed_at")).isNotNull();
        }

        cancel(alice, "user", Map.of("projectId", project)).expectStatus().isOk()
                .expectBody().jsonPath("$.canceledCount").isEqualTo(0);
    }

    @Test
    void aUserCancelsOnlyTheirOwnJobsOfTheNamedBatchesAndAnAdminEveryonesOfTheProject() {
        String alice = unique("alice");
        String bob = unique("bob");
        String project = unique("project");
        List<UUID> aliceB1 = InsertedJobs.insert(db, alice, project, "b1", JobStatus.QUEUED, 20);
        List<UUID> aliceB2 = InsertedJobs.insert(db, alice, project, "b2", JobStatus.PROCESSING, 30);
        List<UUID> bobB1 = InsertedJobs.insert(db, bob, project, "b1", JobStatus.QUEUED, 40);

        cancel(bob, "user", Map.of("projectId", project)).expectStatus().isOk()
                .expectBody().jsonPath("$.canceledCount").isEqualTo(40);
        assertThat(statuses(db, concat(aliceB1, aliceB2))).containsOnly("queued", "processing");
        assertThat(statuses(db, bobB1)).containsOnly("cancelled");
        assertThat(redis.opsForValue().multiGet(concat(aliceB1, aliceB2).stream().map(keys::cancel).toList())
                .block(WAIT)).containsOnlyNulls();

        cancel(alice, "user", Map.of("projectId", unique("project"))).expectStatus().isOk()
                .expectBody().jsonPath("$.canceledCount").isEqualTo(0);
        cancel(alice, "user", Map.of("projectId", project, "batchIds", List.of("b1", "b9"))).expectStatus().isOk()
                .expectBody().jsonPath("$.canceledCount").isEqualTo(20);
        assertThat(statuses(db, aliceB1)).containsOnly("cancelled");
        assertThat(statuses(db, aliceB2)).containsOnly("processing");

        cancel("root", "admin", Map.of("projectId", project)).expectStatus().isOk()
                .expectBody().jsonPath("$.canceledCount").isEqualTo(30);
        assertThat(statuses(db, aliceB2)).containsOnly("cancelled");
    }

    /**
     * Two jobs held by another transaction (as an event being applied holds them) are not waited for: the others are
     * cancelled and committed while they are held; then the one the other transaction finished is left alone and not
     * counted, the one it left cancellable is cancelled after it.
     */
    @Test
    void jobsHeldByAnotherTransactionAreCancelledAfterItUnlessItFinishedThem() throws Exception {
        String owner = unique("owner");
        String project = unique("project");
        List<UUID> jobs = InsertedJobs.insert(db, owner, project, "b1", JobStatus.QUEUED, 200);
        UUID finishedMeanwhile = jobs.get(0);
        UUID heldOnly = jobs.get(1);
        List<UUID> others = jobs.subList(2, jobs.size());

        Connection held = Mono.from(connections.create()).block(WAIT);
        try {
            Mono.from(held.beginTransaction()).block(WAIT);
            run(held, "SELECT id FROM jobs WHERE id IN ('" + finishedMeanwhile + "', '" + heldOnly + "') FOR UPDATE");
            CompletableFuture<Long> cancel = bulk.cancel(new BulkCancelRequest(project, null), new Caller(owner, false))
                    .subscribeOn(Schedulers.boundedElastic()).toFuture();

            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!statuses(db, others).equals(Set.of("cancelled")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(statuses(db, others)).as("committed while two jobs are held").containsOnly("cancelled");
            assertThat(statuses(db, List.of(finishedMeanwhile, heldOnly))).containsOnly("queued");
            assertThat(cancel).as("still waiting for the held jobs").isNotDone();

            run(held, "UPDATE jobs SET status = 'completed', completed_at = now() WHERE id = '" + finishedMeanwhile
                    + "'");
            Mono.from(held.commitTransaction()).block(WAIT);
            assertThat(cancel.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(199L);
        } finally {
            Mono.from(held.close()).block(WAIT);
        }
        assertThat(statuses(db, List.of(finishedMeanwhile))).containsOnly("completed");
        assertThat(statuses(db, List.of(heldOnly))).containsOnly("cancelled");
        assertThat(redis.opsForValue().get(keys.cancel(finishedMeanwhile)).blockOptional(WAIT)).isEmpty();
        assertThat(redis.opsForValue().get(keys.cancel(heldOnly)).block(WAIT)).isEqualTo("1");
        assertThat(snapshots(redis, keys, List.of(heldOnly)).get(heldOnly).get(0)).isEqualTo("cancelled");
    }

    /**
     * Best effort at a race: status events of a project's jobs applied (one by one and in batches) while the project
     * is cancelled. Whatever the order, no job is left running or queued, none is taken back from cancelled, every
     * event's task change is kept, the count is what was cancelled, and Redis ends at what PostgreSQL has.
     */
    @Test
    void statusEventsAppliedDuringACancelNeitherUndoItNorGetLost() {
        String owner = unique("owner");
        String project = unique("project");
        List<Events> jobs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            jobs.add(Events.allOperations(owner).project(project, "b1"));
        }
        apply(jobs.stream().map(Events::submitted).toList());
        List<UUID> fillers = InsertedJobs.insert(db, owner, project, "b2", JobStatus.QUEUED, 3000);
        // a third finish (both tasks succeed), the others only start their image task
        Set<UUID> finishing = new HashSet<>();
        List<JobEvent> events = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            Events e = jobs.get(i);
            events.add(e.started(WorkerKind.IMAGE, 1, 1));
            if (i % 3 == 0) {
                finishing.add(e.jobId);
                events.add(e.imageSucceeded(1, 1, 2));
                events.add(e.visionSucceeded(1, 1, 3));
            }
        }
        List<JobEvent> alone = new ArrayList<>();
        List<List<ReceivedEvent>> batches = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            UUID id = jobs.get(i).jobId;
            List<JobEvent> ofJob = events.stream().filter(e -> e.jobId().equals(id)).toList();
            if (i % 2 == 0) {
                alone.addAll(ofJob);
            } else {
                if (batches.isEmpty() || batches.get(batches.size() - 1).size() >= 20) {
                    batches.add(new ArrayList<>());
                }
                ofJob.forEach(e -> batches.get(batches.size() - 1).add(ReceivedEvent.of(e)));
            }
        }

        Mono<Long> cancel = bulk.cancel(new BulkCancelRequest(project, null), new Caller(owner, false))
                .subscribeOn(Schedulers.boundedElastic());
        Mono<Void> one = Flux.fromIterable(alone)
                .concatMap(e -> applier.apply(e).subscribeOn(Schedulers.parallel()))
                .then();
        Mono<List<EventOutcome>> batched = Flux.fromIterable(batches)
                .flatMap(b -> batchApplier.apply(b).subscribeOn(Schedulers.parallel()), 2)
                .flatMapIterable(outcomes -> outcomes)
                .collectList();
        var results = Mono.zip(cancel, one.thenReturn(true), batched).block(LONG);

        assertThat(results.getT3()).extracting(EventOutcome::kind)
                .doesNotContain(EventOutcome.Kind.PARK, EventOutcome.Kind.REQUEUE);
        List<UUID> ids = jobs.stream().map(e -> e.jobId).toList();
        Map<UUID, Map<String, Object>> rows = jobRows(db, ids);
        long cancelled = 0;
        for (UUID id : ids) {
            Object status = rows.get(id).get("status");
            if (finishing.contains(id)) {
                assertThat(status).as("job %s, finished by its events", id).isIn("completed", "cancelled");
            } else {
                assertThat(status).as("job %s, only started", id).isEqualTo("cancelled");
            }
            cancelled += "cancelled".equals(status) ? 1 : 0;
        }
        assertThat(results.getT1()).as("the count").isEqualTo(fillers.size() + cancelled);
        assertThat(statuses(db, fillers)).containsOnly("cancelled");
        Map<UUID, String> imageTasks = db.sql("SELECT job_id, status FROM tasks WHERE worker = 'image' AND job_id = ANY(CAST(:ids AS uuid[]))")
                .bind("ids", ids.toArray(UUID[]::new))
                .map(row -> Map.entry(row.get("job_id", UUID.class), row.get("status", String.class)))
                .all().collectMap(Map.Entry::getKey, Map.Entry::getValue).block(WAIT);
        for (UUID id : ids) {
            assertThat(imageTasks.get(id)).as("image task of %s: its events are kept", id)
                    .isEqualTo(finishing.contains(id) ? "succeeded" : "started");
        }
        Map<UUID, List<String>> snapshots = snapshots(redis, keys, ids);
        for (UUID id : ids) {
            assertThat(snapshots.get(id).get(0)).as("Redis status of %s", id).isEqualTo(rows.get(id).get("status"));
            assertThat(snapshots.get(id).get(1)).isEqualTo(rows.get(id).get("version").toString());
        }

        // and an event that comes after the cancel does not take it back either
        Events late = jobs.stream().filter(e -> !finishing.contains(e.jobId)).findFirst().orElseThrow();
        apply(late.started(WorkerKind.VISION, 1, 4), late.progress(WorkerKind.VISION, 1, 50, 5));
        assertThat(statuses(db, List.of(late.jobId))).containsOnly("cancelled");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private WebTestClient.ResponseSpec cancel(String owner, String role, Object body) {
        WebTestClient patient = http.mutate().responseTimeout(LONG).build();
        return SignedCalls.as(patient, owner, role).post().uri("/api/queue/cancel")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof Instant i ? i : ((java.time.OffsetDateTime) value).toInstant();
    }
}
