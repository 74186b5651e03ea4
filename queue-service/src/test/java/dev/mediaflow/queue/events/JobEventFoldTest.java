package dev.mediaflow.queue.events;

import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.status.JobStatusCache;
import dev.mediaflow.queue.status.StatusChange;
import dev.mediaflow.queue.support.DatabaseRefusal;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.IntegrationTest;
import dev.mediaflow.queue.support.Rows;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.ReactiveSubscription;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.Disposable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, section 3: the events of one job in a batch are folded on one read and written once
 * ({@link JobEventFold}), and end exactly as the same events applied one at a time ({@link JobEventApplier#apply},
 * the path of before and the batch's fallback): the same job, task, result and attempt rows, the same version, the
 * same outcome for each event and the same changes published on the job's stream, in the same order. Each
 * comparison runs the same events against two jobs of their own in this run's database.
 */
class JobEventFoldTest extends IntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long SEED = Long.getLong("mediaflow.fold-seed", 14_03L);

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

    private final List<StatusChange> published = new CopyOnWriteArrayList<>();
    private Disposable subscription;

    @BeforeEach
    void listen() {
        subscription = redis.listenToChannelLater(keys.allJobsChannel()).block(WAIT)
                .map(ReactiveSubscription.Message::getMessage)
                .subscribe(json -> published.add(Json.read(json.getBytes(StandardCharsets.UTF_8),
                        StatusChange.class)));
    }

    @AfterEach
    void stopListening() {
        subscription.dispose();
    }

    @Test
    void aJobsWholeStoryInOneBatchEndsAsAppliedOneByOne() {
        Function<Events, List<JobEvent>> story = e -> {
            JobEvent imageDone = e.imageSucceeded(1, 1, 9);
            return List.of(e.submitted(), e.started(WorkerKind.IMAGE, 1, 2), e.progress(WorkerKind.IMAGE, 1, 40, 3),
                    e.started(WorkerKind.VISION, 1, 4), e.progress(WorkerKind.IMAGE, 1, 80, 5),
                    e.progress(WorkerKind.VISION, 1, 50, 6), imageDone, imageDone, imageDone,
                    e.visionSucceeded(1, 1, 12));
        };
        double split = batchesSplit();

        Comparison c = compare(story, List.of(10));

        assertThat(c.batched.rows.job()).containsEntry("status", "completed");
        assertThat(c.batched.changes).extracting(Change::status)
                .containsExactly("queued", "processing", "processing", "processing", "processing", "processing",
                        "processing", "completed");
        assertThat(c.batched.version).isEqualTo(8);
        c.assertSame();
        assertThat(batchesSplit()).as("applied as one batch, no fallback").isEqualTo(split);
    }

    @Test
    void aDuplicateInsideOneBatchChangesNothingMore() {
        Function<Events, List<JobEvent>> story = e -> {
            JobEvent started = e.started(WorkerKind.IMAGE, 1, 2);
            JobEvent done = e.imageSucceeded(1, 1, 5);
            return List.of(e.submitted(), started, started, done, started, done);
        };

        Comparison c = compare(List.of(Operation.THUMBNAIL), story, List.of(6));

        assertThat(c.batched.outcomes).containsExactly(EventOutcome.Kind.APPLIED, EventOutcome.Kind.APPLIED,
                EventOutcome.Kind.UNCHANGED, EventOutcome.Kind.APPLIED, EventOutcome.Kind.UNCHANGED,
                EventOutcome.Kind.UNCHANGED);
        assertThat(c.batched.changes).extracting(Change::status).containsExactly("queued", "processing", "completed");
        assertThat(c.batched.attempts).hasSize(1);
        c.assertSame();
    }

    @Test
    void timesBelowTheMicrosecondAreFoldedAsPostgresqlStoresThem() {
        // the stored start is rounded up, so the same start delivered again is earlier than it: a change, as before
        Function<Events, List<JobEvent>> story = e -> {
            JobEvent started = later(e.started(WorkerKind.IMAGE, 1, 2), 1_700);
            return List.of(e.submitted(), started, started, later(e.progress(WorkerKind.IMAGE, 1, 50, 3), 400),
                    started, later(e.imageSucceeded(1, 1, 4), 999_999_600));
        };

        Comparison c = compare(List.of(Operation.THUMBNAIL), story, List.of(6));

        assertThat(c.batched.outcomes).containsOnly(EventOutcome.Kind.APPLIED);
        assertThat(c.batched.rows.job()).containsEntry("status", "completed").containsEntry("duration_ms", 3000L);
        c.assertSame();
    }

    @Test
    void eventsOfAJobBeforeItsSubmissionEndAsOneByOne() {
        Function<Events, List<JobEvent>> story = e -> List.of(e.started(WorkerKind.IMAGE, 1, 2),
                e.task(EventType.TASK_STARTED, WorkerKind.IMAGE, 2, 1, 3), e.progress(WorkerKind.IMAGE, 1, 30, 4),
                e.submitted(), e.retrying(WorkerKind.IMAGE, 1, "slow disk", 5), e.started(WorkerKind.IMAGE, 2, 6),
                e.imageSucceeded(1, 2, 8));

        Comparison c = compare(story, List.of(7));

        assertThat(c.batched.outcomes.subList(0, 3)).containsOnly(EventOutcome.Kind.UNCHANGED);
        c.assertSame();
    }

    @Test
    void lateEventsOfAnEarlierRunAreIgnoredAsOneByOne() {
        // the job was retried: it is at run 2, and run 1's events still arrive
        Consumer<Events> retried = e -> {
            applier.apply(e.submitted()).block(WAIT);
            db.sql("UPDATE jobs SET run = 2 WHERE id = :id").bind("id", e.jobId).fetch().rowsUpdated().block(WAIT);
        };
        Function<Events, List<JobEvent>> story = e -> List.of(e.started(WorkerKind.IMAGE, 1, 2),
                e.task(EventType.TASK_STARTED, WorkerKind.IMAGE, 2, 1, 3), e.imageSucceeded(1, 1, 4),
                e.task(EventType.TASK_PROGRESS, WorkerKind.IMAGE, 2, 1, 5).withProgress(70),
                e.retrying(WorkerKind.IMAGE, 1, "late", 6));

        Comparison c = compare(List.of(Operation.THUMBNAIL), retried, story, List.of(5));

        assertThat(c.batched.outcomes).containsExactly(EventOutcome.Kind.UNCHANGED, EventOutcome.Kind.APPLIED,
                EventOutcome.Kind.UNCHANGED, EventOutcome.Kind.APPLIED, EventOutcome.Kind.UNCHANGED);
        assertThat(c.batched.rows.job()).containsEntry("status", "processing").containsEntry("run", 2);
        assertThat(c.batched.rows.results()).isEmpty();
        assertThat(c.batched.attempts).as("every attempt of every run is logged").hasSize(2);
        c.assertSame();
    }

    /**
     * One batch of many jobs, read, inserted and written together (four statements before the fold and two after,
     * whatever their number): new jobs, one whose events come before its submission, a duplicate that reuses an
     * earlier item's results, a job recorded before the batch, and a deleted one, their events interleaved; each job
     * ends as its events applied one by one.
     */
    @Test
    void manyJobsInOneBatchEndAsOneByOne() {
        Map<String, VariantResult> reused = Map.of("thumbnail", VariantResult.of(320, 240, 9_000));
        List<List<Events>> sides = new ArrayList<>();
        List<List<JobEvent>> stories = new ArrayList<>();
        for (String owner : List.of("fold-one", "fold-many")) {
            Events earlier = new Events(owner, List.of(Operation.THUMBNAIL), 3);
            applier.apply(earlier.submitted()).block(WAIT);
            Events fresh = new Events(owner, Operation.standard(), 3);
            Events late = new Events(owner, Operation.standard(), 3);
            Events duplicate = new Events(owner, List.of(Operation.THUMBNAIL), 3).createdAfter(60);
            Events recorded = new Events(owner, List.of(Operation.THUMBNAIL), 3);
            applier.apply(recorded.submitted()).block(WAIT);
            Events deleted = new Events(owner, List.of(Operation.THUMBNAIL), 3);
            db.sql("INSERT INTO deleted_jobs (job_id, media_item_id) VALUES (:id, :item)")
                    .bind("id", deleted.jobId).bind("item", deleted.mediaItemId).fetch().rowsUpdated().block(WAIT);
            sides.add(List.of(fresh, late, duplicate, recorded, deleted));
            stories.add(List.of(late.started(WorkerKind.IMAGE, 1, 2), fresh.submitted(),
                    recorded.started(WorkerKind.IMAGE, 1, 3), deleted.submitted(),
                    JobEvent.submitted(duplicate.submission().asDuplicateOf(earlier.mediaItemId, reused)),
                    fresh.started(WorkerKind.VISION, 1, 4), late.submitted(), late.progress(WorkerKind.IMAGE, 1, 50, 5),
                    recorded.imageSucceeded(1, 1, 6), deleted.started(WorkerKind.IMAGE, 1, 7),
                    fresh.progress(WorkerKind.VISION, 1, 20, 8), fresh.submitted()));
        }
        List<EventOutcome.Kind> oneByOne = new ArrayList<>();
        for (JobEvent event : stories.get(0)) {
            oneByOne.add(EventOutcome.applied(Boolean.TRUE.equals(applier.apply(event).block(WAIT))).kind());
        }
        double split = batchesSplit();
        List<EventOutcome.Kind> batched = batches.apply(stories.get(1).stream().map(ReceivedEvent::of).toList())
                .block(WAIT).stream().map(EventOutcome::kind).toList();

        assertThat(batchesSplit()).as("applied as one batch, no fallback").isEqualTo(split);
        assertThat(batched).isEqualTo(oneByOne);
        for (int k = 0; k < sides.get(0).size(); k++) {
            Events one = sides.get(0).get(k);
            Events many = sides.get(1).get(k);
            new Comparison(side(one, outcomesOf(one, stories.get(0), oneByOne)),
                    side(many, outcomesOf(many, stories.get(1), batched))).assertSame("job " + k);
        }
        Rows duplicate = Rows.of(db, sides.get(1).get(2).jobId, sides.get(1).get(2).mediaItemId);
        assertThat(duplicate.job()).containsEntry("status", "completed");
        assertThat(duplicate.results()).hasSize(1);
        assertThat(Rows.of(db, sides.get(1).get(1).jobId, sides.get(1).get(1).mediaItemId).job())
                .containsEntry("status", "processing");
        assertThat(version(sides.get(1).get(4).jobId)).as("the deleted job is never recorded").isZero();
        assertThat(batched).containsExactly(EventOutcome.Kind.UNCHANGED, EventOutcome.Kind.APPLIED,
                EventOutcome.Kind.APPLIED, EventOutcome.Kind.UNCHANGED, EventOutcome.Kind.APPLIED,
                EventOutcome.Kind.APPLIED, EventOutcome.Kind.APPLIED, EventOutcome.Kind.APPLIED,
                EventOutcome.Kind.APPLIED, EventOutcome.Kind.UNCHANGED, EventOutcome.Kind.APPLIED,
                EventOutcome.Kind.UNCHANGED);
    }

    private static List<EventOutcome.Kind> outcomesOf(Events job, List<JobEvent> story,
                                                      List<EventOutcome.Kind> outcomes) {
        List<EventOutcome.Kind> ofJob = new ArrayList<>();
        for (int i = 0; i < story.size(); i++) {
            if (story.get(i).jobId().equals(job.jobId)) {
                ofJob.add(outcomes.get(i));
            }
        }
        return ofJob;
    }

    /**
     * Random stories of a job with two tasks (starts, progress, failures, retries, deaths and successes of random
     * attempts, some of a later run, the submission anywhere, some events delivered twice, times with sub-microsecond
     * parts) cut into random batches: each ends as the same events applied one by one. The seed is
     * {@code -Dmediaflow.fold-seed} (printed on failure).
     */
    @Test
    void randomStoriesInRandomBatchesEndAsOneByOne() {
        Random random = new Random(SEED);
        for (int round = 0; round < 30; round++) {
            long storySeed = random.nextLong();
            Random r = new Random(storySeed);
            int length = 3 + r.nextInt(14);
            List<Step> steps = randomSteps(r, length);
            List<Integer> cuts = new ArrayList<>();
            for (int left = steps.size(); left > 0; ) {
                int size = Math.min(left, 1 + r.nextInt(6));
                cuts.add(size);
                left -= size;
            }
            Comparison c = compare(e -> render(e, steps), cuts);
            c.assertSame("seed " + SEED + ", round " + round + ", story " + storySeed + ": " + steps + " in " + cuts);
        }
    }

    @Test
    void aPoisonEventInTheMiddleOfAJobsEventsIsParkedAloneAndTheOthersApply() {
        Events e = new Events("alice", List.of(Operation.THUMBNAIL), 3);
        Events other = new Events("bob", List.of(Operation.THUMBNAIL), 3);
        assertThat(batches.apply(List.of(ReceivedEvent.of(e.submitted()), ReceivedEvent.of(other.submitted())))
                .block(WAIT)).extracting(EventOutcome::kind).containsOnly(EventOutcome.Kind.APPLIED);
        Map<String, VariantResult> results = new LinkedHashMap<>();
        results.put("thumbnail", VariantResult.of(320, 240, 9_000));
        results.put("refused-in-test", VariantResult.of(1, 1, 1));
        JobEvent poison = e.task(EventType.TASK_SUCCEEDED, WorkerKind.IMAGE, 1, 1, 4).withOutcome(1000L, results);
        double split = batchesSplit();

        List<EventOutcome> outcomes;
        try (DatabaseRefusal refusal = DatabaseRefusal.of(db, "results", "NEW.name = 'refused-in-test'",
                DatabaseRefusal.CONSTRAINT, "refused by the test")) {
            outcomes = batches.apply(List.of(ReceivedEvent.of(e.started(WorkerKind.IMAGE, 1, 2)),
                    ReceivedEvent.of(other.started(WorkerKind.IMAGE, 1, 2)),
                    ReceivedEvent.of(e.progress(WorkerKind.IMAGE, 1, 30, 3)), ReceivedEvent.of(poison),
                    ReceivedEvent.of(e.progress(WorkerKind.IMAGE, 1, 60, 5)),
                    ReceivedEvent.of(other.imageSucceeded(1, 1, 6)))).block(WAIT);
        }

        assertThat(outcomes).extracting(EventOutcome::kind).containsExactly(EventOutcome.Kind.APPLIED,
                EventOutcome.Kind.APPLIED, EventOutcome.Kind.APPLIED, EventOutcome.Kind.PARK,
                EventOutcome.Kind.APPLIED, EventOutcome.Kind.APPLIED);
        assertThat(outcomes.get(3).why()).contains("refused by the test");
        assertThat(batchesSplit()).as("the batch failed whole and was applied one by one").isEqualTo(split + 1);
        Rows rows = Rows.of(db, e.jobId, e.mediaItemId);
        assertThat(rows.job()).containsEntry("status", "processing");
        assertThat(rows.tasks()).singleElement().satisfies(task -> {
            assertThat(task).containsEntry("status", "progress");
            assertThat(task).containsEntry("progress", 60);
        });
        assertThat(rows.results()).isEmpty();
        assertThat(Rows.of(db, other.jobId, other.mediaItemId).job()).containsEntry("status", "completed");
        // every change of the applied events reached the stream, in version order: submitted, started, 30 %, 60 %
        long committed = version(e.jobId);
        assertThat(committed).isEqualTo(4);
        List<Change> changes = changesUntil(e.jobId, committed);
        assertThat(changes).extracting(Change::progress).containsExactly(0, 0, 30, 60);
        assertThat(changes).extracting(Change::version).containsExactly(1L, 2L, 3L, 4L);
    }

    // ---- the comparison -------------------------------------------------------------------------------------

    private Comparison compare(Function<Events, List<JobEvent>> story, List<Integer> cuts) {
        return compare(Operation.standard(), story, cuts);
    }

    private Comparison compare(List<Operation> operations, Function<Events, List<JobEvent>> story,
                               List<Integer> cuts) {
        return compare(operations, e -> { }, story, cuts);
    }

    private Comparison compare(List<Operation> operations, Consumer<Events> setUp,
                               Function<Events, List<JobEvent>> story, List<Integer> cuts) {
        Events one = new Events("fold-one", operations, 3);
        Events many = new Events("fold-many", operations, 3);
        setUp.accept(one);
        setUp.accept(many);
        List<EventOutcome.Kind> oneByOne = new ArrayList<>();
        for (JobEvent event : story.apply(one)) {
            oneByOne.add(EventOutcome.applied(Boolean.TRUE.equals(applier.apply(event).block(WAIT))).kind());
        }
        List<JobEvent> events = story.apply(many);
        List<EventOutcome.Kind> batched = new ArrayList<>();
        double split = batchesSplit();
        int from = 0;
        for (int size : cuts) {
            batches.apply(events.subList(from, from + size).stream().map(ReceivedEvent::of).toList()).block(WAIT)
                    .forEach(outcome -> batched.add(outcome.kind()));
            from += size;
        }
        assertThat(from).isEqualTo(events.size());
        assertThat(batchesSplit()).as("every batch committed whole, none applied one by one").isEqualTo(split);
        return new Comparison(side(one, oneByOne), side(many, batched));
    }

    private Side side(Events e, List<EventOutcome.Kind> outcomes) {
        long version = version(e.jobId);
        return new Side(Rows.of(db, e.jobId, e.mediaItemId), attempts(e.jobId), version,
                changesUntil(e.jobId, version), outcomes);
    }

    /** What the job's stream heard, once it heard the committed version (none when nothing was recorded). */
    private List<Change> changesUntil(UUID jobId, long version) {
        if (version > 0) {
            await().atMost(WAIT).until(() -> published.stream()
                    .anyMatch(c -> c.jobId().equals(jobId) && c.version() == version));
        }
        return published.stream().filter(c -> c.jobId().equals(jobId))
                .map(c -> new Change(c.status(), c.attempts(), c.progress(), c.version())).toList();
    }

    private record Change(String status, int attempts, int progress, long version) {
    }

    private record Side(Rows rows, List<Map<String, Object>> attempts, long version, List<Change> changes,
                        List<EventOutcome.Kind> outcomes) {
    }

    private record Comparison(Side oneByOne, Side batched) {

        void assertSame() {
            assertSame("");
        }

        void assertSame(String what) {
            assertThat(batched.rows).as("rows, %s", what).isEqualTo(oneByOne.rows);
            assertThat(batched.attempts).as("attempts, %s", what).isEqualTo(oneByOne.attempts);
            assertThat(batched.version).as("version, %s", what).isEqualTo(oneByOne.version);
            assertThat(batched.changes).as("published changes, %s", what).isEqualTo(oneByOne.changes);
            assertThat(batched.outcomes).as("outcomes, %s", what).isEqualTo(oneByOne.outcomes);
        }
    }

    // ---- random stories -------------------------------------------------------------------------------------

    /** One event of a story, for any job: {@code repeat} >= 0 delivers the step at that index again. */
    private record Step(EventType type, WorkerKind worker, int run, int attempt, int second, int nanos, int progress,
                        int repeat) {
    }

    private static List<Step> randomSteps(Random r, int length) {
        List<EventType> types = List.of(EventType.TASK_STARTED, EventType.TASK_STARTED, EventType.TASK_PROGRESS,
                EventType.TASK_PROGRESS, EventType.TASK_SUCCEEDED, EventType.TASK_SUCCEEDED, EventType.TASK_FAILED,
                EventType.TASK_RETRYING, EventType.TASK_DEAD);
        List<Step> steps = new ArrayList<>();
        int submittedAt = r.nextInt(length);
        for (int i = 0; i < length; i++) {
            if (i == submittedAt) {
                steps.add(new Step(EventType.JOB_SUBMITTED, null, 1, 0, 0, 0, 0, -1));
            } else if (i > 0 && r.nextInt(6) == 0) {
                steps.add(new Step(null, null, 0, 0, 0, 0, 0, r.nextInt(i)));
            } else {
                steps.add(new Step(types.get(r.nextInt(types.size())), r.nextBoolean() ? WorkerKind.IMAGE
                        : WorkerKind.VISION, r.nextInt(5) == 0 ? 2 : 1, 1 + r.nextInt(3), 1 + r.nextInt(60),
                        r.nextInt(3) == 0 ? r.nextInt(1_000_000) : 0, r.nextInt(101), -1));
            }
        }
        return steps;
    }

    private static List<JobEvent> render(Events e, List<Step> steps) {
        List<JobEvent> events = new ArrayList<>();
        for (Step s : steps) {
            if (s.repeat >= 0) {
                events.add(events.get(s.repeat));
            } else if (s.type == EventType.JOB_SUBMITTED) {
                events.add(e.submitted());
            } else {
                JobEvent event = switch (s.type) {
                    case TASK_SUCCEEDED -> s.worker == WorkerKind.IMAGE
                            ? e.imageSucceeded(s.run, s.attempt, s.second)
                            : e.visionSucceeded(s.run, s.attempt, s.second);
                    case TASK_PROGRESS -> e.task(s.type, s.worker, s.run, s.attempt, s.second).withProgress(s.progress);
                    case TASK_FAILED, TASK_RETRYING, TASK_DEAD ->
                            e.task(s.type, s.worker, s.run, s.attempt, s.second).withError("error " + s.second);
                    default -> e.task(s.type, s.worker, s.run, s.attempt, s.second);
                };
                events.add(later(event, s.nanos));
            }
        }
        return events;
    }

    /** The event {@code nanos} later: a time that PostgreSQL rounds to the microsecond. */
    private static JobEvent later(JobEvent e, int nanos) {
        return new JobEvent(e.eventId(), e.type(), e.jobId(), e.mediaItemId(), e.owner(), e.worker(), e.run(),
                e.attempt(), e.maxAttempts(), e.at().plusNanos(nanos), e.workerId(), e.progress(), e.error(),
                e.durationMs(), e.results(), e.submission());
    }

    // ---- reads ----------------------------------------------------------------------------------------------

    private List<Map<String, Object>> attempts(UUID jobId) {
        return db.sql("SELECT worker, run, attempt, started_at, ended_at, outcome, outcome_rank, error "
                        + "FROM task_attempts WHERE job_id = :id ORDER BY worker, run, attempt")
                .bind("id", jobId).fetch().all().collectList().block(WAIT);
    }

    private long version(UUID jobId) {
        return db.sql("SELECT version FROM jobs WHERE id = :id").bind("id", jobId).map(row -> row.get(0, Long.class))
                .one().blockOptional(WAIT).orElse(0L);
    }

    private double batchesSplit() {
        return meters.counter("mediaflow.event.batches", "outcome", "split").count();
    }
}
