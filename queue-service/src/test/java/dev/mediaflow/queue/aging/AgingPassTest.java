package dev.mediaflow.queue.aging;

import dev.mediaflow.messages.AmqpMessages;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.PriorityRule;
import dev.mediaflow.messages.StorageLayout;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.config.MediaflowProperties;
import dev.mediaflow.queue.messaging.TaskOutbox;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.TaskQueues;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Sinks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pass of priority aging over more waiting tasks than one transaction takes ({@link PriorityAger#PAGE}): every
 * task is aged once, one level up, with exactly one copy on the broker, and a job whose lock another transaction
 * holds at that moment (an event being applied, a cancel) is neither waited for nor aged, but aged in the next
 * pass. Each pass here is the service's own aging code with its clock hours ahead ({@link #pass}), so all of this
 * test's tasks have waited long enough; the service's own ager (an hour here) never touches them.
 */
@TestPropertySource(properties = "mediaflow.priority-aging=1h")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class AgingPassTest extends ApiTest {

    private static final int JOBS = PriorityAger.PAGE + 30;
    private static final int VIDEO_PRIORITY = 150;

    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    DatabaseClient db;
    @Autowired
    WaitingTasks waiting;
    @Autowired
    JobStore store;
    @Autowired
    TaskOutbox outbox;
    @Autowired
    TransactionalOperator tx;
    @Autowired
    MediaflowProperties properties;

    private final String owner = unique("aging-pass");

    @AfterEach
    void noMoreWaiting() {
        // so that other classes' agers (PriorityAgingTest ages after 1 s) leave this test's jobs alone
        db.sql("UPDATE jobs SET status = 'failed' WHERE owner = :owner").bind("owner", owner)
                .fetch().rowsUpdated().block(WAIT);
    }

    @Test
    void aPassAgesEveryWaitingTaskOnceAndLeavesAJobBeingChangedForTheNextPass() {
        int base = PriorityRule.amqpPriority(VIDEO_PRIORITY);
        List<UUID> jobs = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            JobSubmission video = submission();
            apply(JobEvent.submitted(video));
            jobs.add(video.jobId());
        }
        UUID busy = jobs.get(JOBS / 2);

        // another transaction changes one job while the pass runs: it holds the job's lock until released
        Sinks.Empty<Void> release = Sinks.empty();
        CompletableFuture<Void> holder = tx.transactional(store.lockJob(busy).then(release.asMono())).toFuture();
        try {
            await().atMost(WAIT).until(() -> lockHeld(busy));
            pass(1);
        } finally {
            release.tryEmitEmpty();
        }
        holder.orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(lockHeld(busy)).isFalse();

        Map<UUID, Integer> levels = levels();
        assertThat(levels).as("every task but the busy job's aged, once").hasSize(JOBS - 1).doesNotContainKey(busy);
        assertThat(Set.copyOf(levels.values())).containsExactly(base + 1);
        Map<UUID, List<Integer>> copies = copiesOnTheBroker(JOBS - 1);
        assertThat(copies.keySet()).isEqualTo(levels.keySet());
        assertThat(copies.values()).as("exactly one copy per step, at the new level")
                .allSatisfy(sent -> assertThat(sent).containsExactly(base + 1));

        // the next pass takes the busy job too: it catches up, the others go one more level up
        pass(2);
        levels = levels();
        assertThat(levels).hasSize(JOBS).containsEntry(busy, base + 1);
        assertThat(levels.entrySet().stream().filter(e -> !e.getKey().equals(busy)).map(Map.Entry::getValue)
                .collect(Collectors.toSet())).containsExactly(base + 2);
        copies = copiesOnTheBroker(JOBS);
        assertThat(copies.get(busy)).containsExactly(base + 1);
        assertThat(copies.entrySet()).filteredOn(e -> !e.getKey().equals(busy))
                .allSatisfy(e -> assertThat(e.getValue()).containsExactly(base + 2));
    }

    @Test
    void aTaskAtTheTopIsNotAgedAgain() {
        JobSubmission video = submission();
        apply(JobEvent.submitted(video));
        int base = PriorityRule.amqpPriority(VIDEO_PRIORITY);
        int pass = 0;
        for (int level = base + 1; level <= PriorityRule.AMQP_MAX_PRIORITY; level++) {
            pass(++pass);
            assertThat(levels()).containsExactly(Map.entry(video.jobId(), level));
        }
        pass(++pass);
        assertThat(levels()).containsExactly(Map.entry(video.jobId(), PriorityRule.AMQP_MAX_PRIORITY));
        List<Integer> sent = copiesOnTheBroker(1).get(video.jobId());
        assertThat(sent).as("one copy per level (the broker gives the highest first)").containsExactlyInAnyOrderElementsOf(
                IntStream.rangeClosed(base + 1, PriorityRule.AMQP_MAX_PRIORITY).boxed().toList());
    }

    /**
     * Pass {@code n} of the service's aging code, its clock {@code 2n} hours ahead: every task of this test has waited
     * longer than the aging time (an hour) since it was queued or last aged.
     */
    private long pass(int n) {
        return new PriorityAger(waiting, store, outbox, tx, properties,
                Clock.offset(Clock.systemUTC(), Duration.ofHours(2L * n))).sweep().block(Duration.ofSeconds(60));
    }

    /** Whether some transaction holds the job's lock ({@link JobStore#lockJob}). */
    private boolean lockHeld(UUID jobId) {
        return db.sql("""
                        SELECT count(*) FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted
                        AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended(:key, 0)""")
                .bind("key", "job:" + jobId)
                .mapValue(Long.class).one().block(WAIT) > 0;
    }

    /** This test's jobs' aging levels. */
    private Map<UUID, Integer> levels() {
        return db.sql("SELECT a.job_id, a.level FROM task_aging a JOIN jobs j ON j.id = a.job_id WHERE j.owner = :owner")
                .bind("owner", owner)
                .map(row -> Map.entry(row.get("job_id", UUID.class), row.get("level", Integer.class)))
                .all().collectMap(Map.Entry::getKey, Map.Entry::getValue).block(WAIT);
    }

    /**
     * The copies of this test's jobs on the image queue, in the order they arrive, once copies of {@code jobs} jobs
     * came and the queue then stayed empty a while (so none came twice); other tests' messages are passed over.
     */
    private Map<UUID, List<Integer>> copiesOnTheBroker(int jobs) {
        Set<UUID> mine = Set.copyOf(db.sql("SELECT id FROM jobs WHERE owner = :owner").bind("owner", owner)
                .mapValue(UUID.class).all().collectList().block(WAIT));
        Map<UUID, List<Integer>> copies = new HashMap<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            Message message = rabbit.receive(WorkerKind.IMAGE.queue(), copies.size() < jobs ? 1000 : 2000);
            if (message == null) {
                if (copies.size() >= jobs) {
                    break;
                }
                continue;
            }
            TaskMessage task = Json.read(message.getBody(), TaskMessage.class);
            if (mine.contains(task.jobId())) {
                assertThat(message.getMessageProperties().getPriority()).isEqualTo(AmqpMessages.copyOf(message));
                copies.computeIfAbsent(task.jobId(), id -> new ArrayList<>()).add(AmqpMessages.copyOf(message));
            } else {
                TaskQueues.passOver(WorkerKind.IMAGE, message);
            }
        }
        assertThat(copies).as("copies of %d jobs", jobs).hasSize(jobs);
        return copies;
    }

    private JobSubmission submission() {
        UUID jobId = UUID.randomUUID();
        UUID mediaItemId = UUID.randomUUID();
        return new JobSubmission(jobId, mediaItemId, owner, "f.mp4", MediaType.VIDEO, 1_000_000L, "ab".repeat(32),
                StorageLayout.uploadPath(owner, mediaItemId, "mp4"), StorageLayout.outputDir(owner, mediaItemId),
                List.of(Operation.THUMBNAIL), VIDEO_PRIORITY, 3, null, null, 1, Instant.now(), null);
    }
}
