package dev.mediaflow.worker;

import dev.mediaflow.messages.TaskMessage;

import java.nio.file.Path;
import java.util.function.IntConsumer;

/**
 * What a handler gets for one task: resolved paths, a cancellation checkpoint and a progress reporter, which passes
 * a step on only when it is further than the last one (each sent step is a confirmed {@code task.progress} event,
 * and the processor sends at most one per interval: {@link PacedProgress}).
 */
public final class TaskContext implements TaskProgress {

    private final TaskMessage task;
    private final Path input;
    private final Path outputDir;
    private final Runnable checkpoint;
    private final IntConsumer progress;
    private int sent = -1;

    public TaskContext(TaskMessage task, Path input, Path outputDir, Runnable checkpoint, IntConsumer progress) {
        this.task = task;
        this.input = input;
        this.outputDir = outputDir;
        this.checkpoint = checkpoint;
        this.progress = progress;
    }

    public TaskMessage task() {
        return task;
    }

    public Path input() {
        return input;
    }

    /** This attempt's own folder: promoted into {@code processed/<owner>/<mediaItemId>} on success, removed otherwise. */
    public Path outputDir() {
        return outputDir;
    }

    /** @throws TaskCancelledException when the job was cancelled meanwhile */
    public void checkpoint() {
        checkpoint.run();
    }

    public void progress(int percent) {
        int clamped = Math.max(0, Math.min(100, percent));
        if (clamped > sent) {
            sent = clamped;
            progress.accept(clamped);
        }
    }

    @Override
    public void at(int percent) {
        progress(percent);
    }
}
