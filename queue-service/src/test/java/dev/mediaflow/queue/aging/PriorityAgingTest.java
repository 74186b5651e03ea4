package dev.mediaflow.queue.aging;

import dev.mediaflow.messages.AmqpMessages;
import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.PriorityRule;
import dev.mediaflow.messages.StorageLayout;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Rows;
import dev.mediaflow.queue.support.TaskQueues;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, section 6: with photos arriving as fast as they are taken, strict priority never delivers a video.
 * With {@code MEDIAFLOW_PRIORITY_AGING} the waiting video task is published again one AMQP priority higher after
 * each wait, until it overtakes the photos; on the real broker of this run's vhost, this test is the worker: it
 * takes one message at a time (the broker gives the highest priority first), finishes each photo on its first
 * copy (a later copy is dropped, as a worker drops it) and sends a new one, so photos always wait. It checks that
 * every step sent exactly one copy (none lost, none twice), that no photo was lost and no copy delivered twice,
 * and that aging stops once the video has finished.
 */
@TestPropertySource(properties = "mediaflow.priority-aging=1s")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PriorityAgingTest extends ApiTest {

    private static final int MOST_PHOTOS = 5000;
    private static final int WAITING_PHOTOS = 3;

    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    DatabaseClient db;

    private final String owner = unique("aging");

    @Test
    void aWaitingVideoIsAgedUpOneLevelAtATimeUntilItOvertakesASteadyPhotoStream() {
        JobSubmission video = submission(MediaType.VIDEO, 150);
        int base = PriorityRule.amqpPriority(150);
        assertThat(base).as("a video starts below every photo").isLessThan(PriorityRule.amqpPriority(100));
        submitAndPublish(video);
        Map<UUID, JobSubmission> photos = new HashMap<>();
        for (int i = 0; i < WAITING_PHOTOS; i++) {
            JobSubmission photo = submission(MediaType.PHOTO, 10);
            photos.put(photo.jobId(), photo);
            submitAndPublish(photo);
        }

        // every copy of every photo delivered (a photo that waited long too is aged like the video)
        Map<UUID, Set<Integer>> photoCopies = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        Message videoCopy = null;
        int taken = 0;
        while (videoCopy == null && taken < MOST_PHOTOS) {
            Message message = rabbit.receive(WorkerKind.IMAGE.queue(), 5000);
            assertThat(message).as("photos keep waiting, so the queue is never empty").isNotNull();
            TaskMessage task = Json.read(message.getBody(), TaskMessage.class);
            if (task.jobId().equals(video.jobId())) {
                videoCopy = message;
            } else if (photos.containsKey(task.jobId())) {
                boolean first = !photoCopies.containsKey(task.jobId());
                if (!photoCopies.computeIfAbsent(task.jobId(), id -> new HashSet<>()).add(AmqpMessages.copyOf(message))) {
                    duplicates.add(task.jobId() + " copy " + AmqpMessages.copyOf(message));
                }
                if (first) { // as a worker does: the first copy runs, a later one is dropped
                    taken++;
                    finish(photos.get(task.jobId()));
                    JobSubmission next = submission(MediaType.PHOTO, 10);
                    photos.put(next.jobId(), next);
                    submitAndPublish(next);
                }
            } else {
                TaskQueues.passOver(WorkerKind.IMAGE, message); // another test's
            }
        }

        assertThat(videoCopy).as("the video was delivered while photos were waiting").isNotNull();
        int level = AmqpMessages.copyOf(videoCopy);
        assertThat(level).as("an aged copy, at a photo's priority or above").isGreaterThanOrEqualTo(PriorityRule.amqpPriority(10));
        assertThat(videoCopy.getMessageProperties().getPriority()).isEqualTo(level);
        assertThat(Json.read(videoCopy.getBody(), TaskMessage.class).attempt()).isEqualTo(1);
        assertThat(taken).as("photos went first for a while").isGreaterThan(0);
        finish(video);

        // what is left: the photos that were still waiting, and the video's older copies, one per level
        Set<Integer> olderCopies = new LinkedHashSet<>();
        Set<UUID> leftPhotos = new HashSet<>();
        Message message;
        while ((message = rabbit.receive(WorkerKind.IMAGE.queue(), 3000)) != null) {
            TaskMessage task = Json.read(message.getBody(), TaskMessage.class);
            if (task.jobId().equals(video.jobId())) {
                assertThat(olderCopies.add(AmqpMessages.copyOf(message))).as("each copy sent once").isTrue();
            } else if (photos.containsKey(task.jobId())) {
                if (!photoCopies.containsKey(task.jobId())) {
                    leftPhotos.add(task.jobId());
                }
                if (!photoCopies.computeIfAbsent(task.jobId(), id -> new HashSet<>()).add(AmqpMessages.copyOf(message))) {
                    duplicates.add(task.jobId() + " copy " + AmqpMessages.copyOf(message));
                }
            } else {
                TaskQueues.passOver(WorkerKind.IMAGE, message);
            }
        }
        assertThat(duplicates).as("no copy of a photo delivered twice").isEmpty();
        assertThat(photoCopies.keySet()).as("no photo lost").isEqualTo(photos.keySet());
        assertThat(photoCopies.values()).as("a photo's copies: the first, and one per aging step above its 9")
                .allSatisfy(copies -> assertThat(copies).contains(0).isSubsetOf(0, 10));
        assertThat(leftPhotos).as("photos were still waiting when the video overtook them").isNotEmpty();
        // the first copy (0) and one copy per step from base + 1 to the level just below the delivered one
        Set<Integer> expected = new HashSet<>(List.of(0));
        IntStream.range(base + 1, level).forEach(expected::add);
        assertThat(olderCopies).containsExactlyInAnyOrderElementsOf(expected);

        // the video's job completes, and nothing more of it is aged or published
        assertThat(Rows.of(db, video.jobId(), video.mediaItemId()).job()).containsEntry("status", "completed");
        await().atMost(WAIT).until(() -> agingRows(video.jobId()) == 0);
        Message late = rabbit.receive(WorkerKind.IMAGE.queue(), 5000);
        if (late != null) {
            assertThat(Json.read(late.getBody(), TaskMessage.class).jobId()).isNotEqualTo(video.jobId());
            TaskQueues.passOver(WorkerKind.IMAGE, late);
        }
    }

    @Test
    void aStartedTaskIsNeverAged() {
        JobSubmission video = submission(MediaType.VIDEO, 190);
        submitAndPublish(video);
        apply(taskEvent(EventType.TASK_STARTED, video));
        // three aging periods: the started task stays where it is, with no copy
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> agingRows(video.jobId()) == 0);
        Message first = TaskQueues.receive(rabbit, WorkerKind.IMAGE, video.jobId());
        assertThat(AmqpMessages.copyOf(first)).isZero();
        finish(video);
    }

    private long agingRows(UUID jobId) {
        return db.sql("SELECT count(*) FROM task_aging WHERE job_id = :id").bind("id", jobId)
                .mapValue(Long.class).one().block(WAIT);
    }

    private JobSubmission submission(MediaType type, int priority) {
        UUID jobId = UUID.randomUUID();
        UUID mediaItemId = UUID.randomUUID();
        String ext = type == MediaType.VIDEO ? "mp4" : "jpg";
        return new JobSubmission(jobId, mediaItemId, owner, "f." + ext, type, 1_000_000L, "ab".repeat(32),
                StorageLayout.uploadPath(owner, mediaItemId, ext), StorageLayout.outputDir(owner, mediaItemId),
                List.of(Operation.THUMBNAIL), priority, 3, null, null, 1, Instant.now(), null);
    }

    /** What the gateway does: job.submitted applied, the task published. */
    private void submitAndPublish(JobSubmission submission) {
        apply(JobEvent.submitted(submission));
        for (TaskMessage task : submission.tasks()) {
            rabbit.send(Topology.TASKS_EXCHANGE, task.worker().routingKey(), AmqpMessages.task(task));
        }
    }

    /** What a worker does: started, then succeeded. */
    private void finish(JobSubmission submission) {
        apply(taskEvent(EventType.TASK_STARTED, submission), taskEvent(EventType.TASK_SUCCEEDED, submission)
                .withOutcome(10L, Map.of("thumbnail", VariantResult.of(320, 240, 9_000))));
    }

    private static JobEvent taskEvent(EventType type, JobSubmission s) {
        return new JobEvent(UUID.randomUUID(), type, s.jobId(), s.mediaItemId(), s.owner(), WorkerKind.IMAGE, 1, 1,
                3, Instant.now(), "image-worker-test", null, null, null, null, null);
    }
}
