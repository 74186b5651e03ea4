package dev.mediaflow.queue.events;

import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.status.JobStatusCache;
import dev.mediaflow.queue.status.StatusChange;
import dev.mediaflow.queue.support.DatabaseRefusal;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.IntegrationTest;
import dev.mediaflow.queue.support.Rows;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.ReactiveSubscription;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 14, section 3: status events applied in batches, one transaction each, with the guarantees of one by one. */
class JobEventBatchApplierTest extends IntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> STATUS_ORDER = List.of("queued", "processing", "completed");

    @Autowired
    JobEventBatchApplier batches;
    @Autowired
    JobEventApplier applier;
    @Autowired
    DatabaseClient db;
    @Autowired
    JobStatusCache cache;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RedisKeys keys;
    @Autowired
    MeterRegistry meters;

    @Test
    void eachJobsEventsApplyInTheirOrderAndEveryChangeIsPublishedInVersionOrder() {
        Events a = thumbnailJob("alice");
        Events b = thumbnailJob("bob");
        List<StatusChange> published = new CopyOnWriteArrayList<>();
        Disposable subscription = subscribe(published);
        try {
            List<EventOutcome> outcomes = apply(a.submitted(), b.submitted(), a.started(WorkerKind.IMAGE, 1, 1),
                    b.started(WorkerKind.IMAGE, 1, 2), a.imageSucceeded(1, 1, 3));

            assertThat(outcomes).extracting(EventOutcome::kind).containsOnly(EventOutcome.Kind.APPLIED);
            assertThat(Rows.of(db, a.jobId, a.mediaItemId).job()).containsEntry("status", "completed");
            assertThat(Rows.of(db, b.jobId, b.mediaItemId).job()).containsEntry("status", "processing");
            // each event's change reaches the job's stream, as with one transaction per event, in version order
            await().atMost(WAIT).untilAsserted(() -> assertThat(of(published, a.jobId))
                    .extracting(StatusChange::status).containsExactly("queued", "processing", "completed"));
            assertThat(of(published, a.jobId)).extracting(StatusChange::version).isSorted().doesNotHaveDuplicates();
            await().atMost(WAIT).untilAsserted(() -> assertThat(of(published, b.jobId))
                    .extracting(StatusChange::status).containsExactly("queued", "processing"));
            assertThat(cache.read(a.jobId).blockOptional(WAIT)).hasValueSatisfying(
                    snapshot -> assertThat(snapshot.item().status()).isEqualTo("completed"));
        } finally {
            subscription.dispose();
        }
    }

    @Test
    void aMalformedEventInTheMiddleOfABatchIsParkedAloneAndTheOthersCommitTogether() {
        Events a = thumbnailJob("alice");
        Events b = thumbnailJob("bob");
        JobEvent withoutWorker = new JobEvent(UUID.randomUUID(), EventType.TASK_STARTED, a.jobId, a.mediaItemId,
                "alice", null, 1, 1, 3, Events.T0, null, null, null, null, null, null);
        double fellBack = batchesSplit();

        List<EventOutcome> outcomes = apply(a.submitted(), withoutWorker, b.submitted());

        assertThat(outcomes).extracting(EventOutcome::kind).containsExactly(EventOutcome.Kind.APPLIED,
                EventOutcome.Kind.PARK, EventOutcome.Kind.APPLIED);
        assertThat(outcomes.get(1).why()).contains("without worker kind");
        assertThat(Rows.of(db, a.jobId, a.mediaItemId).job()).containsEntry("status", "queued");
        assertThat(Rows.of(db, b.jobId, b.mediaItemId).job()).containsEntry("status", "queued");
        assertThat(batchesSplit()).as("the others committed in one transaction, no fallback").isEqualTo(fellBack);
    }

    @Test
    void aDatabaseFailureRequeuesTheWholeBatchAndItAppliesWhenDelivered() {
        Events a = thumbnailJob("alice");
        Events b = thumbnailJob("bob");
        apply(a.submitted(), b.submitted());
        Rows aBefore = Rows.of(db, a.jobId, a.mediaItemId);
        Rows bBefore = Rows.of(db, b.jobId, b.mediaItemId);
        List<JobEvent> batch = List.of(a.started(WorkerKind.IMAGE, 1, 1), b.started(WorkerKind.IMAGE, 1, 2),
                a.imageSucceeded(1, 1, 3));

        List<EventOutcome> outcomes;
        try (DatabaseRefusal down = DatabaseRefusal.of(db, "task_attempts",
                "NEW.job_id IN ('" + a.jobId + "', '" + b.jobId + "')", DatabaseRefusal.OTHER, "database down")) {
            outcomes = apply(batch.toArray(JobEvent[]::new));
        }

        assertThat(outcomes).extracting(EventOutcome::kind).containsOnly(EventOutcome.Kind.REQUEUE);
        assertThat(outcomes.get(0).why()).contains("database down");
        assertThat(Rows.of(db, a.jobId, a.mediaItemId)).isEqualTo(aBefore);
        assertThat(Rows.of(db, b.jobId, b.mediaItemId)).isEqualTo(bBefore);

        // redelivered once the database takes them again
        assertThat(apply(batch.toArray(JobEvent[]::new))).extracting(EventOutcome::kind)
                .containsOnly(EventOutcome.Kind.APPLIED);
        assertThat(Rows.of(db, a.jobId, a.mediaItemId).job()).containsEntry("status", "completed");
        assertThat(Rows.of(db, b.jobId, b.mediaItemId).job()).containsEntry("status", "processing");
    }

    @Test
    void aBatchRedeliveredAfterItsCommitChangesNothing() {
        Events a = thumbnailJob("alice");
        Events b = thumbnailJob("bob");
        JobEvent[] batch = {a.submitted(), a.started(WorkerKind.IMAGE, 1, 1), b.submitted(), a.imageSucceeded(1, 1, 3),
                b.started(WorkerKind.IMAGE, 1, 2)};
        assertThat(apply(batch)).extracting(EventOutcome::kind).containsOnly(EventOutcome.Kind.APPLIED);
        Rows aDone = Rows.of(db, a.jobId, a.mediaItemId);
        Rows bDone = Rows.of(db, b.jobId, b.mediaItemId);
        long aVersion = version(a.jobId);
        long bVersion = version(b.jobId);

        // the process died after the commit, before its acks: the broker delivers the same batch again
        assertThat(apply(batch)).extracting(EventOutcome::kind).containsOnly(EventOutcome.Kind.UNCHANGED);

        assertThat(Rows.of(db, a.jobId, a.mediaItemId)).isEqualTo(aDone);
        assertThat(Rows.of(db, b.jobId, b.mediaItemId)).isEqualTo(bDone);
        assertThat(version(a.jobId)).isEqualTo(aVersion);
        assertThat(version(b.jobId)).isEqualTo(bVersion);
        assertThat(cache.read(a.jobId).blockOptional(WAIT)).hasValueSatisfying(
                snapshot -> assertThat(snapshot.version()).isEqualTo(aVersion));
    }

    @Test
    void twoBatchesSharingJobsInOppositeOrdersBothCommitAndNoStreamGoesBackwards() {
        List<Events> jobs = IntStream.range(0, 12).mapToObj(i -> thumbnailJob("race")).toList();
        apply(jobs.stream().map(Events::submitted).toArray(JobEvent[]::new));
        List<StatusChange> published = new CopyOnWriteArrayList<>();
        Disposable subscription = subscribe(published);
        double fellBack = batchesSplit();
        try {
            List<ReceivedEvent> starts = jobs.stream().map(e -> ReceivedEvent.of(e.started(WorkerKind.IMAGE, 1, 1)))
                    .toList();
            List<ReceivedEvent> successes = new ArrayList<>(jobs.stream()
                    .map(e -> ReceivedEvent.of(e.imageSucceeded(1, 1, 2))).toList());
            java.util.Collections.reverse(successes);

            List<List<EventOutcome>> both = Mono.zip(batches.apply(starts).subscribeOn(Schedulers.parallel()),
                    batches.apply(successes).subscribeOn(Schedulers.parallel()), List::of).block(WAIT);

            assertThat(both).allSatisfy(outcomes -> assertThat(outcomes).extracting(EventOutcome::kind)
                    .doesNotContain(EventOutcome.Kind.PARK, EventOutcome.Kind.REQUEUE));
            assertThat(batchesSplit()).as("neither batch deadlocked and fell back").isEqualTo(fellBack);
            for (Events e : jobs) {
                assertThat(Rows.of(db, e.jobId, e.mediaItemId).job()).containsEntry("status", "completed");
                long committed = version(e.jobId);
                await().atMost(WAIT).untilAsserted(() -> assertThat(cache.held(e.jobId).block(WAIT))
                        .isEqualTo(new JobStatusCache.Held(committed, -1)));
                List<StatusChange> changes = new ArrayList<>(of(published, e.jobId));
                changes.sort(Comparator.comparingLong(StatusChange::version));
                assertThat(changes).extracting(c -> STATUS_ORDER.indexOf(c.status())).as("job %s", e.jobId).isSorted();
            }
        } finally {
            subscription.dispose();
        }
    }

    /**
     * Two batches, each with a success for two media items M and N, whose jobs come in opposite item orders (batch 1
     * folds M's job first, batch 2 N's): results saved as each job was folded took M's row, then N's, in one batch
     * and the reverse in the other. Saved at the end of the batch in item order, neither waits on the other in a
     * cycle, and neither falls back to one by one.
     */
    @Test
    void twoBatchesWithSuccessesForTheSameItemsInOppositeOrdersBothCommit() {
        double fellBack = batchesSplit();
        for (int round = 0; round < 10; round++) {
            long high = java.util.concurrent.ThreadLocalRandom.current().nextLong();
            Events m = thumbnailJob("items");
            Events n = thumbnailJob("items");
            // job ids in the lock order: batch 1 holds M's job before N's, batch 2 N's before M's
            Events m1 = m.otherJob(new UUID(high, 1), List.of(Operation.THUMBNAIL));
            Events n1 = n.otherJob(new UUID(high, 2), List.of(Operation.THUMBNAIL));
            Events n2 = n.otherJob(new UUID(high, 3), List.of(Operation.THUMBNAIL));
            Events m2 = m.otherJob(new UUID(high, 4), List.of(Operation.THUMBNAIL));
            List<Events> jobs = List.of(m1, n1, n2, m2);
            apply(jobs.stream().map(Events::submitted).toArray(JobEvent[]::new));
            apply(jobs.stream().map(e -> e.started(WorkerKind.IMAGE, 1, 1)).toArray(JobEvent[]::new));

            List<List<EventOutcome>> both = Mono.zip(
                    batches.apply(List.of(ReceivedEvent.of(m1.imageSucceeded(1, 1, 2)),
                            ReceivedEvent.of(n1.imageSucceeded(1, 1, 2)))).subscribeOn(Schedulers.parallel()),
                    batches.apply(List.of(ReceivedEvent.of(n2.imageSucceeded(1, 1, 2)),
                            ReceivedEvent.of(m2.imageSucceeded(1, 1, 2)))).subscribeOn(Schedulers.parallel()),
                    List::of).block(WAIT);

            assertThat(both).allSatisfy(outcomes -> assertThat(outcomes).extracting(EventOutcome::kind)
                    .containsOnly(EventOutcome.Kind.APPLIED));
            for (Events e : jobs) {
                assertThat(Rows.of(db, e.jobId, e.mediaItemId).job()).containsEntry("status", "completed");
            }
            for (Events item : List.of(m, n)) {
                assertThat(db.sql("SELECT results_version FROM media_items WHERE id = :id")
                        .bind("id", item.mediaItemId).mapValue(Long.class).one().block(WAIT))
                        .as("one change of the results per success").isEqualTo(2L);
            }
        }
        assertThat(batchesSplit()).as("no batch deadlocked and fell back").isEqualTo(fellBack);
    }

    private static Events thumbnailJob(String owner) {
        return new Events(owner, List.of(Operation.THUMBNAIL), 3);
    }

    private List<EventOutcome> apply(JobEvent... events) {
        return batches.apply(Arrays.stream(events).map(ReceivedEvent::of).toList()).block(WAIT);
    }

    private Disposable subscribe(List<StatusChange> into) {
        return redis.listenToChannelLater(keys.allJobsChannel()).block(WAIT)
                .map(ReactiveSubscription.Message::getMessage)
                .subscribe(json -> into.add(Json.read(json.getBytes(StandardCharsets.UTF_8), StatusChange.class)));
    }

    private static List<StatusChange> of(List<StatusChange> published, UUID jobId) {
        return published.stream().filter(c -> c.jobId().equals(jobId)).toList();
    }

    private long version(UUID jobId) {
        Map<String, Object> row = db.sql("SELECT version FROM jobs WHERE id = :id").bind("id", jobId).fetch().one()
                .block(WAIT);
        return ((Number) row.get("version")).longValue();
    }

    private double batchesSplit() {
        return meters.counter("mediaflow.event.batches", "outcome", "split").count();
    }
}
