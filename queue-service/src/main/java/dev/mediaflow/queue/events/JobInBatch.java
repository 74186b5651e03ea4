package dev.mediaflow.queue.events;

import dev.mediaflow.queue.job.TaskRow;
import dev.mediaflow.queue.store.JobForEvent;
import dev.mediaflow.queue.store.JobWithMedia;

import java.util.List;

/**
 * What an event batch read and inserted for one of its jobs, for all its jobs at once, before their events are
 * folded one job after the other ({@link JobEventFold}).
 *
 * @param found    the job as read under its lock ({@code JobStore#findJobsForEvents})
 * @param tasks    its task rows, read and locked with it
 * @param inserted the job inserted for its first {@code job.submitted} when it was not recorded yet, with its media
 *                 item as stored; null otherwise
 */
record JobInBatch(JobForEvent found, List<TaskRow> tasks, JobWithMedia inserted) {
}
