package dev.mediaflow.queue.support;

import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.WorkerKind;

import java.util.List;

/** Complete event histories of one job, in the order a healthy system emits them. */
public final class Stories {

    private Stories() {
    }

    /** image fails once, then succeeds on attempt 2; vision succeeds at once. */
    public static List<JobEvent> completed(Events e) {
        return List.of(
                e.submitted(),
                e.started(WorkerKind.IMAGE, 1, 1),
                e.started(WorkerKind.VISION, 1, 2),
                e.progress(WorkerKind.IMAGE, 1, 40, 3),
                e.progress(WorkerKind.VISION, 1, 50, 4),
                e.failed(WorkerKind.IMAGE, 1, "decoder crashed", 5),
                e.retrying(WorkerKind.IMAGE, 1, "decoder crashed", 5),
                e.progress(WorkerKind.VISION, 1, 80, 6),
                e.started(WorkerKind.IMAGE, 2, 10),
                e.progress(WorkerKind.IMAGE, 2, 30, 11),
                e.progress(WorkerKind.IMAGE, 2, 70, 12),
                e.imageSucceeded(1, 2, 13),
                e.visionSucceeded(1, 1, 20));
    }

    /** image fails twice (max 2 attempts) and is parked; vision succeeds. */
    public static List<JobEvent> failed(Events e) {
        return List.of(
                e.submitted(),
                e.started(WorkerKind.IMAGE, 1, 1),
                e.started(WorkerKind.VISION, 1, 1),
                e.failed(WorkerKind.IMAGE, 1, "out of memory", 2),
                e.retrying(WorkerKind.IMAGE, 1, "out of memory", 2),
                e.visionSucceeded(1, 1, 3),
                e.started(WorkerKind.IMAGE, 2, 7),
                e.progress(WorkerKind.IMAGE, 2, 10, 8),
                e.failed(WorkerKind.IMAGE, 2, "out of memory again", 9),
                e.dead(WorkerKind.IMAGE, 2, "out of memory again", 9));
    }

    /**
     * Two copies of one image task run at once (a redelivery while the first was still working):
     * the copy that started second fails on every attempt and is declared dead, the first copy
     * succeeds. The success must win in any order.
     */
    public static List<JobEvent> copyFailsWhileTheOriginalSucceeds(Events e) {
        return List.of(
                e.submitted(),
                e.started(WorkerKind.IMAGE, 1, 1),
                e.visionSucceeded(1, 1, 2),
                e.started(WorkerKind.IMAGE, 2, 3),
                e.failed(WorkerKind.IMAGE, 2, "file locked by another copy", 4),
                e.retrying(WorkerKind.IMAGE, 2, "file locked by another copy", 4),
                e.started(WorkerKind.IMAGE, 3, 6),
                e.failed(WorkerKind.IMAGE, 3, "file locked by another copy", 7),
                e.dead(WorkerKind.IMAGE, 3, "file locked by another copy", 7),
                e.imageSucceeded(1, 1, 9));
    }
}
