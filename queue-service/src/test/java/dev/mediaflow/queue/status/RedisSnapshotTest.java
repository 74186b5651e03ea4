package dev.mediaflow.queue.status;

import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.Stories;
import dev.mediaflow.queue.support.TestInfrastructure;
import dev.mediaflow.testsupport.PostgresDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.ReactiveSubscription;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.Disposable;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The versioned Redis snapshot: compare-and-set writes, the item endpoint's fast path, its fallbacks, the reconciler. */
class RedisSnapshotTest extends ApiTest {

    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RedisKeys keys;
    @Autowired
    DatabaseClient db;
    @Autowired
    JobSnapshots snapshots;
    @Autowired
    JobStatusCache cache;
    @Autowired
    StatusReconciler reconciler;

    @Test
    void aStaleWriteIsRefusedSoTheOlderSnapshotLandingLastChangesNothing() {
        Events e = Events.allOperations(unique("owner"));
        apply(e.submitted());
        ItemSnapshot queued = snapshots.fromDatabase(e.jobId).block(WAIT);
        apply(e.started(WorkerKind.IMAGE, 1, 1));
        long committed = version(e.jobId);
        assertThat(queued.version()).isLessThan(committed);

        List<StatusChange> published = new CopyOnWriteArrayList<>();
        Disposable subscription = subscribe(e.jobId, published);
        try {
            // the applier of job.submitted was slow: its snapshot arrives after the newer one
            assertThat(cache.write(queued, false).block(WAIT)).isFalse();
            assertThat(hash(e.jobId)).containsEntry("status", "processing")
                    .containsEntry("version", Long.toString(committed));
            item(e.owner, e.jobId).containsEntry("status", "processing");

            apply(e.progress(WorkerKind.IMAGE, 1, 40, 2));
            await().atMost(WAIT).until(() -> !published.isEmpty());
            assertThat(published).extracting(StatusChange::version).containsExactly(committed + 1);
            assertThat(published).extracting(StatusChange::status).containsExactly("processing");
        } finally {
            subscription.dispose();
        }
    }

    /** Many snapshots in one call of the script (a bulk cancel's): each is taken or refused as if written alone. */
    @Test
    void severalSnapshotsWrittenInOneCallAreEachTakenOrRefusedAsIfAlone() {
        Events stale = Events.allOperations(unique("owner"));
        Events newer = Events.allOperations(unique("owner"));
        Events gone = Events.allOperations(unique("owner"));
        apply(stale.submitted(), newer.submitted(), gone.submitted());
        ItemSnapshot staleQueued = snapshots.fromDatabase(stale.jobId).block(WAIT);
        apply(stale.started(WorkerKind.IMAGE, 1, 1));
        ItemSnapshot current = snapshots.fromDatabase(newer.jobId).block(WAIT);
        ItemSnapshot next = new ItemSnapshot(newer.jobId, current.version() + 1, current.owner(), current.item(),
                current.resultsVersion(), 7, current.at());
        cache.markPending(List.of(new dev.mediaflow.queue.store.JobVersion(newer.jobId, next.version()))).block(WAIT);
        assertThat(hash(newer.jobId)).containsEntry("pending", Long.toString(next.version()));
        ItemSnapshot goneSnapshot = snapshots.fromDatabase(gone.jobId).block(WAIT);
        redis.delete(keys.job(gone.jobId)).block(WAIT);

        cache.writeAll(List.of(staleQueued, next, goneSnapshot)).block(WAIT);

        assertThat(hash(stale.jobId)).as("older than held: refused").containsEntry("status", "processing")
                .containsEntry("version", Long.toString(version(stale.jobId)));
        assertThat(hash(newer.jobId)).as("newer: taken, its pending mark cleared")
                .containsEntry("version", Long.toString(next.version())).containsEntry("progress", "7")
                .doesNotContainKey("pending");
        assertThat(hash(gone.jobId)).as("a missing key is left to the reconciler").isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theItemIsServedFromTheRedisSnapshotWhichEqualsThePostgresView() {
        Events e = Events.allOperations(unique("owner"));
        apply(Stories.completed(e));
        Map<String, Object> fromRedis = item(e.owner, e.jobId).actual();
        assertThat(hash(e.jobId)).containsEntry("version", Long.toString(version(e.jobId)));

        redis.delete(keys.job(e.jobId)).block(WAIT);
        Map<String, Object> fromPostgres = item(e.owner, e.jobId).actual();
        assertThat(fromRedis).isEqualTo(fromPostgres);
        assertThat(((Map<String, Object>) fromRedis.get("results")).keySet())
                .containsExactlyInAnyOrder("thumbnail", "blur", "low-quality", "depth");

        // the fallback put the snapshot back; that it is what answers shows in a change made to it only there
        await().atMost(WAIT).until(() -> hash(e.jobId).containsKey("item"));
        assertThat(hash(e.jobId)).containsEntry("version", Long.toString(version(e.jobId)));
        replaceInRedisItem(e.jobId, "holiday.jpg", "only-in-redis.jpg");
        item(e.owner, e.jobId).containsEntry("original_filename", "only-in-redis.jpg");
        item("root", "admin", e.jobId).containsEntry("original_filename", "only-in-redis.jpg");
    }

    @Test
    void anotherOwnersItemIsNotFoundOnTheRedisPathToo() {
        Events e = Events.allOperations(unique("owner"));
        apply(e.submitted());
        assertThat(hash(e.jobId)).containsKey("item");

        for (UUID id : List.of(e.jobId, UUID.randomUUID())) {
            as("mallory", "user").get().uri("/api/queue/items/{id}", id).exchange()
                    .expectStatus().isNotFound()
                    .expectBody().jsonPath("$.error").isEqualTo("not_found");
        }
        item("root", "admin", e.jobId).containsEntry("status", "queued");
    }

    @Test
    void aChangeMarkedPendingSendsReadersToPostgresUntilItsSnapshotIsWritten() {
        Events e = Events.allOperations(unique("owner"));
        apply(e.submitted());
        long committed = version(e.jobId);
        replaceInRedisItem(e.jobId, "holiday.jpg", "stale.jpg");

        // what a writer does before its commit: from now on the snapshot may be older than PostgreSQL
        cache.markPending(e.jobId, committed + 1).block(WAIT);
        item(e.owner, e.jobId).containsEntry("original_filename", "holiday.jpg");

        // its commit: the snapshot it then writes is newer and ends the fallback
        apply(e.started(WorkerKind.VISION, 1, 1));
        assertThat(version(e.jobId)).isEqualTo(committed + 1);
        assertThat(hash(e.jobId)).doesNotContainKey("pending").containsEntry("status", "processing");
        replaceInRedisItem(e.jobId, "holiday.jpg", "only-in-redis.jpg");
        item(e.owner, e.jobId).containsEntry("original_filename", "only-in-redis.jpg");
    }

    @Test
    void theReconcilerRestoresMissingBehindAndRolledBackSnapshotsAndTheirTtl() {
        Events missing = Events.allOperations(unique("owner"));
        Events behind = Events.allOperations(unique("owner"));
        Events rolledBack = Events.allOperations(unique("owner"));
        for (Events e : List.of(missing, behind, rolledBack)) {
            apply(e.submitted(), e.started(WorkerKind.IMAGE, 1, 1));
        }
        redis.delete(keys.job(missing.jobId)).block(WAIT);
        redis.<String, String>opsForHash().putAll(keys.job(behind.jobId), Map.of("version", "1", "status", "queued"))
                .block(WAIT);
        // a change that marked itself pending, then rolled back: nothing will ever write its version
        cache.markPending(rolledBack.jobId, version(rolledBack.jobId) + 1).block(WAIT);
        replaceInRedisItem(rolledBack.jobId, "holiday.jpg", "stale.jpg");

        // (the periodic pass may have been first; either way it is the reconciler that repaired them)
        reconciler.reconcile().block(WAIT);

        for (Events e : List.of(missing, behind, rolledBack)) {
            assertThat(hash(e.jobId)).containsEntry("status", "processing")
                    .containsEntry("version", Long.toString(version(e.jobId))).doesNotContainKey("pending");
            assertThat(redis.getExpire(keys.job(e.jobId)).block(WAIT)).isGreaterThan(Duration.ofDays(6));
            item(e.owner, e.jobId).containsEntry("original_filename", "holiday.jpg");
        }
        assertThat(reconciler.reconcile().block(WAIT)).as("nothing left behind").isZero();
    }

    @Test
    void aPendingMarkAloneExpiresWithTheStatusTtl() {
        UUID id = UUID.randomUUID();
        cache.markPending(id, 1).block(WAIT);
        assertThat(redis.getExpire(keys.job(id)).block(WAIT)).isGreaterThan(Duration.ofDays(6));
        redis.delete(keys.job(id)).block(WAIT);
    }

    @Test
    @SuppressWarnings("unchecked")
    void resultsMadeByAnotherJobOfTheMediaItemReachThisJobWithoutChangingIt() {
        Events first = new Events(unique("owner"), List.of(Operation.THUMBNAIL, Operation.BLUR,
                Operation.LOW_QUALITY), 3);
        apply(first.submitted(), first.started(WorkerKind.IMAGE, 1, 1), first.imageSucceeded(1, 1, 2));
        item(first.owner, first.jobId).containsEntry("status", "completed");
        long before = version(first.jobId);
        String snapshotBefore = hash(first.jobId).get("item");

        Events second = first.otherJob(UUID.randomUUID(), List.of(Operation.DEPTH));
        apply(second.submitted(), second.started(WorkerKind.VISION, 1, 3), second.visionSucceeded(1, 1, 4));

        assertThat(version(first.jobId)).as("the other job's row is not touched").isEqualTo(before);
        assertThat(hash(first.jobId).get("item")).as("nor its snapshot").isEqualTo(snapshotBefore);
        long results = resultsVersion(first.mediaItemId);
        assertThat(media(first.mediaItemId)).as("the newest snapshot of the item raised it")
                .containsEntry("version", Long.toString(results)).doesNotContainKey("pending");
        assertThat(hash(second.jobId)).containsEntry("results_version", Long.toString(results));

        // the old snapshot is not served: PostgreSQL answers, and the job is rewritten in the background
        Map<String, Object> answered = item(first.owner, first.jobId).actual();
        assertThat(((Map<String, Object>) answered.get("results")).keySet())
                .containsExactlyInAnyOrder("thumbnail", "blur", "low-quality", "depth");
        await().atMost(WAIT).untilAsserted(() -> assertThat(hash(first.jobId))
                .containsEntry("results_version", Long.toString(results))
                .containsEntry("version", Long.toString(before)));
        assertThat(item(first.owner, first.jobId).actual()).isEqualTo(answered);
        replaceInRedisItem(first.jobId, "holiday.jpg", "only-in-redis.jpg");
        item(first.owner, first.jobId).as("served from Redis again")
                .containsEntry("original_filename", "only-in-redis.jpg");
    }

    @Test
    void resultsOfOneJobReachEveryOtherJobOfTheMediaItemEachAsPostgreSQLHasIt() {
        Events first = new Events(unique("owner"), List.of(Operation.THUMBNAIL), 3);
        apply(first.submitted(), first.started(WorkerKind.IMAGE, 1, 1), first.imageSucceeded(1, 1, 2));
        List<UUID> others = new ArrayList<>(List.of(first.jobId));
        for (int i = 0; i < 4; i++) {
            Events other = first.otherJob(UUID.randomUUID(), List.of(Operation.THUMBNAIL));
            apply(other.submitted());
            others.add(other.jobId);
        }
        Map<UUID, Long> versions = new java.util.HashMap<>();
        others.forEach(id -> versions.put(id, version(id)));

        Events last = first.otherJob(UUID.randomUUID(), List.of(Operation.DEPTH));
        apply(last.submitted(), last.started(WorkerKind.VISION, 1, 3), last.visionSucceeded(1, 1, 4));

        for (UUID id : others) {
            assertThat(version(id)).as("job %s untouched", id).isEqualTo(versions.get(id));
            ItemSnapshot committed = snapshots.fromDatabase(id).block(WAIT);
            assertThat(committed.item().results()).as("job %s", id).containsKeys("thumbnail", "depth");
            assertThat(item(first.owner, id).actual().get("results")).as("job %s", id)
                    .isEqualTo(Json.MAPPER.readValue(Json.write(committed.item().results()), Map.class));
        }
    }

    /**
     * A success of one job of a media item commits while another transaction holds another job of the item: it
     * changes no row but its own job's, its tasks', its results' and its item's. It used to bump every other job's
     * version in its transaction, and waited here (or deadlocked with another batch).
     */
    @Test
    void aSuccessCommitsWhileAnotherJobOfTheMediaItemIsHeld() throws Exception {
        Events first = new Events(unique("owner"), List.of(Operation.THUMBNAIL), 3);
        Events held = first.otherJob(UUID.randomUUID(), List.of(Operation.THUMBNAIL));
        apply(first.submitted(), held.submitted(), first.started(WorkerKind.IMAGE, 1, 1));
        long heldVersion = version(held.jobId);

        try (Connection writer = DriverManager.getConnection(TestInfrastructure.get().jdbcUrl(),
                PostgresDatabase.USER, PostgresDatabase.PASSWORD)) {
            writer.setAutoCommit(false);
            try (Statement lock = writer.createStatement()) {
                lock.execute("SELECT 1 FROM jobs WHERE id = '" + held.jobId + "' FOR UPDATE");
            }
            applier.apply(first.imageSucceeded(1, 1, 2)).block(Duration.ofSeconds(10));
            item(first.owner, first.jobId).containsEntry("status", "completed");
            writer.rollback();
        }
        assertThat(version(held.jobId)).as("the held job is not touched").isEqualTo(heldVersion);
        assertThat(item(held.owner, held.jobId).actual()).containsKey("results")
                .extractingByKey("results").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsKey("thumbnail");
    }

    /** Between the commit of a change of an item's results and its snapshot's write, no older snapshot is served. */
    @Test
    void aChangeOfTheItemsResultsMarkedPendingSendsReadersOfItsJobsToPostgres() {
        Events e = Events.allOperations(unique("owner"));
        apply(e.submitted());
        long results = resultsVersion(e.mediaItemId);
        replaceInRedisItem(e.jobId, "holiday.jpg", "only-in-redis.jpg");
        item(e.owner, e.jobId).containsEntry("original_filename", "only-in-redis.jpg");

        // what a change of the results does before its commit
        cache.markResultsPending(e.mediaItemId, results + 1).block(WAIT);
        assertThat(media(e.mediaItemId)).containsEntry("pending", Long.toString(results + 1));
        item(e.owner, e.jobId).containsEntry("original_filename", "holiday.jpg");

        // its commit, and the snapshot written after it, end the fallback
        apply(e.started(WorkerKind.IMAGE, 1, 1), e.imageSucceeded(1, 1, 2));
        assertThat(resultsVersion(e.mediaItemId)).isEqualTo(results + 1);
        assertThat(media(e.mediaItemId)).containsEntry("version", Long.toString(results + 1))
                .doesNotContainKey("pending");
        replaceInRedisItem(e.jobId, "holiday.jpg", "only-in-redis.jpg");
        item(e.owner, e.jobId).containsEntry("original_filename", "only-in-redis.jpg");
    }

    /** Redis lost the item's hash, or the snapshot predates results versions: PostgreSQL answers, and both return. */
    @Test
    void aSnapshotWhoseResultsVersionCannotBeCheckedIsNotServed() {
        Events e = Events.allOperations(unique("owner"));
        apply(e.submitted());
        for (Runnable lose : List.<Runnable>of(
                () -> redis.delete(keys.media(e.mediaItemId)).block(WAIT),
                () -> redis.opsForHash().remove(keys.job(e.jobId), "results_version").block(WAIT))) {
            lose.run();
            replaceInRedisItem(e.jobId, "holiday.jpg", "only-in-redis.jpg");
            item(e.owner, e.jobId).containsEntry("original_filename", "holiday.jpg");
            await().atMost(WAIT).untilAsserted(() -> assertThat(hash(e.jobId).get("item")).contains("holiday.jpg"));
            assertThat(hash(e.jobId)).containsKey("results_version");
            assertThat(media(e.mediaItemId)).containsKey("version");
            assertThat(redis.getExpire(keys.media(e.mediaItemId)).block(WAIT)).isGreaterThan(Duration.ofDays(6));
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private long version(UUID jobId) {
        return db.sql("SELECT version FROM jobs WHERE id = :id").bind("id", jobId).mapValue(Long.class).one()
                .block(WAIT);
    }

    private long resultsVersion(UUID mediaItemId) {
        return db.sql("SELECT results_version FROM media_items WHERE id = :id").bind("id", mediaItemId)
                .mapValue(Long.class).one().block(WAIT);
    }

    private Map<String, String> media(UUID mediaItemId) {
        return redis.<String, String>opsForHash().entries(keys.media(mediaItemId))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue).block(WAIT);
    }

    private Map<String, String> hash(UUID jobId) {
        return redis.<String, String>opsForHash().entries(keys.job(jobId))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue).block(WAIT);
    }

    private void replaceInRedisItem(UUID jobId, String from, String to) {
        String item = hash(jobId).get("item");
        assertThat(item).contains(from);
        redis.opsForHash().put(keys.job(jobId), "item", item.replace(from, to)).block(WAIT);
    }

    private org.assertj.core.api.MapAssert<String, Object> item(String owner, UUID jobId) {
        return item(owner, "user", jobId);
    }

    @SuppressWarnings("unchecked")
    private org.assertj.core.api.MapAssert<String, Object> item(String owner, String role, UUID jobId) {
        String body = as(owner, role).get().uri("/api/queue/items/{id}", jobId).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        return assertThat((Map<String, Object>) Json.MAPPER.readValue(body, Map.class));
    }

    private Disposable subscribe(UUID jobId, List<StatusChange> into) {
        return redis.listenToChannelLater(keys.jobChannel(jobId)).block(WAIT)
                .map(ReactiveSubscription.Message::getMessage)
                .map(json -> Json.MAPPER.readValue(json, StatusChange.class))
                .subscribe(into::add);
    }
}
