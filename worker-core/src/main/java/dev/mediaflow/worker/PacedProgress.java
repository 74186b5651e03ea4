package dev.mediaflow.worker;

import java.time.Duration;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * A task's progress steps, passed on at most once per interval: a step that comes sooner after the task's start
 * (or after the last step passed on) is dropped, and the next step, or the task's final event, supersedes it.
 *
 * <p>Why: every step is a confirmed {@code task.progress} event that the worker waits for and queue-service records
 * in a transaction of its own, with its snapshot and live update; a photo's variants reported seven steps in well
 * under a second, most of its events (issue 14, docs/performance.md). A progress bar needs a few updates a second
 * at most, and a task that ends sooner needs none: its final state says it all. Zero passes every step on.
 */
final class PacedProgress implements IntConsumer {

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final IntConsumer publish;
    private long last;

    /** @param nanoClock {@code System::nanoTime}; read now, as the task's start */
    PacedProgress(Duration interval, LongSupplier nanoClock, IntConsumer publish) {
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
        this.publish = publish;
        this.last = nanoClock.getAsLong();
    }

    @Override
    public void accept(int percent) {
        if (intervalNanos <= 0) {
            publish.accept(percent);
            return;
        }
        long now = nanoClock.getAsLong();
        if (now - last >= intervalNanos) {
            last = now;
            publish.accept(percent);
        }
    }
}
