package dev.mediaflow.queue.events;

import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.items.JobActions;
import dev.mediaflow.queue.status.ItemSnapshot;
import dev.mediaflow.queue.status.JobStatusCache;
import dev.mediaflow.queue.support.DatabaseRefusal;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.IntegrationTest;
import dev.mediaflow.queue.support.Rows;
import dev.mediaflow.queue.support.Stories;
import dev.mediaflow.queue.web.Caller;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobEventApplierTest extends IntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Autowired
    JobEventApplier applier;
    @Autowired
    JobEventBatchApplier batches;
    @Autowired
    JobActions actions;
    @Autowired
    DatabaseClient db;
    @Autowired
    JobStatusCache cache;

    @Test
    void completedJobEndsInTheSameRowsWhateverTheOrderAndDuplicates() {
        Rows inOrder = applyAll(new Events("alice", Operation.standard(), 3), Stories::completed,
                Function.identity());

        assertThat(inOrder.job()).containsEntry("status", "completed").containsEntry("attempts", 2)
                .containsEntry("duration_ms", 19_000L).containsEntry("last_error", "decoder crashed");
        assertThat(inOrder.tasks()).extracting(t -> t.get("status")).containsExactly("succeeded", "succeeded");
        assertThat(inOrder.tasks()).extracting(t -> t.get("progress")).containsExactly(100, 100);
        assertThat(inOrder.results()).extracting(r -> r.get("name"))
                .containsExactly("blur", "depth", "low-quality", "thumbnail");

        assertSameRowsInOtherOrders(inOrder, 3, Stories::completed);
    }

    @Test
    void deadTaskFailsTheJobWithItsErrorWhateverTheOrderAndDuplicates() {
        Rows inOrder = applyAll(new Events("alice", Operation.standard(), 2), Stories::failed,
                Function.identity());

        assertThat(inOrder.job()).containsEntry("status", "failed").containsEntry("attempts", 2)
                .containsEntry("last_error", "out of memory again").containsEntry("duration_ms", 8_000L);
        assertThat(inOrder.tasks()).extracting(t -> t.get("status")).containsExactly("dead", "succeeded");
        assertThat(inOrder.tasks().get(0)).containsEntry("progress", 10).containsEntry("attempt", 2);
        assertThat(inOrder.results()).extracting(r -> r.get("name")).containsExactly("depth");

        assertSameRowsInOtherOrders(inOrder, 2, Stories::failed);
    }

    @Test
    void aCopysFailureNeverFailsAJobWhoseTaskSucceededWhateverTheOrderAndDuplicates() {
        Rows inOrder = applyAll(new Events("alice", Operation.standard(), 3),
                Stories::copyFailsWhileTheOriginalSucceeds, Function.identity());

        assertThat(inOrder.job()).containsEntry("status", "completed");
        assertThat(inOrder.tasks()).extracting(t -> t.get("status")).containsExactly("succeeded", "succeeded");
        assertThat(inOrder.tasks().get(0)).containsEntry("attempt", 1).containsEntry("progress", 100);
        assertThat(inOrder.results()).extracting(r -> r.get("name"))
                .containsExactly("blur", "depth", "low-quality", "thumbnail");

        assertSameRowsInOtherOrders(inOrder, 3, Stories::copyFailsWhileTheOriginalSucceeds);
    }

    private void assertSameRowsInOtherOrders(Rows expected, int maxAttempts, Function<Events, List<JobEvent>> story) {
        List<Operation> all = Operation.standard();
        for (long seed = 1; seed <= 4; seed++) {
            Random random = new Random(seed);
            Rows shuffled = applyAll(new Events("alice", all, maxAttempts), story, events -> {
                List<JobEvent> copy = new ArrayList<>(events);
                Collections.shuffle(copy, random);
                return copy;
            });
            assertThat(shuffled).as("shuffled with seed %d", seed).isEqualTo(expected);
        }
        Rows reversed = applyAll(new Events("alice", all, maxAttempts), story, events -> {
            List<JobEvent> copy = new ArrayList<>(events);
            Collections.reverse(copy);
            return copy;
        });
        assertThat(reversed).as("reversed").isEqualTo(expected);
        Rows duplicated = applyAll(new Events("alice", all, maxAttempts), story, events -> {
            List<JobEvent> copy = new ArrayList<>();
            events.forEach(event -> {
                copy.add(event);
                copy.add(event);
            });
            List<JobEvent> replay = new ArrayList<>(events);
            Collections.shuffle(replay, new Random(99));
            copy.addAll(replay);
            return copy;
        });
        assertThat(duplicated).as("with duplicates and a replay").isEqualTo(expected);
    }

    @Test
    void taskEventsBeforeJobSubmittedAreKeptAndPickedUp() {
        Events e = Events.allOperations("alice");
        apply(e.started(WorkerKind.IMAGE, 1, 5));
        assertThat(count("SELECT count(*) FROM jobs WHERE id = :id", e)).isZero();
        assertThat(count("SELECT count(*) FROM tasks WHERE job_id = :id", e)).isEqualTo(1);

        apply(e.submitted());

        Rows rows = Rows.of(db, e.jobId, e.mediaItemId);
        assertThat(rows.job()).containsEntry("status", "processing").containsEntry("attempts", 1);
        assertThat(rows.job().get("started_at")).isNotNull();
    }

    @Test
    void eventsOfAnOlderRunAreIgnoredAfterARetry() {
        Events e = new Events("alice", List.of(Operation.THUMBNAIL), 1);
        apply(e.submitted());
        apply(e.started(WorkerKind.IMAGE, 1, 1));
        apply(e.dead(WorkerKind.IMAGE, 1, "corrupt file", 2));
        assertThat(Rows.of(db, e.jobId, e.mediaItemId).job()).containsEntry("status", "failed");

        actions.retry(e.jobId, new Caller("alice", false)).block(WAIT);
        Rows afterRetry = Rows.of(db, e.jobId, e.mediaItemId);
        assertThat(afterRetry.job()).containsEntry("status", "queued").containsEntry("run", 2)
                .containsEntry("attempts", 0).containsEntry("last_error", null);
        assertThat(afterRetry.tasks()).singleElement().satisfies(task -> assertThat(task)
                .containsEntry("run", 2).containsEntry("status", "queued").containsEntry("attempt", 0));

        boolean changed = apply(e.imageSucceeded(1, 1, 3));
        apply(e.task(EventType.TASK_STARTED, WorkerKind.IMAGE, 1, 1, 4));

        assertThat(changed).isFalse();
        assertThat(Rows.of(db, e.jobId, e.mediaItemId)).isEqualTo(afterRetry);

        apply(e.task(EventType.TASK_STARTED, WorkerKind.IMAGE, 2, 1, 10));
        apply(e.imageSucceeded(2, 1, 12));
        assertThat(Rows.of(db, e.jobId, e.mediaItemId).job()).containsEntry("status", "completed")
                .containsEntry("run", 2).containsEntry("duration_ms", 2_000L);
    }

    @Test
    void aFinalTaskStateDoesNotMoveOnALateProgress() {
        Events e = new Events("alice", List.of(Operation.THUMBNAIL, Operation.BLUR), 3);
        apply(e.submitted());
        apply(e.started(WorkerKind.IMAGE, 1, 1));
        apply(e.imageSucceeded(1, 1, 2));
        Rows done = Rows.of(db, e.jobId, e.mediaItemId);
        assertThat(done.job()).containsEntry("status", "completed");

        boolean progressChanged = apply(e.progress(WorkerKind.IMAGE, 1, 50, 3));
        boolean startedChanged = apply(e.started(WorkerKind.IMAGE, 1, 4));
        boolean cancelledChanged = apply(e.task(EventType.TASK_CANCELLED, WorkerKind.IMAGE, 1, 1, 5));

        assertThat(List.of(progressChanged, startedChanged, cancelledChanged)).containsOnly(false);
        Rows after = Rows.of(db, e.jobId, e.mediaItemId);
        assertThat(after.job()).isEqualTo(done.job());
        assertThat(after.tasks().get(0)).containsEntry("status", "succeeded").containsEntry("progress", 100);
    }

    @Test
    void anEventThatFailsHalfWayLeavesNoPartialState() {
        Events e = new Events("alice", List.of(Operation.THUMBNAIL), 3);
        Events before1 = new Events("bob", List.of(Operation.THUMBNAIL), 3);
        Events after1 = new Events("carol", List.of(Operation.THUMBNAIL), 3);
        apply(e.submitted());
        apply(e.started(WorkerKind.IMAGE, 1, 1));
        apply(before1.submitted());
        Rows before = Rows.of(db, e.jobId, e.mediaItemId);
        List<Map<String, Object>> attemptsBefore = attempts(e);
        long versionBefore = count("SELECT version FROM jobs WHERE id = :id", e);
        Optional<ItemSnapshot> redisBefore = cache.read(e.jobId).blockOptional(WAIT);
        assertThat(redisBefore).isPresent();
        // the second result row is refused by the database (a constraint), after the attempt, the task and the
        // first result were written, in the middle of a batch: the batch's transaction rolls back whole, then its
        // events are applied one by one, and this one alone is refused again
        Map<String, VariantResult> results = new LinkedHashMap<>();
        results.put("thumbnail", VariantResult.of(320, 240, 9_000));
        results.put("refused-in-test", VariantResult.of(1, 1, 1));
        JobEvent succeeded = e.task(EventType.TASK_SUCCEEDED, WorkerKind.IMAGE, 1, 1, 2).withOutcome(1000L, results);
        List<EventOutcome> outcomes;
        try (DatabaseRefusal refusal = DatabaseRefusal.of(db, "results", "NEW.name = 'refused-in-test'",
                DatabaseRefusal.CONSTRAINT, "refused by the test")) {
            outcomes = batches.apply(List.of(ReceivedEvent.of(before1.started(WorkerKind.IMAGE, 1, 1)),
                    ReceivedEvent.of(succeeded), ReceivedEvent.of(after1.submitted()))).block(WAIT);
        }

        assertThat(outcomes).extracting(EventOutcome::kind).containsExactly(EventOutcome.Kind.APPLIED,
                EventOutcome.Kind.PARK, EventOutcome.Kind.APPLIED);
        assertThat(outcomes.get(1).why()).contains("refused by the test");
        assertThat(Rows.of(db, e.jobId, e.mediaItemId)).isEqualTo(before);
        assertThat(attempts(e)).isEqualTo(attemptsBefore);
        assertThat(count("SELECT version FROM jobs WHERE id = :id", e)).isEqualTo(versionBefore);
        assertThat(cache.read(e.jobId).blockOptional(WAIT)).isEqualTo(redisBefore);
        // the others of the batch applied, PostgreSQL and Redis
        assertThat(Rows.of(db, before1.jobId, before1.mediaItemId).job()).containsEntry("status", "processing");
        assertThat(Rows.of(db, after1.jobId, after1.mediaItemId).job()).containsEntry("status", "queued");
        assertThat(cache.read(before1.jobId).blockOptional(WAIT)).hasValueSatisfying(
                snapshot -> assertThat(snapshot.item().status()).isEqualTo("processing"));
        assertThat(cache.read(after1.jobId).blockOptional(WAIT)).isPresent();

        // the same event without the refusal then applies whole
        apply(e.imageSucceeded(1, 1, 3));
        assertThat(Rows.of(db, e.jobId, e.mediaItemId).job()).containsEntry("status", "completed");
    }

    private List<Map<String, Object>> attempts(Events e) {
        return db.sql("SELECT worker, run, attempt, started_at, ended_at, outcome, error FROM task_attempts "
                + "WHERE job_id = :id ORDER BY worker, run, attempt").bind("id", e.jobId).fetch().all().collectList()
                .block(WAIT);
    }

    private Rows applyAll(Events e, Function<Events, List<JobEvent>> story, Function<List<JobEvent>, List<JobEvent>> order) {
        order.apply(story.apply(e)).forEach(this::apply);
        return Rows.of(db, e.jobId, e.mediaItemId);
    }

    private boolean apply(JobEvent event) {
        return Boolean.TRUE.equals(applier.apply(event).block(WAIT));
    }

    private long count(String sql, Events e) {
        Map<String, Object> row = db.sql(sql).bind("id", e.jobId).fetch().one().block(WAIT);
        return ((Number) row.values().iterator().next()).longValue();
    }
}
