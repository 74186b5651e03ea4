package dev.mediaflow.queue.job;

import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.Stories;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure state machine, over many more orders than the database tests can afford. */
class TaskTransitionTest {

    @Test
    void anyOrderWithDuplicatesGivesTheSameTaskRowsAndJob() {
        for (Function<Events, List<JobEvent>> story : List.<Function<Events, List<JobEvent>>>of(
                Stories::completed, Stories::failed, Stories::copyFailsWhileTheOriginalSucceeds)) {
            Events e = Events.allOperations("alice");
            List<JobEvent> events = story.apply(e);
            Outcome expected = replay(events);
            Random random = new Random(7);
            for (int i = 0; i < 300; i++) {
                List<JobEvent> mixed = new ArrayList<>(events);
                for (int d = 0; d < 4; d++) {
                    mixed.add(events.get(random.nextInt(events.size())));
                }
                Collections.shuffle(mixed, random);
                assertThat(replay(mixed)).as("order %s", mixed.stream().map(JobEvent::type).toList())
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void movesOnlyForwardWithinARunAndNeverLeavesAFinalState() {
        Events e = Events.allOperations("alice");
        TaskRow started2 = TaskTransition.apply(null, e.started(WorkerKind.IMAGE, 2, 10));

        assertThat(TaskTransition.apply(started2, e.progress(WorkerKind.IMAGE, 1, 90, 5))).isSameAs(started2);
        TaskRow dead = TaskTransition.apply(started2, e.dead(WorkerKind.IMAGE, 2, "gone", 11));
        assertThat(dead.status()).isEqualTo(TaskStatus.DEAD);
        assertThat(dead.lastError()).isEqualTo("gone");
        assertThat(TaskTransition.apply(dead, e.task(EventType.TASK_RETRYING, WorkerKind.IMAGE, 1, 3, 12)))
                .isSameAs(dead);
        assertThat(TaskTransition.apply(dead, e.task(EventType.TASK_CANCELLED, WorkerKind.IMAGE, 1, 3, 12)))
                .isSameAs(dead);
        TaskRow nextRun = TaskTransition.apply(dead, e.task(EventType.TASK_STARTED, WorkerKind.IMAGE, 2, 1, 20));
        assertThat(nextRun.run()).isEqualTo(2);
        assertThat(nextRun.status()).isEqualTo(TaskStatus.STARTED);
        assertThat(nextRun.lastError()).isNull();
    }

    @Test
    void aSuccessOfAnyCopyOfTheRunWinsAndIsNeverLeft() {
        Events e = Events.allOperations("alice");
        TaskRow dead = TaskTransition.apply(null, e.dead(WorkerKind.IMAGE, 3, "copy failed", 10));
        TaskRow succeeded = TaskTransition.apply(dead, e.imageSucceeded(1, 1, 12));
        assertThat(succeeded.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(succeeded.attempt()).isEqualTo(1);
        assertThat(succeeded.progress()).isEqualTo(100);

        for (JobEvent late : List.of(e.dead(WorkerKind.IMAGE, 3, "copy failed", 13),
                e.retrying(WorkerKind.IMAGE, 5, "copy failed", 14), e.started(WorkerKind.IMAGE, 9, 15),
                e.task(EventType.TASK_CANCELLED, WorkerKind.IMAGE, 1, 4, 16))) {
            TaskRow after = TaskTransition.apply(succeeded, late);
            assertThat(after.status()).as(late.type().routingKey()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(after.attempt()).isEqualTo(1);
            assertThat(after.finishedAt()).isEqualTo(succeeded.finishedAt());
        }
        // a success of an older run still changes nothing
        TaskRow run2 = TaskTransition.apply(null, e.task(EventType.TASK_DEAD, WorkerKind.IMAGE, 2, 1, 20));
        assertThat(TaskTransition.apply(run2, e.imageSucceeded(1, 1, 21))).isSameAs(run2);
    }

    @Test
    void aFailedJobWhoseTasksAllSucceededAfterAllIsCompleted() {
        Events e = new Events("alice", List.of(dev.mediaflow.messages.Operation.THUMBNAIL), 3);
        Outcome failedFirst = replay(List.of(e.submitted(), e.dead(WorkerKind.IMAGE, 3, "copy failed", 5)));
        assertThat(failedFirst.job().status()).isEqualTo(JobStatus.FAILED);
        Outcome then = replay(List.of(e.submitted(), e.dead(WorkerKind.IMAGE, 3, "copy failed", 5),
                e.imageSucceeded(1, 1, 6)));
        assertThat(then.job().status()).isEqualTo(JobStatus.COMPLETED);
        // a cancelled job stays cancelled: that was the user's decision
        JobRow cancelled = failedFirst.job().withStatus(JobStatus.CANCELLED);
        assertThat(JobStatusDeriver.derive(cancelled, List.of(then.image())).status()).isEqualTo(JobStatus.CANCELLED);
    }

    private record Outcome(TaskRow image, TaskRow vision, JobRow job) {
    }

    private static Outcome replay(List<JobEvent> events) {
        TaskRow image = null;
        TaskRow vision = null;
        JobRow job = null;
        for (JobEvent event : events) {
            if (event.type() == EventType.JOB_SUBMITTED) {
                var s = event.submission();
                job = new JobRow(s.jobId(), s.mediaItemId(), s.owner(), JobStatus.QUEUED, s.run(), s.priority(), 0,
                        s.maxAttempts(), null, s.operations(), s.projectId(), s.batchId(), s.createdAt(), null, null,
                        null);
            } else if (event.worker() == WorkerKind.IMAGE) {
                image = TaskTransition.apply(image, event);
            } else {
                vision = TaskTransition.apply(vision, event);
            }
            if (job != null) {
                List<TaskRow> tasks = new ArrayList<>();
                if (image != null) {
                    tasks.add(image);
                }
                if (vision != null) {
                    tasks.add(vision);
                }
                job = JobStatusDeriver.derive(job, tasks);
            }
        }
        return new Outcome(image, vision, job);
    }
}
